// RealtimeManager.preconnect() (Node): the next handshake's TCP connection opens before connect() — e.g. while the
// login that yields the token is in flight — and the handshake then goes over it. Counted at the simulator's
// network-shaping proxy (0 ms: shaping off, the proxy only counts), never timed.
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeManager } from '../../src/realtime/manager.js';
import type { Simulator } from '../../src/simulator/index.js';
import { login, sim, until } from './helpers.js';

const sims: Simulator[] = [];
const managers: RealtimeManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.disconnect()));
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(): Promise<{ s: Simulator; token: string }> {
  const s = await sim({ network: { latency: 0, jitter: 0 } });
  sims.push(s);
  return { s, token: await login(s) };
}

function manager(s: Simulator, token: string, opts: { connectTimeout?: number } = {}): RealtimeManager {
  const m = new RealtimeManager({ token, ioBase: s.url, logLevel: 'silent', ...opts });
  managers.push(m);
  return m;
}

describe('RealtimeManager.preconnect()', () => {
  it('opens the connection early, sends nothing on it, and the handshake then uses it (no new connection)', async () => {
    const { s, token } = await setup();
    const m = manager(s, '');
    const before = s.network.stats();
    m.preconnect();
    await until(() => s.network.stats().connections === before.connections + 1, 'the early connection accepted');
    expect(s.network.stats().bytesUp).toBe(before.bytesUp); // no handshake yet: it needs the token
    expect(s.sockets()).toHaveLength(0);
    m.setToken(token);
    await m.connect();
    expect(m.connected).toBe(true);
    expect(s.sockets()).toHaveLength(1);
    expect(s.network.stats().connections).toBe(before.connections + 1);
  });

  it('without it, connect() opens a connection of its own', async () => {
    const { s, token } = await setup();
    const m = manager(s, token);
    const before = s.network.stats().connections;
    await m.connect();
    expect(s.network.stats().connections).toBe(before + 1);
  });

  it('an early connection left unused is closed (after connectTimeout), and a later connect opens a new one', async () => {
    const { s, token } = await setup();
    const m = manager(s, token, { connectTimeout: 300 });
    const before = s.network.stats();
    m.preconnect();
    await until(() => s.network.stats().connections === before.connections + 1, 'the early connection accepted');
    await until(() => s.network.stats().open === before.open, 'the unused early connection closed', 5_000);
    await m.connect();
    expect(s.network.stats().connections).toBe(before.connections + 2);
    expect(m.connected).toBe(true);
  });

  it('disconnect() closes an unused early connection', async () => {
    const { s } = await setup();
    const m = manager(s, '');
    const before = s.network.stats();
    m.preconnect();
    await until(() => s.network.stats().open === before.open + 1, 'the early connection open');
    await m.disconnect();
    await until(() => s.network.stats().open === before.open, 'the early connection closed');
    expect(s.sockets()).toHaveLength(0);
  });
});

describe('reconnect after a drop', () => {
  it("opens the attempt's connection during the backoff, before the attempt starts, and the handshake uses it", async () => {
    const { s, token } = await setup();
    let attempts = 0;
    // every reconnect attempt asks for a fresh token first: the provider counts attempts
    const m = new RealtimeManager({
      token,
      ioBase: s.url,
      logLevel: 'silent',
      reconnectDelay: 4_000,
      tokenProvider: async () => {
        attempts++;
        return token;
      },
    });
    managers.push(m);
    await m.connect();
    const oldSid = s.sockets()[0]?.nsSid;
    const before = s.network.stats().connections;
    s.faults.dropAllSockets();
    await until(() => s.network.stats().connections === before + 1, 'a new connection accepted', 5_000);
    expect(attempts).toBe(0);
    expect(m.state).toBe('reconnecting');
    await until(
      () => m.connected && s.sockets().length === 1 && s.sockets()[0]?.nsSid !== oldSid,
      'reconnected',
      10_000,
    );
    expect(attempts).toBe(1);
    expect(s.network.stats().connections).toBe(before + 1);
  });
});
