/**
 * Network chaos (issue [chaos], scenarios 1–4): the real client, gateway and catalog against the simulator behind its
 * fault proxy (`network: {}`, docs/SIMULATOR.md "Network faults"). Timings are printed as `[chaos] …` lines (the
 * figures of docs/RELIABILITY.md, "Network faults"), never asserted tightly: upper bounds are only liveness guards.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { BragerOneApiClient } from '../../src/client.js';
import { NetworkError, TimeoutError } from '../../src/errors.js';
import type { CloudSessionConnectivity } from '../../src/live/gateway-types.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import {
  DEMO_MODULES,
  DEMO_OBJECT_ID,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.js';
import { DEMO } from '../helpers/sim.js';
import { sorted, until, within } from './helpers.js';
import { type CaptureLogger, captureLogger } from '../helpers/logger.js';
import { startScaledGateway } from '../helpers/gateway.js';

const [A, B] = DEMO_MODULES as [string, string];
/**
 * Short Engine.IO heartbeat: a half-open socket shows within 500 + 1000 ms. The server's `pingTimeout` is not shorter:
 * on a loaded machine an event-loop pause of a few hundred ms would otherwise drop healthy sockets.
 */
const PING = { pingInterval: 500, pingTimeout: 1_000 } as const;
const sims: Simulator[] = [];
const cleanup: Array<() => Promise<void>> = [];
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
process.on('unhandledRejection', onUnhandled);

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  for (const s of sims) s.network.clearFaults();
  expect(unhandled, 'no unhandled rejection').toEqual([]);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(sims.map((s) => s.close()));
});

async function chaosSim(extra: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ tickInterval: 0, network: {}, requestLogLimit: 10_000, ...PING, ...extra });
  sims.push(s);
  return s;
}

function client(s: Simulator, extra: ConstructorParameters<typeof BragerOneApiClient>[0] = {}): BragerOneApiClient {
  const c = new BragerOneApiClient({
    server: s.server,
    logLevel: 'silent',
    credsProvider: () => ({ ...DEMO }),
    ...extra,
  });
  cleanup.push(() => c.close());
  return c;
}

/** Prints one measured figure (copied into docs/RELIABILITY.md). */
function figure(text: string): void {
  console.log(`[chaos] ${text}`);
}

const same = (gw: BragerOneGateway, s: Simulator, devid: string): boolean =>
  JSON.stringify(sorted(gw.params(devid).flatten())) === JSON.stringify(sorted(s.values(devid)));

/** A started gateway for A and B with cadences scaled down (supervisor 300 ms, reconnect after 50 ms). */
async function gateway(s: Simulator) {
  const sessions: Array<CloudSessionConnectivity & { at: number }> = [];
  const { gw, api, log } = await startScaledGateway({
    server: s.server,
    modules: [A, B],
    logLevel: 'debug',
    pollInterval: 0,
    onStop: (stop) => cleanup.push(stop),
    before: (g) => g.onCloudSession((c) => sessions.push({ ...c, at: performance.now() })),
    primeWithin: 5_000,
  });
  return { gw, api, log, sessions };
}

/**
 * The retries the transport scheduled, from its debug log (`<call>: retry 1 in 200 ms`). It logs each one when it
 * decides to retry, before the wait, so once a call has settled an empty list means nothing will be re-sent.
 */
const retries = (log: CaptureLogger): string[] => log.lines.filter((l) => / retry \d+ in \d+ ms/.test(l));

const socketConn = (s: Simulator) => s.network.connections().filter((c) => c.kind === 'socket' && c.open);

