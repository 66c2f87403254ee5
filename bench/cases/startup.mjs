// Start-up: a fresh `node` per sample, rounds interleaved (order rotates). The import is timed inside the
// sample process (wall and CPU, from just before `import()` until it resolves): that is the net cost over a bare
// `node -e ''` without the spawn / bootstrap / teardown jitter of a shared machine, which is larger than the
// quantity measured.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmtMs, medMin, pairedRatio, summary } from '../lib/stats.mjs';

const VARIANTS = {
  deps: "await Promise.all([import('ofetch'), import('valibot'), import('idb-keyval')]);",
  ours: "await import('bragerone');",
};

function sample(root, code) {
  const src = `const t0 = performance.now(); const c0 = process.cpuUsage(); ${code}
const c = process.cpuUsage(c0); console.log(JSON.stringify({ t: performance.now() - t0, cpu: (c.user + c.system) / 1000 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`startup sample failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Runs in a separate process: which modules does `import('bragerone')` load, and when do socket.io-client and `ws` come in? */
const LAZY_CHECK = `
const m = await import('bragerone');
const before = await globalThis.__loadedModules();
const c = new m.BragerOneApiClient({ logLevel: 'silent' });
const afterClient = await globalThis.__loadedModules();
const rt = new m.RealtimeManager({ token: 't', ioBase: 'http://127.0.0.1:9', connectTimeout: 300, logLevel: 'silent' });
await rt.connect().catch(() => {});
await rt.disconnect();
const afterRealtime = await globalThis.__loadedModules();
const sio = (l) => l.filter((u) => /\\/node_modules\\/(socket\\.io-client|engine\\.io-client|ws)\\//.test(u)).length;
console.log(JSON.stringify({ atImport: sio(before), afterClient: sio(afterClient), afterRealtime: sio(afterRealtime), modulesAtImport: before.filter((u) => !u.startsWith('node:')).length }));
`;

function lazyCheck(root) {
  const hook = fileURLToPath(new URL('../lib/trace-loads.mjs', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', LAZY_CHECK], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`lazy-load check failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export async function run(ctx) {
  const rounds = ctx.quick ? 8 : 21;
  const names = Object.keys(VARIANTS);
  for (const n of names) sample(ctx.root, VARIANTS[n]); // warm the file cache
  const raw = { deps: [], ours: [] };
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < names.length; j++) {
      const n = names[(i + j) % names.length];
      raw[n].push(sample(ctx.root, VARIANTS[n]));
    }
  }
  const deps = summary(raw.deps.map((x) => x.t));
  const ours = summary(raw.ours.map((x) => x.t));
  const depsCpu = summary(raw.deps.map((x) => x.cpu));
  const oursCpu = summary(raw.ours.map((x) => x.cpu));
  const ratio = pairedRatio(
    raw.ours.map((x) => x.t),
    raw.deps.map((x) => x.t),
  );
  const lazy = lazyCheck(ctx.root);
  const lazyOk = lazy.atImport === 0 && lazy.afterClient === 0 && lazy.afterRealtime > 0;
  return [
    {
      case: "start-up: import('bragerone') net",
      baseline: `${medMin(deps, fmtMs)} ofetch+valibot+idb-keyval`,
      ours: medMin(ours, fmtMs),
      ratio,
      target: '≤ 1.20×',
      pass: ratio <= 1.2,
      data: { rounds, deps, ours, depsCpu, oursCpu },
    },
    {
      case: "start-up: import('bragerone') net CPU (info)",
      baseline: `${medMin(depsCpu, fmtMs)} ofetch+valibot+idb-keyval`,
      ours: medMin(oursCpu, fmtMs),
      ratio: pairedRatio(
        raw.ours.map((x) => x.cpu),
        raw.deps.map((x) => x.cpu),
      ),
      target: 'info',
      pass: null,
    },
    {
      case: 'start-up: socket.io-client + ws load only on connect',
      baseline: '—',
      ours: `import ${lazy.atImport}, client ${lazy.afterClient}, realtime ${lazy.afterRealtime} modules`,
      ratio: null,
      target: '0 / 0 / > 0',
      pass: lazyOk,
      data: lazy,
    },
  ];
}
