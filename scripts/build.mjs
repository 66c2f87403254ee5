// Builds every artefact: ESM + CJS library passes, the IIFE and browser-ESM bundles, and the .d.ts trees.
// Then checks that every path in package.json "exports"/"bin" exists, so the map and dist/ never drift apart.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  writeFileSync(`${dir}/relay.d.ts`, "export * from './relay/index.js';\n");
}
// `#node-env` (package.json `imports`) for browser bundlers: the stand-in of the Node-only module.
cpSync('scripts/no-node-env.js', 'dist/no-node-env.js');
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// Ship only the .d.ts files the public entries reach (no types of the CLI or of simulator internals).
const reached = new Set();
const visit = (file) => {
  if (reached.has(file) || !existsSync(file)) return;
  reached.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
    visit(join(dirname(file), `${m[1]}.d.ts`));
  }
};
const typeEntries = [];
const walkTypes = (v) => {
  if (typeof v === 'string' && v.endsWith('.d.ts')) typeEntries.push(v);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) walkTypes(x);
};
walkTypes(pkg.exports);
for (const t of typeEntries) visit(join('.', t));
for (const dir of ['dist/esm', 'dist/cjs']) {
  for (const f of readdirSync(dir, { recursive: true })) {
    const p = join(dir, String(f));
    if (p.endsWith('.d.ts') && !reached.has(p)) rmSync(p);
  }
  const prune = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) prune(join(d, e.name));
    if (readdirSync(d).length === 0) rmSync(d, { recursive: true });
  };
  prune(dir);
}
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
