/**
 * Leaks: after close()/stop() no timers, sockets or handles remain, and the heap does not grow. 200 lifecycles of
 * client + gateway (four at a time: start, prime, stop; every fifth round with a delta, a server-side drop and a
 * reconnect first) plus bare RealtimeManager sessions run in a child `node --expose-gc` (so the heap can be collected
 * for real) against the built library (dist/esm) — or, when dist/ is missing or older than src/, against a fresh
 * esbuild bundle of src/.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const CYCLES = 200;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/esm when it is at least as new as src/; otherwise a bundle of the current sources. */
async function libraryDir(): Promise<{ dir: string; what: string }> {
  const dist = join(root, 'dist', 'esm');
  const fresh =
    existsSync(join(dist, 'index.js')) &&
    existsSync(join(dist, 'simulator.js')) &&
    statSync(join(dist, 'index.js')).mtimeMs >= newestMtime(join(root, 'src'));
  if (fresh) return { dir: dist, what: 'dist/esm' };
  // Under node_modules so the bundle's bare imports (socket.io-client, valibot, …) resolve.
  const out = join(root, 'node_modules', '.cache', 'bragerone-reliability');
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: { index: join(root, 'src', 'index.ts'), simulator: join(root, 'src', 'simulator', 'index.ts') },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return { dir: out, what: 'a fresh bundle of src/ (dist/ is missing or stale)' };
}

interface Report {
  cycles: number;
  ms: number;
  liveSockets: number;
  before: Record<string, number>;
  after: Record<string, number>;
  mid0: Record<string, number>;
  mid1: Record<string, number>;
  grownMB: number;
  halvesMB: [number, number];
}

function runChild(dir: string): Promise<Report> {
  const script = join(__dirname, 'fixtures', 'lifecycle-child.mjs');
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--expose-gc', script, dir, String(CYCLES)],
      { timeout: 110_000, maxBuffer: 1 << 20 },
      (err, out, errOut) => {
        if (err) return fail(new Error(`child failed: ${err.message}\n${String(errOut).slice(0, 2_000)}`));
        const line = String(out).trim().split('\n').at(-1) ?? '';
        try {
          done(JSON.parse(line) as Report);
        } catch {
          fail(new Error(`child printed no report: ${String(out).slice(0, 500)} ${String(errOut).slice(0, 500)}`));
        }
      },
    );
  });
}

describe('lifecycles leave nothing behind', () => {
  it(`${CYCLES} client + gateway lifecycles: handles back to baseline, no live socket, heap does not grow with the lifecycles`, async () => {
    const lib = await libraryDir();
    const r = await runChild(lib.dir);
    const context = `${lib.what}; ${r.cycles} cycles in ${r.ms} ms; heap +${r.grownMB.toFixed(2)} MB (halves +${r.halvesMB.map((m) => m.toFixed(2)).join(', +')})`;
    console.info(`leaks: ${context}`);
    expect(r.cycles, context).toBe(CYCLES);
    expect(r.liveSockets, `${context}: realtime sessions still open at the simulator`).toBe(0);
    // while the simulator still runs: no more timers/immediates/… than right after the warm-up (TCP pools aside)
    const grown = Object.entries(r.mid1).filter(([type, n]) => n > (r.mid0[type] ?? 0));
    expect(
      grown,
      `${context}: resources that grew while the simulator runs (after warm-up: ${JSON.stringify(r.mid0)})`,
    ).toEqual([]);
    // after the simulator closed: exactly the resources the process had before anything started — live async
    // resources by type from an async hook, so unref'd timers (invisible to getActiveResourcesInfo) count too
    expect(r.after, `${context}: resources after everything was closed`).toEqual(r.before);
    // One heap reading moves by a few MB with pools, JIT code and GC timing; a leak grows with every lifecycle, so
    // both halves of the run must grow for a failure (the smaller growth stays under 2.5 MB ≈ 25 KB per lifecycle),
    // and the whole run stays under a loose 10 MB.
    expect(Math.min(...r.halvesMB), context).toBeLessThan(2.5);
    expect(r.grownMB, context).toBeLessThan(10);
  }, 120_000);
});
