/**
 * Network shaping: the loopback TCP proxy in front of the simulator. No timed assertions: a delay is checked by
 * racing the shaped port against the unshaped direct port (which request the simulator sees or answers first),
 * everything else by order and counts.
 */
import { createConnection, type Socket as NetSocket } from 'node:net';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneError } from '../../src/errors.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { DEMO_MODULES, DEMO_OBJECT_ID, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { sleep } from '../helpers/wait.js';
import { call, login, subscribe, until } from './helpers.js';

const BOILER = DEMO_MODULES[0] as string;
const open: Simulator[] = [];
const sockets: Socket[] = [];

async function shaped(
  latency: number,
  jitter = 0,
  extra: Parameters<typeof startSimulator>[0] = {},
): Promise<Simulator> {
  const s = await startSimulator({
    tickInterval: 0,
    strict: false,
    laxData: false,
    network: { latency, jitter },
    ...extra,
  });
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
    const s = await shaped(100);
    expect(s.network.enabled).toBe(true);
    expect(s.url).not.toBe(s.directUrl);
    expect(new URL(s.url).hostname).toBe('127.0.0.1');
    expect(s.server.oneBase).toBe(s.url);
    // Raced against the unshaped direct port: no clock, only which request the simulator sees and answers first.
    const order: string[] = [];
    const proxied = call(s, 'GET', '/v1/system/version?via=proxy').finally(() => order.push('proxy answered'));
    await fetch(`${s.directUrl}/v1/system/version?via=direct`).then((d) => d.text());
    // SYN/SYN-ACK (one round trip) + the request's one-way trip: the direct request overtakes it on the way in …
    const seen = () => s.stats.requests.map((q) => q.path).filter((p) => p.includes('via='));
    await until(() => seen().length === 2, 'the proxied request at the simulator');
    expect(seen()).toEqual(['/v1/system/version?via=direct', '/v1/system/version?via=proxy']);
    // … and a direct round trip started once it arrived overtakes the answer's way back
    await fetch(`${s.directUrl}/v1/system/version?via=direct2`).then((d) => d.text());
    order.push('direct2 answered');
    const r = await proxied;
    expect(order).toEqual(['direct2 answered', 'proxy answered']);
    expect(r.status).toBe(200);
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
    // the new latency applies: a request on the direct port, sent after it, reaches the simulator first
    const proxied = call(s, 'GET', '/v1/system/version?via=proxy');
    await fetch(`${s.directUrl}/v1/system/version?via=direct`).then((d) => d.text());
    expect((await proxied).status).toBe(200);
    expect(s.stats.requests.map((q) => q.path).filter((p) => p.includes('via='))).toEqual([
      '/v1/system/version?via=direct',
      '/v1/system/version?via=proxy',
    ]);
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
      email: 'demo@bragerone.local',
      password: 'demo',
      objectId: DEMO_OBJECT_ID,
      modules: [BOILER],
      server: s.server,
      connectivityPollInterval: 0,
      clientOptions: { logLevel: 'silent' },
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

/** One HTTP/1.1 request on a raw TCP connection to the proxy; collects what arrives until the connection ends. */
interface Raw {
  socket: NetSocket;
  /** Bytes received so far. */
  data: () => Buffer;
  /** Resolves with the error code (`ECONNRESET`, …) or `'end'` once the connection is gone. */
  done: Promise<string>;
  /** Sends a GET on the connection. */
  get: (path: string, close?: boolean) => void;
}

function raw(s: Simulator): Promise<Raw> {
  const u = new URL(s.url);
  const socket = createConnection({ host: u.hostname, port: Number(u.port) });
  const chunks: Buffer[] = [];
  socket.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<string>((resolve) => {
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    socket.once('close', () => resolve('end'));
  });
  const r: Raw = {
    socket,
    data: () => Buffer.concat(chunks),
    done,
    get: (path, close = false) =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: sim\r\n${close ? 'Connection: close\r\n' : ''}\r\n`),
  };
  raws.push(socket);
  // a refused or reset connect resolves too: `done` tells what happened
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(r));
    socket.once('error', () => resolve(r));
  });
}

const raws: NetSocket[] = [];
afterEach(() => {
  for (const s of raws.splice(0)) s.destroy();
});

const responses = (b: Buffer): number => b.toString('latin1').split('HTTP/1.1 ').length - 1;

describe('network faults', () => {
  it('network: {} runs a fault-only proxy (no delay); fault() refuses when shaping is off and validates', async () => {
    const s = await startSimulator({ tickInterval: 0, network: {} });
    open.push(s);
    expect(s.network.enabled).toBe(true);
    expect(s.network.get()).toEqual({ latency: 0, jitter: 0 });
    expect((await call(s, 'GET', '/v1/system/version')).status).toBe(200);
    const offSim = await startSimulator({ tickInterval: 0 });
    open.push(offSim);
    expect(() => offSim.network.fault({ kind: 'refuse' })).toThrow(/network shaping is off/);
    expect(offSim.network.connections()).toEqual([]);
    const bad: unknown[] = [
      null,
      { kind: 'flood' },
      { kind: 'blackhole', target: 'udp' },
      { kind: 'blackhole', target: { connection: 0 } },
      { kind: 'reset', afterBytes: -1 },
      { kind: 'reset', afterBytes: 1.5 },
      { kind: 'stall' },
      { kind: 'stall', ms: Number.POSITIVE_INFINITY },
      { kind: 'bandwidth', bytesPerSecond: 0 },
      { kind: 'refuse', target: 'rest' },
    ];
    for (const f of bad) expect(() => s.network.fault(f as never), JSON.stringify(f)).toThrow(BragerOneError);
    expect(() => s.network.fault({ kind: 'stall', ms: -5 })).toThrow(/ms must be a number/);
  });

  it('classifies connections as rest or socket by their first request line', async () => {
    const s = await shaped(0);
    expect((await call(s, 'GET', '/v1/system/version')).status).toBe(200);
    const token = await login(s);
    sockets.push(await subscribe(s, token, [BOILER]));
    const idle = await raw(s);
    await until(() => s.network.connections().length >= 3, 'condition', 5_000);
    const kinds = s.network.connections();
    expect(kinds.filter((c) => c.kind === 'rest').length).toBeGreaterThanOrEqual(1);
    expect(kinds.filter((c) => c.kind === 'socket' && c.open).length).toBe(1);
    expect(kinds.at(-1)).toEqual({ id: kinds.length, kind: 'unknown', open: true });
    idle.socket.destroy();
    await until(() => s.network.connections().at(-1)?.open === false, 'condition', 5_000);
  });

  it('blackhole: the connection stays open, bytes are dropped both ways (not queued) until lifted', async () => {
    const s = await shaped(0);
    const r = await raw(s);
    r.get('/v1/system/version');
    await until(() => responses(r.data()) === 1, 'condition', 5_000);
    const before = s.stats.count('GET /v1/system/version');
    const lift = s.network.fault({ kind: 'blackhole' });
    r.get('/v1/system/version?dropped=1');
    await until(() => s.network.stats().droppedBytes > 0, 'condition', 5_000);
    lift();
    r.get('/v1/system/version?after=1');
    await until(() => responses(r.data()) === 2, 'condition', 5_000);
    // the request sent during the blackhole never reached the simulator, and was not replayed on lift
    expect(s.stats.count('GET /v1/system/version')).toBe(before + 1);
    expect(s.stats.requests.some((q) => q.path.includes('dropped'))).toBe(false);
    expect(s.network.connections().find((c) => c.id === 1)?.open).toBe(true);
  });

  it('blackhole on the socket only: REST still answers, pushes vanish', async () => {
    const s = await shaped(0);
    const token = await login(s);
    const socket = await subscribe(s, token, [BOILER]);
    sockets.push(socket);
    const got: number[] = [];
    socket.on(
      'app:modules:parameters:change',
      (p: Record<string, Record<string, Record<string, { value?: unknown }>>>) => {
        const v = p[BOILER]?.P4?.v1?.value;
        if (typeof v === 'number') got.push(v);
      },
    );
    const lift = s.network.fault({ kind: 'blackhole', target: 'socket' });
    s.setParam(BOILER, 'P4.v1', 701);
    expect((await call(s, 'GET', '/v1/system/version')).status).toBe(200);
    await until(() => s.network.stats().droppedBytes > 0, 'condition', 5_000);
    lift();
    s.setParam(BOILER, 'P4.v1', 702);
    await until(() => got.includes(702), 'condition', 5_000);
    expect(got).toEqual([702]);
  });

  it('reset: open matching connections get an RST now, new ones too, until lifted', async () => {
    const s = await shaped(0);
    const a = await raw(s);
    a.get('/v1/system/version');
    await until(() => responses(a.data()) === 1, 'condition', 5_000);
    const lift = s.network.fault({ kind: 'reset' });
    expect(await a.done).toBe('ECONNRESET');
    const b = await raw(s);
    expect(await b.done).toBe('ECONNRESET');
    expect(s.network.stats().resets).toBe(2);
    lift();
    expect((await call(s, 'GET', '/v1/system/version')).status).toBe(200);
  });

  it('reset on one kind: a socket request line triggers it, REST goes on', async () => {
    const s = await shaped(0);
    s.network.fault({ kind: 'reset', target: 'socket' });
    const io = await raw(s);
    io.get('/socket.io/?EIO=4&transport=polling');
    expect(await io.done).toBe('ECONNRESET');
    expect((await call(s, 'GET', '/v1/system/version')).status).toBe(200);
    expect(s.network.connections().map((c) => c.kind)).toEqual(['socket', 'rest']);
  });

  it('reset afterBytes: the response is cut after that many bytes, once per connection', async () => {
    const s = await shaped(0);
    const asset = `/assets/${s.webApp.indexName}`;
    const full = (await call(s, 'GET', asset)).text.length;
    expect(full).toBeGreaterThan(5000);
    s.network.fault({ kind: 'reset', afterBytes: 2000 });
    const r = await raw(s);
    r.get(asset);
    expect(await r.done).toBe('ECONNRESET');
    expect(r.data().length).toBeLessThanOrEqual(2000);
    expect(r.data().length).toBeGreaterThan(0);
    expect(s.network.stats().resets).toBe(1);
    // the byte count is per connection: a short answer on a fresh one is not cut
    const v = await raw(s);
    v.get('/v1/system/version', true);
    expect(await v.done).toBe('end');
    expect(responses(v.data())).toBe(1);
  });

  it('stall: bytes are queued, not dropped, and arrive in order when the stall ends or is lifted', async () => {
    const s = await shaped(0);
    const r = await raw(s);
    const lift = s.network.fault({ kind: 'stall', ms: 60_000 });
    r.get('/v1/system/version?n=1');
    r.get('/v1/system/version?n=2');
    // Real time is the point: a stall is a stretch of time in which no byte may move.
    await sleep(150);
    expect(r.data().length).toBe(0);
    expect(s.stats.requests.some((q) => q.path.includes('n=1'))).toBe(false);
    lift();
    await until(() => responses(r.data()) === 2, 'condition', 5_000);
    expect(s.stats.requests.filter((q) => q.path.includes('n=')).map((q) => q.path)).toEqual([
      '/v1/system/version?n=1',
      '/v1/system/version?n=2',
    ]);
    expect(s.network.stats().droppedBytes).toBe(0);
    // a timed stall ends by itself
    s.network.fault({ kind: 'stall', ms: 300 });
    let settled = false;
    const held = call(s, 'GET', '/v1/system/version?n=3').finally(() => {
      settled = true;
    });
    await fetch(`${s.directUrl}/v1/system/version`).then((d) => d.text()); // the direct port is not stalled
    expect(settled).toBe(false);
    expect((await held).status).toBe(200); // nobody lifts it
    expect(s.network.stats().droppedBytes).toBe(0);
  });

  it('bandwidth: a response takes at least its size over the rate; the link is shared', async () => {
    const s = await shaped(0);
    const asset = `/assets/${s.webApp.indexName}`;
    const size = Buffer.byteLength((await call(s, 'GET', asset)).text);
    const rate = size * 2; // one body takes T = 500 ms over the link
    const T = (size / rate) * 1000;
    s.network.fault({ kind: 'bandwidth', bytesPerSecond: rate });
    // No clock: each download races a reference request on the unshaped direct port that the simulator holds.
    const race = async (downloads: number, hold: number): Promise<string[]> => {
      const order: string[] = [];
      s.faults.delay('GET /v1/system/version', hold, 1);
      const reference = fetch(`${s.directUrl}/v1/system/version`)
        .then((r) => r.text())
        .then(() => order.push('reference'));
      const bodies = await Promise.all(
        Array.from({ length: downloads }, (_, i) => call(s, 'GET', asset).finally(() => order.push(`body ${i + 1}`))),
      );
      await reference;
      expect(bodies.every((x) => x.text.length === bodies[0]?.text.length)).toBe(true);
      return order;
    };
    // one body needs T: a reference held for T / 2 comes back first
    expect(await race(1, T / 2)).toEqual(['reference', 'body 1']);
    // two bodies over one shared link need 2 T (separate links would need T): one held for 1.5 T still comes first
    expect((await race(2, 1.5 * T))[0]).toBe('reference');
  });

  it('refuse: new connections get an RST at once, open ones keep working; clearFaults lifts it', async () => {
    const s = await shaped(0);
    const a = await raw(s);
    s.network.fault({ kind: 'refuse' });
    const b = await raw(s);
    expect(await b.done).toBe('ECONNRESET');
    await expect(fetch(`${s.url}/v1/system/version`)).rejects.toThrow();
    expect(s.network.stats().refused).toBeGreaterThanOrEqual(2);
    a.get('/v1/system/version');
    await until(() => responses(a.data()) === 1, 'condition', 5_000);
    s.network.clearFaults();
    expect((await call(s, 'GET', '/v1/system/version')).status).toBe(200);
  });

  it('targets one connection by id', async () => {
    const s = await shaped(0);
    const a = await raw(s);
    const b = await raw(s);
    await until(() => s.network.connections().length === 2, 'condition', 5_000);
    s.network.fault({ kind: 'blackhole', target: { connection: 1 } });
    a.get('/v1/system/version');
    b.get('/v1/system/version');
    await until(() => responses(b.data()) === 1 && s.network.stats().droppedBytes > 0, 'condition', 5_000);
    expect(a.data().length).toBe(0);
  });
});

describe('heartbeat options', () => {
  it('pingInterval / pingTimeout reach the Engine.IO handshake and are validated', async () => {
    const s = await startSimulator({ tickInterval: 0, pingInterval: 700, pingTimeout: 900 });
    open.push(s);
    const r = await fetch(`${s.url}/socket.io/?EIO=4&transport=polling`);
    const text = await r.text();
    expect(JSON.parse(text.slice(1))).toMatchObject({ pingInterval: 700, pingTimeout: 900 });
    await expect(startSimulator({ pingInterval: 0 })).rejects.toThrow(/pingInterval/);
    await expect(startSimulator({ pingTimeout: 1.5 })).rejects.toThrow(/pingTimeout/);
  });
});

describe('webOrigin: the web app on a second origin', () => {
  /** A client on `s.server` whose every request URL is recorded. */
  function recordingClient(s: Simulator, urls: string[]): BragerOneApiClient {
    return new BragerOneApiClient({
      server: s.server,
      credsProvider: () => ({ email: 'demo@bragerone.local', password: 'demo' }),
      logLevel: 'silent',
      fetch: (input, init) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    });
  }

  it('off by default: webUrl is url; on: a second port that oneBase names, serving every route', async () => {
    const one = await startSimulator({ tickInterval: 0 });
    open.push(one);
    expect(one.webUrl).toBe(one.url);
    expect(one.server.oneBase).toBe(one.url);

    const s = await startSimulator({ tickInterval: 0, webOrigin: true });
    open.push(s);
    expect(new URL(s.webUrl).port).not.toBe(new URL(s.url).port);
    expect(s.server.ioBase).toBe(s.url);
    expect(s.server.oneBase).toBe(s.webUrl);
    const html = await (await fetch(`${s.webUrl}/`)).text();
    expect(html).toMatch(/\/assets\/index-[\w-]+\.js/);
    // one server behind both: a token issued through one origin works through the other
    const signIn = await fetch(`${s.webUrl}/v1/auth/user`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'demo@bragerone.local', password: 'demo' }),
    });
    const { accessToken: token } = (await signIn.json()) as { accessToken: string };
    const r = await fetch(`${s.url}/v1/user`, { headers: { Authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
  });

  it('the SDK fetches the catalog from the web origin and the API from the io origin (strict origin checks pass)', async () => {
    const s = await startSimulator({ tickInterval: 0, webOrigin: true, strict: true });
    open.push(s);
    const urls: string[] = [];
    const api = recordingClient(s, urls);
    try {
      const { loadCatalog } = await import('../../src/catalog/index.js');
      const catalog = await loadCatalog({ api });
      expect(catalog.fingerprint).toMatch(/index-/);
      await api.ensureAuth();
      const assets = urls.filter((u) => new URL(u).pathname === '/' || u.includes('/assets/'));
      const rest = urls.filter((u) => new URL(u).pathname.startsWith('/v1/'));
      expect(assets.length).toBeGreaterThanOrEqual(2);
      expect(rest.length).toBeGreaterThanOrEqual(2); // the version check and the login
      for (const u of assets) expect(u.startsWith(`${s.webUrl}/`)).toBe(true);
      for (const u of rest) expect(u.startsWith(`${s.url}/`)).toBe(true);
      // strict: Origin/Referer must name the web origin; the io origin is refused
      const wrong = await fetch(`${s.url}/v1/auth/user`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: s.url },
        body: JSON.stringify({ email: 'demo@bragerone.local', password: 'demo' }),
      });
      expect(wrong.status).toBe(403);
    } finally {
      await api.close();
    }
  });

  it('with network shaping, both origins go through the proxy and share its faults', async () => {
    const s = await shaped(0, 0, { webOrigin: true });
    expect(new URL(s.webUrl).port).not.toBe(new URL(s.url).port);
    const before = s.network.stats().connections;
    expect((await fetch(`${s.webUrl}/`, { headers: { Connection: 'close' } })).status).toBe(200);
    expect(s.network.stats().connections).toBe(before + 1);
    const lift = s.network.fault({ kind: 'refuse' });
    await expect(fetch(`${s.webUrl}/`, { headers: { Connection: 'close' } })).rejects.toThrow();
    lift();
    expect((await fetch(`${s.webUrl}/`, { headers: { Connection: 'close' } })).status).toBe(200);
  });
});
