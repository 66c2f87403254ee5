/**
 * The `online` event (browsers and workers) against the real simulator behind its fault proxy: an attempt begun while
 * the network was dead hangs until `connectTimeout`; `online` abandons it and connects afresh at once. Node has no
 * global `online` events: each test installs an EventTarget-backed `addEventListener` on globalThis (restored after).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import { RealtimeManager, type RealtimeManagerOptions, type RealtimeState } from '../../src/realtime/manager.js';
import {
  SIMULATOR_PROFILE_ENV,
  type Simulator,
  parseSimulatorProfile,
  startSimulator,
} from '../../src/simulator/index.js';
import { login, until } from './helpers.js';

type G = { addEventListener?: unknown; removeEventListener?: unknown };
const g = globalThis as G;
const saved = {
  add: Object.getOwnPropertyDescriptor(g, 'addEventListener'),
  remove: Object.getOwnPropertyDescriptor(g, 'removeEventListener'),
};
let target: EventTarget;
let s: Simulator;
let token: string;
const managers: RealtimeManager[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Short heartbeat (as in the chaos tests): a blackholed socket is noticed within 500 + 1000 ms
  s = await startSimulator({ port: 0, tickInterval: 0, network: {}, pingInterval: 500, pingTimeout: 1_000 });
  token = await login(s);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await s.close();
});
beforeEach(() => {
  target = new EventTarget();
  g.addEventListener = target.addEventListener.bind(target);
  g.removeEventListener = target.removeEventListener.bind(target);
});
afterEach(async () => {
  s.network.clearFaults();
  await Promise.all(managers.splice(0).map((m) => m.disconnect()));
  for (const [key, d] of [
    ['addEventListener', saved.add],
    ['removeEventListener', saved.remove],
  ] as const) {
    if (d) Object.defineProperty(g, key, d);
    else delete g[key];
  }
  expect(unhandled.splice(0), 'no unhandled rejection').toEqual([]);
});

const socketConns = () => s.network.connections().filter((c) => c.kind === 'socket');

/** A manager with a long `connectTimeout` (30 s) and supervisor (60 s): only `online` can cut a hanging attempt short. */
function mk(environment: 'node' | 'browser', extra: Partial<RealtimeManagerOptions> = {}) {
  const lines: string[] = [];
  const put = (...a: unknown[]): void => void lines.push(a.map(String).join(' '));
  const logger: Logger = { debug: put, info: put, warn: put, error: put };
  const m = new RealtimeManager({
    token,
    ioBase: s.url,
    environment,
    logger,
    logLevel: 'debug',
    connectTimeout: 30_000,
    supervisorInterval: 60_000,
    reconnectDelay: 50,
    ...extra,
  });
  managers.push(m);
  const states: RealtimeState[] = [];
  const events: string[] = [];
  const counts = { connected: 0, disconnected: 0 };
  m.onStateChange((st) => states.push(st));
  m.onEvent((name) => events.push(name));
  m.addOnConnected(() => void counts.connected++);
  m.addOnDisconnected(() => void counts.disconnected++);
  return { m, lines, states, events, counts };
}

// Browser mode from Node sends no Origin and no x-appversion (a browser adds its Origin itself): a strict simulator
// (the strict-lax project) refuses that handshake with 403, so there only the Node transport runs.
const strict = parseSimulatorProfile(process.env[SIMULATOR_PROFILE_ENV]).strict === true;
const environments = strict ? (['node'] as const) : (['node', 'browser'] as const);

