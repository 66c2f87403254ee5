import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  APP_BUDGET,
  CATALOG_APP_BUDGET,
  CATALOG_IIFE_BUDGET,
  IIFE_BUDGET,
  KB,
  PARSER_PACKAGES,
  measureSizes,
} from '../../bench/cases/size.mjs';

// Size budgets of the BUILT package (`npm test` builds first through `pretest`). Sizes are deterministic, so
// they gate CI; timings live in `npm run bench`. gzip -9; 1 KB = 1000 bytes (the stricter reading).
const root = resolve(__dirname, '../..');
const dist = (p: string) => resolve(root, 'dist', p);

const kb = (b: number) => `${(b / KB).toFixed(2)} KB`;

describe('size budgets (built files)', () => {
  it('dist/ is built (run `npm run build`; `npm test` does it first)', () => {
    expect(existsSync(dist('esm/index.js')) && existsSync(dist('bragerone.iife.js'))).toBe(true);
  });

  it.runIf(existsSync(dist('esm/index.js')))(
    `an HTTP-only browser app is ≤ ${kb(APP_BUDGET)} gz and carries no socket.io-client, engine.io, ws, idb-keyval, acorn or catalog code`,
    async () => {
      // The same measurement `npm run bench` prints (bench/cases/size.mjs): esbuild --bundle --minify, gzip -9.
      const { app } = await measureSizes(root);
      const size = app.gz;
      console.log(
        `size: HTTP-only app ${kb(size)} gz (budget ${kb(APP_BUDGET)}); minified bytes by package: ${app.shares.map((x) => `${x.pkg} ${x.bytes}`).join(', ')}`,
      );
      expect(app.forbidden).toEqual([]);
      expect(size, `HTTP-only app is ${kb(size)} gz, budget ${kb(APP_BUDGET)}`).toBeLessThanOrEqual(APP_BUDGET);
    },
  );

  it.runIf(existsSync(dist('bragerone.iife.js')))(
    `dist/bragerone.iife.js (everything) is ≤ ${kb(IIFE_BUDGET)} gz`,
    () => {
      const size = gzipSync(readFileSync(dist('bragerone.iife.js')), { level: 9 }).length;
      console.log(`size: dist/bragerone.iife.js ${kb(size)} gz (budget ${kb(IIFE_BUDGET)})`);
      expect(size, `dist/bragerone.iife.js is ${kb(size)} gz, budget ${kb(IIFE_BUDGET)}`).toBeLessThanOrEqual(
        IIFE_BUDGET,
      );
    },
  );

  // The catalog is dominated by its JS parser: acorn + acorn-loose are ~42 KB of the ~68 KB gz of the catalog IIFE
  // (docs/CATALOG-PARSER.md chose them for their error recovery; only apps that import `bragerone/catalog` pay it).
  it.runIf(existsSync(dist('esm/catalog.js')))(
    `an app importing bragerone/catalog is ≤ ${kb(CATALOG_APP_BUDGET)} gz, and the HTTP-only check catches the catalog in it`,
    async () => {
      const { catalogApp } = await measureSizes(root);
      const parser = catalogApp.shares.filter((x) => PARSER_PACKAGES.includes(x.pkg)).map((x) => `${x.pkg} ${x.bytes}`);
      console.log(
        `size: app with bragerone/catalog ${kb(catalogApp.gz)} gz (budget ${kb(CATALOG_APP_BUDGET)}); parser ${parser.join(', ')} of ${catalogApp.raw} minified bytes (${kb(catalogApp.parserGz)} gz alone)`,
      );
      // The detector the HTTP-only test relies on does see the parser, the catalog entry and its strings here.
      expect(catalogApp.forbidden).toEqual(
        expect.arrayContaining([
          expect.stringContaining('node_modules/acorn/'),
          expect.stringContaining('node_modules/acorn-loose/'),
          'marker "bragerone-catalog:v"',
        ]),
      );
      expect(catalogApp.parserBytes / catalogApp.raw).toBeGreaterThan(0.4);
      expect(
        catalogApp.gz,
        `app with bragerone/catalog is ${kb(catalogApp.gz)} gz, budget ${kb(CATALOG_APP_BUDGET)}`,
      ).toBeLessThanOrEqual(CATALOG_APP_BUDGET);
    },
  );

  it.runIf(existsSync(dist('bragerone-catalog.iife.js')))(
    `dist/bragerone-catalog.iife.js is ≤ ${kb(CATALOG_IIFE_BUDGET)} gz and reuses the main file's error classes`,
    () => {
      const code = readFileSync(dist('bragerone-catalog.iife.js'));
      const size = gzipSync(code, { level: 9 }).length;
      console.log(`size: dist/bragerone-catalog.iife.js ${kb(size)} gz (budget ${kb(CATALOG_IIFE_BUDGET)})`);
      // No second copy of BragerOneError: the base class comes from the page's `BragerOne` global (vite.config.ts).
      const text = code.toString('utf8');
      expect(text).toContain('needs bragerone.iife.js');
      expect(text).not.toContain('this.name=`BragerOneError`');
      expect(
        size,
        `dist/bragerone-catalog.iife.js is ${kb(size)} gz, budget ${kb(CATALOG_IIFE_BUDGET)}`,
      ).toBeLessThanOrEqual(CATALOG_IIFE_BUDGET);
    },
  );
});
