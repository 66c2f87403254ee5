/**
 * `bragerone/relay` against the STRICT simulator (Origin/Referer checked on REST and the handshake, x-appversion
 * required on the handshake, CORS for its own origin only): what it forwards, how it rewrites headers, what it refuses
 * (another host, a path outside the API, an origin not on the list, a missing key), its limits, and that its log
 * never holds a password, a token or the key. Real sockets on loopback only.
 */
import { connect as netConnect } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RelayLogEntry, type RunningRelay, startRelay } from '../../src/relay/index.js';
import { defineServer, relayServer } from '../../src/server.js';
import { DEMO_EMAIL, DEMO_PASSWORD, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { until } from '../helpers/wait.js';

const APP = 'https://my.dashboard.test';
const OTHER = 'https://evil.example';
const KEY = 'k3y-of-at-least-16-chars';

let sim: Simulator;
const relays: RunningRelay[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  sim = await startSimulator({ strict: true, tickInterval: 0 });
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const r of relays.splice(0)) await r.close();
});
afterAll(async () => {
  await sim?.close();
});

async function relay(
  extra: Partial<Parameters<typeof startRelay>[0]> = {},
  log: RelayLogEntry[] = [],
): Promise<RunningRelay> {
  const r = await startRelay({
    server: defineServer({ ioBase: sim.url, oneBase: sim.url }),
    allowOrigins: [APP],
    port: 0,
    log: (e) => log.push(e),
    ...extra,
  });
  relays.push(r);
  return r;
}

function req(
  base: string,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${base}${path}`, { ...init, headers: { Origin: APP, ...init.headers } });
}

async function login(base: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await req(base, '/v1/auth/user', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  });
  expect(r.status).toBe(200);
  const body = (await r.json()) as { accessToken: string };
  return body.accessToken;
}

/** Sends raw bytes to the relay and returns the first status line of the answer. */
function raw(base: string, text: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const s = netConnect(Number(port), '127.0.0.1', () => s.write(text));
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) {
        s.destroy();
        resolve(buf.split('\r\n')[0] ?? '');
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(buf.split('\r\n')[0] ?? ''));
  });
}

describe('relay: forwarding and header rewriting', () => {
  it('REST: the strict cloud accepts the rewritten Origin/Referer; the page gets CORS for its own origin only', async () => {
    const r = await relay();
    const direct = await fetch(`${sim.url}/v1/auth/user`, {
      method: 'POST',
      headers: { Origin: APP, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
    });
    expect(direct.status).toBe(403); // the strict cloud refuses a foreign Origin
    const token = await login(r.url);
    const objects = await req(r.url, '/v1/objects', { headers: { Authorization: `Bearer ${token}` } });
    expect(objects.status).toBe(200);
    expect(objects.headers.get('access-control-allow-origin')).toBe(APP);
    expect(objects.headers.get('vary')).toMatch(/Origin/);
    expect(objects.headers.get('set-cookie')).toBeNull();
    expect(JSON.stringify(await objects.json())).toContain('"id"');
  });

  it('answers preflights for listed origins itself, and refuses others without reaching the cloud', async () => {
    const r = await relay();
    sim.stats.reset();
    const ok = await req(r.url, '/v1/objects', {
      method: 'OPTIONS',
      headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const bad = await req(r.url, '/v1/objects', {
      method: 'OPTIONS',
      headers: { Origin: OTHER, 'Access-Control-Request-Method': 'GET' },
    });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const badGet = await req(r.url, '/v1/system/version?container=BragerOne&platform=0', {
      headers: { Origin: OTHER },
    });
    expect(badGet.status).toBe(403);
    expect(sim.stats.requests.length).toBe(0);
  });

  it('assets: GET / and /assets/* from the one base, read-only, ETag exposed, conditional GET works', async () => {
    const r = await relay();
    const index = await req(r.url, '/');
    expect(index.status).toBe(200);
    const html = await index.text();
    const name = sim.webApp.indexName;
    expect(html).toContain(`/assets/${name}`);
    const a = await req(r.url, `/assets/${name}`, { headers: { Authorization: 'Bearer should-not-travel' } });
    expect(a.status).toBe(200);
    expect(a.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    const etag = a.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await req(r.url, `/assets/${name}`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
    const post = await req(r.url, `/assets/${name}`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });

  it('Socket.IO through the relay: polling handshake gets x-appversion and Origin, then upgrades to WebSocket; WebSocket-only works too', async () => {
    const log: RelayLogEntry[] = [];
    const r = await relay({}, log);
    const token = await login(r.url);
    const open = (transports: ('polling' | 'websocket')[]) =>
      new Promise<Socket>((resolve, reject) => {
        const s = io(`${r.url}/ws`, {
          path: '/socket.io',
          transports,
          reconnection: false,
          extraHeaders: { Authorization: `Bearer ${token}`, Origin: APP },
          timeout: 10_000,
        });
        sockets.push(s);
        s.on('connect', () => resolve(s));
        s.on('connect_error', reject);
      });
    const polled = await open(['polling', 'websocket']);
    await until(() => polled.io.engine.transport.name === 'websocket', 'the upgrade to websocket');
    const ws = await open(['websocket']);
    expect(ws.connected).toBe(true);
    const infos = sim.sockets();
    expect(infos.filter((i) => i.transport === 'websocket').length).toBeGreaterThanOrEqual(2);
    expect(log.filter((e) => e.event === 'upgrade').length).toBeGreaterThanOrEqual(2);
  });

  it('relayServer(url) builds a ServerConfig whose every base is the relay', () => {
    const s = relayServer('https://relay.example/');
    expect(s).toMatchObject({
      ioBase: 'https://relay.example',
      oneBase: 'https://relay.example',
      apiBase: 'https://relay.example/v1',
      container: 'BragerOne',
    });
  });
});

describe('relay: refusals', () => {
  it('never forwards to a host from the request: absolute-form URLs are refused, a foreign Host header is ignored', async () => {
    const r = await relay();
    sim.stats.reset();
    expect(
      await raw(
        r.url,
        'GET http://evil.example/v1/system/version HTTP/1.1\r\nHost: evil.example\r\nOrigin: https://my.dashboard.test\r\n\r\n',
      ),
    ).toMatch(/ 400 /);
    expect(await raw(r.url, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n')).toMatch(/ 405 /);
    expect(sim.stats.requests.length).toBe(0);
    // A Host naming another machine still goes to the configured cloud only.
    const line = await raw(
      r.url,
      'GET /v1/system/version?container=BragerOne&platform=0 HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
    );
    expect(line).toMatch(/ 200 /);
    expect(sim.stats.count('GET /v1/system/version')).toBe(1);
  });

  it('paths outside the API are refused without reaching the cloud (also with dot segments)', async () => {
    const r = await relay();
    sim.stats.reset();
    for (const p of [
      '/admin',
      '/v1/../admin',
      '/v1/%2e%2e/secret',
      '/v2/objects',
      '/socket.io.evil/x',
      '/assetsx',
      '/dist/bragerone.iife.js',
    ]) {
      const res = await req(r.url, p);
      expect(res.status, p).toBe(404);
    }
    expect(await raw(r.url, 'GET //evil.example/v1/objects HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/ 400 /);
    expect(sim.stats.requests.length).toBe(0);
  });

  it('upgrades: only the Socket.IO path, only listed origins', async () => {
    const r = await relay();
    const up = (path: string, origin: string) =>
      raw(
        r.url,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: ${origin}\r\n\r\n`,
      );
    expect(await up('/v1/objects', APP)).toMatch(/ 404 /);
    expect(await up('/socket.io/?EIO=4&transport=websocket', OTHER)).toMatch(/ 403 /);
  });

  it('with a key: requests without it are refused (401); the header or the relayKey query parameter passes, and the key is not forwarded', async () => {
    const r = await relay({ secret: KEY });
    sim.stats.reset();
    const none = await req(r.url, '/v1/system/version?container=BragerOne&platform=0');
    expect(none.status).toBe(401);
    const wrong = await req(r.url, '/v1/system/version?container=BragerOne&platform=0', {
      headers: { 'X-Relay-Key': `${KEY}x` },
    });
    expect(wrong.status).toBe(401);
    expect(sim.stats.requests.length).toBe(0);
    const ok = await req(r.url, '/v1/system/version?container=BragerOne&platform=0', {
      headers: { 'X-Relay-Key': KEY },
    });
    expect(ok.status).toBe(200);
    const q = await req(r.url, `/v1/system/version?container=BragerOne&platform=0&relayKey=${KEY}`);
    expect(q.status).toBe(200);
    expect(JSON.stringify(sim.stats.requests)).not.toContain(KEY);
  });

  it('rejects bad options loudly', async () => {
    const server = defineServer({ ioBase: sim.url });
    await expect(startRelay({ server, allowOrigins: ['*'], port: 0 })).rejects.toThrow(/not an origin/);
    await expect(startRelay({ server, allowOrigins: ['https://a.example/'], port: 0 })).rejects.toThrow(
      /not an origin/,
    );
    await expect(startRelay({ server, allowOrigins: [APP], secret: 'short', port: 0 })).rejects.toThrow(
      /16 characters/,
    );
  });
});

