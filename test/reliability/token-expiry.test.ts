/**
 * Token expiry while the socket is down for longer than the token lifetime (PROTOCOL §3.2, §7.2): the reconnect
 * logs in again through `credsProvider` before its handshake, and nothing is delivered under a dead session.
 * Token lifetime 1.5 s stands in for the real (unknown) lifetime. The simulator and the clients share one test
 * clock (`clock()`, real time plus `skew`): a test moves it past the lifetime instead of sleeping through it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { DEMO_MODULES, DEMO_OBJECT_ID, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { DEMO } from '../helpers/sim.js';
import { sorted, until } from './helpers.js';
import { captureLogger } from '../helpers/logger.js';
import { startScaledGateway } from '../helpers/gateway.js';

const [A, B] = DEMO_MODULES as [string, string];
const TTL = 1_500;
/** How far the shared test clock is ahead of real time. */
let skew = 0;
/** The clock of the simulator (token lifetimes, fault windows) and of the clients (expiry checks). */
const clock = (): number => Date.now() + skew;
let s: Simulator;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await startSimulator({ port: 0, tickInterval: 0, tokenTtl: TTL, now: clock });
});
afterAll(async () => {
  await s.close();
});
afterEach(async () => {
  s.faults.clear();
  s.faults.refuseHandshakes(0, { status: 503 });
  for (const stop of stops.splice(0)) await stop();
});

/** The access tokens the simulator issued, newest last (issuedTokens() lists access, refresh, access, refresh, …). */
const accessTokens = (): string[] => s.issuedTokens().filter((_, i) => i % 2 === 0);

async function userStatus(token: string): Promise<number> {
  const res = await fetch(`${s.server.apiBase}/user`, { headers: { authorization: `Bearer ${token}` } });
  await res.body?.cancel();
  return res.status;
}

