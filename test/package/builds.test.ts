import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

// These tests check the BUILT files (`npm test` builds first through `pretest`).
const root = resolve(__dirname, '../..');
const dist = (p: string) => resolve(root, 'dist', p);
const require = createRequire(import.meta.url);

describe.runIf(existsSync(dist('esm/index.js')))('builds', () => {
  it('ESM entry loads and exposes the client', async () => {
    const m = await import(pathToFileURL(dist('esm/index.js')).href);
    expect(typeof m.BragerOneApiClient).toBe('function');
    expect(m.BRAGERONE_SERVER.apiBase).toBe('https://io.brager.pl/v1');
    const node = await import(pathToFileURL(dist('esm/node.js')).href);
    expect(typeof node.BragerOneApiClient).toBe('function');
    const sim = await import(pathToFileURL(dist('esm/simulator.js')).href);
    expect(typeof sim.startSimulator).toBe('function');
  });

  it('CJS entry requires and exposes the client', () => {
    const m = require(dist('cjs/index.js'));
    expect(typeof m.BragerOneApiClient).toBe('function');
    expect(m.serverFor('TiSConnect').container).toBe('TisConnect');
    expect(typeof require(dist('cjs/simulator.js')).startSimulator).toBe('function');
  });

  it('the IIFE defines the global BragerOne in a bare vm context', () => {
    const code = readFileSync(dist('bragerone.iife.js'), 'utf8');
    const ctx: Record<string, unknown> = {
      console,
      URL,
      TextEncoder,
      TextDecoder,
      AbortController,
      setTimeout,
      clearTimeout,
    };
    ctx.globalThis = ctx;
    ctx.self = ctx;
    vm.createContext(ctx);
    vm.runInContext(code, ctx);
    const ns = ctx.BragerOne as Record<string, unknown>;
    expect(typeof ns.BragerOneApiClient).toBe('function');
    expect(typeof ns.MemoryTokenStore).toBe('function');
    // The browser bundle must not carry Node-only code.
    expect(code).not.toMatch(/require\(["']node:/);
    expect(code).not.toMatch(/from ?["']node:/);
  });

  it('the browser entry never imports node: modules', () => {
    const code = readFileSync(dist('esm/index.js'), 'utf8');
    const chunks = [...code.matchAll(/from "(\.\/chunks\/[^"]+)"/g)].map((m) =>
      readFileSync(dist(`esm/${m[1]}`), 'utf8'),
    );
    for (const c of [code, ...chunks]) expect(c).not.toMatch(/["']node:/);
  });

  it("the CLI's string-width stays out of the browser entry and both browser bundles", () => {
    // The CLI imports it (table widths); only dist/esm/cli.js and its chunks may reach it.
    const seen = new Set<string>();
    const visit = (file: string): string[] => {
      if (seen.has(file)) return [];
      seen.add(file);
      const code = readFileSync(dist(`esm/${file}`), 'utf8');
      const specs = [...code.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1] as string);
      return specs.flatMap((sp) => {
        if (!sp.startsWith('./') && !sp.startsWith('../')) return [sp];
        const target = resolve('/', file, '..', sp).slice(1);
        return existsSync(dist(`esm/${target}`)) ? visit(target) : [];
      });
    };
    const external = [...visit('index.js'), ...visit('node.js')];
    expect(external.filter((sp) => sp.includes('string-width'))).toEqual([]);
    seen.clear();
    expect(visit('cli.js')).toContain('string-width'); // the walk does find it where it belongs
    for (const bundle of ['bragerone.iife.js', 'bragerone.esm.js']) {
      const code = readFileSync(dist(bundle), 'utf8');
      // string-width's fingerprints: its grapheme segmenter and its emoji property regexes.
      expect(code, bundle).not.toMatch(/Intl\.Segmenter|RGI_Emoji/);
    }
  });

  it('every docs/ page the README links to exists and is in the package (no dead links on a registry page)', () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(0);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
    });
    const packed = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path));
    for (const link of new Set(links)) {
      expect(existsSync(resolve(root, link)), link).toBe(true);
      expect(packed.has(link), `${link} is not in the package`).toBe(true);
    }
  });

  it('publint and arethetypeswrong report no problems', () => {
    const opts = { cwd: root, encoding: 'utf8' as const, stdio: 'pipe' as const, timeout: 120_000 };
    expect(execFileSync('npx', ['publint', '--strict'], opts)).toContain('All good');
    // No profile: node10 (TypeScript's legacy `moduleResolution: "node"`) too, which finds subpaths via `typesVersions`.
    const out = execFileSync('npx', ['attw', '--pack', '.', '--format', 'json'], opts);
    type Problem = { resolutionKind?: string };
    const report = JSON.parse(out.slice(out.indexOf('{'))) as {
      analysis?: { problems?: Problem[] };
      problems?: Problem[];
    };
    expect(report.analysis?.problems ?? report.problems ?? []).toEqual([]);
  }, 180_000);

  it('the API reference builds with no warnings (every export documented)', () => {
    // typedoc.json sets treatWarningsAsErrors: a missing TSDoc on an export fails this.
    const out = execFileSync('npx', ['typedoc', '--emit', 'none'], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 120_000,
    });
    expect(out).not.toMatch(/warning/i);
  }, 180_000);
});
