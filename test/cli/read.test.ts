// objects / modules / params against a test simulator (no drift: tickInterval 0), JSON checked against its state.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODULES, DEMO_OBJECT_ID } from '../../src/simulator/index.js';
import { until } from '../helpers/wait.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { assertBuilt, runCli, tempDir } from './helpers.js';

const getSim = useSimulator({ tickInterval: 0 });
let dir = '';
const creds = () => ['--server', getSim().url, '--email', DEMO.email, '--password', DEMO.password];

beforeAll(() => {
  assertBuilt();
  dir = tempDir();
});

const run = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(args, { env: { XDG_CONFIG_HOME: dir, ...env } });

describe('objects', () => {
  it('--json lists the account objects', async () => {
    const r = await run(['objects', ...creds(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ id: number; name: string; addressCountry: string }>;
    expect(list).toEqual([expect.objectContaining({ id: DEMO_OBJECT_ID, name: 'Demo house', addressCountry: 'PL' })]);
  });

  it('prints an aligned table without colours when stdout is not a terminal', async () => {
    const r = await run([...creds(), 'objects']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+ID\s+NAME\s+PLACE$/);
    expect(lines[1]).toMatch(/^\s+1201\s+Demo house\s+Sampletown, PL$/);
    expect(lines[0]?.indexOf('NAME')).toBe(lines[1]?.indexOf('Demo house'));
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('uses colours with FORCE_COLOR but never together with NO_COLOR', async () => {
    const forced = await run([...creds(), 'modules', String(DEMO_OBJECT_ID)], {
      NO_COLOR: undefined,
      FORCE_COLOR: '1',
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('\x1b[');
    const both = await run([...creds(), 'modules', String(DEMO_OBJECT_ID)], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(both.stdout).not.toContain('\x1b[');
  });
});

describe('modules', () => {
  it('--json returns the modules of the object', async () => {
    const r = await run(['modules', String(DEMO_OBJECT_ID), ...creds(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ devid: string; connectedAt: number }>;
    expect(list.map((m) => m.devid)).toEqual([...DEMO_MODULES]);
    expect(list.every((m) => m.connectedAt > 0)).toBe(true);
  });

  it('shows offline modules as offline', async () => {
    const sim = getSim();
    sim.setModuleOnline('DEMO0D3E4F', false);
    try {
      const r = await run(['modules', String(DEMO_OBJECT_ID), ...creds()]);
      expect(r.stdout).toMatch(/DEMO0D3E4F .*offline/);
      expect(r.stdout).toMatch(/DEMO0A1B2C .*online/);
    } finally {
      sim.setModuleOnline('DEMO0D3E4F', true);
    }
  });

  it('unknown object → exit 1 with one line', async () => {
    const r = await run(['modules', '999999', ...creds()]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('bragerone: object 999999 not found (HTTP 404)');
  });

  it('non-numeric object id → usage error', async () => {
    const r = await run(['modules', 'house', ...creds()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/objectId must be a number/);
  });
});

describe('params', () => {
  it('--raw --json values equal the simulator state, grouped by pool and family', async () => {
    const sim = getSim();
    sim.setParam('DEMO0A1B2C', 'P4.v1', 604);
    const r = await run(['params', 'DEMO0A1B2C', '--raw', ...creds(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout) as {
      devid: string;
      values: Record<string, unknown>;
      pools: Record<string, Array<{ idx: number; channels: Record<string, unknown> }>>;
    };
    expect(view.devid).toBe('DEMO0A1B2C');
    expect(view.values).toEqual(sim.values('DEMO0A1B2C'));
    expect(view.values['P4.v1']).toBe(604);
    const fam8 = view.pools.P4?.find((f) => f.idx === 8);
    expect(fam8?.channels).toEqual({ v: sim.getParam('DEMO0A1B2C', 'P4.v8'), u: 2, n: 40, x: 85 });
    expect(Object.keys(view.pools)).toEqual(['P4', 'P5', 'P6']);
  });

  it('--raw human view shows value, unit, min and max per family', async () => {
    const r = await run(['params', 'DEMO0A1B2C', ...creds(), '--raw']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PARAM\s+VALUE\s+UNIT\s+MIN\s+MAX\s+STATUS/);
    const v8 = String(getSim().getParam('DEMO0A1B2C', 'P4.v8'));
    expect(r.stdout).toMatch(new RegExp(`P4\\.v8\\s+${v8}\\s+2\\s+40\\s+85`));
    expect(r.stdout).toMatch(/P5\.s0\s+9\b/);
  });

  it('default view: panel, label, display value and unit from the web app catalog (language of the user)', async () => {
    const sim = getSim();
    sim.setParam('DEMO0A1B2C', 'P4.v1', 612);
    const r = await run(['params', 'DEMO0A1B2C', ...creds()]);
    expect(r.code, r.stderr).toBe(0);
    // The demo user's language is English; the web app offers pl and en.
    expect(r.stdout).toMatch(/Boiler temperature\s+61\.2 °C\s+P4\.v1/);
    expect(r.stdout).toMatch(/Operating mode\s+Automatic\s+P6\.v0/);
    expect(r.stdout).toMatch(/DHW heating start\s+07:00\s+P4\.v20/);
    expect(r.stdout).toContain('Boiler');
    const pl = await run(['params', 'DEMO0A1B2C', ...creds(), '--lang', 'pl']);
    expect(pl.code, pl.stderr).toBe(0);
    expect(pl.stdout).toMatch(/Temperatura kotła\s+61\.2 °C/);
    expect(pl.stdout).toContain('Kocioł');
  });

  it('--json catalog view lists each parameter with symbol, address, label, value and unit', async () => {
    const sim = getSim();
    sim.setParam('DEMO0A1B2C', 'P4.v8', 66);
    const r = await run(['params', 'DEMO0A1B2C', ...creds(), '--json', '--lang', 'en']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      lang: string;
      fingerprint: string;
      parameters: Array<{
        symbol: string;
        address: string;
        label: string;
        value: unknown;
        unit: string;
        text: string;
        writable: boolean;
      }>;
    };
    expect(doc.lang).toBe('en');
    expect(doc.fingerprint).toMatch(/\|index-[\w-]+\.js$/);
    const sp = doc.parameters.find((p) => p.symbol === 'PARAM_P4_8');
    expect(sp).toMatchObject({
      address: 'P4.v8',
      label: 'Boiler set-point',
      value: 66,
      unit: '°C',
      text: '66 °C',
      writable: true,
    });
  });

  it('--lang with a language the web app does not offer → exit 1 naming the offered ones', async () => {
    const r = await run(['params', 'DEMO0A1B2C', ...creds(), '--lang', 'xx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/offers pl, en/);
  });

  it('unknown module → exit 1', async () => {
    const r = await run(['params', 'NOSUCHDEV1', ...creds()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/module NOSUCHDEV1 not found/);
  });
});

describe('set', () => {
  it('writes through prepareWrite: display value → raw register, confirmed by the simulator state', async () => {
    const sim = getSim();
    sim.setParam('DEMO0A1B2C', 'P4.v8', 65);
    const r = await run(['set', 'DEMO0A1B2C', 'PARAM_P4_8', '70', ...creds()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Boiler set-point: 65 °C → 70/);
    // The simulated controller applies a command after its commandDelay.
    await until(() => sim.getParam('DEMO0A1B2C', 'P4.v8') === 70, 'P4.v8 = 70');
    const hhmm = await run(['set', 'DEMO0A1B2C', 'PARAM_P4_20', '08:30', ...creds(), '--json']);
    expect(hhmm.code, hhmm.stderr).toBe(0);
    expect(JSON.parse(hhmm.stdout).request).toMatchObject({
      route: 'parameter',
      pool: 'P4',
      parameter: 'v20',
      value: 52,
    });
    await until(() => sim.getParam('DEMO0A1B2C', 'P4.v20') === 52, 'P4.v20 = 52');
    const mode = await run(['set', 'DEMO0A1B2C', 'PARAM_0', 'Manual', ...creds()]);
    expect(mode.code, mode.stderr).toBe(0);
    await until(() => sim.getParam('DEMO0A1B2C', 'P6.v0') === 2, 'P6.v0 = 2');
  });

  it('out of range → exit 1 before any command request', async () => {
    const sim = getSim();
    const before = sim.stats.count('POST /v1/module/command');
    const r = await run(['set', 'DEMO0A1B2C', 'PARAM_P4_8', '95', ...creds()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/outside/);
    const bad = await run(['set', 'DEMO0A1B2C', 'PARAM_P4_8', 'hot', ...creds()]);
    expect(bad.code).toBe(1);
    const unknown = await run(['set', 'DEMO0A1B2C', 'NO_SUCH_SYMBOL', '1', ...creds()]);
    expect(unknown.code).toBe(1);
    expect(sim.stats.count('POST /v1/module/command')).toBe(before);
  });
});

describe('--simulator', () => {
  it('runs against an embedded simulator with its demo account', async () => {
    const r = await run(['objects', '--simulator', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ id: number }>)[0]?.id).toBe(DEMO_OBJECT_ID);
  });
});
