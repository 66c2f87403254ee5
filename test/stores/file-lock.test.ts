/**
 * FileTokenStore's cross-process login lock (`<token file>.lock`): separate Node processes sharing one token file
 * log in once; a lock left by a dead process is taken over at once; a lock held too long is waited for, then
 * bypassed with a warning, and never removed by the waiter.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { DEMO_EMAIL, DEMO_PASSWORD, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { FileTokenStore } from '../../src/stores/file.js';
import { sampleToken } from './contract.js';
import { bundleForChild } from './helpers.js';
import { captureLogger } from '../helpers/logger.js';
import { until } from '../helpers/wait.js';

let root: string;
let bundle: string;
let sim: Simulator;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bragerone-file-lock-'));
  bundle = await bundleForChild('node.ts', join(root, 'node-entry.mjs'));
  sim = await startSimulator({ port: 0, tickInterval: 0 });
}, 60_000);
afterAll(async () => {
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

/**
 * The candidate lock files of waiters on `<path>.lock` (`.token.json.lock.<id>.tmp`): one exists from a waiter's
 * first attempt until it takes the lock or gives up, so it shows that a waiter is polling.
 */
async function waiterFiles(path: string): Promise<string[]> {
  const prefix = `.${basename(path)}.lock.`;
  return (await readdir(dirname(path))).filter((f) => f.startsWith(prefix) && f.endsWith('.tmp'));
}

/** A token file holding a token that expired a minute ago. */
async function expiredTokenFile(): Promise<string> {
  const dir = join(root, `case-${++n}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'token.json');
  const expired = sampleToken({ accessToken: `expired-${n}`, expiresAt: new Date(Date.now() - 60_000).toISOString() });
  await writeFile(path, JSON.stringify(expired), { mode: 0o600 });
  return path;
}

const CHILD = `
  const { BragerOneApiClient, FileTokenStore } = await import(process.argv[1]);
  const [path, server, email, password, lockWait] = process.argv.slice(2);
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const client = new BragerOneApiClient({
    server: JSON.parse(server),
    tokenStore: new FileTokenStore({ path, logger: silent, lockWait: Number(lockWait) }),
    credsProvider: () => ({ email, password }),
    logLevel: 'silent',
  });
  await client.getUser();
  await client.close();
`;

function child(path: string, lockWait: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      '--input-type=module',
      '-e',
      CHILD,
      bundle,
      path,
      JSON.stringify(sim.server),
      DEMO_EMAIL,
      DEMO_PASSWORD,
      String(lockWait),
    ];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('FileTokenStore cross-process login lock', () => {
  it('two processes with an expired token on one file log in once (and twice with the lock off)', async () => {
    for (const [lockWait, logins] of [
      [30_000, 1],
      [0, 2],
    ] as const) {
      const path = await expiredTokenFile();
      sim.faults.delay('POST /v1/auth/user', 400, 2); // both are inside their login at once unless serialised
      const before = sim.loginCount();
      await Promise.all([child(path, lockWait), child(path, lockWait)]);
      expect(sim.loginCount() - before, `lockWait ${lockWait}`).toBe(logins);
      expect(existsSync(`${path}.lock`)).toBe(false);
      sim.faults.clear();
    }
  }, 60_000);

  it('a lock left by a process that died is taken over at once', async () => {
    const path = await expiredTokenFile();
    const dead = spawn(process.execPath, ['-e', '']);
    const pid = dead.pid as number;
    await new Promise((r) => dead.on('exit', r));
    await writeFile(`${path}.lock`, JSON.stringify({ pid, at: Date.now(), id: 'dead' }));
    const log = captureLogger();
    const client = new BragerOneApiClient({
      server: sim.server,
      tokenStore: new FileTokenStore({ path, logger: log }),
      credsProvider: () => ({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
      logLevel: 'silent',
    });
    try {
      await client.getUser();
      // Taken over, not waited out: a wait would end in the 'not acquired' warning and leave the dead lock in place.
      expect(existsSync(`${path}.lock`)).toBe(false);
      expect(log.warnings().filter((l) => l.includes('not acquired'))).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('garbage in the lock file is taken over', async () => {
    const path = await expiredTokenFile();
    await writeFile(`${path}.lock`, 'not a lock record');
    const store = new FileTokenStore({ path, logger: captureLogger() });
    const ran = await store.withLock(async () => readFile(`${path}.lock`, 'utf8'));
    expect(JSON.parse(ran)).toMatchObject({ pid: process.pid });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a live holder is waited for up to lockWait, then bypassed with a warning; its lock file is left alone', async () => {
    const path = await expiredTokenFile();
    const held = JSON.stringify({ pid: process.pid, at: Date.now(), id: 'live-holder' });
    await writeFile(`${path}.lock`, held);
    const log = captureLogger();
    const store = new FileTokenStore({ path, logger: log, lockWait: 1_000 });
    let ran = false;
    const result = store.withLock(async () => {
      ran = true;
      return 'ran';
    });
    // Waiting: its own candidate lock file exists while it polls the held one, and `fn` has not run.
    await until(async () => (await waiterFiles(path)).length > 0, 'the waiter polling');
    expect(ran).toBe(false);
    expect(log.warnings()).toEqual([]);
    expect(await result).toBe('ran');
    expect(log.warnings().some((l) => l.includes('.lock not acquired'))).toBe(true);
    expect(await waiterFiles(path)).toEqual([]);
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(held);
  });

  it('the holder releases: a second withLock in the same process runs after the first', async () => {
    const path = await expiredTokenFile();
    const a = new FileTokenStore({ path, logger: captureLogger() });
    const b = new FileTokenStore({ path, logger: captureLogger() });
    const order: string[] = [];
    let releaseA: () => void = () => {};
    const first = a.withLock(async () => {
      order.push('a in');
      await new Promise<void>((r) => {
        releaseA = r;
      });
      order.push('a out');
    });
    await until(() => order.length > 0, 'a holding the lock');
    const second = b.withLock(async () => {
      order.push('b in');
    });
    await until(async () => (await waiterFiles(path)).length > 0, 'b polling the held lock');
    expect(order).toEqual(['a in']); // b waits
    releaseA();
    await Promise.all([first, second]);
    expect(order).toEqual(['a in', 'a out', 'b in']);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
