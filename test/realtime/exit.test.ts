/**
 * Process-level checks: after stop()/disconnect() nothing keeps Node alive, and the Socket.IO client and `ws`
 * are only loaded lazily. Scripts are bundled with esbuild into a temporary directory and run in a child process.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD, startSimulator } from '../../src/simulator/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bragerone-rt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bundle(name: string, contents: string, opts: { external?: string[]; format?: 'cjs' | 'esm' } = {}): Promise<string> {
  const res = await build({
    stdin: { contents, resolveDir: root, sourcefile: `${name}.ts`, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: opts.format ?? 'cjs',
    write: false,
    external: ['bufferutil', 'utf-8-validate', ...(opts.external ?? [])],
    logLevel: 'silent',
  });
  return res.outputFiles[0]?.text ?? '';
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (out += d.toString()));
    let timedOut = false;
    const t = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, timedOut });
    });
  });
}

/** The client half runs in the child; the simulator stays up in the parent, so a leaked socket would keep the child alive. */
const SCRIPT = `
import { defineServer } from './src/server.ts';
import { BragerOneGateway } from './src/live/gateway.ts';
import { RealtimeManager } from './src/realtime/manager.ts';
(async () => {
  const [url, email, password, objectId, modules] = process.argv.slice(2);
  const server = defineServer({ ioBase: url });
  const gw = await BragerOneGateway.fromCredentials({
    email, password, objectId: Number(objectId), modules: modules.split(','),
    server, connectivityPollInterval: 50, clientOptions: { logLevel: 'silent' },
  });
  await gw.start();
  const primed = await gw.waitForPrime(2000);
  await gw.realtime().forceReconnect();
  const m = new RealtimeManager({ token: gw.api.accessToken, ioBase: url, logLevel: 'silent', supervisorInterval: 50 });
  await m.connect();
  await m.disconnect();
  await gw.stop();
  console.log('done', primed, gw.wsSessionUp());
})().catch((e) => { console.error('failed', e); process.exitCode = 1; });
`;

describe('process exit and lazy loading', () => {
  it('the process exits by itself after gateway.stop() and manager.disconnect() while the server stays up', async () => {
    const file = join(dir, 'exit.cjs');
    await writeFile(file, await bundle('exit', SCRIPT));
    const s = await startSimulator({ port: 0, tickInterval: 20 });
    try {
      const res = await run(file, [s.url, DEMO_EMAIL, DEMO_PASSWORD, String(DEMO_OBJECT_ID), DEMO_MODULES.join(',')], 10_000);
      expect(res.timedOut).toBe(false);
      expect(res.out).toContain('done true false');
      expect(res.code).toBe(0);
      expect(s.sockets()).toHaveLength(0);
    } finally {
      await s.close();
    }
  }, 20_000);

  it('the Socket.IO client and `ws` are imported lazily (dynamic import only) by the realtime and live modules', async () => {
    const code = await bundle('lazy', "export * from './src/live/index.ts'; export * from './src/realtime/index.ts';", {
      external: ['ws', 'ofetch', 'valibot', 'idb-keyval'],
      format: 'esm',
    });
    expect(code).toContain('import("ws")');
    expect(code).not.toMatch(/from\s*["']ws["']/);
    expect(code).not.toMatch(/require\(["']ws["']\)/);
    // In the published build the wire client is its own chunk, reached by a dynamic import only.
    const chunks = join(root, 'dist/esm/chunks');
    const files = readdirSync(chunks).filter((f) => f.endsWith('.js'));
    const wire = files.filter((f) => /WireSocket\s*=\s*class\b|class WireSocket\b/.test(readFileSync(join(chunks, f), 'utf8')));
    expect(wire).toHaveLength(1);
    const others = [...files.filter((f) => f !== wire[0]).map((f) => join(chunks, f)), join(root, 'dist/esm/index.js')];
    const refs = others.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(refs).toContain(`import("./${wire[0]}")`);
    expect(refs).not.toMatch(new RegExp(`from\\s*["'][^"']*${wire[0]?.replace('.', '\\.')}["']`));
  });

  it('an HTTP-only bundle does not contain socket.io-client', async () => {
    const code = await bundle('http-only', "export { BragerOneApiClient } from './src/client.ts';", { format: 'esm' });
    expect(code).toContain('BragerOneApiClient');
    expect(code).not.toMatch(/socket\.io-client|engine\.io-client|socket\.io-parser|WireSocket|["']ws["']/);
  });
});
