// check: all-matched against a plain simulator, "tolerated"/"drift" under shape faults, never secrets or card data.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../../src/simulator/index.js';
import { DEMO, PROFILE, useSimulator } from '../helpers/sim.js';
import { assertBuilt, runCli, tempDir } from './helpers.js';

const OWNER = 'check@example.test';
const SECRET = 'Check-Pa55word#42';
const CARD = {
  clientFullName: 'Zyxwv Privatename',
  clientPhoneNumber: '+99 123 456 789',
  clientAddressStreetAndNumber: 'Hiddenweg 77',
  clientAddressCity: 'Secretville',
};

// Fast plant ticks so deltas arrive within the socket window.
const getSim = useSimulator({
  tickInterval: 200,
  accounts: [
    {
      email: OWNER,
      password: SECRET,
      objects: [{ id: 3001, name: 'Cabin', modules: [{ devid: 'CHECK00001', plant: 'boiler', card: CARD }] }],
    },
  ],
});
let dir = '';

beforeAll(() => {
  assertBuilt();
  dir = tempDir();
});
afterEach(() => getSim().faults.clear());

type Row = { endpoint: string; verdict: string; detail: string };
type Report = {
  allMatched: boolean;
  summary: { matched: number; tolerated: number; drift: number; error: number };
  rows: Row[];
};

const check = (extra: string[] = [], email = OWNER, password = SECRET, configDir = dir) =>
  runCli(
    ['check', '--server', getSim().url, '--email', email, '--password', password, '--duration', '1500ms', ...extra],
    {
      env: { XDG_CONFIG_HOME: configDir },
    },
  );

function rowOf(report: Report, endpoint: string): Row {
  const row = report.rows.find((r) => r.endpoint === endpoint);
  if (!row) throw new Error(`no row ${endpoint} in ${report.rows.map((r) => r.endpoint).join(', ')}`);
  return row;
}

