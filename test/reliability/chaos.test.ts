/**
 * Network chaos (issue [chaos], scenarios 1–4): the real client, gateway and catalog against the simulator behind its
 * fault proxy (`network: {}`, docs/SIMULATOR.md "Network faults"). Timings are printed as `[chaos] …` lines (the
 * figures of docs/RELIABILITY.md, "Network faults"), never asserted tightly: upper bounds are only liveness guards.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { BragerOneApiClient } from '../../src/client.js';
import { NetworkError, TimeoutError, isBragerOneError } from '../../src/errors.js';
import type { CloudSessionConnectivity } from '../../src/live/gateway-types.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { DEMO_MODULES, DEMO_OBJECT_ID, type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';
import { DEMO } from '../helpers/sim.js';
import { captureLogger, sleep, sorted, until, within } from './helpers.js';

const [A, B] = DEMO_MODULES as [string, string];
/** Short Engine.IO heartbeat: a half-open socket shows within 300 + 200 ms. */
const PING = { pingInterval: 300, pingTimeout: 200 } as const;
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
  const c = new BragerOneApiClient({ server: s.server, logLevel: 'silent', credsProvider: () => ({ ...DEMO }), ...extra });
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
  const log = captureLogger();
  const api = new BragerOneApiClient({ server: s.server, logger: log, logLevel: 'warn', credsProvider: () => ({ ...DEMO }) });
  const gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: DEMO_OBJECT_ID,
    modules: [A, B],
    connectivityPollInterval: 0,
    realtime: { supervisorInterval: 300, reconnectDelay: 50, connectTimeout: 2_000 },
  });
  cleanup.push(() => gw.stop());
  const sessions: Array<CloudSessionConnectivity & { at: number }> = [];
  gw.onCloudSession((c) => sessions.push({ ...c, at: performance.now() }));
  await gw.start();
  expect(await gw.waitForPrime(5_000)).toBe(true);
  return { gw, api, log, sessions };
}

const socketConn = (s: Simulator) => s.network.connections().filter((c) => c.kind === 'socket' && c.open);

