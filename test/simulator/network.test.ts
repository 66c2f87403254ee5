/**
 * Network shaping: the loopback TCP proxy in front of the simulator. No timed upper limits: delays are checked
 * only as lower bounds (the configured latency), everything else by order and counts.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { DEMO_MODULES, DEMO_OBJECT_ID, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { call, login, subscribe, until } from './helpers.js';

const BOILER = DEMO_MODULES[0] as string;
const open: Simulator[] = [];
const sockets: Socket[] = [];

async function shaped(latency: number, jitter = 0, extra: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const s = await startSimulator({ tickInterval: 0, strict: false, laxData: false, network: { latency, jitter }, ...extra });
  open.push(s);
  return s;
}

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

describe('network shaping', () => {
  it('is off by default: url is the direct port and set() refuses', async () => {
    const s = await startSimulator({ tickInterval: 0 });
    open.push(s);
    expect(s.network.enabled).toBe(false);
    expect(s.url).toBe(s.directUrl);
    expect(() => s.network.set({ latency: 10 })).toThrow(/network shaping is off/);
  });

  it('puts url and server on a loopback proxy; requests pay the handshake plus a one-way delay each way', async () => {
    const latency = 25;
    const s = await shaped(latency);
    expect(s.network.enabled).toBe(true);
    expect(s.url).not.toBe(s.directUrl);
    expect(new URL(s.url).hostname).toBe('127.0.0.1');
    expect(s.server.oneBase).toBe(s.url);
    const t0 = Date.now();
    const r = await call(s, 'GET', '/v1/system/version');
    const t1 = Date.now();
    expect(r.status).toBe(200);
    const arrived = s.stats.requests.at(-1)?.at ?? 0;
    // SYN/SYN-ACK (one round trip) + the request's one-way trip, on the simulator's own clock
    expect(arrived - t0).toBeGreaterThanOrEqual(3 * latency - 1);
    // … and the answer's way back
    expect(t1 - arrived).toBeGreaterThanOrEqual(latency - 1);
    const st = s.network.stats();
    expect(st.connections).toBeGreaterThanOrEqual(1);
    expect(st.bytesUp).toBeGreaterThan(0);
    expect(st.bytesDown).toBeGreaterThan(r.text.length);
    // the direct port is never shaped and answers the same
    const d = await fetch(`${s.directUrl}/v1/system/version`);
    expect(await d.json()).toEqual(r.json);
  });

  it('changes at run time and validates its settings', async () => {
    const s = await shaped(0);
    expect(s.network.get()).toEqual({ latency: 0, jitter: 0 });
    expect(s.network.set({ latency: 30 })).toEqual({ latency: 30, jitter: 0 });
    expect(s.network.set({ jitter: 4 })).toEqual({ latency: 30, jitter: 4 });
    expect(() => s.network.set({ latency: -1 })).toThrow(/latency/);
    expect(() => s.network.set({ jitter: Number.NaN })).toThrow(/jitter/);
    expect(() => s.network.set({ latency: 120_000 })).toThrow(/latency/);
    expect(s.network.get()).toEqual({ latency: 30, jitter: 4 });
    const t0 = Date.now();
    expect((await call(s, 'GET', '/v1/system/version')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4 * 30 - 1);
  });

  it('carries Socket.IO (WebSocket) both ways and keeps deltas in order under jitter', async () => {
    const s = await shaped(5, 20);
    const token = await login(s);
    const socket = await subscribe(s, token, [BOILER]);
    sockets.push(socket);
    const got: number[] = [];
    socket.on(`app:modules:parameters:change`, (p: Record<string, Record<string, Record<string, unknown>>>) => {
      const v = (p[BOILER]?.P4?.v1 as { value?: unknown } | undefined)?.value;
      if (typeof v === 'number') got.push(v);
    });
    const want = Array.from({ length: 40 }, (_, i) => 500 + i);
    for (const v of want) s.setParam(BOILER, 'P4.v1', v);
    await until(() => got.length >= want.length, 'condition', 10_000);
    expect(got).toEqual(want);
    expect(s.sockets()[0]?.transport).toBe('websocket');
  });

  it('runs a whole gateway start through the proxy (the strict origin is the proxy)', async () => {
    const s = await shaped(5, 2, { strict: true });
    const api = new BragerOneApiClient({ server: s.server, logLevel: 'silent' });
    const gw = await BragerOneGateway.fromCredentials({
      email: 'demo@bragerone.local', password: 'demo', objectId: DEMO_OBJECT_ID, modules: [BOILER],
      server: s.server, connectivityPollInterval: 0, clientOptions: { logLevel: 'silent' },
    });
    await api.close();
    try {
      await gw.start();
      expect(await gw.waitForPrime()).toBe(true);
      s.setParam(BOILER, 'P4.v8', 61);
      await until(() => gw.params(BOILER).get('P4.v8') === 61, 'condition', 5_000);
      expect(s.network.stats().connections).toBeGreaterThanOrEqual(2);
    } finally {
      await gw.stop();
    }
  });

  it('stops with the simulator: proxied connections end, new ones are refused', async () => {
    const s = await startSimulator({ tickInterval: 0, strict: false, network: { latency: 1 } });
    const token = await login(s);
    const socket = await subscribe(s, token, [BOILER]);
    sockets.push(socket);
    const disconnected = new Promise<void>((r) => socket.once('disconnect', () => r()));
    await s.close();
    await disconnected;
    await expect(fetch(`${s.url}/v1/system/version`)).rejects.toThrow();
  });
});
