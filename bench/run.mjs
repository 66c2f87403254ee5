#!/usr/bin/env node
// `npm run bench`: size budgets, start-up, per-call, live-data, memory and catalog cases against the BUILT package (dist/).
// Every timing is a ratio against a baseline measured in the same run, interleaved, on the same local simulator
// (which runs in a child process). Prints one table and writes bench/results.json.
//
//   node bench/run.mjs [--quick] [--only=size,install,startup,latency,latency-chromium,http,live,memory,catalog]
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startSimProcess } from './lib/sim.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const want = (name) => !only || only.has(name);

if (!existsSync(resolve(root, 'dist/esm/index.js')) || !existsSync(resolve(root, 'dist/bragerone.iife.js'))) {
  console.error('bench: dist/ is missing — run `npm run build` first.');
  process.exit(1);
}

const log = (...a) => console.log(...a);
{
  // A stale dist/ measures old code: warn when a source file is newer than the build.
  const { readdirSync, statSync } = await import('node:fs');
  const built = statSync(resolve(root, 'dist/esm/index.js')).mtimeMs;
  const newer = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = resolve(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).mtimeMs > built) newer.push(p.slice(root.length));
    }
  };
  walk(resolve(root, 'src'));
  if (newer.length)
    console.warn(
      `bench: warning — dist/ is older than ${newer.length} source file(s) (e.g. ${newer[0]}); run \`npm run build\`.`,
    );
}
const lib = await import('../dist/esm/index.js');
const started = performance.now();
const rows = [];
const ctx = { root, quick, log, lib, sim: null };

async function section(name, fn) {
  if (!want(name)) return;
  const t0 = performance.now();
  process.stdout.write(`bench: ${name} …`);
  try {
    const r = await fn();
    rows.push(...r.map((x) => ({ group: name, ...x })));
    process.stdout.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (e) {
    process.stdout.write(' FAILED\n');
    console.error(e);
    rows.push({
      group: name,
      case: `${name}: error`,
      baseline: '—',
      ours: String(e?.message ?? e).slice(0, 60),
      ratio: null,
      target: '—',
      pass: false,
    });
  }
}

await section('size', async () => (await import('./cases/size.mjs')).run(ctx));
await section('install', async () => (await import('./cases/install.mjs')).run(ctx));
await section('startup', async () => (await import('./cases/startup.mjs')).run(ctx));
// Starts its own simulator process with network shaping (one-way 50 ms + 5 ms jitter).
await section('latency', async () => (await import('./cases/startup-latency.mjs')).run(ctx));
// Heal in headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium; an info row when missing), same shaping.
await section('latency-chromium', async () => (await import('./cases/heal-browser.mjs')).run(ctx));
if (want('http') || want('live')) ctx.sim = await startSimProcess();
await section('http', async () => (await import('./cases/http.mjs')).run(ctx));
await section('live', async () => (await import('./cases/live.mjs')).run(ctx));
if (ctx.sim) await ctx.sim.close();
ctx.sim = null;
await section('memory', async () => (await import('./cases/memory.mjs')).run(ctx));
// Starts its own simulator with the scaled (~3 MB) web app.
await section('catalog', async () => (await import('./cases/catalog.mjs')).run(ctx));

// ——— table ———
const fmtRatio = (r) => (r === null || r === undefined ? '—' : `${r.toFixed(2)}×`);
const verdict = (p) => (p === null || p === undefined ? 'info' : p ? 'pass' : 'FAIL');
const head = ['case', 'baseline', 'ours', 'ratio', 'target', 'result'];
const body = rows.map((r) => [r.case, r.baseline, r.ours, fmtRatio(r.ratio), r.target, verdict(r.pass)]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
log('');
log(line(head));
log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const b of body) log(line(b));
for (const r of rows) if (r.note) log(`  · ${r.case}: ${r.note}`);
const failed = rows.filter((r) => r.pass === false);
const total = (performance.now() - started) / 1000;
log(
  `\n${rows.filter((r) => r.pass === true).length} pass, ${failed.length} fail, ${rows.filter((r) => r.pass == null).length} info — ${total.toFixed(0)} s${quick ? ' (quick)' : ''}`,
);

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
};
writeFileSync(
  resolve(root, 'bench/results.json'),
  `${JSON.stringify({ when: new Date().toISOString(), quick, machine, seconds: Math.round(total), rows }, null, 2)}\n`,
);
log('wrote bench/results.json');
process.exitCode = failed.length ? 1 : 0;
