/**
 * Two build passes from one tree (STYLE.md "Build"):
 *  - `vite build` (ESM → dist/esm) and `vite build --mode cjs` (→ dist/cjs): library mode, entries index/node/simulator/cli, dependencies external.
 *  - `vite build --mode iife` / `--mode esm-bundle`: one self-contained browser file with every dependency bundled.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const external = (id: string): boolean =>
  id.startsWith('node:') || builtinModules.includes(id) || deps.some((d) => id === d || id.startsWith(`${d}/`));

/**
 * The catalog's script-tag file shares the classes of the main IIFE (CatalogError extends the page's
 * BragerOneError): every import of src/errors.ts is redirected to a shim that reads `globalThis.BragerOne`.
 */
const sharedErrors = fileURLToPath(new URL('./src/errors.ts', import.meta.url));
const errorsShim = fileURLToPath(new URL('./src/catalog/iife-errors.ts', import.meta.url));
const shareMainClasses = {
  name: 'bragerone-share-main-classes',
  // Before Vite's own resolver: a normal plugin's resolveId is never reached for relative imports.
  enforce: 'pre' as const,
  async resolveId(this: { resolve: (s: string, i?: string, o?: { skipSelf: boolean }) => Promise<{ id: string } | null> }, source: string, importer?: string) {
    if (!importer || importer === errorsShim) return null;
    const r = await this.resolve(source, importer, { skipSelf: true });
    return r && r.id === sharedErrors ? errorsShim : null;
  },
};

/** `User-Agent: bragerone/<version>` (src/version.ts): the version is fixed at build time, package.json is never read at runtime. */
const define = { __BRAGERONE_VERSION__: JSON.stringify(pkg.version) };

/**
 * The browser bundles replace the Node-only module `#node-env` (Node headers and TLS for `verify`,
 * src/internal/node-env.ts) by its stand-in scripts/no-node-env.js (no headers, no TLS fetch). Library users' bundlers
 * get the same from package.json `imports` (its `browser` condition → dist/no-node-env.js, a copy).
 */
const NO_NODE_ENV = readFileSync(fileURLToPath(new URL('./scripts/no-node-env.js', import.meta.url)), 'utf8');
const noNodeEnv = {
  name: 'bragerone-no-node-env',
  enforce: 'pre' as const,
  resolveId(source: string) {
    return source === '#node-env' ? '\0bragerone-node-env' : null;
  },
  load(id: string) {
    return id === '\0bragerone-node-env' ? NO_NODE_ENV : null;
  },
};

/** One self-contained, minified browser file with every dependency bundled (the IIFEs and the browser ESM file). */
function browserFile(o: { entry: string; name: string; format: 'iife' | 'es'; file: string; shareClasses?: boolean }) {
  return {
    define,
    plugins: o.shareClasses ? [shareMainClasses, noNodeEnv] : [noNodeEnv],
    resolve: { conditions: ['browser', 'module', 'import', 'default'], mainFields: ['browser', 'module', 'main'] },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: false,
      minify: true,
      target: 'es2022',
      lib: { entry: o.entry, name: o.name, formats: [o.format], fileName: () => o.file },
      // Vite keeps whitespace in library-mode ES output; the browser file is for direct use, so minify it fully.
      rolldownOptions: { output: { codeSplitting: false, ...(o.format === 'es' ? { minify: true } : {}) } },
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'iife-catalog') {
    return browserFile({ entry: 'src/catalog/iife.ts', name: 'BragerOneCatalog', format: 'iife', file: 'bragerone-catalog.iife.js', shareClasses: true });
  }
  if (mode === 'iife') return browserFile({ entry: 'src/index.ts', name: 'BragerOne', format: 'iife', file: 'bragerone.iife.js' });
  if (mode === 'esm-bundle') return browserFile({ entry: 'src/index.ts', name: 'BragerOne', format: 'es', file: 'bragerone.esm.js' });
  const cjs = mode === 'cjs';
  return {
    define,
    // ESM keeps `#node-env` as an import (package.json `imports`: Node → dist/esm/node-env.js, browser bundlers → the
    // stand-in). The CJS build is for Node's `require`: the module is bundled in (a nested package.json cannot map it).
    resolve: { alias: cjs ? { '#node-env': fileURLToPath(new URL('./src/internal/node-env.ts', import.meta.url)) } : ({} as Record<string, string>) },
    build: {
      outDir: cjs ? 'dist/cjs' : 'dist/esm',
      emptyOutDir: true,
      sourcemap: false,
      minify: false,
      target: 'node20',
      lib: {
        entry: {
          index: 'src/index.ts',
          node: 'src/node.ts',
          catalog: 'src/catalog/index.ts',
          simulator: 'src/simulator/index.ts',
          relay: 'src/relay/index.ts',
          // Node-only (`#node-env` in package.json `imports`), imported by the client, the transport and the socket.
          ...(cjs ? {} : { 'node-env': 'src/internal/node-env.ts' }),
          // The bin runs the ESM build only.
          ...(cjs ? {} : { cli: 'src/cli/bin.ts' }),
        },
        formats: [cjs ? 'cjs' : 'es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: {
        external: (id: string) => (!cjs && id === '#node-env') || external(id),
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  };
});
