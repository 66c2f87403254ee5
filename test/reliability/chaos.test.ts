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