describe('scenario 1: half-open socket', () => {
  it('a blackholed socket (REST fine) is detected by the heartbeat; reconnect, re-bind and re-prime restore every value changed meanwhile', async () => {
    const s = await chaosSim();
    const { gw, api, sessions } = await gateway(s);
    await until(() => socketConn(s).length === 1, 'one socket connection');
    const [sock] = socketConn(s);
    const c0 = { connect: s.stats.count('WS connect'), bind: s.stats.count('POST /v1/modules/connect'), prime: s.stats.count('POST /v1/modules/parameters') };
    const t0 = performance.now();
    // a NAT entry dies: this connection's bytes vanish both ways, no RST; new connections work
    s.network.fault({ kind: 'blackhole', target: { connection: sock?.id ?? -1 } });
    s.setParam(A, 'P4.v8', 66);
    s.setParam(B, 'P4.v8', 215);
    s.tick();
    // REST is unaffected during the blackout
    expect((await api.getSystemVersion()).version).toBeTruthy();
    await until(() => s.network.stats().droppedBytes > 0, 'pushes dropped');
    expect(gw.params(A).get('P4.v8'), 'the change is not known yet').not.toBe(66);
    await until(() => sessions.some((x) => !x.up), 'half-open socket detected', 20_000);
    const detected = (sessions.find((x) => !x.up)?.at ?? 0) - t0;
    await until(() => gw.wsSessionUp() && same(gw, s, A) && same(gw, s, B), 'stores equal the simulator', 20_000);
    const recovered = performance.now() - t0;
    expect(gw.params(A).get('P4.v8')).toBe(66);
    expect(gw.params(B).get('P4.v8')).toBe(215);
    expect(s.stats.count('WS connect')).toBeGreaterThan(c0.connect);
    expect(s.stats.count('POST /v1/modules/connect'), 're-bound').toBeGreaterThan(c0.bind);
    expect(s.stats.count('POST /v1/modules/parameters'), 're-primed').toBeGreaterThan(c0.prime);
    // live on the new socket
    s.setParam(A, 'P4.v8', 67);
    await until(() => gw.params(A).get('P4.v8') === 67, 'a delta after recovery');
    figure(`half-open socket (one connection blackholed): detected ${detected.toFixed(0)} ms, stores equal ${recovered.toFixed(0)} ms after the fault (pingInterval ${PING.pingInterval} + pingTimeout ${PING.pingTimeout} ms)`);
  });

  it('every socket blackholed for 2 s (new handshakes vanish too): the gateway keeps trying, then converges once lifted', async () => {
    const s = await chaosSim();
    const { gw, sessions } = await gateway(s);
    const t0 = performance.now();
    const lift = s.network.fault({ kind: 'blackhole', target: 'socket' });
    s.setParam(A, 'P4.v8', 70);
    await until(() => sessions.some((x) => !x.up), 'detected', 20_000);
    const detected = (sessions.find((x) => !x.up)?.at ?? 0) - t0;
    const handshakes = s.network.connections().filter((c) => c.kind === 'socket').length;
    await sleep(2_000); // the outage lasts; reconnect attempts meanwhile vanish in the blackhole
    expect(s.network.connections().filter((c) => c.kind === 'socket').length, 'it kept trying').toBeGreaterThan(handshakes);
    s.setParam(B, 'P4.v8', 216);
    const t1 = performance.now();
    lift();
    await until(() => gw.wsSessionUp() && same(gw, s, A) && same(gw, s, B), 'stores equal the simulator', 20_000);
    const recovered = performance.now() - t1;
    expect([gw.params(A).get('P4.v8'), gw.params(B).get('P4.v8')]).toEqual([70, 216]);
    expect(sorted(s.values(A))).toEqual(sorted(gw.params(A).flatten()));
    figure(`socket blackholed 2 s (all socket connections): detected ${detected.toFixed(0)} ms, stores equal ${recovered.toFixed(0)} ms after the lift (connectTimeout 2000 ms)`);
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
    const c = client(s);
    await c.ensureAuth();
    const full = JSON.stringify(await c.modulesParametersPrime([A, B], { returnData: true }).then((r) => r.data)).length;
    expect(full).toBeGreaterThan(2_000);
    const before = s.stats.count('POST /v1/modules/parameters');
    // after the status line and headers, in the middle of the body
    const lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 1_000 });
    const err = await rejection(c.modulesParametersPrime([A, B], { returnData: true }), 'prime');
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/POST \/modules\/parameters|network error/);
    await sleep(1_000); // a retry would come within 200 + 600 ms
    expect(s.stats.count('POST /v1/modules/parameters'), 'sent once, not retried').toBe(before + 1);
    expect(s.network.stats().resets).toBeGreaterThanOrEqual(1);
    lift();
    // the next call works (a fresh connection)
    expect((await c.modulesParametersPrime([A, B], { returnData: true })).status).toBe(200);
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
    const got = c.getBytes(`${url}?again=1`);
    await until(() => s.network.stats().resets > resets0, 'the first attempt was cut');
    lift();
    expect(new TextDecoder().decode(await got)).toBe(whole);
    expect(count() - n0).toBe(2);
  });

  it('a command whose answer is cut: sent exactly once; the caller gets a NetworkError and learns the outcome from the live store', async () => {
    const s = await chaosSim();
    const { gw, api } = await gateway(s);
    const writes = () => s.stats.count('POST /v1/module/command');
    // 1. reset before the request leaves: nothing was sent, the value stays
    const w0 = writes();
    let lift = s.network.fault({ kind: 'reset', target: 'rest' });
    expect(await rejection(api.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 61 }), 'command 1')).toBeInstanceOf(NetworkError);
    lift();
    expect(writes()).toBe(w0);
    expect(s.getParam(A, 'P4.v8')).not.toBe(61);
    // 2. the request arrived, its answer is cut after the status line: applied once, the caller only knows "network error"
    lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 12 });
    const err = await rejection(api.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 62 }), 'command 2');
    expect(err).toBeInstanceOf(NetworkError);
    lift();
    await sleep(1_000); // a retry would come within 200 + 600 ms
    expect(writes(), 'sent once, never re-sent by the SDK').toBe(w0 + 1);
    expect(s.getParam(A, 'P4.v8')).toBe(62);
    // the socket was not affected: the applied value arrives as a delta, which is how the caller learns the outcome
    await until(() => gw.params(A).get('P4.v8') === 62, 'the delta of the applied command');
    // a raw command the same way
    const raw0 = s.stats.count('POST /v1/module/command/raw');
    lift = s.network.fault({ kind: 'reset', target: 'rest', afterBytes: 12 });
    expect(await rejection(api.moduleCommandRaw({ devid: A, command: 'PING', value: 1 }), 'raw command')).toBeInstanceOf(NetworkError);
    lift();
    await sleep(1_000);
    expect(s.stats.count('POST /v1/module/command/raw')).toBe(raw0 + 1);
  });

  it('a large catalog asset cut mid-body: the catalog keeps its previous good snapshot, and switches once the asset loads', async () => {
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
    const restarted = await loadCatalog({ api: api2, snapshot: JSON.parse(snapshot), persist: false });
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
  });
});
