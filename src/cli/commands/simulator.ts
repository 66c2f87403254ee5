/** `simulator`: the local simulated cloud in the foreground until Ctrl-C (or `--duration`). */

import { formatDuration, parseId } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { formatTable } from '../io.js';
import { type Session, startEmbeddedSimulator } from '../session.js';
import { waitFor } from './watch.js';

export async function simulator(s: Session, o: { port?: string; host?: string }): Promise<number> {
  if (s.g.server !== undefined || s.g.simulator) throw new UsageError('"simulator" starts its own server; drop --server/--simulator');
  const port = o.port === undefined ? 0 : parseId(o.port, '--port');
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  const { out } = s;
  const { sim, demo } = await startEmbeddedSimulator({ port, host: o.host }).catch((e: unknown) => {
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
