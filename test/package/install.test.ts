/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into an empty project (from the local npm
 * cache when it has the dependencies). Runs on the BUILT files (`npm test` builds first). The project has no
 * `socket.io`, so it also shows what happens without the optional peer — for real, not with a stubbed import.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_BUDGET, type InstallResult, SERVER_PACKAGES, measureInstall } from '../../bench/cases/install.mjs';

const root = resolve(__dirname, '../..');
let r: InstallResult;

describe.runIf(existsSync(resolve(root, 'dist/esm/index.js')))(
  'npm install <packed tarball> into an empty project',
  () => {
    beforeAll(() => {
      r = measureInstall(root);
    }, 240_000);

    it(`installs at most ${INSTALL_BUDGET} packages, no Socket.IO / Engine.IO server and no @types/node`, () => {
      console.log(`install: ${r.packages.length} packages in ${Math.round(r.installMs)} ms: ${r.packages.join(', ')}`);
      expect(r.packages).toContain('bragerone');
      for (const dep of ['ofetch', 'valibot', 'idb-keyval', 'socket.io-client']) expect(r.packages).toContain(dep);
      expect(r.packages.filter((p) => SERVER_PACKAGES.includes(p))).toEqual([]);
      expect(r.packages.length).toBeLessThanOrEqual(INSTALL_BUDGET);
    });

    it('a browser-only TypeScript app (lib dom + es2022) type-checks against it without @types/node', () => {
      expect(r.tsc.out).toBe('');
      expect(r.tsc.status).toBe(0);
    });

    it('without socket.io, bragerone/simulator rejects with a BragerOneError that says npm install socket.io (ESM and CJS)', () => {
      expect(r.simulatorEsm).toMatchObject({ started: false, brager: true, name: 'BragerOneError' });
      expect(r.simulatorEsm.message).toContain('npm install socket.io');
      expect(r.simulatorCjs).toMatch(/^BragerOneError: .*npm install socket\.io/);
    });

    it('without socket.io, `bragerone demo` and `--simulator` exit 1 with that message', () => {
      for (const res of [r.cli.demo, r.cli.simulatorFlag]) {
        expect(res.out).toContain('npm install socket.io');
        expect(res.status).toBe(1);
      }
    });

    it('ships a LICENSE, no CJS copy of the CLI, no .d.ts of the CLI, and no source-map comment without its map', () => {
      expect(r.files).toContain('LICENSE');
      expect(r.files).not.toContain('dist/cjs/cli.js');
      expect(r.files.filter((f) => /(^|\/)cli(\/|\.d\.ts$)/.test(f) && f.endsWith('.d.ts'))).toEqual([]);
      expect(
        r.files.filter(
          (f) =>
            f.startsWith('dist/') &&
            f.endsWith('.d.ts') &&
            f.includes('/simulator/') &&
            /\/(rest|dispatch|http-util|assets|plant)\.d\.ts$/.test(f),
        ),
      ).toEqual([]);
      for (const [path, text] of Object.entries(r.packedText)) {
        for (const m of text.matchAll(/\/\/# sourceMappingURL=(\S+)/g)) {
          expect(r.files, `${path} points at ${m[1]}`).toContain(resolve('/', path, '..', m[1] as string).slice(1));
        }
      }
    });

    it('dist/bragerone.esm.js is minified (whitespace too)', () => {
      const text = r.packedText['dist/bragerone.esm.js'] ?? '';
      expect(text.length).toBeGreaterThan(1000);
      // no indentation left: the few line breaks are inside template literals
      expect(text.match(/\n[\t ]+\S/g) ?? []).toEqual([]);
      expect(text.length / text.split('\n').length).toBeGreaterThan(2000);
    });
  },
);
