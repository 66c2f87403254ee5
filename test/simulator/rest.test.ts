import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_EMAIL,
  DEMO_MODULES,
  DEMO_OBJECT_ID,
  DEMO_USER_ID,
  type Simulator,
  startSimulator,
} from '../../src/simulator/index.js';
import { call, login } from './helpers.js';

const [BOILER = '', MIXER = ''] = DEMO_MODULES;
const OTHER = { email: 'other@example.test', password: 'pw-other' };
const USER_KEYS = [
  'id',
  'name',
  'email',
  'language',
  'allow_email_type_informations',
  'allow_email_type_alarms',
  'allow_email_type_marketing',
  'allow_email_type_warnings',
  'activated_at',
  'show_rate_us_modal',
];

let sim: Simulator;
let token: string;
let staticDir: string;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'sim-static-'));
  writeFileSync(join(staticDir, 'app.js'), 'console.log(1);\n');
  writeFileSync(join(staticDir, 'index.html'), '<!DOCTYPE html><p>hi</p>');
  writeFileSync(join(staticDir, 'data.json'), '{"a":1}');
  sim = await startSimulator({
    tickInterval: 0,
    staticDirs: { '/dist': staticDir },
    corsOrigins: ['http://allowed.test'],
    accounts: [
      {
        ...OTHER,
        user: { id: 5555, name: 'Other User' },
        objects: [
          {
            id: 2001,
            name: 'Other flat',
            addressCountry: 'DE',
            modules: [{ devid: 'OTHER00001', name: 'Flat boiler' }],
          },
        ],
      },
    ],
  });
  token = await login(sim);
});