describe('socket down longer than the token lifetime', () => {
  it('reconnects with a fresh login (credsProvider), never hands a dead token to the handshake, delivers nothing while down', async () => {
    let provided = 0;
    const log = captureLogger();
    const api = new BragerOneApiClient({
      server: s.server,
      logger: log,
      logLevel: 'info',
      refreshLeeway: 200,
      now: clock,
      credsProvider: () => {
        provided++;
        return { ...DEMO };
      },
    });
    const gw = new BragerOneGateway({
      api,
      ownsApi: true,
      objectId: DEMO_OBJECT_ID,
      modules: [A, B],
      connectivityPollInterval: 0, // only the socket's own reconnect path may log in again
      realtime: { supervisorInterval: 250, reconnectDelay: 50, connectTimeout: 2_000 },
    });
    stops.push(() => gw.stop());
    const delivered: Array<{ at: number; name: string; up: boolean }> = [];
    gw.onAny((name) => delivered.push({ at: Date.now(), name, up: gw.wsSessionUp() }));
    await gw.start();
    expect(await gw.waitForPrime(2_000)).toBe(true);
    const firstToken = api.accessToken;
    const loginsBefore = s.loginCount();
    const providedBefore = provided;

    // outage: the socket is dropped and every new handshake is refused (503) for longer than the token lives
    s.faults.refuseHandshakes(1_000_000, { status: 503 });
    s.faults.dropAllSockets();
    await until(() => !gw.wsSessionUp(), 'session down');
    const downAt = Date.now();
    s.setParam(A, 'P4.v8', 63); // happens while nobody listens
    skew += TTL + 1_000; // the outage outlasts the token
    expect(await userStatus(firstToken), 'the first token is dead by now').toBe(401);
    const refusedBefore = s.stats.count('WS refused');

    // recovery
    s.faults.refuseHandshakes(0, { status: 503 });
    await until(() => gw.wsSessionUp(), 'reconnect', 5_000);
    const upAt = Date.now();

    // a fresh login through credsProvider happened, and the socket carries a token that is alive
    expect(s.loginCount()).toBeGreaterThan(loginsBefore);
    expect(provided).toBeGreaterThan(providedBefore);
    expect(api.accessToken).not.toBe(firstToken);
    const sock = s.sockets();
    expect(sock).toHaveLength(1);
    const live = accessTokens().filter((t) => t.endsWith(sock[0]?.tokenTail ?? '\u0000'));
    expect(live.length).toBeGreaterThan(0);
    expect(live).not.toContain(firstToken);
    expect(await userStatus(api.accessToken)).toBe(200);
    // no handshake was refused as unauthorized after the outage: the dead token was never offered
    expect(s.stats.count('WS refused')).toBe(refusedBefore);

    // nothing was delivered between the drop and the new session
    expect(delivered.filter((d) => d.at > downAt && d.at < upAt)).toEqual([]);
    expect(delivered.filter((d) => d.at > downAt).every((d) => d.up)).toBe(true);

    // the re-prime brought the missed change, and live deltas flow again
    await until(
      () => JSON.stringify(sorted(gw.params(A).flatten())) === JSON.stringify(sorted(s.values(A))),
      'A converges',
    );
    expect(gw.params(A).get('P4.v8')).toBe(63);
    s.setParam(B, 'P4.v8', 211);
    await until(() => gw.params(B).get('P4.v8') === 211, 'a delta on the new session');
  });

  it('token expiry during a REST outage (no login possible): recovers once the cloud is back', async () => {
    const { gw, api, log } = await startScaledGateway({
      server: s.server,
      modules: [A, B],
      logLevel: 'warn',
      pollInterval: 300,
      onStop: (stop) => stops.push(stop),
      client: { refreshLeeway: 200, now: clock },
    });
    const before = gw.params(A).flatten();
    const from = log.entries.length;
    const logins = s.loginCount();
    s.faults.failFor('*', TTL + 1_500, { status: 503 });
    s.faults.refuseHandshakes(1_000_000, { status: 503 });
    s.faults.dropAllSockets();
    await until(() => !gw.wsSessionUp(), 'session down');
    s.setParam(A, 'P4.v8', 58);
    skew += TTL + 1_000; // past the token's lifetime, still inside the outage window
    expect(s.loginCount(), 'no login could succeed during the outage').toBe(logins);
    expect(gw.params(A).flatten(), 'last known values kept').toEqual(before);
    expect(gw.moduleOnline(A)).toBe(true);
    s.faults.refuseHandshakes(0, { status: 503 });
    await until(() => gw.wsSessionUp(), 'reconnect after the outage', 8_000);
    await until(() => gw.params(A).get('P4.v8') === 58, 're-prime after the outage', 5_000);
    expect(s.loginCount(), 'a fresh login after the outage').toBeGreaterThan(logins);
    expect(await userStatus(api.accessToken)).toBe(200);
    const lines = log.entries.slice(from);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    for (const l of lines) expect(l.text).not.toMatch(/\n|\bat .+:\d+:\d+/);
  });

  it('REST calls after expiry log in again once, even when many start together', async () => {
    const api = new BragerOneApiClient({
      server: s.server,
      logLevel: 'silent',
      refreshLeeway: 200,
      now: clock,
      credsProvider: () => ({ ...DEMO }),
    });
    stops.push(() => api.close());
    await api.ensureAuth();
    const first = api.accessToken;
    skew += TTL + 100;
    const logins = s.loginCount();
    const users = await Promise.all(Array.from({ length: 20 }, () => api.getUser()));
    expect(users.every((u) => u.email === DEMO.email)).toBe(true);
    expect(s.loginCount() - logins).toBe(1);
    expect(api.accessToken).not.toBe(first);
  });

  it('a token the server expired early (clock skew, revocation) → 401 → one re-login and a replay', async () => {
    const api = new BragerOneApiClient({
      server: s.server,
      logLevel: 'silent',
      refreshLeeway: 0,
      credsProvider: () => ({ ...DEMO }),
    });
    stops.push(() => api.close());
    await api.ensureAuth();
    s.revokeTokens();
    const logins = s.loginCount();
    const results = await Promise.all(Array.from({ length: 10 }, () => api.getObjects()));
    expect(results.every((r) => r.length > 0)).toBe(true);
    expect(s.loginCount() - logins).toBe(1);
  });
});
