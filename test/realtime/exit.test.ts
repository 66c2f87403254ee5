/**
 * Process-level checks: after stop()/disconnect() nothing keeps Node alive, and socket.io-client (with `ws`)
 * is only loaded on the first connect(). Scripts are bundled with esbuild into a temporary directory and run in a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD, startSimulator } from '../../src/simulator/index.js';
import { login } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bragerone-rt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bundle(
  name: string,
  contents: string,
  opts: { external?: string[]; format?: 'cjs' | 'esm' } = {},
): Promise<string> {
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

function run(
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; out: string; timedOut: boolean }> {
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
      const res = await run(
        file,
        [s.url, DEMO_EMAIL, DEMO_PASSWORD, String(DEMO_OBJECT_ID), DEMO_MODULES.join(',')],
        10_000,
      );
      expect(res.timedOut).toBe(false);
      expect(res.out).toContain('done true false');
      expect(res.code).toBe(0);
      expect(s.sockets()).toHaveLength(0);
    } finally {
      await s.close();
    }
  }, 20_000);

  it('the built package loads socket.io-client (and ws) only on the first connect()', async () => {
    const s = await startSimulator({ port: 0, tickInterval: 0 });
    try {
      const token = await login(s);
      // A child process with a module-resolution tracer: which modules has `import('bragerone')` loaded, and when?
      const script = `
        const m = await import('bragerone');
        const sio = async () => (await globalThis.__loadedModules()).filter((u) => /\\/node_modules\\/(socket\\.io-client|engine\\.io-client|ws)\\//.test(u)).length;
        const atImport = await sio();
        const rt = new m.RealtimeManager({ token: process.env.BRAGERONE_TEST_TOKEN, ioBase: process.env.BRAGERONE_TEST_URL, logLevel: 'silent' });
        const beforeConnect = await sio();
        await rt.connect();
        const joined = rt.connected;
        await rt.disconnect();
        console.log(JSON.stringify({ atImport, beforeConnect, joined, afterConnect: await sio() }));`;
      const hook = join(root, 'bench/lib/trace-loads.mjs');
      const out = await new Promise<string>((resolve, reject) => {
        // the token travels in the environment: as an argument, one starting with '-' would be read as a Node option
        const env = { ...process.env, BRAGERONE_TEST_TOKEN: token, BRAGERONE_TEST_URL: s.url };
        const child = spawn(process.execPath, ['--import', hook, '--input-type=module', '-e', script], {
          cwd: root,
          env,
        });
        let text = '';
        child.stdout.on('data', (d: Buffer) => void (text += d.toString()));
        child.stderr.on('data', (d: Buffer) => void (text += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited ${code}: ${text}`))));
      });
      const res = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      expect(res).toMatchObject({ atImport: 0, beforeConnect: 0, joined: true });
      expect(res.afterConnect).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  }, 20_000);

  it('the realtime and live modules reach socket.io-client through a dynamic import only', async () => {
    const code = await bundle(
      'lazy',
      "export { BragerOneGateway } from './src/live/gateway.ts'; export { RealtimeManager } from './src/realtime/manager.ts';",
      {
        external: ['socket.io-client', 'ofetch', 'valibot', 'idb-keyval'],
        format: 'esm',
      },
    );
    expect(code).toContain('import("socket.io-client")');
    expect(code).not.toMatch(/from\s*["']socket\.io-client["']/);
    expect(code).not.toMatch(/require\(["']socket\.io-client["']\)/);
  });

  it('an HTTP-only bundle does not contain socket.io-client', async () => {
    const code = await bundle('http-only', "export { BragerOneApiClient } from './src/client.ts';", { format: 'esm' });
    expect(code).toContain('BragerOneApiClient');
    expect(code).not.toMatch(/socket\.io-client|engine\.io-client|socket\.io-parser|["']ws["']/);
  });
});
