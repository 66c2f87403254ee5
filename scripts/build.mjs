// Builds every artefact: ESM + CJS library passes, the IIFE and browser-ESM bundles, and the .d.ts trees.
// Then checks that every path in package.json "exports"/"bin" exists, so the map and dist/ never drift apart.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
rmSync('dist', { recursive: true, force: true });
run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'cjs', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'iife', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'esm-bundle', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'iife-catalog', '--logLevel', 'warn']);
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
cpSync('dist/types', 'dist/esm', { recursive: true });
cpSync('dist/types', 'dist/cjs', { recursive: true });
rmSync('dist/types', { recursive: true, force: true });
for (const dir of ['dist/esm', 'dist/cjs']) {
  writeFileSync(`${dir}/simulator.d.ts`, "export * from './simulator/index.js';\n");
  writeFileSync(`${dir}/catalog.d.ts`, "export * from './catalog/index.js';\n");
  writeFileSync(`${dir}/cli.d.ts`, "export * from './cli/bin.js';\n");
}
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const paths = [];
const walk = (v) => {
  if (typeof v === 'string') paths.push(v);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
};
walk(pkg.exports);
walk(pkg.bin);
const missing = paths.filter((p) => !p.includes('*') && !existsSync(p));
if (missing.length) {
  console.error(`build: package.json points at missing files: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`build: ok (${paths.length} export paths present)`);
