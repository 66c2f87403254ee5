import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError, TimeoutError, isApiError, isExpectedUpstreamUnavailable } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { RealtimeManager, type RealtimeManagerOptions, type RealtimeState } from '../../src/realtime/manager.js';
import type { Simulator } from '../../src/simulator/index.js';
import { DEMO_MODULES, login, sim, until } from './helpers.js';

let s: Simulator;
let token: string;
const managers: RealtimeManager[] = [];

beforeAll(async () => {
  s = await sim();
  token = await login(s);
});
afterAll(async () => {
  await s.close();
});
afterEach(async () => {
  s.faults.clear();
  await Promise.all(managers.splice(0).map((m) => m.disconnect()));
  vi.restoreAllMocks();
});

/** A timer RealtimeManager armed, as {@link managerTimers} saw it. */
interface ArmedTimer {
  ms: number;
  fired: boolean;
  cleared: boolean;
}

/**
 * Records the `setTimeout` timers armed from `src/realtime/manager.ts` (told apart by the call stack), calling
 * through to the real timers: which backoff the manager chose, and whether it is still pending, without a clock.
 */
function managerTimers(): ArmedTimer[] {
  const armed: ArmedTimer[] = [];
  const byHandle = new Map<unknown, ArmedTimer>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
    fn: (...a: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    if (!new Error().stack?.includes('realtime/manager.ts')) return realSet(fn, ms, ...args);
    const t: ArmedTimer = { ms: ms ?? 0, fired: false, cleared: false };
    armed.push(t);
    const handle = realSet(() => {
      t.fired = true;
      fn(...args);
    }, ms);
    byHandle.set(handle, t);
    return handle;
  }) as typeof setTimeout);
  vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((h?: Parameters<typeof clearTimeout>[0]) => {
    const t = byHandle.get(h);
    if (t && !t.fired) t.cleared = true;
    realClear(h);
  }) as typeof clearTimeout);
  return armed;
}

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (...a: unknown[]): void => void lines.push(a.map(String).join(' '));
  return { lines, debug: put, info: put, warn: put, error: put };
}

function mk(opts: Partial<RealtimeManagerOptions> = {}): RealtimeManager {
  const m = new RealtimeManager({
    token,
    ioBase: s.url,
    logLevel: 'silent',
    supervisorInterval: 60_000,
    reconnectDelay: 50,
    ...opts,
  });
  managers.push(m);
  return m;
}

