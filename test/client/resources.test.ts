import { afterEach, describe, expect, it } from 'vitest';
import { BragerOneApiClient, ResponseValidationError } from '../../src/index.js';
import { until } from '../helpers/wait.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { captureLogger } from '../helpers/logger.js';

const sim = useSimulator();
const OBJECT = 1201;
const log = captureLogger();
let c: BragerOneApiClient;

function fresh() {
  log.clear();
  c = new BragerOneApiClient({ server: sim().server, credsProvider: () => DEMO, logger: log, logLevel: 'warn' });
  return c;
}

afterEach(() => {
  sim().faults.clear();
  sim().stats.reset();
});

describe('resources', () => {
  it('system version needs no auth and sends container + platform', async () => {
    const v = await fresh().getSystemVersion();
    expect(typeof v.version).toBe('string');
    expect(v.devMode).toBe(false);
    expect(sim().stats.count('POST /v1/auth/user')).toBe(0);
    const req = sim().stats.requests.find((r) => r.routeId === 'GET /v1/system/version');
    expect(req?.path).toBe('/v1/system/version?container=BragerOne&platform=0');
    expect(req?.headers.authorization).toBeUndefined();
  });

  it.each(['wrapped', 'bare'] as const)('system version %s', async (shape) => {
    sim().faults.shape('GET /v1/system/version', shape);
    expect((await fresh().getSystemVersion()).version).toMatch(/\d/);
  });

  it.each(['wrapped', 'bare'] as const)('user %s', async (shape) => {
    sim().faults.shape('GET /v1/user', shape);
    const u = await fresh().getUser();
    expect(u.email).toBe(DEMO.email);
    expect(typeof u.activated_at).toBe('string');
  });

  it.each(['wrapped', 'bare', 'objects'] as const)('user permissions %s', async (shape) => {
    sim().faults.shape('GET /v1/user/permissions', shape);
    const p = await fresh().getUserPermissions();
    expect(p.length).toBeGreaterThan(0);
    for (const x of p) expect(x).toMatch(/^[A-Z0-9_.]+$/);
  });

  it.each(['wrapped', 'bare', 'objects'] as const)('object permissions %s', async (shape) => {
    sim().faults.shape('GET /v1/objects/:id/permissions', shape);
    const p = await fresh().getObjectPermissions(OBJECT);
    expect(p.every((x) => typeof x === 'string')).toBe(true);
    expect(p.length).toBeGreaterThan(0);
  });

  it.each(['data', 'objects', 'bare'] as const)('objects %s', async (shape) => {
    sim().faults.shape('GET /v1/objects', shape);
    const list = await fresh().getObjects();
    expect(list.map((o) => o.id)).toContain(OBJECT);
    expect(list[0]?.name).toBeTypeOf('string');
  });

  it('objects: an odd shape or a non-200 2xx gives []', async () => {
    sim().faults.shape('GET /v1/objects', 'odd');
    expect(await fresh().getObjects()).toEqual([]);
    sim().faults.shape('GET /v1/objects', 'status201');
    expect(await fresh().getObjects()).toEqual([]);
  });

  it('objects: 4xx/5xx reject with ApiError', async () => {
    sim().faults.failNext('GET /v1/objects', 1, { status: 503 });
    await expect(fresh().getObjects()).rejects.toMatchObject({ name: 'ApiError', status: 503 });
  });

  it('object details and 404', async () => {
    const d = await fresh().getObject(OBJECT);
    expect(d.object.id).toBe(OBJECT);
    expect(d.status).toBe('SUCCESS');
    await expect(c.getObject(999_999)).rejects.toMatchObject({ status: 404 });
  });

  it.each(['data', 'bare'] as const)('modules %s, sorted query and typed rows', async (shape) => {
    sim().faults.shape('GET /v1/modules', shape);
    const mods = await fresh().getModules(OBJECT);
    expect(mods.length).toBeGreaterThanOrEqual(2);
    for (const m of mods) {
      expect(m.devid).toMatch(/^[A-Z0-9]+$/);
      expect(typeof m.connectedAt).toBe('number');
      expect(typeof m.gateway.address).toBe('string');
    }
    const req = sim().stats.requests.find((r) => r.routeId === 'GET /v1/modules');
    expect(req?.path).toBe(`/v1/modules?page=1&limit=999&group_id=${OBJECT}`);
  });

  it('modules: a corrupt row is skipped and logged, the rest kept', async () => {
    const all = await fresh().getModules(OBJECT);
    sim().faults.shape('GET /v1/modules', 'corruptRow');
    const kept = await fresh().getModules(OBJECT);
    // The simulator appends one row without a usable devid; it must vanish, the rest stay.
    expect(kept.map((m) => m.devid)).toEqual(all.map((m) => m.devid));
    expect(sim().stats.requests.filter((r) => r.routeId === 'GET /v1/modules').length).toBe(2);
    expect(log.lines.some((l) => l.includes('skipping row'))).toBe(true);
  });

  it('modules: a degraded row (nulls) parses as offline', async () => {
    sim().faults.shape('GET /v1/modules', 'degradedRow');
    const mods = await fresh().getModules(OBJECT);
    const degraded = mods.find((m) => m.connectedAt === 0);
    expect(degraded).toBeDefined();
    expect(degraded?.gateway).toEqual({ address: '', interface: '', version: '' });
    expect(degraded?.moduleVersion).toBe('');
    expect(degraded?.isConnectedAt).toBeNull();
  });

  it('modules: odd JSON → [] with a warning; non-200 status → ApiError', async () => {
    sim().faults.shape('GET /v1/modules', 'odd');
    expect(await fresh().getModules(OBJECT)).toEqual([]);
    expect(log.lines.some((l) => l.includes('no module list'))).toBe(true);
    sim().faults.clear();
    sim().faults.failNext('GET /v1/modules', 1, { status: 500 });
    await expect(fresh().getModules(OBJECT)).rejects.toMatchObject({ status: 500 });
  });

  it('module card', async () => {
    const [m] = await fresh().getModules(OBJECT);
    const card = await c.getModuleCard(m!.devid);
    expect(card.moduleId).toBe(m!.id);
    expect(card.clientFullName).toBeTypeOf('string');
  });

  it('a malformed body rejects with ResponseValidationError naming the route', async () => {
    sim().faults.malformed('GET /v1/user', 1, 'textPlain');
    const err = await fresh()
      .getUser()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect((err as ResponseValidationError).message).toContain('GET /user');
    expect((err as ResponseValidationError).issues.length).toBeGreaterThan(0);
    sim().faults.malformed('GET /v1/objects/:id', 1, 'invalidJson');
    await expect(c.getObject(OBJECT)).rejects.toBeInstanceOf(ResponseValidationError);
  });
});

