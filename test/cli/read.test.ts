// objects / modules / params against a test simulator (no drift: tickInterval 0), JSON checked against its state.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODULES, DEMO_OBJECT_ID } from '../../src/simulator/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { assertBuilt, runCli, tempDir } from './helpers.js';

const getSim = useSimulator({ tickInterval: 0 });
let dir = '';
const creds = () => ['--server', getSim().url, '--email', DEMO.email, '--password', DEMO.password];

beforeAll(() => {
  assertBuilt();
  dir = tempDir();
});

const run = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { env: { XDG_CONFIG_HOME: dir, ...env } });

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
    const forced = await run([...creds(), 'modules', String(DEMO_OBJECT_ID)], { NO_COLOR: undefined, FORCE_COLOR: '1' });
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
  it('--json values equal the simulator state, grouped by pool and family', async () => {
    const sim = getSim();
    sim.setParam('DEMO0A1B2C', 'P4.v1', 604);
    const r = await run(['params', 'DEMO0A1B2C', ...creds(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout) as { devid: string; values: Record<string, unknown>; pools: Record<string, Array<{ idx: number; channels: Record<string, unknown> }>> };
    expect(view.devid).toBe('DEMO0A1B2C');
    expect(view.values).toEqual(sim.values('DEMO0A1B2C'));
    expect(view.values['P4.v1']).toBe(604);
    const fam8 = view.pools.P4?.find((f) => f.idx === 8);
    expect(fam8?.channels).toEqual({ v: sim.getParam('DEMO0A1B2C', 'P4.v8'), u: 2, n: 40, x: 85 });
    expect(Object.keys(view.pools)).toEqual(['P4', 'P5', 'P6']);
  });

  it('human view shows value, unit, min and max per family', async () => {
    const r = await run(['params', 'DEMO0A1B2C', ...creds()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PARAM\s+VALUE\s+UNIT\s+MIN\s+MAX\s+STATUS/);
    const v8 = String(getSim().getParam('DEMO0A1B2C', 'P4.v8'));
    expect(r.stdout).toMatch(new RegExp(`P4\\.v8\\s+${v8}\\s+2\\s+40\\s+85`));
    expect(r.stdout).toMatch(/P5\.s0\s+9\b/);
  });

  it('unknown module → exit 1', async () => {
    const r = await run(['params', 'NOSUCHDEV1', ...creds()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/module NOSUCHDEV1 not found/);
  });
});

describe('--simulator', () => {
  it('runs against an embedded simulator with its demo account', async () => {
    const r = await run(['objects', '--simulator', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ id: number }>)[0]?.id).toBe(DEMO_OBJECT_ID);
  });
});
