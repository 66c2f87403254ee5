/**
 * Cloud outage (PROTOCOL §2.4, §7.3, §9.5): every route answers 502/503/504 for a window, then recovers.
 * A window of 1.5 s stands in for a 30 s maintenance; the gateway's cadences are scaled down the same way. The
 * window is on the simulator's clock (`clock()`, real time plus `skew`): a test waits for what happens during the
 * outage by condition, and ends the window by moving the clock instead of sleeping through it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { ApiError, isApiError, isExpectedUpstreamUnavailable } from '../../src/errors.js';
import type { ModuleConnectivity } from '../../src/live/connectivity.js';
import { DEMO_MODULES, DEMO_OBJECT_ID, FAULTS, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { DEMO } from '../helpers/sim.js';
import { sorted, until } from './helpers.js';
import { captureLogger } from '../helpers/logger.js';
import { startScaledGateway } from '../helpers/gateway.js';

const [A, B] = DEMO_MODULES as [string, string];
const OUTAGE = 1_500;
/** How far the simulator's clock is ahead of real time. */
let skew = 0;
const clock = (): number => Date.now() + skew;
let s: Simulator;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await startSimulator({ port: 0, tickInterval: 0, requestLogLimit: 5_000, now: clock });
});
afterAll(async () => {
  await s.close();
});
afterEach(async () => {
  s.faults.clear();
  s.faults.refuseHandshakes(0, { status: 503 });
  for (const c of cleanup.splice(0)) await c();
});

function client(extra: ConstructorParameters<typeof BragerOneApiClient>[0] = {}): BragerOneApiClient {
  const c = new BragerOneApiClient({
    server: s.server,
    logLevel: 'silent',
    credsProvider: () => ({ ...DEMO }),
    ...extra,
  });
  cleanup.push(() => c.close());
  return c;
}

/** Every network method of the client, as thunks (writes included: they must fail the same way, not retry). */
function everyCall(c: BragerOneApiClient): Array<[string, () => Promise<unknown>]> {
  return [
    ['getSystemVersion', () => c.getSystemVersion()],
    ['getUser', () => c.getUser()],
    ['getUserPermissions', () => c.getUserPermissions()],
    ['getObjects', () => c.getObjects()],
    ['getObject', () => c.getObject(DEMO_OBJECT_ID)],
    ['getObjectPermissions', () => c.getObjectPermissions(DEMO_OBJECT_ID)],
    ['getModules', () => c.getModules(DEMO_OBJECT_ID)],
    ['getModuleCard', () => c.getModuleCard(A)],
    ['modulesParametersPrime', () => c.modulesParametersPrime([A])],
    ['modulesActivityQuantityPrime', () => c.modulesActivityQuantityPrime([A])],
    ['moduleCommand', () => c.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 60 })],
    ['moduleCommandRaw', () => c.moduleCommandRaw({ devid: A, command: 'PING', value: 1 })],
    ['fetchJsonOne', () => c.fetchJsonOne('/')],
    ['login (fresh client)', () => client().ensureAuth(DEMO.email, DEMO.password)],
  ];
}

describe('REST during an outage window', () => {
  it('every method rejects with an ApiError that isExpectedUpstreamUnavailable recognises, then recovers by itself', async () => {
    const c = client();
    await c.ensureAuth(DEMO.email, DEMO.password);
    // 503 and 504 as counted bursts, then 502 as a window of real time (same code path, no extra waiting)
    const statuses = [FAULTS.unavailable, FAULTS.gatewayTimeout, FAULTS.badGateway];
    for (const [i, fault] of statuses.entries()) {
      const window = i === statuses.length - 1;
      if (window) s.faults.failFor('*', OUTAGE, fault);
      else s.faults.failNext('*', everyCall(c).length, fault);
      s.stats.reset();
      const calls = everyCall(c);
      for (const [name, call] of calls) {
        const err = await call().then(
          () => new Error(`${name} resolved during the outage`),
          (e: unknown) => e,
        );
        expect(err, name).toBeInstanceOf(ApiError);
        expect((err as ApiError).status, name).toBe(fault.status);
        expect(isExpectedUpstreamUnavailable(err), name).toBe(true);
        // the maintenance page is HTML: the message is one short line, not the page
        expect((err as Error).message.length, name).toBeLessThan(200);
        expect((err as Error).message, name).not.toMatch(/[\n<>]/);
      }
      expect(s.stats.total(), 'one request per call: REST calls and writes are never retried by themselves').toBe(
        calls.length,
      );
      // the calls fail fast: the window they all failed in is still open
      if (window) expect((await fetch(`${s.server.apiBase}/user`)).status, 'the calls fail fast').toBe(fault.status);
    }
    expect(c.stats).toMatchObject({ inFlight: 0, queued: 0 });
    skew += OUTAGE; // the window ends on the simulator's clock
    await until(
      async () =>
        await c.getUser().then(
          () => true,
          () => false,
        ),
      'recovery after the window',
      OUTAGE + 2_000,
    );
    for (const [name, call] of everyCall(c)) await expect(call(), name).resolves.toBeDefined();
    expect(c.stats.logins).toBe(1);
  });

  it('a 500 and a 4xx are NOT expected outages; 408 E_DISPATCH_EVENT_TIMEOUT is', async () => {
    const c = client();
    s.faults.failNext('GET /v1/user', 1, { status: 500, body: { message: 'boom' } });
    s.faults.failNext('GET /v1/objects', 1, { status: 404 });
    s.faults.failNext('POST /v1/module/command', 1, FAULTS.dispatchTimeout);
    const e500 = await c.getUser().catch((e: unknown) => e);
    const e404 = await c.getObjects().catch((e: unknown) => e);
    const e408 = await c.moduleCommand({ devid: A, pool: 'P4', parameter: 'v8', value: 61 }).catch((e: unknown) => e);
    expect([isApiError(e500), isApiError(e404), isApiError(e408)]).toEqual([true, true, true]);
    expect([
      isExpectedUpstreamUnavailable(e500),
      isExpectedUpstreamUnavailable(e404),
      isExpectedUpstreamUnavailable(e408),
    ]).toEqual([false, false, true]);
  });
});

