import { afterEach, describe, expect, it } from 'vitest';
import {
  BragerOneApiClient,
  BragerOneError,
  MemoryCacheAdapter,
  NetworkError,
  TimeoutError,
  isExpectedUpstreamUnavailable,
} from '../../src/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { captureLogger } from '../helpers/logger.js';
import { until } from '../helpers/wait.js';

const sim = useSimulator();

afterEach(() => {
  sim().faults.clear();
  sim().stats.reset();
});

function client(extra: ConstructorParameters<typeof BragerOneApiClient>[0] = {}) {
  return new BragerOneApiClient({ server: sim().server, credsProvider: () => DEMO, logLevel: 'silent', ...extra });
}

describe('headers', () => {
  it('REST calls carry Accept, Bearer, Origin and Referer', async () => {
    const c = client();
    await c.getUser();
    const req = sim()
      .stats.requests.filter((r) => r.routeId === 'GET /v1/user')
      .at(-1)!;
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers.authorization).toBe('Bearer <redacted>');
    expect(req.headers.origin).toBe(sim().url);
    expect(req.headers.referer).toBe(`${sim().url}/`);
  });
});

describe('concurrency', () => {
  it('never has more than `concurrency` requests in flight, and queued calls run in order', async () => {
    const c = client({ concurrency: 3 });
    await c.ensureAuth();
    sim().stats.reset();
    sim().faults.delay('GET /v1/objects/:id', 30);
    const done: number[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.getObject(1201).then(() => done.push(i))));
    expect(sim().stats.maxInFlight).toBe(3);
    expect(done.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(c.stats.inFlight).toBe(0);
  });

  it('default concurrency is 4 and logins count too', async () => {
    const c = client();
    sim().faults.delay('*', 20);
    await Promise.all(Array.from({ length: 10 }, () => c.getObjects()));
    expect(sim().stats.maxInFlight).toBe(4);
  });
});

