/**
 * The dashboard's own Vite config (built with the repository's Vite): `npx vite build -c examples/dashboard/vite.config.ts`.
 * The app imports the SDK the way a user would (`bragerone`, `bragerone/catalog`); here those names point at the
 * SDK's sources, so the app builds on a fresh clone without building the library first. In your own app, drop the
 * aliases and install `bragerone`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  // Relative asset URLs: the app works under any prefix (the simulator serves it at /dashboard/).
  base: './',
  resolve: {
    alias: [
      { find: /^bragerone\/catalog$/, replacement: here('../../src/catalog/index.ts') },
      { find: /^bragerone$/, replacement: here('../../src/index.ts') },
      // The SDK's Node-only module, as the browser gets it (package.json `imports`, `browser` → a copy of this file).
      { find: /^#node-env$/, replacement: here('../../scripts/no-node-env.js') },
    ],
    conditions: ['browser', 'module', 'import', 'default'],
    mainFields: ['browser', 'module', 'main'],
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
