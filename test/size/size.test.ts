import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

// Size budgets of the BUILT package (`npm test` builds first through `pretest`). Sizes are deterministic, so
// they gate CI; timings live in `npm run bench`. gzip -9; 1 KB = 1000 bytes (the stricter reading).
const root = resolve(__dirname, '../..');
const dist = (p: string) => resolve(root, 'dist', p);
const KB = 1000;
const APP_BUDGET = 12 * KB;
/**
 * The perf issue's target for the IIFE is 28 KB gz and is NOT met yet (≈34.7 KB: socket.io-client alone is ≈13 KB).
 * Until it is, this ceiling stops the bundle from growing further; lower it as the bundle shrinks.
 */
const IIFE_TARGET = 28 * KB;
const IIFE_BUDGET = 36 * KB;
/** Code an HTTP-only app must not carry. */
const FORBIDDEN = ['socket.io-client', 'socket.io-parser', 'engine.io-client', 'engine.io-parser', '@socket.io/component-emitter', 'idb-keyval'];

const gz = (b: Uint8Array) => gzipSync(b, { level: 9 }).length;
const kb = (b: number) => `${(b / KB).toFixed(2)} KB`;

/** Bundles an app that imports only the client and the memory token store from dist/esm (deps from node_modules). */
async function appBundle() {
  const r = await esbuild.build({
    stdin: {
      contents: `import { BragerOneApiClient, MemoryTokenStore } from 'bragerone';
globalThis.app = new BragerOneApiClient({ tokenStore: new MemoryTokenStore() });`,
      resolveDir: root,
      sourcefile: 'app.js',
      loader: 'js',
    },
    alias: { bragerone: dist('esm/index.js') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const out = Object.values(r.metafile.outputs)[0]!;
  const inputs = Object.entries(out.inputs).filter(([, i]) => i.bytesInOutput > 0);
  return { code: r.outputFiles[0]!.contents, inputs };
}

describe('size budgets (built files)', () => {
  it('dist/ is built (run `npm run build`; `npm test` does it first)', () => {
    expect(existsSync(dist('esm/index.js')) && existsSync(dist('bragerone.iife.js'))).toBe(true);
  });

  it.runIf(existsSync(dist('esm/index.js')))(`an HTTP-only browser app is ≤ ${kb(APP_BUDGET)} gz and carries no socket.io / engine.io / idb-keyval`, async () => {
    const { code, inputs } = await appBundle();
    const size = gz(code);
    const byPkg = new Map<string, number>();
    for (const [f, i] of inputs) {
      const pkg = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'bragerone';
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + i.bytesInOutput);
    }
    console.log(`size: HTTP-only app ${kb(size)} gz (budget ${kb(APP_BUDGET)}); minified bytes by package: ${[...byPkg].map(([p, b]) => `${p} ${b}`).join(', ')}`);
    const bad = inputs.map(([f]) => f).filter((f) => FORBIDDEN.some((p) => f.includes(`node_modules/${p}/`)));
    expect(bad).toEqual([]);
    expect(size, `HTTP-only app is ${kb(size)} gz, budget ${kb(APP_BUDGET)}`).toBeLessThanOrEqual(APP_BUDGET);
  });

  it.runIf(existsSync(dist('bragerone.iife.js')))(`dist/bragerone.iife.js is ≤ ${kb(IIFE_BUDGET)} gz`, () => {
    const size = gz(readFileSync(dist('bragerone.iife.js')));
    console.log(`size: dist/bragerone.iife.js ${kb(size)} gz (ceiling ${kb(IIFE_BUDGET)}, target ${kb(IIFE_TARGET)})`);
    expect(size, `dist/bragerone.iife.js is ${kb(size)} gz, budget ${kb(IIFE_BUDGET)}`).toBeLessThanOrEqual(IIFE_BUDGET);
  });
});
