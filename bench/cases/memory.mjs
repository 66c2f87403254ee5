// Heap budgets, each probe in a fresh `node --expose-gc` process (see ../mem-child.mjs).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimProcess } from '../lib/sim.mjs';
import { fmtBytes } from '../lib/stats.mjs';

const CHILD = fileURLToPath(new URL('../mem-child.mjs', import.meta.url));

function probe(root, mode, url) {
  const r = spawnSync(process.execPath, ['--expose-gc', CHILD, mode, ...(url ? [url] : [])], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`memory probe ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export async function run(ctx) {
  const rows = [];
  const clients = probe(ctx.root, 'clients');
  rows.push({
    case: 'memory: 1000 idle clients (heap, total)',
    baseline: '—',
    ours: `${fmtBytes(clients.total)} (${fmtBytes(clients.each)} each)`,
    ratio: clients.total / (5 * 2 ** 20),
    target: '≤ 5 MiB',
    pass: clients.total <= 5 * 2 ** 20,
    data: clients,
  });
  const sim = await startSimProcess();
  try {
    const bare = probe(ctx.root, 'bare', sim.url);
    const rt = probe(ctx.root, 'realtime', sim.url);
    rows.push({
      case: 'memory: 100 connected RealtimeManagers (heap each)',
      baseline: `${fmtBytes(bare.each)} bare socket.io-client`,
      ours: fmtBytes(rt.each),
      ratio: rt.each / (50 * 1024),
      target: '≤ 50 KiB',
      pass: rt.each <= 50 * 1024 && rt.connected === rt.n,
      note: `${rt.connected}/${rt.n} connected; ratio column = share of the budget`,
      data: { ours: rt, bare },
    });
  } finally {
    await sim.close();
  }
  return rows;
}
