import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODULES, DEMO_OBJECT_ID, FAULTS, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { until } from '../helpers/wait.js';
import { call, login } from './helpers.js';

const BOILER = DEMO_MODULES[0] as string;
const MODULES_PATH = `/v1/modules?page=1&limit=999&group_id=${DEMO_OBJECT_ID}`;

let sim: Simulator;
let token: string;
/** The simulator's clock: fault windows and token lifetimes read it, so a test moves it instead of sleeping. */
let clock = Date.now();

beforeAll(async () => {
  sim = await startSimulator({ tickInterval: 0, now: () => clock });
  token = await login(sim);
});
afterAll(() => sim.close());
afterEach(() => sim.faults.clear());

describe('failNext / failFor', () => {
  it('serves an HTML 503 the given number of times, then recovers', async () => {
    sim.faults.failNext('GET /v1/user', 2, { status: 503 });
    const a = await call(sim, 'GET', '/v1/user', { token });
    expect(a.status).toBe(503);
    expect(a.headers.get('content-type')).toContain('text/html');
    expect(a.text).toContain('503');
    expect((await call(sim, 'GET', '/v1/user', { token })).status).toBe(503);
    expect((await call(sim, 'GET', '/v1/user', { token })).status).toBe(200);
  });

  it('serves JSON fault bodies and custom headers; "*" matches every route', async () => {
    sim.faults.failNext('*', 1, { ...FAULTS.dispatchTimeout, headers: { 'Retry-After': '1' } });
    const r = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: BOILER, pool: 'P4', parameter: 'v8', value: 60 },
    });
    expect(r.status).toBe(408);
    expect(r.json).toEqual({ status: 'E_DISPATCH_EVENT_TIMEOUT', message: 'Dispatch event timeout' });
    expect(r.headers.get('retry-after')).toBe('1');
    expect((await call(sim, 'GET', '/v1/user', { token })).status).toBe(200);
    sim.faults.failNext('GET /v1/objects', 1, { status: 500, body: '{"message":"x"}', contentType: 'text/plain' });
    const t = await call(sim, 'GET', '/v1/objects', { token });
    expect(t.status).toBe(500);
    expect(t.headers.get('content-type')).toBe('text/plain');
  });

  it('does not consume faults for other routes', async () => {
    sim.faults.failNext('GET /v1/objects', 1, { status: 502 });
    expect((await call(sim, 'GET', '/v1/user', { token })).status).toBe(200);
    expect((await call(sim, 'GET', '/v1/objects', { token })).status).toBe(502);
  });

  it('failFor is an outage window on the simulator clock', async () => {
    sim.faults.failFor('GET /v1/system/version', 150, { status: 504 });
    expect((await call(sim, 'GET', '/v1/system/version')).status).toBe(504);
    clock += 149;
    expect((await call(sim, 'GET', '/v1/system/version')).status).toBe(504);
    clock += 1; // the window has passed
    expect((await call(sim, 'GET', '/v1/system/version')).status).toBe(200);
  });

  it('duplicateEntryLogins answers 500 ER_DUP_ENTRY to the next n logins', async () => {
    const before = sim.loginCount();
    sim.faults.duplicateEntryLogins(2);
    for (let i = 0; i < 2; i++) {
      const r = await call(sim, 'POST', '/v1/auth/user', { body: { email: 'demo@bragerone.local', password: 'demo' } });
      expect(r.status).toBe(500);
      expect((r.json as { message: string }).message).toMatch(/ER_DUP_ENTRY: Duplicate entry/);
    }
    await login(sim);
    expect(sim.loginCount()).toBe(before + 1);
  });
});

