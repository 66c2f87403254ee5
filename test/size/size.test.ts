import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { APP_BUDGET, IIFE_BUDGET, KB, measureSizes } from '../../bench/cases/size.mjs';

// Size budgets of the BUILT package (`npm test` builds first through `pretest`). Sizes are deterministic, so
// they gate CI; timings live in `npm run bench`. gzip -9; 1 KB = 1000 bytes (the stricter reading).
const root = resolve(__dirname, '../..');
const dist = (p: string) => resolve(root, 'dist', p);

const kb = (b: number) => `${(b / KB).toFixed(2)} KB`;

describe('size budgets (built files)', () => {
  it('dist/ is built (run `npm run build`; `npm test` does it first)', () => {
    expect(existsSync(dist('esm/index.js')) && existsSync(dist('bragerone.iife.js'))).toBe(true);
  });

  it.runIf(existsSync(dist('esm/index.js')))(`an HTTP-only browser app is ≤ ${kb(APP_BUDGET)} gz and carries no socket.io-client, engine.io or parser code (nor ws, idb-keyval)`, async () => {
    // The same measurement `npm run bench` prints (bench/cases/size.mjs): esbuild --bundle --minify, gzip -9.
    const { app } = await measureSizes(root);
    const size = app.gz;
    console.log(`size: HTTP-only app ${kb(size)} gz (budget ${kb(APP_BUDGET)}); minified bytes by package: ${app.shares.map((x) => `${x.pkg} ${x.bytes}`).join(', ')}`);
    expect(app.forbidden).toEqual([]);
    expect(size, `HTTP-only app is ${kb(size)} gz, budget ${kb(APP_BUDGET)}`).toBeLessThanOrEqual(APP_BUDGET);
  });

  it.runIf(existsSync(dist('bragerone.iife.js')))(`dist/bragerone.iife.js (everything) is ≤ ${kb(IIFE_BUDGET)} gz`, () => {
    const size = gzipSync(readFileSync(dist('bragerone.iife.js')), { level: 9 }).length;
    console.log(`size: dist/bragerone.iife.js ${kb(size)} gz (budget ${kb(IIFE_BUDGET)})`);
    expect(size, `dist/bragerone.iife.js is ${kb(size)} gz, budget ${kb(IIFE_BUDGET)}`).toBeLessThanOrEqual(IIFE_BUDGET);
  });
});
