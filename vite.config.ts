/**
 * Two build passes from one tree (STYLE.md "Build"):
 *  - `vite build` (ESM → dist/esm) and `vite build --mode cjs` (→ dist/cjs): library mode, entries index/node/simulator/cli, dependencies external.
 *  - `vite build --mode iife` / `--mode esm-bundle`: one self-contained browser file with every dependency bundled.
 */
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

export default defineConfig(({ mode }) => {
  if (mode === 'iife-catalog') {
    return {
      plugins: [shareMainClasses],
      resolve: { conditions: ['browser', 'module', 'import', 'default'], mainFields: ['browser', 'module', 'main'] },
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: false,
        minify: true,
        target: 'es2022',
        lib: { entry: 'src/catalog/iife.ts', name: 'BragerOneCatalog', formats: ['iife'], fileName: () => 'bragerone-catalog.iife.js' },
        rolldownOptions: { output: { codeSplitting: false } },
      },
    };
  }
  if (mode === 'iife' || mode === 'esm-bundle') {
    const iife = mode === 'iife';
    return {
      resolve: {
        conditions: ['browser', 'module', 'import', 'default'],
        mainFields: ['browser', 'module', 'main'],
      },
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: false,
        minify: true,
        target: 'es2022',
        lib: {
          entry: 'src/iife.ts',
          name: 'BragerOne',
          formats: [iife ? 'iife' : 'es'],
          fileName: () => (iife ? 'bragerone.iife.js' : 'bragerone.esm.js'),
        },
        // Vite keeps whitespace in library-mode ES output; the browser file is for direct use, so minify it fully.
        rolldownOptions: { output: { codeSplitting: false, ...(iife ? {} : { minify: true }) } },
      },
    };
  }
  const cjs = mode === 'cjs';
  return {
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
          // The bin runs the ESM build only.
          ...(cjs ? {} : { cli: 'src/cli/bin.ts' }),
        },
        formats: [cjs ? 'cjs' : 'es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: {
        external,
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  };
});