describe('delay', () => {
  it('delays responses and counts in-flight requests', async () => {
    sim.stats.reset();
    sim.faults.delay('GET /v1/user', 300, 3);
    const order: string[] = [];
    const pending = [1, 2, 3].map((i) =>
      call(sim, 'GET', '/v1/user', { token }).finally(() => order.push(`delayed${i}`)),
    );
    await until(() => sim.stats.inFlight === 3, 'three delayed requests in flight');
    // The delay is used up: a fourth request overtakes the three that are held.
    await call(sim, 'GET', '/v1/user', { token }).then(() => order.push('fourth'));
    expect(order).toEqual(['fourth']);
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(order).toHaveLength(4);
    expect(sim.stats.maxInFlight).toBe(4);
    expect(sim.stats.inFlight).toBe(0);
  });

  it('an aborted client frees the delayed request', async () => {
    sim.faults.delay('*', 10_000);
    const ctl = new AbortController();
    const p = call(sim, 'GET', '/v1/user', { token, signal: ctl.signal });
    await until(() => sim.stats.inFlight === 1, 'the delayed request in flight');
    ctl.abort();
    await expect(p).rejects.toThrow();
    await expect.poll(() => sim.stats.inFlight).toBe(0);
    const last = sim.stats.requests.at(-1);
    expect(last?.status).toBe(0);
  });
});

describe('shapes', () => {
  it('objects variants', async () => {
    const get = () => call(sim, 'GET', '/v1/objects', { token });
    sim.faults.shape('GET /v1/objects', 'objects');
    expect(Object.keys((await get()).json as object)).toEqual(['objects']);
    sim.faults.shape('GET /v1/objects', 'bare');
    expect(Array.isArray((await get()).json)).toBe(true);
    sim.faults.shape('GET /v1/objects', 'odd');
    expect(Object.keys((await get()).json as object)).toEqual(['items']);
    sim.faults.shape('GET /v1/objects', 'status201');
    expect((await get()).status).toBe(201);
  });

  it('modules variants', async () => {
    const get = async () => (await call(sim, 'GET', MODULES_PATH, { token })).json;
    sim.faults.shape('GET /v1/modules', 'bare');
    expect(Array.isArray(await get())).toBe(true);
    sim.faults.shape('GET /v1/modules', 'odd');
    expect(Object.keys((await get()) as object)).toEqual(['rows']);
    sim.faults.shape('GET /v1/modules', 'corruptRow');
    const corrupt = ((await get()) as { data: Array<Record<string, unknown>> }).data;
    expect(corrupt).toHaveLength(3);
    expect(corrupt[2]).not.toHaveProperty('moduleTitle');
    sim.faults.shape('GET /v1/modules', 'degradedRow');
    const degraded = ((await get()) as { data: Array<Record<string, unknown>> }).data.at(-1);
    expect(degraded).toMatchObject({
      gateway: null,
      connectedAt: null,
      moduleAddress: null,
      moduleInterface: null,
      moduleVersion: null,
      isConnectedAt: null,
    });
  });

  it('user, version and permissions variants', async () => {
    sim.faults.shape('GET /v1/user', 'bare');
    expect((await call(sim, 'GET', '/v1/user', { token })).json).toHaveProperty('email');
    sim.faults.shape('GET /v1/system/version', 'bare');
    expect((await call(sim, 'GET', '/v1/system/version')).json).toEqual({ version: '1.0.2601010000', devMode: false });
    sim.faults.shape('GET /v1/user/permissions', 'bare');
    expect(Array.isArray((await call(sim, 'GET', '/v1/user/permissions', { token })).json)).toBe(true);
    sim.faults.shape('GET /v1/objects/:id/permissions', 'objects');
    const objs = (await call(sim, 'GET', `/v1/objects/${DEMO_OBJECT_ID}/permissions`, { token })).json as {
      permissions: unknown[];
    };
    expect(objs.permissions[0]).toEqual({ name: expect.any(String) });
  });

  it('parameters, activity and login variants', async () => {
    const prime = () => call(sim, 'POST', '/v1/modules/parameters', { token, body: { modules: [BOILER] } });
    sim.faults.shape('POST /v1/modules/parameters', '204');
    const empty = await prime();
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
    sim.faults.shape('POST /v1/modules/parameters', 'nonObject');
    expect((await prime()).json).toEqual([]);
    sim.faults.shape('POST /v1/modules/activity/quantity', '204');
    expect(
      (await call(sim, 'POST', '/v1/modules/activity/quantity', { token, body: { modules: [BOILER] } })).status,
    ).toBe(204);
    sim.faults.shape('POST /v1/auth/user', 'noUser');
    const l = await call(sim, 'POST', '/v1/auth/user', { body: { email: 'demo@bragerone.local', password: 'demo' } });
    expect(l.json).not.toHaveProperty('user');
    sim.faults.shape('POST /v1/auth/user', 'nullExpiry');
    const n = await call(sim, 'POST', '/v1/auth/user', { body: { email: 'demo@bragerone.local', password: 'demo' } });
    expect((n.json as { expiresAt: unknown }).expiresAt).toBeNull();
  });
});