describe.each(environments)('online event (%s transport)', (environment) => {
  // Liveness guard: 15 s is well below connectTimeout (30 s), so passing proves `online` cut the hanging attempt short.
  it('abandons a reconnect attempt hanging in a blackhole and connects afresh at once', {
    timeout: 15_000,
  }, async () => {
    const { m, lines, states, events, counts } = mk(environment);
    await m.connect();
    const firstSid = m.sid();
    // Socket connections when the drop is noticed (synchronously, before the reconnect backoff: later connections
    // are the attempt's own; a browser-mode session may still have been upgrading when the fault began)
    let before = -1;
    m.onStateChange((st) => {
      if (st === 'reconnecting' && before < 0) before = socketConns().length;
    });

    const lift = s.network.fault({ kind: 'blackhole', target: 'socket' });
    await until(() => before >= 0, 'the heartbeat notices the blackholed socket');
    // the reconnect attempt opens a socket connection whose handshake vanishes in the blackhole
    await until(() => socketConns().length > before, 'a reconnect attempt in the blackhole');
    const hanging = socketConns()
      .slice(before)
      .map((c) => c.id);
    expect(m.connected).toBe(false);
    const waiting = m.connect(); // shares the hanging attempt: must get the fresh attempt's result
    lift(); // the hanging handshake's bytes were dropped, not queued: without `online` it waits out connectTimeout

    target.dispatchEvent(new Event('online'));
    await until(() => m.connected, 'connected again after online');
    await waiting;
    expect(socketConns().length).toBeGreaterThan(before + hanging.length);
    expect(m.sid()).not.toBe(firstSid);
    // The abandoned attempt's WebSocket handshake is aborted, not left to time out. (A polling handshake cannot be:
    // engine.io-client defers closing a transport still opening until it opens, so that request lingers.)
    if (environment === 'node') {
      await until(
        () => hanging.every((id) => s.network.connections().find((c) => c.id === id)?.open === false),
        'the abandoned connection closed',
      );
    }
    s.emitRaw('after:online', 1);
    await until(() => events.includes('after:online'), 'a pushed event on the fresh session');
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(counts).toEqual({ connected: 2, disconnected: 1 });
    // the abandoned attempt's failure neither counted nor scheduled a retry
    expect(lines.filter((l) => l.includes('reconnect failed') || l.includes('upstream unavailable'))).toEqual([]);
    expect(lines.some((l) => l.includes('restarting the connect attempt'))).toBe(true);
  });

  it('an attempt abandoned while its token refresh hangs cannot touch the fresh session when the token comes', async () => {
    const release: Array<(t: string) => void> = [];
    const tokenProvider = (): Promise<string> =>
      release.length === 0 ? new Promise<string>((r) => release.push(r)) : Promise.resolve(token);
    const { m, lines, events, counts } = mk(environment, { tokenProvider });
    await m.connect();
    const forced = m.forceReconnect(); // its token refresh hangs
    await until(() => release.length === 1, 'the hanging token refresh');
    target.dispatchEvent(new Event('online'));
    await forced; // settled by the fresh attempt
    expect(m.connected).toBe(true);
    const sid = m.sid();
    release[0]?.(token); // the abandoned run resumes: it must neither tear down nor reinstall anything
    s.emitRaw('after:release', 1);
    await until(() => events.includes('after:release'), 'a pushed event after the late token');
    expect(m.sid()).toBe(sid);
    expect(m.state).toBe('connected');
    expect(counts).toEqual({ connected: 2, disconnected: 1 });
    expect(lines.filter((l) => l.includes('reconnect failed'))).toEqual([]);
  });

  it('online while connected does nothing', async () => {
    const { m, states, events, counts } = mk(environment);
    await m.connect();
    const sid = m.sid();
    const engineSid = m.engineSid();
    target.dispatchEvent(new Event('online')); // a restart would change the state synchronously
    expect(m.state).toBe('connected');
    s.emitRaw('after:online', 1);
    await until(() => events.includes('after:online'), 'a pushed event on the same session');
    expect(m.sid()).toBe(sid);
    expect(m.engineSid()).toBe(engineSid);
    expect(states).toEqual(['connecting', 'connected']);
    expect(counts).toEqual({ connected: 1, disconnected: 0 });
  });
});
