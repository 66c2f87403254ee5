/** `demo`: an offline tour against an embedded simulator — login → objects → modules → params → watch. */

import type { Token } from '../../auth/token.js';
import type { Catalog } from '../../catalog/index.js';
import type { BragerOneApiClient } from '../../client.js';
import type { BragerObject, Module } from '../../schemas/index.js';
import { MemoryTokenStore } from '../../stores/memory.js';
import { formatDuration } from '../args.js';
import { CliError, EXIT, UsageError, stopCode } from '../errors.js';
import { type Output, formatTable } from '../io.js';
import { type DemoAccount, type Session, startEmbeddedSimulator } from '../session.js';
import { type LabelledRow, moduleRows, printLabelled } from './catalog.js';
import { type ParamsView, loadParams, printModules, printObjects } from './read.js';
import { type WatchEvent, type WatchPlan, catalogLabeller, formatWatchEvent, runWatch } from './watch.js';
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
  const { sim, demo: acct } = await startDemoSimulator(s);

  const client = await s.client({
    tokenStore: new MemoryTokenStore(),
    credsProvider: () => ({ email: acct.email, password: acct.password }),
  });

  const token = await tourLogin(s, client, acct);
  const { objects, first, modules, devid } = await tourInventory(s, client);
  const { view, catalog, rows } = await tourParams(s, client, devid, lang);
  const plan = { objectId: first.id, objectName: first.name, modules: modules.map((m) => m.devid) };
  const { events, changes } = await tourWatch(s, client, plan, ms, lang);

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
  printNext(out, changes);
  return stopCode(s.signal);
}

/** Starts the embedded simulator, lets the session use (and close) it, and prints the banner. */
async function startDemoSimulator(s: Session): ReturnType<typeof startEmbeddedSimulator> {
  const { out } = s;
  const started = await out.spin('Starting the simulator…', startEmbeddedSimulator()).catch((e: unknown) => {
    throw new CliError(`cannot start the simulator: ${errorMessage(e)}`, EXIT.usage);
  });
  const { sim, demo: acct } = started;
  s.useSimulator(sim, acct);
  s.onClose(() => sim.close());
  if (!out.json) {
    out.heading('bragerone demo');
    out.print(`A simulated BragerOne cloud runs at ${sim.url} (nothing leaves this machine).`);
  }
  return started;
}

/** Step 1 of the demo: logs in with the demo account. */
async function tourLogin(s: Session, client: BragerOneApiClient, acct: DemoAccount): Promise<Token> {
  const { out } = s;
  step(out, 1, 'Log in', `client.ensureAuth('${acct.email}', '${acct.password}')`);
  const token = await out.spin('Logging in…', client.ensureAuth(acct.email, acct.password, { signal: s.signal }));
  if (!out.json)
    out.print(
      `  ${out.c.green('✓')} signed in as ${acct.email} (user ${token.userId ?? '?'}), token expires ${token.expiresAt ?? 'never'}`,
    );
  return token;
}

/** Steps 2 and 3 of the demo: the objects, then the modules of the first one (both must be non-empty). */
async function tourInventory(
  s: Session,
  client: BragerOneApiClient,
): Promise<{ objects: BragerObject[]; first: BragerObject; modules: Module[]; devid: string }> {
  const { out } = s;
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
  return { objects, first, modules, devid };
}

/** Step 4 of the demo: the raw parameters of `devid` and their labelled rows from the catalog. */
async function tourParams(
  s: Session,
  client: BragerOneApiClient,
  devid: string,
  lang: string | undefined,
): Promise<{ view: ParamsView; catalog: Catalog; rows: LabelledRow[] }> {
  const { out } = s;
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
  return { view, catalog, rows };
}

/** Step 5 of the demo: watches `plan` for `ms`, printing each change; returns the events and the change count. */
async function tourWatch(
  s: Session,
  client: BragerOneApiClient,
  plan: WatchPlan,
  ms: number,
  lang: string | undefined,
): Promise<{ events: WatchEvent[]; changes: number }> {
  const { out } = s;
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
  return { events, changes: res.changes };
}

/** The closing text: the change count and what to try next. */
function printNext(out: Output, changes: number): void {
  out.print(`  ${out.c.dim(`${changes} change${changes === 1 ? '' : 's'} seen.`)}`);
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
}