describe('getBytes retry schedule (§8.1)', () => {
  /** The waits the transport announces (at debug) before each retry, e.g. `retry 1 in 200 ms`. */
  const waits = (log: ReturnType<typeof captureLogger>): string[] =>
    log.lines.filter((l) => / retry \d in \d+ ms/.test(l)).map((l) => l.replace(/^.* (retry \d in \d+ ms).*$/, '$1'));

  it('transient 503s: retried after 200 ms and 600 ms, then the body arrives', async () => {
    const log = captureLogger();
    const c = client({ logger: log, logLevel: 'debug' });
    s.stats.reset();
    s.faults.failNext('GET /', 2, FAULTS.unavailable);
    const body = await c.getBytes(`${s.url}/`);
    expect(new TextDecoder().decode(body)).toMatch(/index-[\w-]+\.js/);
    expect(s.stats.requests.filter((r) => r.routeId === 'GET /').map((r) => r.status)).toEqual([503, 503, 200]);
    expect(waits(log)).toEqual(['retry 1 in 200 ms', 'retry 2 in 600 ms']);
  });

  it('an outage longer than the schedule: three attempts, then the 502 ApiError (expected upstream)', async () => {
    const c = client();
    s.stats.reset();
    s.faults.failFor('GET /', 60_000, FAULTS.badGateway);
    const err = await c.getBytes(`${s.url}/`).catch((e: unknown) => e);
    expect(isApiError(err) && err.status).toBe(502);
    expect(isExpectedUpstreamUnavailable(err)).toBe(true);
    expect(s.stats.count('GET /')).toBe(3);
    // it gave up inside the outage instead of waiting it out: the window is still open
    expect((await fetch(`${s.url}/`)).status).toBe(502);
  });

  it('429/500/504 are retried, 404 is not', async () => {
    const c = client();
    for (const status of [429, 500, 504]) {
      s.stats.reset();
      s.faults.failNext('GET /', 1, { status });
      await expect(c.getBytes(`${s.url}/`)).resolves.toBeInstanceOf(Uint8Array);
      expect(s.stats.count('GET /'), String(status)).toBe(2);
    }
    s.stats.reset();
    s.faults.failNext('GET /', 1, { status: 404 });
    await expect(c.getBytes(`${s.url}/`)).rejects.toMatchObject({ status: 404 });
    expect(s.stats.count('GET /')).toBe(1);
  });
});