describe('relay: limits and logs', () => {
  it('caps the body size (declared and chunked)', async () => {
    const r = await relay({ maxBodyBytes: 1000 });
    sim.stats.reset();
    const big = JSON.stringify({ email: 'x'.repeat(2000), password: 'y' });
    const declared = await req(r.url, '/v1/auth/user', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await req(r.url, '/v1/auth/user', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('z'.repeat(500)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit & { headers: Record<string, string> });
    expect(chunked.status).toBe(413);
    expect(sim.stats.count('POST /v1/auth/user')).toBe(0);
  });

  it('limits the rate per client IP (429 with Retry-After)', async () => {
    const r = await relay({ rateLimit: { max: 3, windowMs: 600_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await req(r.url, '/v1/system/version?container=BragerOne&platform=0')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const last = await req(r.url, '/v1/system/version');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the log holds methods, paths and statuses, never a password, a token, an Authorization value, a query or the key', async () => {
    const log: RelayLogEntry[] = [];
    const r = await relay({ secret: KEY }, log);
    const token = await login(r.url, { 'X-Relay-Key': KEY });
    await req(r.url, '/v1/objects', { headers: { Authorization: `Bearer ${token}`, 'X-Relay-Key': KEY } });
    await req(r.url, `/v1/user?relayKey=${KEY}&x=${token}`, { headers: { Authorization: `Bearer ${token}` } });
    await req(r.url, '/v1/objects', { headers: { Authorization: `Bearer ${token}` } }); // refused: no key
    const text = JSON.stringify(log);
    expect(log.length).toBeGreaterThanOrEqual(4);
    expect(log.some((e) => e.event === 'refused' && e.status === 401)).toBe(true);
    for (const secret of [DEMO_PASSWORD, token, KEY, 'Bearer']) expect(text).not.toContain(secret);
  });
});