describe('RealtimeManager against the simulator', () => {
  it('connects with the Authorization header; sid() and engineSid() are the namespace and engine SIDs', async () => {
    const m = mk();
    const states: RealtimeState[] = [];
    m.onStateChange((st) => states.push(st));
    expect(m.state).toBe('idle');
    expect(m.sid()).toBeNull();
    await m.connect();
    expect(m.connected).toBe(true);
    const info = s.sockets().find((x) => x.nsSid === m.sid());
    expect(info).toBeDefined();
    expect(info?.engineSid).toBe(m.engineSid());
    expect(m.sid()).not.toBe(m.engineSid());
    expect(info?.authVia).toBe('header');
    expect(info?.tokenTail).toBe(token.slice(-4));
    expect(states).toEqual(['connecting', 'connected']);
    await m.connect(); // idempotent
    expect(s.sockets().filter((x) => x.tokenTail === token.slice(-4)).length).toBe(1);
    await m.disconnect();
    expect(m.state).toBe('closed');
    expect(m.connected).toBe(false);
    await until(() => s.sockets().length === 0, 'server to see the disconnect');
  });

  it('subscribe() sends the four listen emits for sorted unique modules', async () => {
    const m = mk({ groupId: 1201 });
    await m.connect();
    s.stats.reset();
    const mods = [...DEMO_MODULES].reverse();
    await m.subscribe([...mods, mods[0] as string]);
    expect(m.subscribedModules()).toEqual([...DEMO_MODULES].sort());
    await until(() => s.stats.count('WS activity listen') === 2, 'listen emits');
    expect(s.stats.count('WS listen')).toBe(2);
    expect(s.sockets()[0]?.listening).toEqual([...DEMO_MODULES].sort());
    s.stats.reset();
    await m.resubscribe();
    await until(() => s.stats.count('WS activity listen') === 2, 'repeated listen emits');
    expect(s.stats.count('WS listen')).toBe(2);
  });

  it('forwards every event to each onEvent handler exactly once; numeric task ids under their names', async () => {
    const m = mk();
    const seen: Array<[string, unknown]> = [];
    const second: string[] = [];
    const off = m.onEvent((name, payload) => seen.push([name, payload]));
    m.onEvent(() => {
      throw new Error('a broken handler must not stop the others');
    });
    m.onEvent((name) => second.push(name));
    await m.connect();
    s.emitRaw('60', { task: 1 });
    s.emitRaw('61', { task: 2 });
    s.emitRaw('63', { task: 3 });
    s.emitRaw('22', { devid: 'X' });
    s.emitRaw('custom:event', [1, 2]);
    s.emitRaw('constructor', 'an event named like an Object.prototype key');
    s.emitRaw('last', null);
    await until(() => seen.length >= 7 && second.length >= 7, 'events');
    const expected: Array<[string, unknown]> = [
      ['app:module:task:status:changed', { task: 1 }],
      ['app:module:task:created', { task: 2 }],
      ['app:module:task:completed', { task: 3 }],
      ['22', { devid: 'X' }],
      ['custom:event', [1, 2]],
      ['constructor', 'an event named like an Object.prototype key'],
      ['last', null],
    ];
    expect(seen).toEqual(expected);
    expect(second).toEqual(expected.map(([n]) => n));
    off();
    s.emitRaw('custom:event', 1);
    await until(() => second.length === 8, 'the event after unsubscribe');
    expect(seen).toHaveLength(7);
  });

  it('reconnects promptly after a server drop, once-per-outage callbacks, new SIDs, no listener growth', async () => {
    const m = mk();
    let down = 0;
    let up = 0;
    m.addOnDisconnected(() => void down++);
    m.addOnConnected(() => void up++);
    await m.connect();
    await until(() => up === 1, 'first onConnected');
    const listeners = m.listenerCount();
    const timers = managerTimers();
    for (let round = 1; round <= 3; round++) {
      const before = m.sid();
      s.faults.dropAllSockets();
      await until(() => up === round + 1, `reconnect #${round}`);
      // promptly: the backoff after a drop is reconnectDelay (50 ms, equal jitter), not the 60 s supervisor interval
      expect(timers.filter((t) => t.fired).map((t) => t.ms >= 25 && t.ms <= 50)).toEqual(Array(round).fill(true));
      expect(down).toBe(round);
      expect(m.connected).toBe(true);
      expect(m.sid()).not.toBe(before);
      expect(s.sockets().map((x) => x.nsSid)).toEqual([m.sid()]);
    }
    expect(m.listenerCount()).toBe(listeners);
  });

  it('asks the token provider on reconnect and logs in again after the server rejects the token', async () => {
    const hints: boolean[] = [];
    const m = mk({
      tokenProvider: async (hint) => {
        hints.push(hint?.rejected === true);
        return hint?.rejected ? login(s) : token;
      },
    });
    await m.connect();
    s.expireTokens();
    s.faults.dropAllSockets();
    await until(() => m.connected && hints.includes(true), 'reconnect with a fresh token');
    expect(hints[0]).toBe(false); // first attempt: cached token, refused as unauthorized
    const tail = s.sockets()[0]?.tokenTail;
    expect(tail).toBeDefined();
    expect(tail).not.toBe(token.slice(-4));
    token = await login(s); // later tests need a valid token
  });

  it('retries refused handshakes (HTTP 503) with a growing backoff, logged as expected upstream outage', async () => {
    const log = capture();
    const m = mk({ reconnectDelay: 100, logger: log, logLevel: 'info' });
    await m.connect();
    s.stats.reset();
    s.faults.refuseHandshakes(3, { status: 503 });
    const timers = managerTimers();
    s.faults.dropAllSockets();
    await until(() => m.connected && s.stats.count('WS refused') === 3, 'reconnect after three refusals', 8_000);
    // equal jitter: 100 · 2^failures, drawn from [d/2, d], before each of the four attempts
    const waits = timers.filter((t) => t.fired).map((t) => t.ms);
    expect(waits).toHaveLength(4);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((100 * 2 ** i) / 2);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
    const warns = log.lines.filter((l) => l.includes('upstream unavailable'));
    expect(warns).toHaveLength(3);
    expect(log.lines.join('\n')).not.toContain(token);
  });

  it('the supervisor reconnects even when prompt reconnects keep failing long', async () => {
    const m = mk({ reconnectDelay: 5_000, supervisorInterval: 150 });
    await m.connect();
    s.faults.refuseHandshakes(1);
    s.faults.dropAllSockets();
    // prompt retry is 2.5–5 s away; the 150 ms supervisor gets there first
    await until(() => m.connected, 'supervisor reconnect', 2_000);
  });

  it('forceReconnect() replaces the session', async () => {
    const m = mk();
    let down = 0;
    m.addOnDisconnected(() => void down++);
    await m.connect();
    const sid = m.sid();
    await m.forceReconnect();
    expect(m.connected).toBe(true);
    expect(m.sid()).not.toBe(sid);
    expect(down).toBe(1);
    await until(() => s.sockets().length === 1, 'old socket gone on the server');
  });

  it('disconnect() during an outage stops every retry', async () => {
    const m = mk({ reconnectDelay: 50 });
    await m.connect();
    const timers = managerTimers();
    const refused = s.stats.count('WS refused');
    s.faults.refuseHandshakes(1000, { status: 502 });
    s.faults.dropAllSockets();
    await until(() => s.stats.count('WS refused') >= refused + 2, 'refused retries');
    expect(timers.length).toBeGreaterThan(0);
    await m.disconnect();
    // no further attempts: every backoff timer the manager armed has fired or was cleared, none is left to fire
    expect(timers.filter((t) => !t.fired && !t.cleared)).toEqual([]);
    expect(m.state).toBe('closed');
    expect(s.sockets()).toEqual([]);
  });
});

