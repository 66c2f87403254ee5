import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import pkg from './package.json' with { type: 'json' };

/**
 * Two projects. `node` is the whole suite (Node tests and the Chromium suite). `strict-lax` runs the REST, auth,
 * realtime, gateway, CLI and example tests once more against a fussy simulator: every simulator they start
 * (in-process, embedded in the CLI or in an example) reads `BRAGERONE_SIMULATOR` and turns on `strict` (Origin/Referer,
 * x-appversion, header-only socket auth, a 1 s join window, CORS for its own origin) and `laxData` (lax field forms
 * mixed from the seed). See docs/SIMULATOR.md.
 */
export default defineConfig({
  // As in vite.config.ts: the version of `User-Agent: bragerone/<version>`.
  define: { __BRAGERONE_VERSION__: JSON.stringify(pkg.version) },
  // package.json `imports` points `#node-env` at the build; tests run the source.
  resolve: { alias: { '#node-env': fileURLToPath(new URL('./src/internal/node-env.ts', import.meta.url)) } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'strict-lax',
          include: ['test/client/**/*.test.ts', 'test/realtime/**/*.test.ts', 'test/live/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/examples/**/*.test.ts'],
          env: { BRAGERONE_SIMULATOR: 'strict,lax=20260502' },
        },
      },
    ],
  },
});