describe('scenario 1: half-open socket', () => {
  it('a blackholed socket (REST fine) is detected by the heartbeat; reconnect, re-bind and re-prime restore every value changed meanwhile', async () => {
    const s = await chaosSim();
    const { gw, api, sessions } = await gateway(s);
    await until(() => socketConn(s).length === 1, 'one socket connection');
    const [sock] = socketConn(s);
    const c0 = {
      connect: s.stats.count('WS connect'),
      bind: s.stats.count('POST /v1/modules/connect'),
      prime: s.stats.count('POST /v1/modules/parameters'),
    };
    let learnedAt = -1;
    gw.params(A).on((key, value) => {
      if (key === 'P4.v8' && value === 66 && learnedAt < 0) learnedAt = performance.now();
    });
    const t0 = performance.now();
    // a NAT entry dies: this connection's bytes vanish both ways, no RST; new connections work
    s.network.fault({ kind: 'blackhole', target: { connection: sock?.id ?? -1 } });
    s.setParam(A, 'P4.v8', 66);
    s.setParam(B, 'P4.v8', 215);
    s.tick();
    // REST is unaffected during the blackout
    expect((await api.getSystemVersion()).version).toBeTruthy();
    await until(() => s.network.stats().droppedBytes > 0, 'pushes dropped');
    await until(() => sessions.some((x) => !x.up), 'half-open socket detected', 20_000);
    const downAt = sessions.find((x) => !x.up)?.at ?? 0;
    const detected = downAt - t0;
    await until(() => gw.wsSessionUp() && same(gw, s, A) && same(gw, s, B), 'stores equal the simulator', 20_000);
    const recovered = performance.now() - t0;
    expect(gw.params(A).get('P4.v8')).toBe(66);
    expect(gw.params(B).get('P4.v8')).toBe(215);
    expect(learnedAt, 'the change made during the blackout arrived only after the reconnect').toBeGreaterThan(downAt);
    expect(s.stats.count('WS connect')).toBeGreaterThan(c0.connect);
    expect(s.stats.count('POST /v1/modules/connect'), 're-bound').toBeGreaterThan(c0.bind);
    expect(s.stats.count('POST /v1/modules/parameters'), 're-primed').toBeGreaterThan(c0.prime);
    // live on the new socket
    s.setParam(A, 'P4.v8', 67);
    await until(() => gw.params(A).get('P4.v8') === 67, 'a delta after recovery');
    figure(
      `half-open socket (one connection blackholed): detected ${detected.toFixed(0)} ms, stores equal ${recovered.toFixed(0)} ms after the fault (pingInterval ${PING.pingInterval} + pingTimeout ${PING.pingTimeout} ms)`,
    );
  });

  it('every socket blackholed (new handshakes vanish too): the gateway keeps trying, then converges once lifted', async () => {
    const s = await chaosSim();
    const { gw, sessions } = await gateway(s);
    const handshakes = s.network.connections().filter((c) => c.kind === 'socket').length;
    const t0 = performance.now();
    const lift = s.network.fault({ kind: 'blackhole', target: 'socket' });
    s.setParam(A, 'P4.v8', 70);
    await until(() => sessions.some((x) => !x.up), 'detected', 20_000);
    const detected = (sessions.find((x) => !x.up)?.at ?? 0) - t0;
    // the outage lasts: reconnect attempts vanish in the blackhole, and it keeps trying
    await until(
      () => s.network.connections().filter((c) => c.kind === 'socket').length >= handshakes + 2,
      'two reconnect attempts in the blackhole',
      20_000,
    );
    s.setParam(B, 'P4.v8', 216);
    const t1 = performance.now();
    lift();
    await until(() => gw.wsSessionUp() && same(gw, s, A) && same(gw, s, B), 'stores equal the simulator', 20_000);
    const recovered = performance.now() - t1;
    expect([gw.params(A).get('P4.v8'), gw.params(B).get('P4.v8')]).toEqual([70, 216]);
    expect(sorted(s.values(A))).toEqual(sorted(gw.params(A).flatten()));
    figure(
      `socket blackholed for two reconnect attempts (all socket connections): detected ${detected.toFixed(0)} ms, stores equal ${recovered.toFixed(0)} ms after the lift (connectTimeout 2000 ms)`,
    );
  });
});

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>, what: string): Promise<unknown> {
  return p.then(
    () => {
      throw new Error(`${what} resolved`);
    },
    (e: unknown) => e,
  );
}

