// Issue #18 "first contact", CLI part, against the built bin: a closed output pipe, an explicit password over a
// stored token, logout finding the token of an --email run, Ctrl-C → 130, and a simulator that never outlives
// whoever started it. Pure helpers (table widths, the hidden prompt's key handling, help text) are tested in-process.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { helpText } from '../../src/cli/args.js';
import { formatTable, visibleWidth } from '../../src/cli/io.js';
import { HiddenLineEditor } from '../../src/cli/prompt.js';
import {
  OWNER,
  ROOT,
  SECRET,
  WRONG,
  assertBuilt,
  cleanEnv,
  ndjson,
  runCli,
  startCli,
  tempDir,
  useOwnerSimulator,
} from './helpers.js';
import { until } from '../helpers/wait.js';

const getSim = useOwnerSimulator();

beforeAll(() => assertBuilt());

/** Resolves once nothing accepts connections on `port` any more (polled with `until`). */
async function portClosed(port: number): Promise<void> {
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
  await until(async () => !(await accepts()), `port ${port} closed`, 20_000);
}

/** True while `pid` is a live process (a zombie waiting for a reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

describe('a closed output pipe (EPIPE) ends the run quietly with exit 0', () => {
  it('params: the reader is gone before the first line is written', async () => {
    const run = startCli(['--simulator', 'params', 'DEMO0A1B2C'], { env: { XDG_CONFIG_HOME: tempDir() } });
    run.child.stdout?.destroy(); // like `| head -0`: every write of the CLI meets a closed pipe
    const res = await run.done;
    expect(res.stderr).not.toMatch(/EPIPE|Unhandled|Error/);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('watch --json: the reader goes away after the first lines (like `| head -2`)', async () => {
    const run = startCli(['--simulator', 'watch', '--json'], { env: { XDG_CONFIG_HOME: tempDir() }, timeout: 30_000 });
    await run.waitForLine((l) => l.includes('"ready"'));
    run.child.stdout?.destroy(); // the embedded simulator drifts every second: the next delta line meets the closed pipe
    const res = await run.done;
    expect(res.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(res.code).toBe(0);
  }, 40_000);
});

describe('an explicit --password is used even when a token is stored', () => {
  it('a wrong one fails with exit 2; a right one logs in afresh and replaces the stored token', async () => {
    const sim = getSim();
    const dir = tempDir();
    const env = { XDG_CONFIG_HOME: dir };
    const base = ['--server', sim.url, '--email', OWNER];
    const login = await runCli(['login', ...base, '--password', SECRET], { env });
    expect(login.code, login.stderr).toBe(0);
    const file = readdirSync(join(dir, 'bragerone')).find((f) => f.startsWith('token-'));
    expect(file).toBeDefined();
    const path = join(dir, 'bragerone', file as string);
    const first = (JSON.parse(readFileSync(path, 'utf8')) as { accessToken: string }).accessToken;

    const wrong = await runCli(['objects', ...base, '--password', WRONG], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/authentication failed/);
    expect(wrong.stderr + wrong.stdout).not.toContain(WRONG);
    // The stored token is untouched by a failed login.
    expect((JSON.parse(readFileSync(path, 'utf8')) as { accessToken: string }).accessToken).toBe(first);

    const logins = sim.loginCount();
    const right = await runCli(['objects', ...base, '--password', SECRET, '--json'], { env });
    expect(right.code, right.stderr).toBe(0);
    expect((JSON.parse(right.stdout) as Array<{ id: number }>).map((o) => o.id)).toEqual([2001]);
    expect(sim.loginCount()).toBe(logins + 1);
    const second = (JSON.parse(readFileSync(path, 'utf8')) as { accessToken: string }).accessToken;
    expect(second).not.toBe(first);
    expect(sim.issuedTokens()).toContain(second);

    // Without --password the stored (new) token is used again: no login.
    const reuse = await runCli(['objects', ...base], { env });
    expect(reuse.code, reuse.stderr).toBe(0);
    expect(sim.loginCount()).toBe(logins + 1);
  });
});

describe('logout finds the token the other commands would use', () => {
  it('a token saved by an --email run (no `login`) is revoked and its file named and removed', async () => {
    const sim = getSim();
    const dir = tempDir();
    const env = { XDG_CONFIG_HOME: dir };
    const objects = await runCli(['objects', '--server', sim.url, '--email', OWNER, '--password', SECRET], { env });
    expect(objects.code, objects.stderr).toBe(0);
    const files = () => readdirSync(join(dir, 'bragerone')).filter((f) => f.startsWith('token-'));
    expect(files()).toHaveLength(1);
    const path = join(dir, 'bragerone', files()[0] as string);
    const token = (JSON.parse(readFileSync(path, 'utf8')) as { accessToken: string }).accessToken;

    const out = await runCli(['logout', '--server', sim.url], { env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(path);
    expect(out.stdout).toMatch(/revoked/);
    expect(existsSync(path)).toBe(false);
    // Origin as the SDK sends it, so the check also holds against a strict simulator (strict-lax project).
    expect(
      (await fetch(`${sim.url}/v1/user`, { headers: { Authorization: `Bearer ${token}`, Origin: sim.url } })).status,
    ).toBe(401);

    const again = await runCli(['logout', '--server', sim.url], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Not logged in/);
  });

  it('finds the file without any remembered account, and asks for --email when several accounts have one', async () => {
    const sim = getSim();
    const dir = tempDir();
    const env = { XDG_CONFIG_HOME: dir };
    const r1 = await runCli(['objects', '--server', sim.url, '--email', OWNER, '--password', SECRET], { env });
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await runCli(['objects', '--server', sim.url, '--email', 'demo@bragerone.local', '--password', 'demo'], {
      env,
    });
    expect(r2.code, r2.stderr).toBe(0);
    const tokens = () => readdirSync(join(dir, 'bragerone')).filter((f) => f.startsWith('token-'));
    expect(tokens()).toHaveLength(2);
    // Forget the remembered account: only the token files are left to go by.
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'bragerone', 'cli.json'));
    const ambiguous = await runCli(['logout', '--server', sim.url], { env });
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/several stored tokens.*--email/);
    expect(tokens()).toHaveLength(2);
    const one = await runCli(['logout', '--server', sim.url, '--email', 'demo@bragerone.local'], { env });
    expect(one.code, one.stderr).toBe(0);
    expect(tokens()).toHaveLength(1);
    const last = await runCli(['logout', '--server', sim.url], { env });
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toContain(OWNER);
    expect(tokens()).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  it('watch exits 130 on SIGINT, as the help says', async () => {
    const sim = getSim();
    const run = startCli(['watch', '--server', sim.url, '--email', OWNER, '--password', SECRET, '--json'], {
      env: { XDG_CONFIG_HOME: tempDir() },
    });
    await run.waitForLine((l) => l.includes('"ready"'));
    run.child.kill('SIGINT');
    const res = await run.done;
    expect(res.code, res.stderr).toBe(130);
    expect(ndjson(res.stdout)[0]).toMatchObject({ type: 'ready' });
  });
});

describe('bragerone simulator never outlives whoever started it', () => {
  const env = () => ({ XDG_CONFIG_HOME: tempDir() });

  it('prints its own PID; stops when its parent is killed (SIGTERM), closing its port', async () => {
    // parent.js starts the simulator like npx does (stdin not a pipe), prints the child's first line, then waits.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
         const c = spawn(process.execPath, [${JSON.stringify(join(ROOT, 'bin/bragerone.js'))}, 'simulator', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
         c.stdout.once('data', (d) => process.stdout.write(d));
         setInterval(() => {}, 1000);`,
      ],
      { env: cleanEnv(env()), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      parent.stdout?.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.split('\n')[0] as string);
      });
      parent.once('exit', () => reject(new Error('parent exited early')));
    });
    const info = JSON.parse(line) as { pid: number; url: string };
    expect(info.pid).toBeGreaterThan(0);
    expect(info.pid).not.toBe(parent.pid);
    expect(alive(info.pid)).toBe(true);
    const port = Number(new URL(info.url).port);
    expect((await fetch(`${info.url}/v1/system/version`, { headers: { Origin: info.url } })).status).toBe(200);

    parent.kill('SIGTERM');
    await portClosed(port);
    await until(() => !alive(info.pid), 'the simulator process to exit', 10_000);
  }, 30_000);

  it('stops when stdin is a pipe and gets closed', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/bragerone.js'), 'simulator', '--json'], {
      env: cleanEnv(env()),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.split('\n')[0] as string);
      });
    });
    const info = JSON.parse(line) as { pid: number; url: string };
    expect(info.pid).toBe(child.pid);
    const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    child.stdin?.end();
    expect(await closed).toBe(0);
    await portClosed(Number(new URL(info.url).port));
  }, 30_000);

  it('stops on SIGHUP (terminal closed) and prints the PID in the human table', async () => {
    const run = startCli(['simulator'], { env: env() });
    const pidLine = await run.waitForLine((l) => /^\s*PID\s+\d+/.test(l));
    expect(Number(/\d+/.exec(pidLine)?.[0])).toBe(run.child.pid);
    const url = (await run.waitForLine((l) => l.includes('URL'))).match(/http:\/\/127\.0\.0\.1:\d+/)?.[0] as string;
    run.child.kill('SIGHUP');
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    await portClosed(Number(new URL(url).port));
  });
});

describe('npm run examples', () => {
  it('runs the simulator with --static serving examples/ and prints every example page URL, each one served', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const script = pkg.scripts.examples as string;
    expect(script.startsWith('node bin/bragerone.js ')).toBe(true);
    expect(script).toContain('--static /examples=examples');
    const args = script.slice('node bin/bragerone.js '.length).split(' ');
    const run = startCli([...args, '--json'], { env: { XDG_CONFIG_HOME: tempDir() } });
    const info = JSON.parse(await run.waitForLine((l) => l.startsWith('{'))) as { url: string; pages: string[] };
    expect(info.pages).toEqual(
      expect.arrayContaining([`${info.url}/examples/browser/esm.html`, `${info.url}/examples/browser/script-tag.html`]),
    );
    for (const page of info.pages) expect((await fetch(page)).status, page).toBe(200);
    expect((await fetch(`${info.url}/dist/bragerone.iife.js`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });
});

describe('pure helpers', () => {
  it('tables measure CJK and emoji as two columns each', () => {
    expect(visibleWidth('温度')).toBe(4);
    expect(visibleWidth('🔥')).toBe(2);
    expect(visibleWidth('e\u0301')).toBe(1);
    expect(visibleWidth('\x1b[1m温\x1b[22m')).toBe(2);
    const lines = formatTable([
      ['温度', 'x'],
      ['ab', 'y'],
      ['🔥', 'z'],
    ]);
    const col = (l: string) => visibleWidth(l.slice(0, l.lastIndexOf(' ') + 1));
    expect(new Set(lines.map(col)).size).toBe(1);
  });

  it('the hidden prompt drops escape sequences and bracketed-paste markers, keeping pasted text', () => {
    const ed = new HiddenLineEditor();
    // Up/Down/Left/Right, Home (SS3), F5, Delete, Alt+x, then a bracketed paste split across chunks.
    expect(ed.feed('pa\x1b[A\x1b[B\x1b[D\x1b[C\x1bOH\x1b[15~\x1b[3~\x1bxss')).toEqual({ done: false });
    expect(ed.feed('\x1b[20')).toEqual({ done: false });
    expect(ed.feed('0~w0rd\x1b')).toEqual({ done: false });
    expect(ed.feed('[201~!\x7f!\r')).toEqual({ done: true, kind: 'enter', line: 'passw0rd!' });
    expect(new HiddenLineEditor().feed('\x03')).toEqual({ done: true, kind: 'interrupt' });
    expect(new HiddenLineEditor().feed('\x04')).toEqual({ done: true, kind: 'eof' });
  });

  it('--token-file help names the default path without a stray space', () => {
    const help = helpText();
    expect(help).toContain('$XDG_CONFIG_HOME/bragerone/token-<email>.json');
    expect(help).toContain('~/.config/bragerone/token-<email>.json');
    expect(help).not.toMatch(/\.config \//);
  });
});
