import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHttpFetch } from '../../src/http/node-fetch.js';
import { BragerOneApiClient, NetworkError, TimeoutError } from '../../src/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';

// The node:http transport must behave like fetch wherever the client relies on it: same requests on the wire,
// same statuses/bodies, timeouts, aborts, redirects, errors.
const sim = useSimulator();
const nodeFetch = createNodeHttpFetch();

afterEach(() => {
  sim().faults.clear();
  sim().stats.reset();
});
afterAll(() => nodeFetch.close());

function client(extra: ConstructorParameters<typeof BragerOneApiClient>[0] = {}) {
  return new BragerOneApiClient({ server: sim().server, credsProvider: () => DEMO, logLevel: 'silent', fetch: nodeFetch, ...extra });
}

/** A tiny server for what the simulator does not do (redirects, compression, echo). */
let aux: Server;
let auxUrl = '';
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
beforeAll(async () => {
  aux = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/redirect') {
        res.writeHead(Number(u.searchParams.get('status') ?? 302), { location: u.searchParams.get('to') ?? '/echo' });
        return res.end();
      }
      if (u.pathname === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(gzipSync(JSON.stringify({ zipped: true })));
      }
      if (u.pathname === '/empty') {
        res.writeHead(204);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ method: req.method, body }));
    });
  });
  await new Promise<void>((r) => aux.listen(0, '127.0.0.1', r));
  auxUrl = `http://127.0.0.1:${(aux.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => aux.close(() => r())));

describe('createNodeHttpFetch through the client', () => {
  it('sends the same headers and bodies as fetch, and reads JSON, text and bytes', async () => {
    const c = client();
    expect((await c.getUser()).email).toBe(DEMO.email);
    const req = sim().stats.requests.filter((r) => r.routeId === 'GET /v1/user').at(-1)!;
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers.authorization).toBe('Bearer <redacted>');
    expect(req.headers.origin).toBe(sim().url);
    expect(await c.modulesParametersPrime(['DEMO0A1B2C'])).toBe(true);
    expect((await c.fetchTextOne('/')).data).toContain('<');
    const bytes = await c.getBytes(`${sim().url}/`);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBeGreaterThan(0);
  });

  it('maps statuses to ApiError and a refused connection to NetworkError', async () => {
    const c = client();
    await c.ensureAuth();
    sim().faults.failNext('GET /v1/objects', 1, { status: 503 });
    await expect(c.getObjects()).rejects.toMatchObject({ name: 'ApiError', status: 503 });
    const dead = new BragerOneApiClient({ apiBase: 'http://127.0.0.1:9/v1', logLevel: 'silent', fetch: nodeFetch });
    await expect(dead.getSystemVersion()).rejects.toBeInstanceOf(NetworkError);
  });

  it('times out and aborts like fetch, and frees the slot', async () => {
    const c = client({ concurrency: 1, timeout: 150 });
    await c.ensureAuth();
    sim().faults.delay('GET /v1/objects', 3_000, 1);
    await expect(c.getObjects()).rejects.toBeInstanceOf(TimeoutError);
    sim().faults.delay('GET /v1/objects', 3_000, 1);
    const ctrl = new AbortController();
    const p = c.getObjects({ signal: ctrl.signal, timeout: 5_000 });
    setTimeout(() => ctrl.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(c.stats.inFlight).toBe(0);
    await expect(c.getUser()).resolves.toMatchObject({ email: DEMO.email });
  });

  it('a 401 re-login and replay works over it', async () => {
    const c = client();
    await c.ensureAuth();
    sim().revokeTokens();
    await expect(c.getUser()).resolves.toMatchObject({ email: DEMO.email });
  });
});

describe('createNodeHttpFetch as fetch', () => {
  it('follows redirects with fetch rules (303 → GET without body; 307 keeps method and body)', async () => {
    seen.length = 0;
    const r303 = await nodeFetch(`${auxUrl}/redirect?status=303`, { method: 'POST', body: 'x=1', headers: { 'content-type': 'text/plain' } });
    expect(await r303.json()).toEqual({ method: 'GET', body: '' });
    expect(seen.at(-1)?.headers['content-type']).toBeUndefined();
    const r307 = await nodeFetch(`${auxUrl}/redirect?status=307`, { method: 'POST', body: 'x=1' });
    expect(await r307.json()).toEqual({ method: 'POST', body: 'x=1' });
    const manual = await nodeFetch(`${auxUrl}/redirect?status=302`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    await expect(nodeFetch(`${auxUrl}/redirect?status=302`, { redirect: 'error' })).rejects.toBeInstanceOf(TypeError);
  });

  it('drops Authorization on a cross-origin redirect only', async () => {
    seen.length = 0;
    const other = auxUrl.replace('127.0.0.1', 'localhost');
    await nodeFetch(`${auxUrl}/redirect?to=${encodeURIComponent(`${other}/echo`)}`, { headers: { Authorization: 'Bearer t' } });
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
    await nodeFetch(`${auxUrl}/redirect?to=/echo`, { headers: { Authorization: 'Bearer t' } });
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer t');
  });

  it('decodes gzip, keeps repeated headers, answers 204 without a body, accepts Headers and arrays', async () => {
    expect(await (await nodeFetch(`${auxUrl}/gzip`)).json()).toEqual({ zipped: true });
    const r = await nodeFetch(`${auxUrl}/echo`, { headers: new Headers({ 'x-a': '1' }) });
    expect(r.headers.get('set-cookie')).toBe('a=1, b=2');
    await r.text();
    const e = await nodeFetch(`${auxUrl}/empty`, { headers: [['x-b', '2']] });
    expect(e.status).toBe(204);
    expect(e.body).toBeNull();
    expect(seen.at(-1)?.headers['x-b']).toBe('2');
  });

  it('rejects with the signal reason, before and during the request', async () => {
    await expect(nodeFetch(`${auxUrl}/echo`, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
    sim().faults.delay('GET /v1/system/version', 2_000, 1);
    const ctrl = new AbortController();
    const p = nodeFetch(`${sim().server.apiBase}/system/version`, { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(new Error('late')), 30);
    await expect(p).rejects.toThrow('late');
  });
});

describe('the buffered Response', () => {
  it('reads once, clones, and streams like any Response', async () => {
    const r = await nodeFetch(`${auxUrl}/echo`);
    const c = r.clone();
    expect(await r.json()).toEqual({ method: 'GET', body: '' });
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toBeInstanceOf(TypeError);
    expect(new Uint8Array(await c.arrayBuffer()).length).toBeGreaterThan(0);
    const s = await nodeFetch(`${auxUrl}/echo`);
    const reader = s.body!.getReader();
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    expect(JSON.parse(text)).toEqual({ method: 'GET', body: '' });
    expect(s.bodyUsed).toBe(true);
    await expect(s.text()).rejects.toBeInstanceOf(TypeError);
    const t = await nodeFetch(`${auxUrl}/echo`);
    expect(t.body).not.toBeNull();
    const t2 = t.clone();
    expect(await t.text()).toBe(await t2.text());
  });
});
