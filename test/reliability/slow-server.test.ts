/**
 * Slow and hung servers (PROTOCOL §2.5): requests past their timeout reject with TimeoutError, their concurrency
 * slots free up, and nothing hangs `close()` / `stop()` / `disconnect()`. Timeouts are scaled down (300 ms for 8 s).
 * The raw TCP servers below produce what the simulator cannot: a server that accepts and never answers, one that
 * stalls mid-body, one that resets the connection.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import {
  isBragerOneError,
  isExpectedUpstreamUnavailable,
  isNetworkError,
  isTimeoutError,
  NetworkError,
  TimeoutError,
} from '../../src/errors.js';
import { BragerOneGateway, type GatewayOptions } from '../../src/live/gateway.js';
import { RealtimeManager } from '../../src/realtime/manager.js';
import { DEMO_MODULES, DEMO_OBJECT_ID, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { DEMO } from '../helpers/sim.js';
import { until, within } from './helpers.js';

const TIMEOUT = 300;
let s: Simulator;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await startSimulator({ port: 0, tickInterval: 0 });
});
afterAll(async () => {
  await s.close();
});
afterEach(async () => {
  s.faults.clear();
  for (const c of cleanup.splice(0)) await c();
});

/** A TCP server with a custom connection handler; closed (and its sockets destroyed) after the test. */
async function rawServer(onConnection: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
    onConnection(sock);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(async () => {
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

function client(opts: ConstructorParameters<typeof BragerOneApiClient>[0] = {}): BragerOneApiClient {
  const where = opts.apiBase ? {} : { server: s.server };
  const c = new BragerOneApiClient({
    ...where,
    logLevel: 'silent',
    timeout: TIMEOUT,
    credsProvider: () => ({ ...DEMO }),
    ...opts,
  });
  cleanup.push(() => c.close());
  return c;
}

describe('slow server', () => {
  it('requests past the timeout reject with TimeoutError; the slots free up; the next call succeeds', async () => {
    const c = client({ concurrency: 2 });
    await c.ensureAuth();
    s.faults.delay('GET /v1/user', 5_000);
    s.stats.reset();
    const results = await within(
      Promise.allSettled(Array.from({ length: 6 }, () => c.getUser())),
      5_000,
      'six slow calls',
    );
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const e = (r as PromiseRejectedResult).reason;
      expect(e).toBeInstanceOf(TimeoutError);
      expect(isTimeoutError(e) && isNetworkError(e) && isExpectedUpstreamUnavailable(e)).toBe(true);
      expect((e as Error).message).toMatch(/GET \/user: timed out after 300 ms/);
    }
    // 6 calls, 2 slots: three waves, each sent once a slot is free and cut by its own timeout. A timeout counted
    // from the moment a call was queued would have expired the later waves before they were ever sent.
    expect(s.stats.count('GET /v1/user')).toBe(6);
    expect(s.stats.requests.filter((r) => r.routeId === 'GET /v1/user').map((r) => r.status)).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(c.stats).toMatchObject({ inFlight: 0, queued: 0 });
    s.faults.clear();
    await expect(c.getUser()).resolves.toMatchObject({ email: DEMO.email });
  });

  it('a per-call timeout overrides the client default in both directions', async () => {
    const c = client();
    await c.ensureAuth();
    s.faults.delay('GET /v1/objects', 600, 2);
    await expect(c.getObjects({ timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(c.getObjects({ timeout: 2_000 })).resolves.toBeInstanceOf(Array);
  });

  it('a slow login times out too, and the next call logs in normally', async () => {
    const c = client();
    s.faults.delay('POST /v1/auth/user', 2_000, 1);
    await expect(c.ensureAuth()).rejects.toBeInstanceOf(TimeoutError);
    await expect(c.getUser()).resolves.toMatchObject({ email: DEMO.email });
    expect(c.stats.inFlight).toBe(0);
  });
});

describe('hung and broken servers (raw TCP)', () => {
  it('accepts and never answers → TimeoutError, slot freed', async () => {
    const base = await rawServer(() => undefined);
    const c = client({ apiBase: `${base}/v1`, concurrency: 1 });
    const err = await within(
      c.getSystemVersion().catch((e: unknown) => e),
      3_000,
      'hung request',
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(c.stats).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('sends headers, then stalls mid-body → TimeoutError (the timeout covers the body)', async () => {
    const base = await rawServer((sock) => {
      sock.once('data', () =>
        sock.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"version":'),
      );
    });
    const c = client({ apiBase: `${base}/v1` });
    const err = await within(
      c.getSystemVersion().catch((e: unknown) => e),
      3_000,
      'stalled body',
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(c.stats.inFlight).toBe(0);
  });

  it('resets the connection → NetworkError with a scrubbed cause (not a timeout)', async () => {
    const base = await rawServer((sock) => sock.once('data', () => sock.resetAndDestroy()));
    const c = client({ apiBase: `${base}/v1` });
    const err = await within(
      c.getSystemVersion().catch((e: unknown) => e),
      3_000,
      'reset',
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect(isTimeoutError(err)).toBe(false);
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(c.stats.inFlight).toBe(0);
  });

  it('nothing listens → NetworkError (refused, not a timeout)', async () => {
    const base = await rawServer(() => undefined);
    await cleanup.pop()?.(); // close it again: the port is now refused
    const c = client({ apiBase: `${base}/v1` });
    const err = await c.getSystemVersion().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(isTimeoutError(err), 'refused, not timed out').toBe(false);
  });
});

describe('nothing hangs shutdown', () => {
  it('client.close() returns at once with calls in flight; those settle by their timeout; later calls reject', async () => {
    const c = client({ concurrency: 1 });
    await c.ensureAuth();
    s.faults.delay('GET /v1/user', 5_000);
    const pending = [c.getUser(), c.getUser(), c.getUser()].map((p) =>
      p.then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    await until(() => s.stats.inFlight === 1, 'one call at the server');
    await within(c.close(), 1_000, 'close()');
    await within(c.close(), 1_000, 'a second close()');
    const settled = await within(Promise.all(pending), 3 * TIMEOUT + 1_000, 'calls in flight at close()');
    for (const r of settled) expect(isBragerOneError(r)).toBe(true);
    await expect(c.getUser()).rejects.toThrow(/closed/);
    expect(c.stats).toMatchObject({ inFlight: 0, queued: 0 });
  });

  /** A demo gateway (its own client, signing in with the demo account) that the suite stops afterwards. */
  function demoGateway(realtime: GatewayOptions['realtime'] = {}) {
    const api = new BragerOneApiClient({ server: s.server, logLevel: 'silent', credsProvider: () => ({ ...DEMO }) });
    const gw = new BragerOneGateway({
      api,
      ownsApi: true,
      objectId: DEMO_OBJECT_ID,
      modules: [...DEMO_MODULES],
      connectivityPollInterval: 0,
      realtime,
    });
    cleanup.push(() => gw.stop());
    return { api, gw };
  }

  it('gateway.stop() during a start() stuck in the prime returns promptly; start() rejects; no socket is left', async () => {
    const { api, gw } = demoGateway();
    s.faults.delay('POST /v1/modules/parameters', 10_000);
    const started = gw.start().then(
      () => 'started',
      (e: unknown) => e,
    );
    await until(() => s.stats.inFlight > 0 && s.sockets().length === 1, 'start() waiting for the prime');
    await within(gw.stop(), 1_000, 'stop()');
    const outcome = await within(started, 1_000, 'start() after stop()');
    expect(outcome).not.toBe('started');
    await until(() => s.sockets().length === 0, 'socket closed');
    expect(api.stats.inFlight).toBe(0);
  });

  it('gateway.stop() during a hung socket handshake returns promptly', async () => {
    const { api, gw } = demoGateway({ connectTimeout: 20_000 });
    s.faults.delayAcks(10_000);
    const started = gw.start().then(
      () => 'started',
      (e: unknown) => e,
    );
    const held = s.stats.count('WS join delayed');
    await until(() => s.stats.count('WS join delayed') > held, 'the handshake hung at the simulator');
    await within(gw.stop(), 1_000, 'stop()');
    expect(await within(started, 1_000, 'start() after stop()')).not.toBe('started');
  });

  it('RealtimeManager: a hung namespace join times out (TimeoutError) and disconnect() returns at once', async () => {
    const c = client();
    await c.ensureAuth();
    s.faults.delayAcks(5_000);
    const ws = new RealtimeManager({
      token: c.accessToken,
      ioBase: s.url,
      connectTimeout: TIMEOUT,
      logLevel: 'silent',
    });
    const err = await within(
      ws.connect().catch((e: unknown) => e),
      3_000,
      'connect()',
    );
    expect(isTimeoutError(err)).toBe(true); // a late join (5 s) would have resolved connect() instead
    await within(ws.disconnect(), 1_000, 'disconnect()');
    expect(ws.connected).toBe(false);
  });
});