describe('malformed bodies', () => {
  it('invalid JSON with a JSON content type, then JSON as text/plain', async () => {
    sim.faults.malformed('GET /v1/objects', 1);
    const bad = await call(sim, 'GET', '/v1/objects', { token });
    expect(bad.status).toBe(200);
    expect(bad.headers.get('content-type')).toContain('application/json');
    expect(() => JSON.parse(bad.text)).toThrow();
    sim.faults.malformed('GET /v1/objects', 1, 'textPlain');
    const plain = await call(sim, 'GET', '/v1/objects', { token });
    expect(plain.headers.get('content-type')).toContain('text/plain');
    expect(JSON.parse(plain.text)).toHaveProperty('data');
    expect((await call(sim, 'GET', '/v1/objects', { token })).json).toHaveProperty('data');
  });
});

describe('tokens', () => {
  it('expireTokens makes every issued token fail with 401', async () => {
    const t = await login(sim);
    sim.faults.clear();
    sim.expireTokens();
    expect((await call(sim, 'GET', '/v1/user', { token: t })).status).toBe(401);
    const fresh = await login(sim);
    expect((await call(sim, 'GET', '/v1/user', { token: fresh })).status).toBe(200);
    token = fresh;
  });

  it('revokeTokens revokes every token; issuedTokens lists them all', async () => {
    const t = await login(sim);
    sim.revokeTokens();
    expect((await call(sim, 'GET', '/v1/objects', { token: t })).status).toBe(401);
    expect(sim.issuedTokens()).toContain(t);
    token = await login(sim);
  });
});

describe('stats', () => {
  it('counts per route, totals and redacts Authorization in the log', async () => {
    sim.stats.reset();
    await call(sim, 'GET', `/v1/objects/${DEMO_OBJECT_ID}`, { token });
    await call(sim, 'GET', '/v1/objects/7', { token });
    await call(sim, 'GET', '/nowhere');
    expect(sim.stats.count('GET /v1/objects/:id')).toBe(2);
    expect(sim.stats.count('UNMATCHED')).toBe(1);
    expect(sim.stats.total()).toBe(3);
    const [first] = sim.stats.requests;
    expect(first?.headers.authorization).toBe('Bearer <redacted>');
    expect(first?.status).toBe(200);
    expect(sim.stats.requests[1]?.status).toBe(404);
    expect(JSON.stringify(sim.stats.requests)).not.toContain(token);
  });

  it('tracks the in-flight peak under concurrency', async () => {
    sim.stats.reset();
    sim.faults.delay('GET /v1/objects', 100, 8);
    await Promise.all(Array.from({ length: 8 }, () => call(sim, 'GET', '/v1/objects', { token })));
    expect(sim.stats.maxInFlight).toBe(8);
    expect(sim.stats.count('GET /v1/objects')).toBe(8);
  });
});

describe('afterAnswer', () => {
  it('runs the hook after the answer to the next matching requests only', async () => {
    const seen: number[] = [];
    sim.faults.afterAnswer('GET /v1/system/version', () => seen.push(sim.stats.count('GET /v1/system/version')), 2);
    await call(sim, 'GET', '/v1/user', { token });
    expect(seen).toEqual([]);
    for (let i = 0; i < 3; i++) await call(sim, 'GET', '/v1/system/version');
    expect(seen.length).toBe(2);
    expect(seen[0]).toBeLessThan(seen[1] as number);
  });

  it('can change a value after a prime was answered: the prime shows the old value', async () => {
    const BOILER = 'DEMO0A1B2C';
    sim.setParam(BOILER, 'P4.v8', 55);
    sim.faults.afterAnswer('POST /v1/modules/parameters', () => sim.setParam(BOILER, 'P4.v8', 66));
    const r = await call(sim, 'POST', '/v1/modules/parameters', { token, body: { modules: [BOILER] } });
    expect((r.json as Record<string, Record<string, Record<string, { value: unknown }>>>)[BOILER]?.P4?.v8?.value).toBe(
      55,
    );
    expect(sim.getParam(BOILER, 'P4.v8')).toBe(66);
  });
});