afterAll(async () => {
  await sim.close();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('login and bearer auth', () => {
  it('logs in with the demo account', async () => {
    const r = await call(sim, 'POST', '/v1/auth/user', { body: { email: DEMO_EMAIL, password: 'demo' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = r.json as Record<string, unknown>;
    expect(body.type).toBe('bearer');
    expect(typeof body.accessToken).toBe('string');
    expect((body.accessToken as string).length).toBeGreaterThan(20);
    expect(body.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(body.expiresAt as string) - Date.now()).toBeGreaterThan(3_500_000);
    expect(Object.keys(body.user as object).sort()).toEqual([...USER_KEYS].sort());
    expect((body.user as { id: number }).id).toBe(DEMO_USER_ID);
    expect(body.objects).toEqual([
      expect.objectContaining({ id: DEMO_OBJECT_ID, name: 'Demo house', addressCountry: 'PL' }),
    ]);
  });

  it('rejects bad credentials and malformed bodies', async () => {
    const bad = await call(sim, 'POST', '/v1/auth/user', { body: { email: DEMO_EMAIL, password: 'nope' } });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ message: 'Invalid credentials' });
    const malformed = await call(sim, 'POST', '/v1/auth/user', { rawBody: '{"email":' });
    expect(malformed.status).toBe(400);
  });

  it('enforces the bearer token on authenticated routes', async () => {
    expect((await call(sim, 'GET', '/v1/user')).status).toBe(401);
    const unknown = await call(sim, 'GET', '/v1/user', { token: 'not-a-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ message: 'Unauthorized' });
    expect((await call(sim, 'GET', '/v1/user', { token })).status).toBe(200);
  });

  it('serves the system version without auth', async () => {
    const r = await call(sim, 'GET', '/v1/system/version?container=BragerOne&platform=0');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ version: { version: '1.0.2601010000', devMode: false } });
  });

  it('revokes a token', async () => {
    const t = await login(sim);
    expect((await call(sim, 'POST', '/v1/auth/revoke', { token: t })).status).toBe(200);
    expect((await call(sim, 'GET', '/v1/user', { token: t })).status).toBe(401);
    expect((await call(sim, 'GET', '/v1/user', { token })).status).toBe(200);
  });
});

describe('resource shapes', () => {
  it('GET /v1/user and permissions', async () => {
    const u = await call(sim, 'GET', '/v1/user', { token });
    expect(Object.keys((u.json as { user: object }).user).sort()).toEqual([...USER_KEYS].sort());
    const p = await call(sim, 'GET', '/v1/user/permissions', { token });
    expect((p.json as { permissions: string[] }).permissions).toContain('DISPLAY_MENU_DHW');
    const op = await call(sim, 'GET', `/v1/objects/${DEMO_OBJECT_ID}/permissions`, { token });
    expect(op.status).toBe(200);
    expect(Array.isArray((op.json as { permissions: unknown }).permissions)).toBe(true);
  });

  it('GET /v1/objects and /v1/objects/:id', async () => {
    const list = await call(sim, 'GET', '/v1/objects', { token });
    expect(list.json).toEqual({
      data: [
        {
          id: 1201,
          name: 'Demo house',
          addressCountry: 'PL',
          addressCity: 'Sampletown',
          addressPostCode: '00-000',
          addressStreet: 'Example St',
          addressHouseNumber: '1',
        },
      ],
    });
    const one = await call(sim, 'GET', `/v1/objects/${DEMO_OBJECT_ID}`, { token });
    expect(one.json).toEqual({ object: expect.objectContaining({ id: DEMO_OBJECT_ID }), status: 'SUCCESS' });
    expect((await call(sim, 'GET', '/v1/objects/999', { token })).json).toEqual({ message: 'Not found' });
  });

  it('GET /v1/modules returns full rows', async () => {
    const r = await call(sim, 'GET', `/v1/modules?page=1&limit=999&group_id=${DEMO_OBJECT_ID}`, { token });
    expect(r.status).toBe(200);
    const rows = (r.json as { data: Array<Record<string, unknown>> }).data;
    expect(rows.map((m) => m.devid)).toEqual([BOILER, MIXER]);
    const row = rows[0] as Record<string, unknown>;
    for (const k of [
      'id',
      'devid',
      'name',
      'moduleTitle',
      'gateway',
      'deviceMenu',
      'deviceLanguageVariant',
      'devices',
      'services',
      'moduleServices',
      'permissions',
      'acceptedAt',
      'connectedAt',
      'moduleAlarms',
      'parameterSchemas',
      'moduleAddress',
      'moduleInterface',
      'moduleVersion',
      'isAcceptedAt',
      'isConnectedAt',
    ]) {
      expect(row, k).toHaveProperty(k);
    }
    expect(row.name).toBe('Boiler room');
    expect(row.moduleTitle).toBe('Pellet Boiler 25kW');
    expect(typeof row.connectedAt).toBe('number');
    expect(row.connectedAt).not.toBe(0);
    expect(row.gateway).toEqual({ address: '192.0.2.10', interface: 'wifi', version: 'V2.08' });
    expect((await call(sim, 'GET', '/v1/modules?page=1&limit=999', { token })).status).toBe(400);
  });

  it('GET /v1/modules/:devid/card (path param decoded)', async () => {
    const r = await call(sim, 'GET', `/v1/modules/${encodeURIComponent(BOILER)}/card`, { token });
    expect(r.json).toMatchObject({
      id: 175,
      moduleId: 301,
      clientFullName: 'Jane Example',
      clientAddressCity: 'Sampletown',
    });
    expect((await call(sim, 'GET', '/v1/modules/DEMO%200A/card', { token })).status).toBe(404);
  });

  it('POST /v1/modules/parameters returns the prime tree', async () => {
    const r = await call(sim, 'POST', '/v1/modules/parameters', { token, body: { modules: [BOILER, MIXER, 'NOPE'] } });
    expect(r.status).toBe(200);
    const body = r.json as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(body)).toEqual([BOILER, MIXER]);
    const p4 = body[BOILER]?.P4 as Record<string, unknown>;
    expect(p4.v1).toMatchObject({ value: 612, storable: true });
    expect(typeof (p4.v1 as { createdAt: unknown }).createdAt).toBe('number');
    expect(typeof (p4.v1 as { updatedAt: unknown }).updatedAt).toBe('number');
    expect(p4.n1).toBe(100);
    expect(p4.x1).toBe(900);
    expect(p4.v2).toEqual({ storable: true });
    expect(body[BOILER]?.P5?.s0).toMatchObject({ value: 9 });
    expect(sim.snapshot(BOILER)).toEqual({ [BOILER]: body[BOILER] });
    expect((await call(sim, 'POST', '/v1/modules/parameters', { token, body: { nope: 1 } })).status).toBe(400);
  });

  it('POST /v1/modules/activity/quantity', async () => {
    const r = await call(sim, 'POST', '/v1/modules/activity/quantity', { token, body: { modules: [BOILER] } });
    expect(r.json).toEqual({ activityQuantity: { [BOILER]: 0 } });
  });

  it('POST /v1/module/command validates and applies', async () => {
    const ok = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: BOILER, pool: 'P4', parameter: 'v9', value: 55 },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ ok: true });
    await expect.poll(() => sim.getParam(BOILER, 'P4.v9')).toBe(55);
    const missing = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: BOILER, pool: 'P4', parameter: 'v9' },
    });
    expect(missing.status).toBe(400);
    const unknownDev = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: 'X', pool: 'P4', parameter: 'v9', value: 1 },
    });
    expect(unknownDev.status).toBe(400);
    const unknownParam = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: BOILER, pool: 'P9', parameter: 'v1', value: 1 },
    });
    expect(unknownParam.json).toEqual({ message: 'Unknown parameter' });
  });

  it('POST /v1/module/command/raw validates; MODULE_RESTART cycles the module', async () => {
    expect((await call(sim, 'POST', '/v1/module/command/raw', { token, body: { devid: MIXER } })).status).toBe(400);
    const r = await call(sim, 'POST', '/v1/module/command/raw', {
      token,
      body: { devid: MIXER, command: 'MODULE_RESTART', value: 'ONLINE' },
    });
    expect(r.status).toBe(200);
    await expect.poll(() => sim.moduleOnline(MIXER)).toBe(false);
    const offline = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: MIXER, pool: 'P4', parameter: 'v8', value: 200 },
    });
    expect(offline.status).toBe(408);
    expect(offline.json).toMatchObject({ status: 'E_DISPATCH_EVENT_TIMEOUT' });
    await expect.poll(() => sim.moduleOnline(MIXER), { timeout: 3000 }).toBe(true);
  });

  it('unknown routes answer 404 JSON', async () => {
    const r = await call(sim, 'GET', '/v1/nothing', { token });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/json');
  });
});

