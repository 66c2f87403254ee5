// watch (NDJSON deltas, Ctrl-C) and command (writes, symbolic commands, usage errors) against the built bin.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OBJECT_ID } from '../../src/simulator/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { assertBuilt, ndjson, runCli, startCli, tempDir } from './helpers.js';
import { until } from '../helpers/wait.js';

// No drift: the only changes are the ones the tests make.
const getSim = useSimulator({ tickInterval: 0, commandDelay: 20 });
let dir = '';
const creds = () => ['--server', getSim().url, '--email', DEMO.email, '--password', DEMO.password];

beforeAll(() => {
  assertBuilt();
  dir = tempDir();
});

describe('watch', () => {
  it('--duration 2s --json emits NDJSON deltas with the values set during the watch, then exits 0', async () => {
    const sim = getSim();
    const before = sim.getParam('DEMO0A1B2C', 'P4.v3');
    const run = startCli(['watch', ...creds(), '--duration', '2s', '--json'], { env: { XDG_CONFIG_HOME: dir } });
    const ready = JSON.parse(await run.waitForLine((l) => l.includes('"ready"'))) as {
      objectId: number;
      modules: string[];
    };
    expect(ready.objectId).toBe(DEMO_OBJECT_ID);
    expect(ready.modules).toEqual(['DEMO0A1B2C', 'DEMO0D3E4F']);
    sim.setParam('DEMO0A1B2C', 'P4.v3', 501);
    sim.setParam('DEMO0D3E4F', 'P4.v2', 222);
    // Both deltas printed: the watch goes on for its duration, not just until the first delta, so 502 shows too.
    await run.waitForLine((l) => l.includes('"type":"param"') && l.includes('"value":222'));
    sim.setParam('DEMO0A1B2C', 'P4.v3', 502);
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    const params = ndjson(res.stdout).filter((e) => e.type === 'param');
    expect(params.map((e) => [e.devid, e.key, e.value, e.prev])).toEqual([
      ['DEMO0A1B2C', 'P4.v3', 501, before],
      ['DEMO0D3E4F', 'P4.v2', 222, expect.anything()],
      ['DEMO0A1B2C', 'P4.v3', 502, 501],
    ]);
    expect(params.every((e) => typeof e.ts === 'string' && Number.isFinite(Date.parse(e.ts as string)))).toBe(true);
    // With the catalog, each change names the parameters shown at that register (the demo user reads English).
    expect(params[0]?.labels).toEqual([{ symbol: 'PARAM_P4_3', label: 'DHW temperature', text: '50.1 °C' }]);
    expect(params[1]?.labels).toEqual([
      { symbol: 'TEMP_POKOJOWA_ZAWORU_1', label: 'Room temperature', text: '22.2 °C' },
    ]);
  });

  it('--raw keeps the register view (no labels) and the human line names the register', async () => {
    const sim = getSim();
    const run = startCli(['watch', '--raw', ...creds(), '--duration', '1s', '--json'], {
      env: { XDG_CONFIG_HOME: dir },
    });
    await run.waitForLine((l) => l.includes('"ready"'));
    sim.setParam('DEMO0A1B2C', 'P4.v1', 633);
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    const params = ndjson(res.stdout).filter((e) => e.type === 'param');
    expect(params.map((e) => [e.key, e.value, e.labels])).toEqual([['P4.v1', 633, undefined]]);
  });

  it('--module limits the watch and module link changes are reported', async () => {
    const sim = getSim();
    const run = startCli(['watch', '--module', 'DEMO0D3E4F', ...creds(), '--duration', '2s', '--json'], {
      env: { XDG_CONFIG_HOME: dir },
    });
    const ready = JSON.parse(await run.waitForLine((l) => l.includes('"ready"'))) as { modules: string[] };
    expect(ready.modules).toEqual(['DEMO0D3E4F']);
    sim.setParam('DEMO0A1B2C', 'P4.v3', 511); // not watched
    sim.setParam('DEMO0D3E4F', 'P4.v2', 233);
    sim.setModuleOnline('DEMO0D3E4F', false);
    await run.waitForLine((l) => l.includes('"type":"module"') && l.includes('"online":false'));
    sim.setModuleOnline('DEMO0D3E4F', true);
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    const events = ndjson(res.stdout);
    expect(events.filter((e) => e.type === 'param').map((e) => [e.devid, e.key, e.value])).toEqual([
      ['DEMO0D3E4F', 'P4.v2', 233],
    ]);
    expect(events.filter((e) => e.type === 'module').map((e) => e.online)).toEqual([false, true]);
  });

  it('ends cleanly with exit 130 on Ctrl-C (SIGINT)', async () => {
    const run = startCli(['watch', ...creds()], { env: { XDG_CONFIG_HOME: dir } });
    await run.waitForLine((l) => l.includes('live'));
    run.child.kill('SIGINT');
    const res = await run.done;
    expect(res.code, res.stderr).toBe(130);
    expect(res.stdout).toMatch(/Watching DEMO0A1B2C, DEMO0D3E4F of object 1201/);
    expect(res.stdout).toMatch(/\d+ changes? in [\d.]+ s\./);
  });

  it('unknown module → exit 1', async () => {
    const r = await runCli(['watch', '--module', 'NOSUCHDEV1', ...creds(), '--duration', '1s'], {
      env: { XDG_CONFIG_HOME: dir },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/module NOSUCHDEV1 not found/);
  });
});

describe('command', () => {
  it('writes a parameter; the simulator applies the raw value', async () => {
    const sim = getSim();
    const target = sim.getParam('DEMO0A1B2C', 'P4.v8') === 70 ? 66 : 70;
    const r = await runCli(
      ['command', 'DEMO0A1B2C', '--pool', 'P4', '--parameter', 'v8', '--value', String(target), ...creds(), '--json'],
      {
        env: { XDG_CONFIG_HOME: dir },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      status: 200,
      request: { pool: 'P4', parameter: 'v8', value: target },
    });
    await until(() => sim.getParam('DEMO0A1B2C', 'P4.v8') === target, 'the written value', 3000);
  });

  it('sends a symbolic command with a JSON-parsed value', async () => {
    const sim = getSim();
    const n = sim.stats.count('POST /v1/module/command/raw');
    const r = await runCli(['command', 'DEMO0D3E4F', '--raw', 'MODULE_RESTART', '--value', '"ONLINE"', ...creds()], {
      env: { XDG_CONFIG_HOME: dir },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/MODULE_RESTART "ONLINE" accepted for DEMO0D3E4F \(HTTP 200\)/);
    expect(sim.stats.count('POST /v1/module/command/raw')).toBe(n + 1);
    await until(() => sim.moduleOnline('DEMO0D3E4F'), 'the module to come back', 3000);
  });

  it('rejects contradictory or incomplete options before sending anything (exit 1)', async () => {
    const sim = getSim();
    const n = sim.stats.count('POST /v1/module/command') + sim.stats.count('POST /v1/module/command/raw');
    const both = await runCli(
      ['command', 'DEMO0A1B2C', '--raw', 'X', '--pool', 'P4', '--parameter', 'v8', '--value', '1', ...creds()],
      {
        env: { XDG_CONFIG_HOME: dir },
      },
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/not both/);
    const none = await runCli(['command', 'DEMO0A1B2C', ...creds()], { env: { XDG_CONFIG_HOME: dir } });
    expect(none.code).toBe(1);
    expect(sim.stats.count('POST /v1/module/command') + sim.stats.count('POST /v1/module/command/raw')).toBe(n);
  });

  it('a module that does not answer (408 dispatch timeout) → exit 3', async () => {
    const sim = getSim();
    sim.setModuleOnline('DEMO0A1B2C', false);
    try {
      const r = await runCli(['command', 'DEMO0A1B2C', '--parameter', 'P4.v8', '--value', '60', ...creds()], {
        env: { XDG_CONFIG_HOME: dir },
      });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/upstream unavailable/);
    } finally {
      sim.setModuleOnline('DEMO0A1B2C', true);
    }
  });
});