describe('RealtimeManager first-connect failures', () => {
  it('a 503 handshake rejects with an ApiError recognised as an expected upstream outage, token-free', async () => {
    s.faults.refuseHandshakes(1, { status: 503 });
    const m = mk();
    const err = await m.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(isApiError(err)).toBe(true);
    expect((err as ApiError).status).toBe(503);
    expect(isExpectedUpstreamUnavailable(err)).toBe(true);
    expect(JSON.stringify(err)).not.toContain(token);
    expect(String((err as Error).message)).not.toContain(token);
    expect(m.state).toBe('idle');
    await m.connect(); // a later attempt may succeed
    expect(m.connected).toBe(true);
  });

  it('an invalid token rejects with ApiError 401 (not an upstream outage)', async () => {
    const bad = 'eyJhbGciOiJIUzI1NiJ9.not-a-real-token.sig';
    const m = mk({ token: bad });
    const err = await m.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(isExpectedUpstreamUnavailable(err)).toBe(false);
    expect(JSON.stringify(err) + String(err)).not.toContain(bad);
  });

  it('a refused namespace join rejects with a NetworkError', async () => {
    s.faults.refuseHandshakes(1);
    const m = mk();
    await expect(m.connect()).rejects.toBeInstanceOf(NetworkError);
  });

  it('a join that does not complete within connectTimeout rejects with a TimeoutError', async () => {
    s.faults.delayAcks(2_000);
    const m = mk({ connectTimeout: 150 });
    const joins = s.stats.count('WS join delayed');
    // before the join completes: the simulator still holds it (a late join would resolve connect() instead)
    await expect(m.connect()).rejects.toBeInstanceOf(TimeoutError);
    expect(s.stats.count('WS join delayed')).toBe(joins + 1);
  });
});

describe('RealtimeManager cancellation', () => {
  it('disconnect() during a pending join settles connect() at once instead of waiting for the timeout', async () => {
    s.faults.delayAcks(5_000);
    const m = mk({ connectTimeout: 10_000 });
    let settled = false;
    const joins = s.stats.count('WS join delayed');
    const p = m
      .connect()
      .then(
        () => 'joined',
        (e: unknown) => e,
      )
      .finally(() => {
        settled = true;
      });
    await until(() => s.stats.count('WS join delayed') > joins, 'the join held by the simulator');
    await m.disconnect();
    await new Promise((r) => setImmediate(r)); // one turn of the event loop, not the 5 s join or the 10 s timeout
    expect(settled).toBe(true);
    const res = await p;
    expect(res).toBeInstanceOf(Error);
    expect(m.state).toBe('closed');
  });
});