describe('scenario 2: reset mid-response', () => {
  it('a REST answer cut by an RST rejects with a NetworkError and is not retried', async () => {
    const s = await chaosSim();
    const log = captureLogger();
    const c = client(s, { logger: log, logLevel: 'debug' });
    await c.ensureAuth();
    const full = JSON.stringify(
      await c.modulesParametersPrime([A, B], { returnData: true }).then((r) => r.data),
    ).length;
    expect(full).toBeGreaterThan(2_000);
    const before = s.stats.count('POST /v1/modules/parameters');
    // after the status line and headers, in the middle of the body
    const lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 1_000 });
    const t0 = performance.now();
    const err = await rejection(c.modulesParametersPrime([A, B], { returnData: true }), 'prime');
    const detected = performance.now() - t0;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/POST \/modules\/parameters|network error/);
    expect(retries(log), 'no retry scheduled').toEqual([]);
    expect(s.stats.count('POST /v1/modules/parameters'), 'sent once, not retried').toBe(before + 1);
    expect(s.network.stats().resets).toBeGreaterThanOrEqual(1);
    lift();
    // the next call works (a fresh connection)
    const t1 = performance.now();
    expect((await c.modulesParametersPrime([A, B], { returnData: true })).status).toBe(200);
    figure(
      `REST answer reset mid-body: NetworkError after ${detected.toFixed(0)} ms, not retried; next call answered in ${(performance.now() - t1).toFixed(0)} ms`,
    );
  });

  it('a connection reset before the request arrives: NetworkError, nothing reached the cloud', async () => {
    const s = await chaosSim();
    const c = client(s);
    await c.ensureAuth();
    const before = s.stats.total();
    s.network.fault({ kind: 'reset', target: 'rest' });
    expect(await rejection(c.getUser(), 'getUser')).toBeInstanceOf(NetworkError);
    expect(s.stats.total()).toBe(before);
  });

  it('getBytes retries a cut asset (the contract) and returns the whole body; persistent cuts give a NetworkError after 3 attempts', async () => {
    const s = await chaosSim();
    const c = client(s);
    const url = `${s.url}/assets/${s.webApp.indexName}`;
    const route = `GET /assets/${s.webApp.indexName}`;
    const whole = s.webApp.text(s.webApp.indexName) ?? '';
    expect(whole.length).toBeGreaterThan(4_000);
    const count = () => s.stats.requests.filter((r) => r.path.startsWith(`/assets/${s.webApp.indexName}`)).length;
    const lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 2_000 });
    const err = await rejection(c.getBytes(url), 'getBytes');
    expect(err).toBeInstanceOf(NetworkError);
    expect(count(), `${route}: first attempt + 2 retries`).toBe(3);
    // one cut, then the link is fine: the retry brings the whole body
    const n0 = count();
    const resets0 = s.network.stats().resets;
    const t0 = performance.now();
    const got = c.getBytes(`${url}?again=1`);
    await until(() => s.network.stats().resets > resets0, 'the first attempt was cut');
    const detected = performance.now() - t0;
    lift();
    expect(new TextDecoder().decode(await got)).toBe(whole);
    // one cut, then a clean retry (a second cut only if the lift came later than the 200 ms backoff)
    expect(count() - n0).toBeGreaterThanOrEqual(2);
    expect(count() - n0).toBeLessThanOrEqual(3);
    figure(
      `asset reset mid-body (getBytes): cut noticed after ${detected.toFixed(0)} ms, whole body after ${(performance.now() - t0).toFixed(0)} ms (${count() - n0 - 1} retry)`,
    );
  });

  it('a command whose answer is cut: sent exactly once; the caller gets a NetworkError and learns the outcome from the live store', async () => {
    const s = await chaosSim();
    const { gw, api, log } = await gateway(s);
    const writes = () => s.stats.count('POST /v1/module/command');
    // 1. reset before the request leaves: nothing was sent, the value stays
    const w0 = writes();
    let lift = s.network.fault({ kind: 'reset', target: 'rest' });
    expect(
      await rejection(api.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 61 }), 'command 1'),
    ).toBeInstanceOf(NetworkError);
    lift();
    expect(writes()).toBe(w0);
    expect(s.getParam(A, 'P4.v8')).not.toBe(61);
    // 2. the request arrived, its answer is cut after the status line: applied once, the caller only knows "network error"
    lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 12 });
    const t0 = performance.now();
    const err = await rejection(api.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 62 }), 'command 2');
    const detected = performance.now() - t0;
    expect(err).toBeInstanceOf(NetworkError);
    lift();
    // the socket was not affected: the applied value arrives as a delta, which is how the caller learns the outcome
    await until(() => gw.params(A).get('P4.v8') === 62, 'the delta of the applied command');
    const learned = performance.now() - t0;
    expect(retries(log), 'never re-sent by the SDK').toEqual([]);
    expect(writes(), 'sent once').toBe(w0 + 1);
    expect(s.getParam(A, 'P4.v8')).toBe(62);
    figure(
      `command answer reset: NetworkError after ${detected.toFixed(0)} ms, applied once; the live store showed the value ${learned.toFixed(0)} ms after the call (commandDelay 50 ms)`,
    );
    // a raw command the same way
    const raw0 = s.stats.count('POST /v1/module/command/raw');
    lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 12 });
    expect(
      await rejection(api.moduleCommandRaw({ devid: A, command: 'PING', value: 1 }), 'raw command'),
    ).toBeInstanceOf(NetworkError);
    lift();
    expect(retries(log)).toEqual([]);
    await until(() => s.stats.count('POST /v1/module/command/raw') > raw0, 'the raw command at the simulator');
    expect(s.stats.count('POST /v1/module/command/raw')).toBe(raw0 + 1);
  });

  it('a large catalog asset cut mid-body: the catalog keeps its previous good snapshot, and switches once the asset loads', {
    timeout: 90_000,
  }, async () => {
    const s = await chaosSim({ webApp: { scale: 1 } });
    const api = client(s);
    const log = captureLogger();
    const api2 = client(s, { logger: log, logLevel: 'warn' });
    const good = await loadCatalog({ api, persist: false });
    const snapshot = JSON.stringify(good.toJSON());
    const oldFp = good.fingerprint;
    const newIndex = s.webApp.publish();
    const size = s.webApp.text(newIndex)?.length ?? 0;
    expect(size).toBeGreaterThan(1_000_000);
    const resets0 = s.network.stats().resets;
    const lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 300_000 });
    // a restart with the stored snapshot while the new build's index is cut on every attempt
    const t0 = performance.now();
    const restarted = await loadCatalog({ api: api2, snapshot: JSON.parse(snapshot), persist: false });
    const fellBack = performance.now() - t0;
    expect(restarted.fingerprint).toBe(oldFp);
    expect(log.text()).toMatch(/using the stored snapshot/);
    // the running catalog: refresh finds nothing loadable and keeps serving the old build
    expect(await good.refresh()).toBeNull();
    expect(good.fingerprint).toBe(oldFp);
    expect(JSON.stringify(good.toJSON())).toBe(snapshot);
    expect(s.network.stats().resets - resets0, 'cut on every attempt').toBeGreaterThanOrEqual(3);
    const described = await good.describe(['PARAM_P4_8']);
    expect(described.get('PARAM_P4_8')?.label).toBeTruthy();
    lift();
    const change = await good.refresh();
    expect(change).toMatchObject({ previous: oldFp, applied: true });
    expect(good.fingerprint).toContain(newIndex);
    figure(
      `${(size / 1e6).toFixed(1)} MB index reset after 300 kB on every attempt: loadCatalog fell back to the stored snapshot after ${fellBack.toFixed(0)} ms (3 attempts); switched once the asset loaded`,
    );
  });
});

