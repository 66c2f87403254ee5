// The pipelined start-up (docs/PROTOCOL.md §7.1, issue #15): the prime/listen race, validation alongside the
// handshake, a stored token that turns out dead. Ordering and counts only; no timed assertions.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import { BragerOneApiClient } from '../../src/client.js';
import type { Simulator } from '../../src/simulator/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../realtime/helpers.js';
import { DEMO_MODULES, type Rig, calls, rig, sim } from './fixtures.js';

const [A] = DEMO_MODULES as [string, string];
let s: Simulator;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await sim();
});
afterAll(async () => {
  await s.close();
});
afterEach(async () => {
  s.faults.clear();
  await Promise.all(stops.splice(0).map((f) => f()));
});

/** A gateway on a fresh client whose store holds a token issued earlier (a warm start). */
async function warm(): Promise<Rig & { store: MemoryTokenStore }> {
  const store = new MemoryTokenStore();
  const first = new BragerOneApiClient({ server: s.server, tokenStore: store, logLevel: 'silent' });
  await first.ensureAuth(DEMO_EMAIL, DEMO_PASSWORD);
  await first.close();
  const r = await rig(s, {}, undefined, { tokenStore: store, signIn: false });
  stops.push(() => r.gw.stop());
  return { ...r, store };
}

describe('the prime/listen race', () => {
  it('a value changed after the first prime was answered but before the socket listened is not lost', async () => {
    const r = await rig(s);
    stops.push(() => r.gw.stop());
    s.setParam(A, 'P4.v8', 55);
    s.faults.delayAcks(150); // the join waits: the first prime is answered well before anyone listens
    let listeningAtChange = -1;
    s.faults.afterAnswer('POST /v1/modules/parameters', () => {
      listeningAtChange = s.sockets().filter((x) => x.listening.length > 0).length;
      s.setParam(A, 'P4.v8', 62); // its delta reaches no socket
    });
    const seen: unknown[] = [];
    r.gw.params(A).on((key, value) => key === 'P4.v8' && seen.push(value));
    await r.gw.start();
    expect(listeningAtChange).toBe(0);
    expect(seen[0]).toBe(55); // the first prime's (old) value was shown first
    expect(r.gw.params(A).get('P4.v8')).toBe(62);
    expect(seen.at(-1)).toBe(62);
  });

  it('shows the first prime before the socket is live', async () => {
    const r = await rig(s);
    stops.push(() => r.gw.stop());
    s.faults.delayAcks(150);
    let primedWhileDown: boolean | null = null;
    void r.gw.waitForPrime().then(() => {
      primedWhileDown = !r.gw.wsSessionUp() && r.gw.params(A).get('P4.v1') !== undefined;
    });
    await r.gw.start();
    expect(primedWhileDown).toBe(true);
  });
});

describe('a stored token at start-up', () => {
  it('is validated alongside the handshake and the first prime, not before them', async () => {
    const r = await warm();
    s.faults.delay('GET /v1/user', 300, 1);
    let userAnsweredAtPrime: boolean | null = null;
    s.faults.afterAnswer('POST /v1/modules/parameters', () => {
      const u = s.stats.requests.filter((q) => q.routeId === 'GET /v1/user').at(-1);
      userAnsweredAtPrime = u !== undefined && u.status !== 0;
    });
    await r.gw.start();
    expect(userAnsweredAtPrime).toBe(false);
    expect(calls(r.sent, 'GET /v1/user')).toHaveLength(1);
    expect(calls(r.sent, 'POST /v1/auth/user')).toHaveLength(0);
    expect(r.api.stats.validations).toBe(1);
    expect(r.gw.wsSessionUp()).toBe(true);
  });

  it('when it turns out revoked: logs in once, redoes what used it, and ends bound and primed', async () => {
    const r = await warm();
    s.revokeTokens();
    const logins = s.loginCount();
    await r.gw.start();
    expect(s.loginCount()).toBe(logins + 1);
    expect(r.api.stats.logins).toBe(1);
    expect(s.sockets().some((x) => x.bound.length === DEMO_MODULES.length && x.listening.length > 0)).toBe(true);
    expect(r.gw.params(A).get('P4.v1')).toBe(s.getParam(A, 'P4.v1'));
    const stored = await r.store.load();
    expect(stored?.accessToken).toBe(r.api.accessToken);
    for (const line of r.log.lines) expect(line).not.toContain(r.api.accessToken);
  });

  it('explicit ensureAuth() still resolves only after the validation', async () => {
    const r = await warm();
    s.faults.delay('GET /v1/user', 100, 1);
    await r.api.ensureAuth();
    const u = s.stats.requests.filter((q) => q.routeId === 'GET /v1/user').at(-1);
    expect(u?.status).toBe(200);
  });
});

describe('no token at start-up (cold)', () => {
  it("opens the socket's connection while the login is in flight; the handshake waits for the token", async () => {
    const shaped = await sim({ network: { latency: 0, jitter: 0 } }); // shaping off: the proxy only counts connections
    stops.push(() => shaped.close());
    const { gw } = await rig(shaped, {}, undefined, { signIn: false });
    stops.unshift(() => gw.stop());
    const base = shaped.network.stats().connections;
    shaped.faults.delay('POST /v1/auth/user', 200, 1);
    let atLogin: { connections: number; handshakes: number } | null = null;
    shaped.faults.afterAnswer('POST /v1/auth/user', () => {
      atLogin = {
        connections: shaped.network.stats().connections - base,
        handshakes: shaped.stats.count('WS handshake'),
      };
    });
    await gw.start();
    // the login's connection and the socket's early one; no handshake before the token existed
    expect(atLogin).toEqual({ connections: 2, handshakes: 0 });
    expect(shaped.stats.count('WS handshake')).toBe(1);
    expect(gw.wsSessionUp()).toBe(true);
    expect(shaped.sockets()[0]?.bound).toEqual([...DEMO_MODULES].sort());
  });
});