describe('gateway through an outage', () => {
  /** A started gateway with cadences scaled down (poll 250 ms for 60 s, supervisor 300 ms for 15 s). */
  async function gateway() {
    const conn: ModuleConnectivity[] = [];
    const { gw, api, log } = await startScaledGateway({
      server: s.server,
      modules: [A, B],
      logLevel: 'warn',
      pollInterval: 250,
      onStop: (stop) => cleanup.push(stop),
      before: (g) => g.onModuleConnectivity((c) => conn.push(c)),
    });
    await until(() => gw.moduleOnline(A) === true && gw.moduleOnline(B) === true, 'modules online');
    return { gw, api, log, conn };
  }

  const warningsOf = (log: ReturnType<typeof captureLogger>, from: number) =>
    log.entries.slice(from).filter((l) => l.level === 'warn' || l.level === 'error');

  it('REST down, socket up: deltas keep flowing, modules stay online, at most one compact warning per poll', async () => {
    const { gw, log, conn } = await gateway();
    const from = log.entries.length;
    const polls0 = s.stats.count('GET /v1/modules');
    s.faults.failFor('*', OUTAGE, FAULTS.unavailable);
    s.setParam(A, 'P4.v8', 71); // pushed over the socket while REST is down
    await until(() => gw.params(A).get('P4.v8') === 71, 'a socket delta during the REST outage');
    // the poll kept running through the outage (three failed polls)
    await until(
      () => s.stats.requests.filter((r) => r.routeId === 'GET /v1/modules' && r.status === 503).length >= 3,
      'three polls during the outage',
    );
    const polls = s.stats.count('GET /v1/modules') - polls0;
    expect(gw.moduleOnline(A)).toBe(true);
    expect(gw.moduleOnline(B)).toBe(true);
    expect(conn.filter((c) => !c.online)).toEqual([]);
    const warnings = warningsOf(log, from);
    expect(warnings.length, 'the outage was reported').toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(polls);
    for (const w of warnings) {
      expect(w.level).toBe('warn');
      expect(w.text).not.toMatch(/\n|\bat .+:\d+:\d+/); // one line, no stack trace
      expect(w.text.length).toBeLessThan(300);
      expect(w.text).toMatch(/upstream unavailable/);
    }
  });

  it('REST and socket down: last known values and module states are kept; afterwards re-bind and re-prime converge', async () => {
    const { gw, log, conn } = await gateway();
    const before = { a: gw.params(A).flatten(), b: gw.params(B).flatten() };
    const from = log.entries.length;
    const polls0 = s.stats.count('GET /v1/modules');
    const listens0 = s.stats.count('WS listen');
    const refused0 = s.stats.count('WS refused');
    const oldSid = s.sockets()[0]?.nsSid;
    s.faults.failFor('*', OUTAGE, FAULTS.badGateway);
    s.faults.refuseHandshakes(1_000_000, { status: 503 });
    s.faults.dropAllSockets();
    await until(() => !gw.wsSessionUp(), 'session down');
    // the plant moves on while the client sees nothing
    s.setParam(A, 'P4.v8', 66);
    s.setParam(B, 'P4.v8', 215);
    s.tick();
    s.tick();
    // well into the outage: polls and reconnects have failed meanwhile
    await until(
      () => s.stats.count('GET /v1/modules') > polls0 && s.stats.count('WS refused') - refused0 >= 2,
      'failed polls and reconnects',
    );
    expect(gw.params(A).flatten(), 'last known values kept').toEqual(before.a);
    expect(gw.params(B).flatten()).toEqual(before.b);
    expect([gw.moduleOnline(A), gw.moduleOnline(B)], 'modules are not marked offline because the cloud is').toEqual([
      true,
      true,
    ]);
    skew += OUTAGE; // the REST window is over on the simulator's clock
    const polls = s.stats.count('GET /v1/modules') - polls0;
    const attempts = s.stats.count('WS refused') - refused0;
    expect(attempts, 'the socket kept trying').toBeGreaterThanOrEqual(2);
    s.faults.refuseHandshakes(0, { status: 503 });
    await until(() => gw.wsSessionUp(), 'reconnect after the outage', 5_000);
    await until(
      () => JSON.stringify(sorted(gw.params(A).flatten())) === JSON.stringify(sorted(s.values(A))),
      'A converges',
      5_000,
    );
    await until(
      () => JSON.stringify(sorted(gw.params(B).flatten())) === JSON.stringify(sorted(s.values(B))),
      'B converges',
      5_000,
    );
    expect(gw.params(A).get('P4.v8')).toBe(66);
    expect(gw.params(B).get('P4.v8')).toBe(215);
    // resubscribed: a new socket, bound and listening for both modules, with fresh listen emits
    await until(() => s.sockets()[0]?.listening.length === 2, 'listen emits after reconnect');
    const sock = s.sockets();
    expect(sock).toHaveLength(1);
    expect(sock[0]?.nsSid).not.toBe(oldSid);
    expect(sock[0]?.bound).toEqual([A, B].sort());
    expect(s.stats.count('WS listen')).toBeGreaterThan(listens0);
    // live again: a delta arrives
    s.setParam(A, 'P4.v8', 67);
    await until(() => gw.params(A).get('P4.v8') === 67, 'delta after recovery');
    expect(
      conn.filter((c) => !c.online),
      'never marked offline',
    ).toEqual([]);
    // logging: at most one line per poll from the poll, one per failed reconnect from the socket; no stack traces
    const warnings = warningsOf(log, from);
    expect(warnings.length, 'the outage was reported').toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(polls + attempts);
    const pollWarnings = warnings.filter((w) => !/realtime|reconnect|socket/i.test(w.text));
    expect(pollWarnings.length).toBeLessThanOrEqual(polls);
    for (const w of warnings) {
      expect(w.level).toBe('warn');
      expect(w.text).not.toMatch(/\n|\bat .+:\d+:\d+/);
      expect(w.text.length).toBeLessThan(300);
    }
  });
});
