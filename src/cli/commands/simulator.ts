/** `simulator`: the local simulated cloud in the foreground until Ctrl-C (or `--duration`). */

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDuration, parseId } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { formatTable } from '../io.js';
import { type Session, startEmbeddedSimulator } from '../session.js';
import { waitFor } from './watch.js';

/** `--static /PREFIX=DIR` values → the simulator's `staticDirs` (directories resolved, checked to exist). */
export function parseStaticDirs(values: readonly string[]): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const prefix = eq > 0 ? `/${v.slice(0, eq).replace(/^\/+|\/+$/g, '')}` : '';
    const dir = eq > 0 ? v.slice(eq + 1) : '';
    if (prefix === '/' || !prefix || !dir) throw new UsageError(`--static needs /PREFIX=DIR (e.g. /app=./dist), got "${v.slice(0, 60)}"`);
    const abs = resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`--static ${prefix}: "${dir.slice(0, 80)}" is not a directory`);
    if (prefix === '/v1' || prefix.startsWith('/v1/') || prefix === '/socket.io') throw new UsageError(`--static ${prefix} would hide the API`);
    dirs[prefix] = abs;
  }
  return dirs;
}

export async function simulator(s: Session, o: { port?: string; host?: string; static?: string[] }): Promise<number> {
  if (s.g.server !== undefined || s.g.simulator) throw new UsageError('"simulator" starts its own server; drop --server/--simulator');
  const port = o.port === undefined ? 0 : parseId(o.port, '--port');
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  const staticDirs = parseStaticDirs(o.static ?? []);
  const { out } = s;
  const { sim, demo } = await startEmbeddedSimulator({ port, host: o.host, staticDirs }).catch((e: unknown) => {
    throw new CliError(`cannot start the simulator: ${e instanceof Error ? e.message : String(e)}`, EXIT.usage);
  });
  try {
    const info = {
      url: sim.url,
      apiBase: sim.server.apiBase,
      email: demo.email,
      password: demo.password,
      objectId: demo.objectId,
      modules: [...demo.modules],
      static: Object.keys(staticDirs).map((prefix) => `${sim.url}${prefix}/`),
    };
    if (out.json) out.printNdjson(info);
    else {
      out.heading('BragerOne simulator');
      out.lines(
        formatTable(
          [
            ['URL', sim.url],
            ['REST base', sim.server.apiBase],
            ['Demo account', `${demo.email} / ${demo.password}`],
            ['Object', String(demo.objectId)],
            ['Modules', demo.modules.join(', ')],
            ...Object.entries(staticDirs).map(([prefix, dir]): [string, string] => ['Static', `${sim.url}${prefix}/ → ${dir}`]),
          ],
          { indent: '  ' },
        ),
      );
      out.print('');
      out.print(`Try:  bragerone --server ${sim.url} --email ${demo.email} --password ${demo.password} objects`);
      out.print(s.g.duration === undefined ? 'Press Ctrl-C to stop.' : `Stopping after ${formatDuration(s.g.duration)} (or Ctrl-C).`);
    }
    await waitFor(s.g.duration, s.signal);
    if (!out.json) out.print(out.c.dim('Simulator stopped.'));
    return EXIT.ok;
  } finally {
    await sim.close();
  }
}
