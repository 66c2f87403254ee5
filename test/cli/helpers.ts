/**
 * Runs the BUILT CLI (`node bin/bragerone.js`, i.e. dist/esm/cli.js) as a child process with a clean environment:
 * no BRAGERONE_* variables, NO_COLOR, and a temporary XDG_CONFIG_HOME. `npm test` builds first (pretest);
 * with `npx vitest run test/cli` run `npm run build` yourself after changing src/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/sim.js';

export const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/bragerone.js');
const BUILT = join(ROOT, 'dist/esm/cli.js');

/** Fails loudly when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error('dist/esm/cli.js is missing: run `npm run build` before the CLI tests');
}

/** A temporary directory removed after the test file. */
export function tempDir(prefix = 'bragerone-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Environment of the child: the parent's minus BRAGERONE_* (but BRAGERONE_SIMULATOR, the simulator profile of the strict-lax run) / colour variables, plus `extra`. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      (k.startsWith('BRAGERONE_') && k !== 'BRAGERONE_SIMULATOR') ||
      k === 'NO_COLOR' ||
      k === 'FORCE_COLOR' ||
      k.startsWith('VITEST') ||
      k === 'NODE_OPTIONS'
    )
      continue;
    env[k] = v;
  }
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Outcome of one CLI run. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI with helpers to wait for output. */
export interface CliRun {
  child: ChildProcess;
  /** Resolves with the first stdout line matching `pred` (rejects after `timeout` ms). */
  waitForLine(pred: (line: string) => boolean, timeout?: number): Promise<string>;
  /** Resolves when the process exits. */
  done: Promise<CliResult>;
}

/** Starts the CLI. The process is killed after `timeout` ms (default 20 s) so no test can hang. */
export function startCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; timeout?: number } = {},
): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void }> = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    pending += d;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
      nl = pending.indexOf('\n');
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 20_000);
  const done = new Promise<CliResult>((res) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      res({ code, signal, stdout, stderr });
    });
  });
  const waitForLine = (pred: (l: string) => boolean, timeout = 15_000) =>
    new Promise<string>((res, rej) => {
      const hit = stdout.split('\n').find(pred);
      if (hit !== undefined) return res(hit);
      const t = setTimeout(
        () =>
          rej(new Error(`no matching output line within ${timeout} ms; stdout so far:\n${stdout}\nstderr:\n${stderr}`)),
        timeout,
      );
      waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(t);
          res(l);
        },
      });
    });
  return { child, waitForLine, done };
}

/** Runs the CLI to completion. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; timeout?: number } = {},
): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** Parses NDJSON output into objects (blank lines ignored). */
export function ndjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The second account of the CLI auth suites: its email, password and a wrong password. */
export const OWNER = 'owner@example.test';
export const SECRET = 'S3cret-Pa55word!';
export const WRONG = 'Wr0ng-Pa55word?';

/** The file's simulator (demo account plus {@link OWNER}, with one flat and one boiler). */
export function useOwnerSimulator(): () => Simulator {
  return useSimulator({
    accounts: [
      {
        email: OWNER,
        password: SECRET,
        objects: [{ id: 2001, name: 'Flat', modules: [{ devid: 'OTHER00001', plant: 'boiler' }] }],
      },
    ],
  });
}