describe('check', () => {
  it('reports every endpoint as matched against the simulator', async () => {
    const r = await check(['--json'], OWNER, SECRET, tempDir());
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    // Lax data (the strict-lax run) may be reported as tolerated (e.g. a zone-less expiresAt), never as drift.
    expect(report.allMatched).toBe(!PROFILE.lax || report.summary.tolerated === 0);
    expect((PROFILE.lax ? 0 : report.summary.tolerated) + report.summary.drift + report.summary.error).toBe(0);
    const endpoints = report.rows.map((x) => x.endpoint);
    for (const e of [
      'GET /system/version',
      'POST /auth/user',
      'GET /user',
      'GET /user/permissions',
      'GET /objects',
      'GET /objects/3001',
      'GET /objects/3001/permissions',
      'GET /modules (object 3001)',
      'GET /modules/CHECK00001/card',
      'POST /modules/parameters (object 3001)',
      'POST /modules/activity/quantity (object 3001)',
      'Socket.IO /ws connect',
      'POST /modules/connect',
      'event app:modules:parameters:change',
    ]) {
      expect(endpoints).toContain(e);
    }
    expect(rowOf(report, 'event app:modules:parameters:change').verdict).toBe('matched');
    expect(rowOf(report, 'POST /modules/connect').detail).toMatch(/wsid/);
    // The web app's catalog: index, languages, units, the module's deviceMenu and the health report, without values.
    expect(rowOf(report, 'catalog index').detail).toMatch(/\|index-[\w-]+\.js$/);
    expect(rowOf(report, 'catalog languages').detail).toBe('pl, en');
    expect(rowOf(report, 'catalog units').verdict).toBe('matched');
    expect(rowOf(report, 'catalog deviceMenu 0')).toMatchObject({
      verdict: 'matched',
      detail: expect.stringMatching(/^\d+ panels, (\d+) symbols, \1 described, \1 labelled$/),
    });
    expect(rowOf(report, 'catalog health').verdict).toBe('matched');
  });

  it('human report says all matched', async () => {
    const r = await check();
    expect(r.code, r.stderr).toBe(0);
    // Lax data (the strict-lax run) may add tolerated rows, never drift.
    expect(r.stdout).toMatch(
      PROFILE.lax
        ? /All \d+ checks matched the documented protocol\.|\b0 drifted, 0 failed\./
        : /All \d+ checks matched the documented protocol\./,
    );
    expect(r.stdout).toMatch(/GET \/modules\/CHECK00001\/card\s+matched/);
  });

  it('reports alternate wrappers, skipped rows and null coercions as tolerated', async () => {
    const sim = getSim();
    sim.faults.shape('GET /v1/objects', 'bare');
    sim.faults.shape('GET /v1/user', 'bare');
    sim.faults.shape('GET /v1/user/permissions', 'objects');
    sim.faults.shape('GET /v1/modules', 'degradedRow');
    sim.faults.shape('POST /v1/modules/connect', 'status201');
    const r = await check(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.allMatched).toBe(false);
    expect(rowOf(report, 'GET /objects')).toMatchObject({
      verdict: 'tolerated',
      detail: expect.stringMatching(/bare list/),
    });
    expect(rowOf(report, 'GET /user')).toMatchObject({
      verdict: 'tolerated',
      detail: expect.stringMatching(/bare user record/),
    });
    expect(rowOf(report, 'GET /user/permissions')).toMatchObject({
      verdict: 'tolerated',
      detail: expect.stringMatching(/\{name\}/),
    });
    expect(rowOf(report, 'GET /modules (object 3001)')).toMatchObject({
      verdict: 'tolerated',
      detail: expect.stringMatching(/null coercions.*gateway.*connectedAt/),
    });
    expect(rowOf(report, 'POST /modules/connect')).toMatchObject({
      verdict: 'tolerated',
      detail: expect.stringMatching(/variant 2 .*201/),
    });
    expect(report.summary.drift).toBe(0);

    const human = await check();
    expect(human.stdout).toMatch(/GET \/objects\s+tolerated\s+1 object; bare list/);
    expect(human.stdout).toMatch(/\d+ tolerated/);
  });

  it('reports skipped module rows as tolerated and odd shapes as drift', async () => {
    const sim = getSim();
    sim.faults.shape('GET /v1/modules', 'corruptRow');
    sim.faults.shape('GET /v1/objects', 'odd');
    const r = await check(['--json'], DEMO.email, DEMO.password);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(rowOf(report, 'GET /objects')).toMatchObject({
      verdict: 'drift',
      detail: expect.stringMatching(/no data\/objects list/),
    });
    expect(report.summary.drift).toBeGreaterThan(0);
    // With {items} the client sees no objects, so no per-object rows follow.
    expect(report.rows.some((x) => x.endpoint.startsWith('GET /modules'))).toBe(false);

    sim.faults.clear();
    sim.faults.shape('GET /v1/modules', 'corruptRow');
    sim.faults.shape('POST /v1/modules/parameters', '204');
    const r2 = await check(['--json'], DEMO.email, DEMO.password);
    const report2 = JSON.parse(r2.stdout) as Report;
    expect(rowOf(report2, 'GET /modules (object 1201)')).toMatchObject({
      verdict: 'tolerated',
      detail: expect.stringMatching(/row 2 skipped/),
    });
    expect(rowOf(report2, 'POST /modules/parameters (object 1201)')).toMatchObject({
      verdict: 'tolerated',
      detail: expect.stringMatching(/204/),
    });
  });

  it('reports an endpoint failure as an error row and keeps going', async () => {
    const sim = getSim();
    sim.faults.failNext('GET /v1/objects/:id/permissions', 1, { status: 500, body: { message: 'boom' } });
    const r = await check(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(rowOf(report, 'GET /objects/3001/permissions')).toMatchObject({
      verdict: 'error',
      detail: expect.stringMatching(/HTTP 500/),
    });
    expect(rowOf(report, 'GET /modules (object 3001)').verdict).toBe('matched');
  });

  it('never prints tokens, the password or the module card', async () => {
    const sim = getSim();
    sim.faults.failNext('GET /v1/modules/:devid/card', 1, { status: 200, body: { ...CARD, id: 'not-a-number' } });
    const runs = [await check(['--json', '--verbose']), await check()];
    const report = JSON.parse(runs[0]?.stdout ?? '{}') as Report;
    expect(rowOf(report, 'GET /modules/CHECK00001/card')).toMatchObject({
      verdict: 'drift',
      detail: expect.stringMatching(/^id: /),
    });
    expect(runs[0]?.stderr).toMatch(/GET .*\/card/); // the verbose trace was there
    for (const r of runs) {
      const text = r.stdout + r.stderr;
      expect(text).not.toContain(SECRET);
      for (const v of Object.values(CARD)) expect(text).not.toContain(v);
      for (const t of sim.issuedTokens()) expect(text).not.toContain(t);
    }
  });

  it('bad credentials → exit 2; server down → exit 3', async () => {
    // A fresh config dir: a token stored by the earlier runs would make the password irrelevant.
    const bad = await check([], OWNER, 'wrong-password-1', tempDir());
    expect(bad.code).toBe(2);
    const sim = getSim();
    sim.faults.failNext('GET /v1/system/version', 1, FAULTS.badGateway);
    const down = await check();
    expect(down.code).toBe(3);
  });
});