describe('primes and commands', () => {
  it('parameters prime: boolean and returnData overloads', async () => {
    const mods = (await fresh().getModules(OBJECT)).map((m) => m.devid);
    expect(await c.modulesParametersPrime(mods)).toBe(true);
    const r = await c.modulesParametersPrime(mods, { returnData: true });
    expect(r.status).toBe(200);
    expect(Object.keys(r.data as object).sort()).toEqual([...mods].sort());
    sim().faults.shape('POST /v1/modules/parameters', '204');
    expect(await c.modulesParametersPrime(mods, { returnData: true })).toMatchObject({ status: 204 });
  });

  it('activity quantity prime', async () => {
    const r = await fresh().modulesActivityQuantityPrime(['DEMO0A1B2C'], { returnData: true });
    expect(r.status).toBe(200);
    expect(r.data).toHaveProperty('activityQuantity');
    expect(await c.modulesActivityQuantityPrime(['DEMO0A1B2C'])).toBe(true);
  });

  it('moduleCommand sends the documented body and the value changes', async () => {
    fresh();
    const ok = await c.moduleCommand({
      devid: 'DEMO0A1B2C',
      pool: 'P4',
      parameter: 'v8',
      value: 61,
      parameterName: 'PARAM_66',
      unit: 1,
    });
    expect(ok).toBe(true);
    await until(
      () => sim().getParam('DEMO0A1B2C', 'P4.v8') === 61,
      'the write applied (after the simulator commandDelay)',
    );
    const r = await c.moduleCommand({ devid: 'DEMO0A1B2C', pool: 'P4', parameter: 'v8', value: 60, returnData: true });
    expect(r).toMatchObject({ status: 200 });
  });

  it('moduleCommand to an unknown parameter → ApiError(400); writes are not retried', async () => {
    fresh();
    await c.ensureAuth();
    sim().stats.reset();
    await expect(
      c.moduleCommand({ devid: 'DEMO0A1B2C', pool: 'P4', parameter: 'v999', value: 1 }),
    ).rejects.toMatchObject({ status: 400 });
    sim().faults.failNext('POST /v1/module/command', 1, { status: 503 });
    await expect(
      c.moduleCommand({ devid: 'DEMO0A1B2C', pool: 'P4', parameter: 'v8', value: 60 }),
    ).rejects.toMatchObject({ status: 503 });
    expect(sim().stats.count('POST /v1/module/command')).toBe(2);
  });

  it('moduleCommandRaw omits an absent value', async () => {
    fresh();
    expect(await c.moduleCommandRaw({ devid: 'DEMO0A1B2C', command: 'MODULE_RESTART', value: 'ONLINE' })).toBe(true);
  });

  it('moduleCommandAuto routes and refuses ambiguous input without sending', async () => {
    fresh();
    await c.ensureAuth();
    sim().stats.reset();
    await expect(
      c.moduleCommandAuto({ devid: 'DEMO0A1B2C', command: 'X', pool: 'P4', parameter: 'v8', value: 1 }),
    ).rejects.toThrow(/either/);
    await expect(c.moduleCommandAuto({ devid: 'DEMO0A1B2C', value: 1 })).rejects.toThrow(/needs/);
    await expect(c.moduleCommandAuto({ devid: 'DEMO0A1B2C', pool: 'P4', value: 1 })).rejects.toThrow(/needs/);
    expect(sim().stats.total()).toBe(0);
    expect(await c.moduleCommandAuto({ devid: 'DEMO0A1B2C', pool: 'P4', parameter: 'v8', value: 59 })).toBe(true);
    expect(await c.moduleCommandAuto({ devid: 'DEMO0A1B2C', command: 'MODULE_RESTART', value: 'ONLINE' })).toBe(true);
    expect(sim().stats.count('POST /v1/module/command')).toBe(1);
    expect(sim().stats.count('POST /v1/module/command/raw')).toBe(1);
  });
});