describe('scenario 3: stall, then resume', () => {
  it('a REST call stalled for less than `timeout` completes, sent once', async () => {
    const s = await chaosSim();
    const c = client(s, { timeout: 3_000 });
    await c.ensureAuth();
    const before = s.stats.count('GET /v1/objects');
    s.network.fault({ kind: 'stall', target: 'rest', ms: 600 });
    const t0 = performance.now();
    const objects = await within(c.getObjects(), 10_000, 'stalled getObjects');
    const took = performance.now() - t0;
    expect(objects.map((o) => o.id)).toContain(DEMO_OBJECT_ID);
    expect(s.stats.count('GET /v1/objects')).toBe(before + 1);
    expect(s.network.stats().droppedBytes).toBe(0);
    figure(`REST stalled 600 ms (timeout 3000 ms): answered after ${took.toFixed(0)} ms, no error`);
  });

  it('stalled beyond `timeout`: TimeoutError; the late answer is ignored and the next call is fine', async () => {
    const s = await chaosSim();
    const c = client(s, { timeout: 400 });
    await c.ensureAuth();
    const users = s.stats.count('GET /v1/user');
    const lift = s.network.fault({ kind: 'stall', target: 'rest', ms: 60_000 });
    const t0 = performance.now();
    const err = await within(rejection(c.getUser(), 'getUser'), 10_000, 'stalled getUser');
    const detected = performance.now() - t0;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/timed out after 400 ms/);
    // the stall ends: the queued request still reaches the cloud, whose answer has no one to go to
    lift();
    await until(() => s.stats.count('GET /v1/user') === users + 1, 'the late request arrives');
    const objects = await c.getObjects();
    expect(
      objects.map((o) => o.id),
      'the next call gets its own answer',
    ).toContain(DEMO_OBJECT_ID);
    expect(await c.getUser()).toMatchObject({ email: DEMO.email });
    expect(c.stats).toMatchObject({ inFlight: 0, queued: 0 });
    figure(
      `REST stalled past timeout 400 ms: TimeoutError after ${detected.toFixed(0)} ms; next call fine at once after the stall`,
    );
  });

  it('a command stalled past `timeout`: TimeoutError, yet it may still arrive late: the live store tells the outcome', async () => {
    const s = await chaosSim();
    const { gw, api, log } = await gateway(s);
    const writes = s.stats.count('POST /v1/module/command');
    const lift = s.network.fault({ kind: 'stall', target: 'rest', ms: 60_000 });
    const err = await within(
      rejection(api.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 63, timeout: 300 }), 'command'),
      10_000,
      'command',
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(s.stats.count('POST /v1/module/command')).toBe(writes);
    lift();
    await until(() => gw.params(A).get('P4.v8') === 63, 'the late command applied and pushed');
    expect(retries(log), 'no retry scheduled').toEqual([]);
    expect(s.stats.count('POST /v1/module/command'), 'sent once: the SDK never re-sends').toBe(writes + 1);
  });

  it('a socket stalled for less than the heartbeat window (500 ms < pingTimeout): no reconnect, deltas arrive in order after the stall', async () => {
    const s = await chaosSim();
    const { gw, sessions } = await gateway(s);
    const connects = s.stats.count('WS connect');
    const seen: unknown[] = [];
    gw.params(A).on((key, value) => {
      if (key === 'P4.v8') seen.push(value);
    });
    s.network.fault({ kind: 'stall', target: 'socket', ms: 500 });
    for (const v of [50, 51, 52, 53]) s.setParam(A, 'P4.v8', v);
    await until(() => seen.at(-1) === 53, 'deltas after the stall');
    expect(seen).toEqual([50, 51, 52, 53]);
    expect(s.stats.count('WS connect')).toBe(connects);
    expect(sessions.filter((x) => !x.up)).toEqual([]);
  });

  it('a socket stalled past the heartbeat window: detected, reconnected; the stale bytes of the old session are ignored', async () => {
    const s = await chaosSim();
    const { gw, sessions } = await gateway(s);
    const [old] = socketConn(s);
    const t0 = performance.now();
    const lift = s.network.fault({ kind: 'stall', target: { connection: old?.id ?? -1 }, ms: 60_000 });
    s.setParam(A, 'P4.v8', 44); // queued on the stalled connection
    await until(() => sessions.some((x) => !x.up), 'stall detected', 20_000);
    const detected = (sessions.find((x) => !x.up)?.at ?? 0) - t0;
    await until(() => gw.wsSessionUp() && same(gw, s, A) && same(gw, s, B), 'stores equal the simulator', 20_000);
    const recovered = performance.now() - t0;
    s.setParam(A, 'P4.v8', 45);
    await until(() => gw.params(A).get('P4.v8') === 45, 'live on the new socket');
    // the old connection resumes: what was queued on it (44) must not overwrite the newer value
    lift();
    // the proxy closes the old connection only after delivering (or dropping) everything queued on it
    await until(
      () => s.network.connections().find((c) => c.id === old?.id)?.open === false,
      'the old connection flushed and closed',
      10_000,
    );
    expect(gw.params(A).get('P4.v8')).toBe(45);
    expect(same(gw, s, A)).toBe(true);
    figure(
      `socket stalled (one connection): detected ${detected.toFixed(0)} ms, stores equal ${recovered.toFixed(0)} ms after the stall began`,
    );
  });
});

