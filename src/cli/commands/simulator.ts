/** `simulator`: the local simulated cloud in the foreground until Ctrl-C (or `--duration`). */

import { existsSync, fstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { formatDuration, parseId } from '../args.js';
import { CliError, EXIT, STOPPED, UsageError, abortReason, stopCode } from '../errors.js';
import { formatTable } from '../io.js';
import { type Session, startEmbeddedSimulator } from '../session.js';
import { waitFor } from './watch.js';
import { errorMessage } from '../../internal/error-text.js';

/** `--static /PREFIX=DIR` values → the simulator's `staticDirs` (directories resolved, checked to exist). */
export function parseStaticDirs(values: readonly string[]): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const prefix = eq > 0 ? `/${v.slice(0, eq).replace(/^\/+|\/+$/g, '')}` : '';
    const dir = eq > 0 ? v.slice(eq + 1) : '';
    if (prefix === '/' || !prefix || !dir)
      throw new UsageError(`--static needs /PREFIX=DIR (e.g. /app=./dist), got "${v.slice(0, 60)}"`);
    const abs = resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new UsageError(`--static ${prefix}: "${dir.slice(0, 80)}" is not a directory`);
    if (prefix === '/v1' || prefix.startsWith('/v1/') || prefix === '/socket.io')
      throw new UsageError(`--static ${prefix} would hide the API`);
    dirs[prefix] = abs;
  }
  return dirs;
}

/** HTML pages in `dir` and its subdirectories (two levels, sorted), as paths relative to `dir` with `/`. */
export function htmlPages(dir: string, depth = 2): string[] {
  const out: string[] = [];
  const walk = (d: string, level: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(d, e.name);
      if (e.isDirectory() && level < depth) walk(full, level + 1);
      else if (e.isFile() && e.name.endsWith('.html')) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir, 0);
  return out.sort();
}

/** How often the simulator checks that the process that started it is still there. */
const PARENT_POLL_MS = 500;

/**
 * Stops a foreground simulator when whoever started it is gone, so it never lingers as an orphan holding its
 * port (e.g. `npx bragerone simulator &` killed through npx, which does not pass the signal on):
 *  - the parent process exits (SIGTERM, SIGHUP, a crash): this process is re-parented, `process.ppid` changes;
 *  - stdin is a pipe or socket (a supervising program started it that way) and gets closed.
 * A terminal or `/dev/null` on stdin is not watched. Returns a function that removes the watchers.
 */
export function stopWithParent(stop: (why: string) => void): () => void {
  const ppid = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== ppid) stop(`parent process ${ppid} exited`);
  }, PARENT_POLL_MS);
  timer.unref();
  let stdinPipe = false;
  try {
    const st = fstatSync(0);
    stdinPipe = st.isFIFO() || st.isSocket();
  } catch {
    /* no stdin */
  }
  const onEnd = () => stop('stdin closed');
  if (stdinPipe) {
    process.stdin.on('end', onEnd);
    process.stdin.on('close', onEnd);
    process.stdin.on('error', onEnd);
    process.stdin.resume(); // read (and drop) whatever arrives, to see the end of the pipe
  }
  return () => {
    clearInterval(timer);
    if (stdinPipe) {
      process.stdin.off('end', onEnd);
      process.stdin.off('close', onEnd);
      process.stdin.off('error', onEnd);
      process.stdin.pause();
    }
  };
}

/** What a running server command prints first: NDJSON `info` with `--json`, else a titled table and two hints. */
export interface Announcement {
  info: Record<string, unknown>;
  title: string;
  rows: Array<[string, string]>;
  hint: string;
  /** The line shown with `--duration`. */
  stopping: string;
}

/**
 * Runs a long-running server command until Ctrl-C, SIGTERM/SIGHUP (the session's signal), `--duration` or the
 * parent going away: prints what `announce()` returns, then waits, says `<name> stopped.` and `close()`s it.
 * Returns the exit code.
 */
export async function serveUntilStopped(
  s: Session,
  name: 'Relay' | 'Simulator',
  announce: () => Announcement,
  close: () => Promise<void>,
): Promise<number> {
  const { out } = s;
  const ctrl = new AbortController();
  const onSession = () => ctrl.abort(s.signal.reason);
  s.signal.addEventListener('abort', onSession, { once: true });
  const unwatch =
    s.io.stdin === process.stdin
      ? stopWithParent((why) => {
          if (ctrl.signal.aborted) return;
          out.err(`bragerone ${name.toLowerCase()}: ${why}; stopping`);
          ctrl.abort(abortReason(STOPPED));
        })
      : () => {};
  try {
    const a = announce();
    if (out.json) out.printNdjson(a.info);
    else {
      out.heading(a.title);
      out.lines(formatTable(a.rows, { indent: '  ' }));
      out.print('');
      out.print(a.hint);
      out.print(s.g.duration === undefined ? 'Press Ctrl-C to stop.' : a.stopping);
    }
    await waitFor(s.g.duration, ctrl.signal);
    if (!out.json) out.print(out.c.dim(`${name} stopped.`));
    return stopCode(ctrl.signal);
  } finally {
    unwatch();
    s.signal.removeEventListener('abort', onSession);
    await close();
  }
}

export async function simulator(s: Session, o: { port?: string; host?: string; static?: string[] }): Promise<number> {
  if (s.g.server !== undefined || s.g.simulator)
    throw new UsageError('"simulator" starts its own server; drop --server/--simulator');
  const port = o.port === undefined ? 0 : parseId(o.port, '--port');
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  const staticDirs = parseStaticDirs(o.static ?? []);
  const { sim, demo } = await startEmbeddedSimulator({ port, host: o.host, staticDirs }).catch((e: unknown) => {
    throw new CliError(`cannot start the simulator: ${errorMessage(e)}`, EXIT.usage);
  });
  return serveUntilStopped(
    s,
    'Simulator',
    () => {
      const pages = Object.entries(staticDirs).flatMap(([prefix, dir]) =>
        htmlPages(dir).map((p) => `${sim.url}${prefix}/${p}`),
      );
      return {
        info: {
          pid: process.pid,
          url: sim.url,
          apiBase: sim.server.apiBase,
          email: demo.email,
          password: demo.password,
          objectId: demo.objectId,
          modules: [...demo.modules],
          static: Object.keys(staticDirs).map((prefix) => `${sim.url}${prefix}/`),
          pages,
        },
        title: 'BragerOne simulator',
        rows: [
          ['URL', sim.url],
          ['PID', String(process.pid)],
          ['REST base', sim.server.apiBase],
          ['Demo account', `${demo.email} / ${demo.password}`],
          ['Object', String(demo.objectId)],
          ['Modules', demo.modules.join(', ')],
          ...Object.entries(staticDirs).map(([prefix, dir]): [string, string] => [
            'Static',
            `${sim.url}${prefix}/ → ${dir}`,
          ]),
          ...pages.map((url, i): [string, string] => [i === 0 ? 'Pages' : '', url]),
        ],
        hint: `Try:  bragerone --server ${sim.url} --email ${demo.email} --password ${demo.password} objects`,
        stopping: `Stopping after ${formatDuration(s.g.duration ?? 0)} (or Ctrl-C).`,
      };
    },
    () => sim.close(),
  );
}
