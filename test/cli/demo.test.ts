// demo, simulator, help/version and usage errors of the built bin.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD } from '../../src/simulator/index.js';
import { ROOT, assertBuilt, runCli, startCli, tempDir } from './helpers.js';

let dir = '';
beforeAll(() => {
  assertBuilt();
  dir = tempDir();
});
const env = () => ({ XDG_CONFIG_HOME: dir });

describe('demo', () => {
  it('--duration 2s runs the tour end to end and exits 0 by itself', async () => {
    const r = await runCli(['demo', '--duration', '2s'], { env: env(), timeout: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    for (const heading of [
      '1. Log in',
      '2. Objects',
      '3. Modules of object 1201',
      '4. Parameters of DEMO0A1B2C',
      '5. Live changes for 2 s',
    ]) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toMatch(/1201\s+Demo house/);
    expect(r.stdout).toMatch(/DEMO0A1B2C\s+Boiler room/);
    expect(r.stdout).toMatch(/DEMO0D3E4F\s+Mixing circuit/);
    // Names, units and display values parsed from the simulator's web app (the demo user reads English).
    expect(r.stdout).toMatch(/Boiler temperature\s+\d+(\.\d)? °C\s+P4\.v1/);
    expect(r.stdout).toMatch(/Boiler set-point\s+\d+ °C\s+P4\.v8/);
    expect(r.stdout).toMatch(/Operating mode\s+Automatic/);
    // The embedded plant ticks once a second: labelled changes show up within 2 s (so the live step ran, not just
    // the tour; no clock is read here).
    expect(r.stdout).toMatch(/DEMO0[A-F0-9]{5}\s+[A-Z][a-z].* -?\d+(\.\d)? °C\s+P\d+\.v\d+ = -?\d+/);
    expect(r.stderr).toBe('');
  });

  it('--json gives one document with every step', async () => {
    const r = await runCli(['--json', 'demo', '--duration', '1500ms'], { env: env(), timeout: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      objects: Array<{ id: number }>;
      modules: Array<{ devid: string }>;
      params: { devid: string; values: Record<string, unknown> };
      watch: { durationMs: number; events: Array<{ type: string }> };
    };
    expect(doc.objects.map((o) => o.id)).toEqual([DEMO_OBJECT_ID]);
    expect(doc.modules.map((m) => m.devid)).toEqual([...DEMO_MODULES]);
    expect(doc.params.devid).toBe('DEMO0A1B2C');
    const cat = (
      doc as unknown as {
        catalog: { lang: string; parameters: Array<{ symbol: string; label: string; unit: string | null }> };
      }
    ).catalog;
    expect(cat.lang).toBe('en');
    expect(cat.parameters.find((p) => p.symbol === 'PARAM_P4_1')).toMatchObject({
      label: 'Boiler temperature',
      unit: '°C',
    });
    expect(typeof doc.params.values['P4.v1']).toBe('number');
    expect(doc.watch.durationMs).toBe(1500);
    expect(doc.watch.events.some((e) => e.type === 'param')).toBe(true);
  });

  it('npm start runs the demo (scripts/start.mjs)', () => {
    expect(readFileSync(join(ROOT, 'scripts/start.mjs'), 'utf8')).toContain("'bin/bragerone.js', 'demo'");
  });
});

describe('simulator', () => {
  it('prints URL and demo credentials, serves other CLI runs, and stops after --duration', async () => {
    const run = startCli(['simulator', '--json', '--duration', '6s'], { env: env() });
    const info = JSON.parse(await run.waitForLine((l) => l.startsWith('{'))) as {
      url: string;
      apiBase: string;
      email: string;
      password: string;
    };
    expect(info).toMatchObject({ email: DEMO_EMAIL, password: DEMO_PASSWORD, apiBase: `${info.url}/v1` });
    const r = await runCli(
      ['objects', '--server', info.url, '--email', info.email, '--password', info.password, '--json'],
      { env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ id: number }>)[0]?.id).toBe(DEMO_OBJECT_ID);
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
  });

  it('--static /PREFIX=DIR serves a directory next to the API (repeatable); bad values are usage errors', async () => {
    const site = join(dir, 'site');
    mkdirSync(join(site, 'sub'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><p>hello from static</p>');
    writeFileSync(join(site, 'sub', 'app.js'), 'console.log(1);');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    const run = startCli(
      [
        'simulator',
        '--json',
        '--duration',
        '4s',
        '--static',
        `/site=${site}`,
        '--static',
        `/dist=${join(ROOT, 'dist')}`,
      ],
      { env: env() },
    );
    const info = JSON.parse(await run.waitForLine((l) => l.startsWith('{'))) as { url: string; static: string[] };
    expect(info.static).toEqual([`${info.url}/site/`, `${info.url}/dist/`]);
    const page = await fetch(`${info.url}/site/index.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('hello from static');
    const js = await fetch(`${info.url}/site/sub/app.js`);
    expect(await js.text()).toBe('console.log(1);');
    expect((await fetch(`${info.url}/dist/bragerone.iife.js`)).status).toBe(200);
    expect((await fetch(`${info.url}/site/missing.html`)).status).toBe(404);
    // `secret.txt` exists next to the served directory: no encoded `..` may reach it
    for (const p of ['..%2fsecret.txt', '%2e%2e%2fsecret.txt', 'sub%2f..%2f..%2fsecret.txt']) {
      expect((await fetch(`${info.url}/site/${p}`)).status, p).not.toBe(200);
    }
    expect((await fetch(`${info.url}/v1/system/version`, { headers: { Origin: info.url } })).status).toBe(200); // the API is still there
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);

    for (const bad of ['site', `/=${site}`, '/x=', `/v1=${site}`, `/x=${join(site, 'nope')}`]) {
      const r = await runCli(['simulator', '--static', bad, '--duration', '1s'], { env: env() });
      expect(r.code, bad).toBe(1); // usage error
      expect(r.stderr, bad).toMatch(/--static/);
    }
  }, 30_000);

  it('stops on SIGTERM with exit 0', async () => {
    const run = startCli(['simulator'], { env: env() });
    await run.waitForLine((l) => l.includes('Ctrl-C'));
    const out = await run.waitForLine((l) => l.includes('URL'));
    expect(out).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    run.child.kill('SIGTERM');
    const done = await run.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Simulator stopped.');
  });
});

describe('help, version and usage errors', () => {
  it('--help lists every command and exits 0; per-command help works', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of [
      'login',
      'logout',
      'whoami',
      'objects',
      'modules <objectId>',
      'params <devid>',
      'watch',
      'set <devid> <symbol> <value>',
      'command <devid>',
      'simulator',
      'check',
      'demo',
    ]) {
      expect(r.stdout).toContain(c);
    }
    const w = await runCli(['watch', '--help']);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/--module DEVID/);
    const h = await runCli(['help', 'command']);
    expect(h.stdout).toMatch(/--raw MODULE_RESTART/);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('usage errors exit 1 with one line on stderr', async () => {
    for (const args of [
      ['frobnicate'],
      ['objects', '--bogus'],
      ['watch', '--duration', 'soon'],
      ['modules'],
      ['objects', '--platform', 'mars'],
    ]) {
      const r = await runCli(args, { env: env() });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^bragerone: /);
      expect(r.stdout).toBe('');
    }
  });
});