/** 50 000 parameters: pool P4, indices 1…10 000, channels v, s, u, n, x (bare scalars, as a controller primes them). */
function bigParams(): Record<string, Record<string, number>> {
  const p4: Record<string, number> = {};
  for (let i = 1; i <= 10_000; i++) {
    p4[`v${i}`] = i % 97;
    p4[`s${i}`] = 0;
    p4[`u${i}`] = 1;
    p4[`n${i}`] = 0;
    p4[`x${i}`] = 1_000;
  }
  return { P4: p4 };
}

const BIG = 'BIG0000001';
const BIG_ACCOUNT = {
  email: 'big@bragerone.local',
  password: 'big',
  objects: [{ id: 900, name: 'Big plant', modules: [{ devid: BIG, params: bigParams() }] }],
};
const RATE = 20_000;

describe('scenario 4: bandwidth limit of 20 kB/s', () => {
  it('a catalog cold load completes; a command issued meanwhile is answered before it is done', async () => {
    const s = await chaosSim();
    const c = client(s);
    await c.ensureAuth();
    s.network.fault({ kind: 'bandwidth', bytesPerSecond: RATE });
    const down0 = s.network.stats().bytesDown;
    const t0 = performance.now();
    let coldDone = false;
    const cold = (async () => {
      const cat = await loadCatalog({ api: c, persist: false });
      const panels = await cat.panels(0);
      const described = await cat.describe(panels.flatMap((p) => p.symbols));
      return { cat, panels, described };
    })().finally(() => {
      coldDone = true;
    });
    await until(
      () => s.stats.requests.some((r) => r.path.startsWith('/assets/index-')),
      'the index download started',
      20_000,
    );
    const writes = s.stats.count('POST /v1/module/command');
    await within(
      c.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 60 }),
      60_000,
      'command during the cold load',
    );
    expect(coldDone, 'the command did not wait for the catalog').toBe(false);
    expect(s.stats.count('POST /v1/module/command')).toBe(writes + 1);
    const { panels, described } = await within(cold, 120_000, 'catalog cold load');
    const took = performance.now() - t0;
    const bytes = s.network.stats().bytesDown - down0;
    expect(panels.length).toBeGreaterThan(0);
    expect(described.get('PARAM_P4_8')?.label).toBeTruthy();
    figure(
      `catalog cold load (loadCatalog + panels + describe) at 20 kB/s: ${(bytes / 1000).toFixed(0)} kB in ${(took / 1000).toFixed(1)} s; a command issued meanwhile answered first`,
    );
  });

  it('a 50 000-parameter prime completes (the body keeps moving, so `timeout` does not fire); REST calls meanwhile are not starved; the socket survives', {
    timeout: 180_000,
  }, async () => {
    const s = await chaosSim({ includeDemo: false, accounts: [BIG_ACCOUNT] });
    expect(Object.keys(s.values(BIG)).length).toBe(50_000);
    const log = captureLogger();
    const api = new BragerOneApiClient({
      server: s.server,
      logger: log,
      logLevel: 'warn',
      credsProvider: () => ({ email: BIG_ACCOUNT.email, password: BIG_ACCOUNT.password }),
    });
    const gw = new BragerOneGateway({
      api,
      ownsApi: true,
      objectId: 900,
      modules: [BIG],
      connectivityPollInterval: 0,
      realtime: { supervisorInterval: 300, reconnectDelay: 50, connectTimeout: 10_000 },
    });
    cleanup.push(() => gw.stop());
    const sessions: CloudSessionConnectivity[] = [];
    gw.onCloudSession((x) => sessions.push(x));
    await api.ensureAuth();
    s.network.fault({ kind: 'bandwidth', bytesPerSecond: RATE });
    const down0 = s.network.stats().bytesDown;
    const t0 = performance.now();
    let primed = false;
    const started = gw
      .start()
      .then(() => gw.waitForPrime(170_000))
      .then((ok) => {
        primed = true;
        return ok;
      });
    await until(() => s.stats.count('POST /v1/modules/parameters') === 1, 'the prime was requested', 60_000);
    // REST calls while the prime's body crawls over the shared link: each answered before the prime completes
    const order: string[] = [];
    await Promise.all([
      api.getUser().then(() => order.push('getUser')),
      api.getModules(900).then(() => order.push('getModules')),
      api.moduleCommand({ devid: BIG, pool: 'P4', parameter: 'v8', value: 61 }).then(() => order.push('command')),
    ]);
    expect(primed, 'the calls were not starved by the prime').toBe(false);
    // (a delta of the command may be in the store already; the prime's 50 000 values are not)
    expect(Object.keys(gw.params(BIG).flatten()).length, 'answered before the first prime landed').toBeLessThan(10);
    expect(order.sort()).toEqual(['command', 'getModules', 'getUser']);
    expect(await within(started, 170_000, 'the prime')).toBe(true);
    const took = performance.now() - t0;
    const bytes = s.network.stats().bytesDown - down0;
    await until(() => same(gw, s, BIG), 'the store equals the simulator (50 000 values)', 30_000);
    expect(gw.params(BIG).get('P4.v8')).toBe(61);
    // start-up primes twice by design (the early prime, then the one closing the prime/listen race): 2 × the body
    expect(s.stats.count('POST /v1/modules/parameters'), 'the two start-up primes, no retry').toBe(2);
    expect(log.entries.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(
      sessions.filter((x) => !x.up),
      'the socket stayed up on the slow link',
    ).toEqual([]);
    figure(
      `gateway start with a 50 000-parameter module at 20 kB/s: ${(bytes / 1000).toFixed(0)} kB (2 primes) in ${(took / 1000).toFixed(1)} s, client timeout 8 s never fired; 3 REST calls meanwhile answered before the first prime`,
    );
  });
});