describe('timeouts and aborts', () => {
  it('a delayed response rejects with TimeoutError long before it arrives, and frees the slot', async () => {
    const c = client({ concurrency: 1, timeout: 150 });
    await c.ensureAuth();
    sim().faults.delay('GET /v1/objects', 5_000, 1);
    const err = await c.getObjects().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toBeInstanceOf(NetworkError);
    // long before it arrives: the simulator sees the request cut (status 0), not answered
    await until(
      () => sim().stats.requests.find((r) => r.routeId === 'GET /v1/objects')?.status === 0,
      'the delayed request cut',
    );
    expect(isExpectedUpstreamUnavailable(err)).toBe(true);
    await expect(c.getObjects()).resolves.toBeInstanceOf(Array);
  });

  it('per-call timeout overrides the client default', async () => {
    const c = client({ timeout: 10_000 });
    await c.ensureAuth();
    sim().faults.delay('GET /v1/user', 3_000, 1);
    await expect(c.getUser({ timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('abort rejects with the signal reason and frees the slot', async () => {
    const c = client({ concurrency: 1 });
    await c.ensureAuth();
    sim().faults.delay('GET /v1/objects', 3_000, 1);
    const ctrl = new AbortController();
    const p = c.getObjects({ signal: ctrl.signal });
    await until(() => sim().stats.inFlight === 1, 'the call at the server');
    ctrl.abort();
    const err = await p.catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(c.stats.inFlight).toBe(0);
    await expect(c.getUser()).resolves.toMatchObject({ email: DEMO.email });
  });

  it('a call aborted while queued never reaches the network', async () => {
    const c = client({ concurrency: 1 });
    await c.ensureAuth();
    sim().stats.reset();
    sim().faults.delay('GET /v1/objects', 200, 1);
    const first = c.getObjects();
    const ctrl = new AbortController();
    const queued = c.getUser({ signal: ctrl.signal });
    await until(() => c.stats.queued > 0, 'a queued call');
    expect(c.stats.queued).toBe(1);
    ctrl.abort(new Error('changed my mind'));
    await expect(queued).rejects.toThrow('changed my mind');
    await first;
    expect(sim().stats.count('GET /v1/user')).toBe(0);
  });

  it('an already aborted signal rejects at once', async () => {
    const c = client();
    await expect(c.getSystemVersion({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('errors', () => {
  it('502 with an HTML body: short message, expected outage', async () => {
    const c = client();
    await c.ensureAuth();
    sim().faults.failNext('GET /v1/objects', 1, {
      status: 502,
      body: `<html><head><style>x{}</style></head><body><h1>502 Bad Gateway</h1>${'x'.repeat(50_000)}</body></html>`,
    });
    const err = (await c.getObjects().catch((e: unknown) => e)) as Error & { status: number };
    expect(err.status).toBe(502);
    expect(err.message.length).toBeLessThan(300);
    expect(err.message).toMatch(/^HTTP 502: GET \/objects/);
    expect(err.message).not.toContain('<');
    expect(isExpectedUpstreamUnavailable(err)).toBe(true);
  });

  it('408 E_DISPATCH_EVENT_TIMEOUT is an expected outage; 500 and 404 are not', async () => {
    const c = client();
    await c.ensureAuth();
    sim().faults.failNext('POST /v1/module/command', 1, {
      status: 408,
      body: { status: 'E_DISPATCH_EVENT_TIMEOUT', message: 'dispatch timeout' },
    });
    const e408 = await c
      .moduleCommand({ devid: 'DEMO0A1B2C', pool: 'P4', parameter: 'v8', value: 60 })
      .catch((e: unknown) => e);
    expect(isExpectedUpstreamUnavailable(e408)).toBe(true);
    sim().faults.failNext('GET /v1/user', 1, { status: 500 });
    expect(isExpectedUpstreamUnavailable(await c.getUser().catch((e: unknown) => e))).toBe(false);
    expect(
      isExpectedUpstreamUnavailable(
        new AggregateError([new Error('x'), Object.assign(new Error('y'), { status: 503 })]),
      ),
    ).toBe(true);
  });

  it('connection refused → NetworkError with a scrubbed cause', async () => {
    const c = new BragerOneApiClient({
      apiBase: 'http://127.0.0.1:9/v1',
      credsProvider: () => DEMO,
      logLevel: 'silent',
    });
    const err = (await c.getSystemVersion().catch((e: unknown) => e)) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toMatch(/GET \/system\/version: network error/);
    expect(JSON.stringify(err.cause)).not.toContain('Authorization');
  });
});

describe('trace and secrets', () => {
  it('trace logs every request at debug with Authorization redacted; nothing leaks anywhere', async () => {
    const log = captureLogger();
    const c = client({ enableHttpTrace: true, logger: log, logLevel: undefined });
    await c.getUser();
    sim().revokeTokens();
    await c.getObjects(); // 401 → re-login → replay
    sim().faults.failNext('GET /v1/user', 1, { status: 500, body: { message: 'oops' } });
    const err = await c.getUser().catch((e: unknown) => e);
    const haystack = [...log.lines, JSON.stringify(err), String(err), (err as Error).stack ?? ''].join('\n');
    expect(log.lines.some((l) => l.startsWith('debug') && l.includes('→ GET'))).toBe(true);
    expect(log.lines.some((l) => l.includes('Bearer <redacted>'))).toBe(true);
    for (const t of sim().issuedTokens()) expect(haystack).not.toContain(t);
    expect(haystack).not.toContain(`"${DEMO.password}"`);
  });

  it('redactSecrets: false shows the Authorization header in traces only', async () => {
    const log = captureLogger();
    const c = client({ enableHttpTrace: true, redactSecrets: false, logger: log, logLevel: undefined });
    await c.getUser();
    expect(log.lines.some((l) => l.includes(c.accessToken))).toBe(true);
  });

  it('a server echoing the token in an error body is scrubbed', async () => {
    const c = client();
    await c.ensureAuth();
    sim().faults.failNext('GET /v1/user', 1, {
      status: 400,
      body: { message: `bad token ${c.accessToken}`, token: c.accessToken },
    });
    const err = await c.getUser().catch((e: unknown) => e);
    expect(JSON.stringify((err as { data: unknown }).data)).not.toContain(c.accessToken);
    expect(String(err)).not.toContain(c.accessToken);
  });
});

describe('modulesConnect', () => {
  it('empty list short-circuits without HTTP', async () => {
    const c = client();
    expect(await c.modulesConnect('sid', [])).toBe(true);
    expect(sim().stats.total()).toBe(0);
  });

  it('falls through variants on odd 2xx and 400, remembers the shape, sends current SIDs', async () => {
    const c = client();
    await c.ensureAuth();
    sim().stats.reset();
    // No socket with these SIDs exists: the simulator answers 400 for every variant.
    expect(await c.modulesConnect('ns-1', ['B', 'A', 'A'], 1201, 'eio-1')).toBe(false);
    const bodies = sim().stats.requests.filter((r) => r.routeId === 'POST /v1/modules/connect');
    expect(bodies.length).toBe(6);
    expect(bodies[0]?.headers['x-requested-with']).toBe('XMLHttpRequest');
    expect(bodies[0]?.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  it('a 5xx aborts the sequence', async () => {
    const c = client();
    await c.ensureAuth();
    sim().stats.reset();
    sim().faults.failNext('POST /v1/modules/connect', 1, { status: 503 });
    await expect(c.modulesConnect('ns', ['DEMO0A1B2C'], 1201)).rejects.toMatchObject({ status: 503 });
    expect(sim().stats.count('POST /v1/modules/connect')).toBe(1);
  });
});

describe('getBytes', () => {
  it('caches with validators and answers 304 from the cache', async () => {
    const cache = new MemoryCacheAdapter();
    const c = client({ cache });
    const html = new TextDecoder().decode(await c.getBytes(`${sim().url}/`));
    const m = /\/assets\/index-[\w-]+\.js/.exec(html);
    expect(m).not.toBeNull();
    const url = `${sim().url}${m![0]}`;
    const a = await c.getBytes(url);
    const b = await c.getBytes(url);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    const reqs = sim().stats.requests.filter((r) => r.path === m![0]);
    expect(reqs.map((r) => r.status)).toEqual([200, 304]);
    expect(reqs[1]?.headers['if-none-match']).toBeTruthy();
    expect(reqs[0]?.headers.authorization).toBeUndefined();
    expect(cache.size).toBeGreaterThan(0);
  });

  it('304 without a cached body → one unconditional refetch', async () => {
    const cache = new MemoryCacheAdapter();
    const c = client({ cache });
    const html = new TextDecoder().decode(await c.getBytes(`${sim().url}/`));
    const path = /\/assets\/index-[\w-]+\.js/.exec(html)![0];
    const url = `${sim().url}${path}`;
    await c.getBytes(url);
    const entry = (await cache.get(url))!;
    // Keep the validators but lose the body: simulate a cache that only kept headers.
    cache.set(url, { ...entry, body: new Uint8Array(0) });
    const patched = {
      get: (u: string) => {
        const e = cache.get(u);
        return e && e.body.byteLength === 0 ? { ...e, body: null as unknown as Uint8Array } : e;
      },
      set: (u: string, e: Parameters<typeof cache.set>[1]) => cache.set(u, e),
      delete: (u: string) => cache.delete(u),
    };
    const c2 = client({ cache: patched });
    sim().stats.reset();
    const bytes = await c2.getBytes(url);
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(
      sim()
        .stats.requests.filter((r) => r.path === path)
        .map((r) => r.status),
    ).toEqual([304, 200]);
  });

  it('retries 503 twice (≈200, ≈600 ms) then succeeds; 404 is not retried', async () => {
    const log = captureLogger();
    const c = client({ logger: log, logLevel: 'debug' });
    sim().faults.failNext('GET /', 2, { status: 503 });
    await c.getBytes(`${sim().url}/`);
    // the schedule, as the transport announces each wait before taking it
    expect(
      log.lines.filter((l) => / retry \d in /.test(l)).map((l) => l.replace(/^.* (retry \d in \d+ ms).*$/, '$1')),
    ).toEqual(['retry 1 in 200 ms', 'retry 2 in 600 ms']);
    expect(sim().stats.count('GET /')).toBe(3);
    sim().stats.reset();
    await expect(c.getBytes(`${sim().url}/assets/missing-file.js`)).rejects.toMatchObject({ status: 404 });
    expect(sim().stats.total()).toBe(1);
  });

  it('gives up after 3 attempts', async () => {
    const c = client();
    sim().faults.failNext('GET /', 5, { status: 502 });
    await expect(c.getBytes(`${sim().url}/`)).rejects.toMatchObject({ status: 502 });
    expect(sim().stats.count('GET /')).toBe(3);
  });
});

describe('fetchTextOne / fetchJsonOne', () => {
  it('fetch from oneBase with the bearer token', async () => {
    const c = client();
    const t = await c.fetchTextOne('/');
    expect(t.status).toBe(200);
    expect(t.data).toContain('<script');
    const j = await c.fetchJsonOne('/');
    expect(j.data).toBeNull();
    const v = await c.fetchJsonOne('v1/system/version?container=BragerOne&platform=0');
    expect(v.data).toHaveProperty('version');
  });
});

describe('close()', () => {
  it('rejects queued and in-flight calls at once with BragerOneError and frees every slot', async () => {
    const c = client({ concurrency: 1 });
    await c.ensureAuth();
    sim().faults.delay('GET /v1/objects', 5_000);
    const inflight = c.getObjects();
    const queued = c.getUser();
    await until(() => c.stats.queued > 0, 'a queued call');
    expect(c.stats.inFlight).toBe(1);
    expect(c.stats.queued).toBe(1);
    await c.close();
    const [a, b] = await Promise.allSettled([inflight, queued]);
    // at once: the delayed request was cut at the simulator, not answered after its 5 s
    await until(
      () => sim().stats.requests.find((r) => r.routeId === 'GET /v1/objects')?.status === 0,
      'the in-flight request cut',
    );
    for (const r of [a, b]) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(BragerOneError);
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/closed/);
    }
    expect(c.stats.inFlight).toBe(0);
    expect(c.stats.queued).toBe(0);
    expect(sim().stats.count('GET /v1/user')).toBe(0);
    await expect(c.getSystemVersion()).rejects.toBeInstanceOf(BragerOneError);
  });
});

describe('asset downloads queue behind REST calls', () => {
  it('with concurrency 1, a REST call queued after several getBytes runs before them', async () => {
    const c = client({ concurrency: 1 });
    await c.ensureAuth();
    sim().stats.reset();
    sim().faults.delay('GET /v1/objects', 300, 1);
    const slow = c.getObjects();
    const assets = [1, 2, 3].map(() => c.getBytes(`${sim().url}/`));
    await until(() => c.stats.queued >= 3, 'three queued downloads');
    expect(c.stats.queued).toBe(3);
    const user = c.getUser();
    await Promise.all([slow, user, ...assets]);
    const order = sim().stats.requests.map((r) => r.routeId);
    expect(order).toEqual(['GET /v1/objects', 'GET /v1/user', 'GET /', 'GET /', 'GET /']);
  });
});

describe('timeout while reading a body (per stall)', () => {
  async function assetUrl(): Promise<{ url: string; size: number }> {
    const c = client();
    const html = new TextDecoder().decode(await c.getBytes(`${sim().url}/`));
    const url = `${sim().url}${/\/assets\/index-[\w-]+\.js/.exec(html)![0]}`;
    const size = (await c.getBytes(url)).byteLength;
    return { url, size };
  }

  it('a body that keeps moving finishes although the whole download takes longer than `timeout`', async () => {
    const { url, size } = await assetUrl();
    const timeout = 250;
    const chunks = 8;
    const intervalMs = 100;
    // Seven pauses of 100 ms: the download cannot finish within one `timeout`, but no single stall reaches it.
    expect((chunks - 1) * intervalMs).toBeGreaterThan(timeout);
    sim().faults.slowBody('GET /assets/*', { chunkBytes: Math.ceil(size / chunks), intervalMs });
    const c = client({ timeout });
    const bytes = await c.getBytes(url);
    expect(bytes.byteLength).toBe(size);
    expect(sim().stats.count('GET /assets/*')).toBe(2); // one by assetUrl(), one here: no retry was needed
  });

  it('a body that stalls longer than `timeout` rejects with TimeoutError', async () => {
    const { url, size } = await assetUrl();
    sim().faults.slowBody('GET /assets/*', { chunkBytes: Math.ceil(size / 2), intervalMs: 5_000 });
    const c = client({ timeout: 200 });
    const err = await c.getBytes(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(String(err)).toMatch(/timed out after 200 ms/);
  });

  it('getBytes retries an asset whose body stalled past `timeout` (a transport failure mid-body), and gets it whole', async () => {
    const { url, size } = await assetUrl();
    sim().stats.reset();
    sim().faults.slowBody('GET /assets/*', { chunkBytes: Math.ceil(size / 2), intervalMs: 5_000 }, 1);
    const c = client({ timeout: 200 });
    const bytes = await c.getBytes(url);
    expect(bytes.byteLength).toBe(size);
    expect(sim().stats.count('GET /assets/*')).toBe(2);
  });

  it('a REST body that stalls rejects with TimeoutError too', async () => {
    const c = client({ timeout: 200 });
    await c.ensureAuth();
    sim().faults.slowBody('GET /v1/objects', { chunkBytes: 5, intervalMs: 5_000 }, 1);
    await expect(c.getObjects()).rejects.toBeInstanceOf(TimeoutError);
    await expect(c.getObjects()).resolves.toBeInstanceOf(Array);
  });
});