describe('account isolation', () => {
  it('a second account sees only its own object and modules', async () => {
    const t2 = await login(sim, OTHER.email, OTHER.password);
    const objs = await call(sim, 'GET', '/v1/objects', { token: t2 });
    expect((objs.json as { data: Array<{ id: number }> }).data.map((o) => o.id)).toEqual([2001]);
    expect((await call(sim, 'GET', `/v1/objects/${DEMO_OBJECT_ID}`, { token: t2 })).status).toBe(404);
    expect(
      (await call(sim, 'GET', `/v1/modules?page=1&limit=999&group_id=${DEMO_OBJECT_ID}`, { token: t2 })).status,
    ).toBe(404);
    expect((await call(sim, 'GET', `/v1/modules/${BOILER}/card`, { token: t2 })).status).toBe(404);
    const prime = await call(sim, 'POST', '/v1/modules/parameters', {
      token: t2,
      body: { modules: [BOILER, 'OTHER00001'] },
    });
    expect(Object.keys(prime.json as object)).toEqual(['OTHER00001']);
    expect(((await call(sim, 'GET', '/v1/user', { token: t2 })).json as { user: { id: number } }).user.id).toBe(5555);
  });
});

describe('CORS', () => {
  it('answers preflights for allowed origins', async () => {
    const r = await call(sim, 'OPTIONS', '/v1/user', {
      headers: {
        Origin: 'http://allowed.test',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://allowed.test');
    expect(r.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(r.headers.get('access-control-allow-headers')).toContain('x-appversion');
    expect(r.headers.get('access-control-max-age')).toBe('600');
    const get = await call(sim, 'GET', '/v1/user', { token, headers: { Origin: 'http://allowed.test' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('http://allowed.test');
    expect(get.headers.get('access-control-expose-headers')).toContain('ETag');
  });

  it('gives disallowed origins no ACAO header', async () => {
    const r = await call(sim, 'OPTIONS', '/v1/user', {
      headers: { Origin: 'http://evil.test', 'Access-Control-Request-Method': 'GET' },
    });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const get = await call(sim, 'GET', '/v1/user', { token, headers: { Origin: 'http://evil.test' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('web-app assets and static files', () => {
  it('serves / with a hashed index script and answers 304 on validators', async () => {
    const html = await call(sim, 'GET', '/');
    const m = /<script[^>]+src="(\/assets\/index-[A-Za-z0-9_-]+\.js)"/.exec(html.text);
    expect(m).not.toBeNull();
    const indexPath = m?.[1] as string;
    const index = await call(sim, 'GET', indexPath);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('javascript');
    const chunk = /import\("\.\/([A-Za-z0-9_.-]+\.js)"\)/.exec(index.text)?.[1];
    expect(chunk).toBeDefined();
    expect((await call(sim, 'GET', `/assets/${chunk}`)).status).toBe(200);
    const etag = index.headers.get('etag') as string;
    const lm = index.headers.get('last-modified') as string;
    expect(etag).toMatch(/^".+"$/);
    expect((await call(sim, 'GET', indexPath, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await call(sim, 'GET', indexPath, { headers: { 'If-Modified-Since': lm } })).status).toBe(304);
    expect((await call(sim, 'GET', indexPath, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    expect((await call(sim, 'GET', '/assets/index-missing.js')).status).toBe(404);
    expect(sim.stats.count('GET /assets/*')).toBeGreaterThanOrEqual(5);
  });

  it('serves registered static directories with content types', async () => {
    const js = await call(sim, 'GET', '/dist/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.text).toBe('console.log(1);\n');
    expect((await call(sim, 'GET', '/dist/data.json')).headers.get('content-type')).toContain('application/json');
    expect((await call(sim, 'GET', '/dist/')).text).toContain('<p>hi</p>');
    expect((await call(sim, 'GET', '/dist/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    sim.serveStatic('/examples', staticDir);
    expect((await call(sim, 'GET', '/examples/app.js')).status).toBe(200);
    const etag = js.headers.get('etag') as string;
    expect((await call(sim, 'GET', '/dist/app.js', { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});
