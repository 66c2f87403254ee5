/** `demo`: an offline tour against an embedded simulator — login → objects → modules → params → watch. */

import { MemoryTokenStore } from '../../stores/memory.js';
import { formatDuration } from '../args.js';
import { CliError, EXIT, UsageError, stopCode } from '../errors.js';
import { type Output, formatTable } from '../io.js';
import { type Session, startEmbeddedSimulator } from '../session.js';
import { moduleRows, printLabelled } from './catalog.js';
import { loadParams, printModules, printObjects } from './read.js';
import { type WatchEvent, catalogLabeller, formatWatchEvent, runWatch } from './watch.js';
import { errorMessage } from '../../internal/error-text.js';

/** Default watch time of the demo. */
export const DEMO_WATCH_MS = 10_000;

function step(out: Output, n: number, title: string, hint?: string): void {
  if (out.json) return;
  out.print('');
  out.heading(`${n}. ${title}`);
  if (hint) out.print(out.c.dim(`  ${hint}`));
}

export async function demo(s: Session, lang?: string): Promise<number> {
  if (s.g.server !== undefined) throw new UsageError('"demo" always runs against an embedded simulator; drop --server');
  const { out } = s;
  const ms = s.g.duration ?? DEMO_WATCH_MS;
  const { sim, demo: acct } = await out
    .spin('Starting the simulator…', startEmbeddedSimulator())
    .catch((e: unknown) => {
      throw new CliError(`cannot start the simulator: ${errorMessage(e)}`, EXIT.usage);
    });
  s.useSimulator(sim, acct);
  s.onClose(() => sim.close());
  if (!out.json) {
    out.heading('bragerone demo');
    out.print(`A simulated BragerOne cloud runs at ${sim.url} (nothing leaves this machine).`);
  }

  const client = await s.client({
    tokenStore: new MemoryTokenStore(),
    credsProvider: () => ({ email: acct.email, password: acct.password }),
  });

  step(out, 1, 'Log in', `client.ensureAuth('${acct.email}', '${acct.password}')`);
  const token = await out.spin('Logging in…', client.ensureAuth(acct.email, acct.password, { signal: s.signal }));
  if (!out.json)
    out.print(
      `  ${out.c.green('✓')} signed in as ${acct.email} (user ${token.userId ?? '?'}), token expires ${token.expiresAt ?? 'never'}`,
    );

  step(out, 2, 'Objects (installations)', 'client.getObjects()  ·  CLI: bragerone objects');
  const objects = await out.spin('Loading objects…', client.getObjects({ signal: s.signal }));
  if (!out.json) printObjects(out, objects);
  const first = objects[0];
  if (!first) throw new CliError('the simulator has no objects', EXIT.usage);

  step(
    out,
    3,
    `Modules of object ${first.id}`,
    `client.getModules(${first.id})  ·  CLI: bragerone modules ${first.id}`,
  );
  const modules = await out.spin('Loading modules…', client.getModules(first.id, { signal: s.signal }));
  if (!out.json) printModules(out, modules);
  const devid = modules[0]?.devid;
  if (!devid) throw new CliError('the demo object has no modules', EXIT.usage);

  step(
    out,
    4,
    `Parameters of ${devid}`,
    `loadCatalog({ api }) → catalog.panels(deviceMenu) → catalog.resolve(symbol, store)  ·  CLI: bragerone params ${devid}`,
  );
  const view = await out.spin('Loading parameters…', loadParams(client, devid, s.signal));
  const { catalog, rows } = await moduleRows(s, client, devid, lang);
  if (!out.json) {
    out.print(
      out.c.dim(
        `  names, units and display values parsed from the web app's assets (${catalog.lang}; --lang en for English)`,
      ),
    );
    printLabelled(out, rows);
  }

  const plan = { objectId: first.id, objectName: first.name, modules: modules.map((m) => m.devid) };
  step(
    out,
    5,
    `Live changes for ${formatDuration(ms)}`,
    'new BragerOneGateway({ api, objectId, modules })  ·  CLI: bragerone watch',
  );
  const events: WatchEvent[] = [];
  const labeller = await catalogLabeller(s, client, plan, lang);
  const res = await runWatch(
    s,
    client,
    plan,
    ms,
    (e) => {
      if (e.type === 'ready') return;
      events.push(e);
      if (!out.json) out.print(`  ${formatWatchEvent(out, e)}`);
    },
    labeller,
  );

  if (out.json) {
    out.printJson({
      server: sim.server.apiBase,
      user: { email: acct.email, id: token.userId },
      objects,
      modules,
      params: view,
      catalog: { fingerprint: catalog.fingerprint, lang: catalog.lang, parameters: rows },
      watch: { durationMs: ms, events },
    });
    return stopCode(s.signal);
  }
  out.print(`  ${out.c.dim(`${res.changes} change${res.changes === 1 ? '' : 's'} seen.`)}`);
  out.print('');
  out.heading('Next');
  out.lines(
    formatTable(
      [
        ['bragerone simulator', 'keep a simulator running; point any command at it with --server URL'],
        ['bragerone --simulator watch --duration 30s', 'the same live view with an embedded simulator'],
        ['bragerone --simulator set DEMO0A1B2C PARAM_P4_8 70', 'change the boiler set-point safely (range-checked)'],
        ['bragerone login', 'use your real BragerOne account (see docs/CLI.md)'],
      ],
      { indent: '  ' },
    ),
  );
  return stopCode(s.signal);
}
