/**
 * `check`: calls every read-only endpoint, briefly opens the socket, and reports per response whether it matched
 * the documented protocol, was tolerated, or drifted. Never writes (no commands); never prints tokens, passwords or
 * module-card data (the classifiers report structure only).
 */

import type { BragerOneApiClient } from '../../client.js';
import { isNetworkError } from '../../errors.js';
import { RealtimeManager } from '../../realtime/manager.js';
import type { BragerObject, Module } from '../../schemas/index.js';
import { type Exchange, Recorder } from '../check/recorder.js';
import {
  type Finding,
  type Verdict,
  classifyActivity,
  classifyCard,
  classifyConnect,
  classifyEvents,
  classifyLogin,
  classifyModules,
  classifyObjectDetails,
  classifyObjects,
  classifyPermissions,
  classifyPrime,
  classifyUser,
  classifyVersion,
} from '../check/rules.js';
import { EXIT, describeError, exitCodeOf, isAbort } from '../errors.js';
import { type Output, formatTable } from '../io.js';
import type { Session } from '../session.js';
import { type Catalog, loadCatalog } from '../../catalog/index.js';
import { catalogReport } from './catalog.js';
import { cliVersion } from '../version.js';
import { waitFor } from './watch.js';

/** Default time the socket stays open to collect events. */
export const CHECK_SOCKET_WINDOW_MS = 3_000;

/** One row of the report. */
export interface CheckRow extends Finding {
  endpoint: string;
}

/** Runs one call and records the classified response it produced (see `check`). */
type Probe = <T>(
  endpoint: string,
  method: string,
  path: string | RegExp,
  call: () => Promise<T>,
  classify: (ex: Exchange) => Finding,
) => Promise<T | undefined>;

/** Step 4 of `check`: per object its details, permissions, modules, module cards, prime and activity counters. */
async function probeObjects(
  probe: Probe,
  client: BragerOneApiClient,
  objects: readonly BragerObject[],
  signal: AbortSignal,
): Promise<{ allModules: Module[]; socketTarget: { object: BragerObject; modules: string[] } | null }> {
  const allModules: Module[] = [];
  let socketTarget: { object: BragerObject; modules: string[] } | null = null;
  for (const o of objects) {
    const id = o.id;
    await probe(
      `GET /objects/${id}`,
      'GET',
      `/objects/${id}`,
      () => client.getObject(id, { signal }),
      (ex) => classifyObjectDetails(ex.body),
    );
    await probe(
      `GET /objects/${id}/permissions`,
      'GET',
      `/objects/${id}/permissions`,
      () => client.getObjectPermissions(id, { signal }),
      (ex) => classifyPermissions(ex.body),
    );
    let devids: string[] = [];
    const mods = await probe(
      `GET /modules (object ${id})`,
      'GET',
      '/modules',
      () => client.getModules(id, { signal }),
      (ex) => {
        const f = classifyModules(ex.body);
        devids = f.devids;
        return f;
      },
    );
    allModules.push(...(mods ?? []));
    for (const devid of devids) {
      const path = `/modules/${encodeURIComponent(devid)}/card`;
      await probe(
        `GET /modules/${devid}/card`,
        'GET',
        path,
        () => client.getModuleCard(devid, { signal }),
        (ex) => classifyCard(ex.body),
      );
    }
    if (devids.length === 0) continue;
    await probe(
      `POST /modules/parameters (object ${id})`,
      'POST',
      '/modules/parameters',
      () => client.modulesParametersPrime(devids, { returnData: true, signal }),
      (ex) => classifyPrime(ex.status, ex.body, devids),
    );
    await probe(
      `POST /modules/activity/quantity (object ${id})`,
      'POST',
      '/modules/activity/quantity',
      () => client.modulesActivityQuantityPrime(devids, { returnData: true, signal }),
      (ex) => classifyActivity(ex.status, ex.body),
    );
    socketTarget ??= { object: o, modules: devids };
  }
  return { allModules, socketTarget };
}

/** Counts per verdict. */
export type CheckSummary = Record<Verdict, number>;

class Report {
  readonly rows: CheckRow[] = [];
  add(endpoint: string, f: Finding): void {
    this.rows.push({ endpoint, verdict: f.verdict, detail: f.detail });
  }
  summary(): CheckSummary {
    const s: CheckSummary = { matched: 0, tolerated: 0, drift: 0, error: 0, info: 0, skipped: 0 };
    for (const r of this.rows) s[r.verdict]++;
    return s;
  }
}

export async function check(s: Session, lang?: string): Promise<number> {
  const { out } = s;
  const t = await s.target();
  const rec = new Recorder(t.server.apiBase);
  const client = await s.client({ fetch: rec.fetch, logLevel: s.g.verbose ? 'debug' : 'error' });
  const report = new Report();
  const started = new Date().toISOString();
  const probe = makeProbe(rec, report, s.signal, () => s.secrets());

  await out.spin('Checking…', runChecks(s, client, rec, report, probe, lang));

  const summary = report.summary();
  const allMatched = summary.tolerated + summary.drift + summary.error === 0;
  if (out.json) {
    out.printJson({
      tool: 'bragerone check',
      version: cliVersion(),
      server: t.server.apiBase,
      startedAt: started,
      allMatched,
      summary,
      rows: report.rows,
    });
    return EXIT.ok;
  }
  printReport(out, t.server.apiBase, started, report.rows, summary, allMatched);
  return EXIT.ok;
}

/** The {@link Probe} of one check: runs a call and classifies its raw response; failures become `error` rows. */
function makeProbe(rec: Recorder, report: Report, signal: AbortSignal, secrets: () => string[]): Probe {
  return async <T>(
    endpoint: string,
    method: string,
    path: string | RegExp,
    call: () => Promise<T>,
    classify: (ex: Exchange) => Finding,
  ): Promise<T | undefined> => {
    const from = rec.exchanges.length;
    let result: T | undefined;
    let failure: unknown;
    try {
      result = await call();
    } catch (e) {
      if (isAbort(e) || signal.aborted) throw e;
      failure = e;
    }
    const ex = rec.find(from, method, path);
    if (ex && ex.status < 400) report.add(endpoint, classify(ex));
    else
      report.add(endpoint, { verdict: 'error', detail: failure ? describeError(failure, secrets()) : 'no response' });
    return result;
  };
}

/** Steps 1–6 of `check`, in order; fills `report`. */
async function runChecks(
  s: Session,
  client: BragerOneApiClient,
  rec: Recorder,
  report: Report,
  probe: Probe,
  lang: string | undefined,
): Promise<void> {
  const signal = s.signal;
  // 1. Unauthenticated fingerprint; an unreachable server ends the check (exit 3).
  await checkVersion(client, rec, report, signal);

  // 2. Auth: a stored token (validated with GET /user) or a login; failures end the check (exit 2/3).
  const authFrom = rec.exchanges.length;
  await client.ensureAuth(undefined, undefined, { signal });
  const login = rec.find(authFrom, 'POST', '/auth/user');
  if (login) report.add('POST /auth/user', classifyLogin(login.body));
  else report.add('POST /auth/user', { verdict: 'skipped', detail: 'stored token accepted, no login needed' });

  // 3. Account-level reads.
  const objects = await probeAccount(probe, client, signal);

  // 4. Per object: details, permissions, modules, cards, prime, activity.
  const { allModules, socketTarget } = await probeObjects(probe, client, objects, signal);

  // 5. The web app's catalog: index, languages, units, menus per deviceMenu, symbols resolved (no values).
  await checkCatalog(client, report, allModules, lang, signal);

  // 6. Socket: connect, bind, listen briefly.
  if (!socketTarget) report.add('Socket.IO /ws', { verdict: 'skipped', detail: 'no object with modules' });
  else await checkSocket(s, client, rec, report, socketTarget.object.id, socketTarget.modules);
}

/** Step 1 of `check`: `GET /system/version`; only a network failure is rethrown (it ends the check). */
async function checkVersion(
  client: BragerOneApiClient,
  rec: Recorder,
  report: Report,
  signal: AbortSignal,
): Promise<void> {
  const before = rec.exchanges.length;
  try {
    await client.getSystemVersion({ signal });
  } catch (e) {
    if (isNetworkError(e) || exitCodeOf(e) === EXIT.network) throw e;
  }
  const v = rec.find(before, 'GET', '/system/version');
  report.add(
    'GET /system/version',
    v && v.status < 400 ? classifyVersion(v.body) : { verdict: 'error', detail: `HTTP ${v?.status ?? '?'}` },
  );
}

/** Step 3 of `check`: the user, their permissions and their objects (none when that call failed). */
async function probeAccount(probe: Probe, client: BragerOneApiClient, signal: AbortSignal): Promise<BragerObject[]> {
  await probe(
    'GET /user',
    'GET',
    '/user',
    () => client.getUser({ signal }),
    (ex) => classifyUser(ex.body),
  );
  await probe(
    'GET /user/permissions',
    'GET',
    '/user/permissions',
    () => client.getUserPermissions({ signal }),
    (ex) => classifyPermissions(ex.body),
  );
  return (
    (await probe(
      'GET /objects',
      'GET',
      '/objects',
      () => client.getObjects({ signal }),
      (ex) => classifyObjects(ex.status, ex.body),
    )) ?? []
  );
}

async function checkCatalog(
  client: BragerOneApiClient,
  report: Report,
  modules: readonly Module[],
  lang: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  let catalog: Catalog;
  try {
    catalog = await loadCatalog({ api: client, signal, persist: false, ...(lang ? { lang } : {}) });
  } catch (e) {
    if (isAbort(e) || signal.aborted) throw e;
    report.add('catalog index', { verdict: 'error', detail: describeError(e) });
    return;
  }
  const r = await catalogReport(catalog, modules, signal);
  const h = catalog.health();
  report.add('catalog index', { verdict: 'matched', detail: catalog.fingerprint });
  report.add('catalog languages', {
    verdict: h.stats.languages > 0 ? 'matched' : 'tolerated',
    detail: catalog
      .languages()
      .map((l) => l.code)
      .join(', '),
  });
  report.add('catalog units', {
    verdict: h.stats.unitDescriptors > 0 ? 'matched' : 'drift',
    detail: `${h.stats.unitDescriptors} unit descriptors, ${h.stats.inlineMaps} inline parameter maps`,
  });
  for (const [dm, m] of Object.entries(
    r.data.menus as Record<string, { panels: number; symbols: number; described: number; labelled: number }>,
  )) {
    const verdict =
      m.symbols > 0 && m.labelled === m.symbols ? 'matched' : m.symbols > 0 && m.described > 0 ? 'tolerated' : 'drift';
    report.add(`catalog deviceMenu ${dm}`, {
      verdict,
      detail: `${m.panels} panels, ${m.symbols} symbols, ${m.described} described, ${m.labelled} labelled`,
    });
  }
  report.add(
    'catalog health',
    h.ok
      ? { verdict: 'matched', detail: 'every check of the health report passed' }
      : { verdict: 'drift', detail: h.problems.join('; ') },
  );
}

async function checkSocket(
  s: Session,
  client: BragerOneApiClient,
  rec: Recorder,
  report: Report,
  objectId: number,
  modules: string[],
): Promise<void> {
  const server = client.server;
  const ws = new RealtimeManager({
    token: client.accessToken,
    tokenProvider: async () => {
      await client.ensureAuth(undefined, undefined, { signal: s.signal });
      return client.accessToken;
    },
    ioBase: client.ioBase,
    origin: client.oneBase,
    referer: `${client.oneBase}/`,
    socketPath: server.socketPath,
    namespace: server.wsNamespace,
    appVersion: server.appVersion,
    acceptLanguage: server.acceptLanguage,
    connectTimeout: 10_000,
    groupId: objectId,
    logger: s.out.logger(),
    logLevel: s.g.verbose ? 'debug' : 'silent',
  });
  const events: Array<[string, unknown]> = [];
  ws.onEvent((name, payload) => events.push([name, payload]));
  try {
    try {
      await ws.connect();
    } catch (e) {
      if (isAbort(e) || s.signal.aborted) throw e;
      report.add('Socket.IO /ws connect', { verdict: 'error', detail: describeError(e, s.secrets()) });
      return;
    }
    const ns = ws.sid();
    const engine = ws.engineSid();
    report.add(
      'Socket.IO /ws connect',
      ns && ns !== engine
        ? { verdict: 'matched', detail: 'joined; namespace SID differs from engine SID' }
        : { verdict: 'tolerated', detail: 'joined without a separate namespace SID (engine SID used)' },
    );
    const from = rec.exchanges.length;
    let bindError: unknown;
    try {
      await client.modulesConnect(ns ?? '', modules, objectId, engine, { signal: s.signal });
    } catch (e) {
      if (isAbort(e) || s.signal.aborted) throw e;
      bindError = e;
    }
    const attempts = rec.exchanges
      .slice(from)
      .filter((x) => x.method === 'POST' && x.path === '/modules/connect')
      .map((x) => ({ status: x.status, body: x.requestBody }));
    report.add(
      'POST /modules/connect',
      bindError ? { verdict: 'error', detail: describeError(bindError, s.secrets()) } : classifyConnect(attempts, ns),
    );
    await ws.subscribe(modules);
    const window = s.g.duration ?? CHECK_SOCKET_WINDOW_MS;
    await waitFor(window, s.signal);
    const found = classifyEvents(events, modules);
    if (!found.some((f) => f.event.endsWith('parameters:change') || f.event === 'snapshot')) {
      report.add('socket deltas', {
        verdict: 'info',
        detail: `no parameter deltas within ${window} ms (values may simply not have changed)`,
      });
    }
    for (const f of found) report.add(`event ${f.event}`, f);
  } finally {
    await ws.disconnect();
  }
}

const MARK: Record<Verdict, string> = {
  matched: 'matched',
  tolerated: 'tolerated',
  drift: 'DRIFT',
  error: 'ERROR',
  info: 'info',
  skipped: 'skipped',
};

function printReport(
  out: Output,
  server: string,
  started: string,
  rows: readonly CheckRow[],
  sum: CheckSummary,
  allMatched: boolean,
): void {
  const c = out.c;
  const paint = (v: Verdict) => {
    const m = MARK[v];
    if (v === 'matched') return c.green(m);
    if (v === 'tolerated') return c.yellow(m);
    if (v === 'drift' || v === 'error') return c.red(c.bold(m));
    return c.dim(m);
  };
  out.heading('bragerone check — protocol report');
  out.print(c.dim(`server ${server} · ${started} · bragerone ${cliVersion()} · read-only, no values shown`));
  out.print('');
  out.lines(
    formatTable(
      rows.map((r) => [r.endpoint, paint(r.verdict), r.detail]),
      { head: ['CHECK', 'RESULT', 'DETAIL'], indent: '  ', style: c },
    ),
  );
  out.print('');
  const counted = sum.matched + sum.tolerated + sum.drift + sum.error;
  if (allMatched) out.print(c.green(`All ${counted} checks matched the documented protocol.`));
  else {
    out.print(
      `${counted} checks: ${sum.matched} matched, ${c.yellow(`${sum.tolerated} tolerated`)}, ${c.red(`${sum.drift} drifted`)}, ${c.red(`${sum.error} failed`)}.`,
    );
    out.print(
      c.dim(
        'Tolerated = accepted through a documented fallback; drift = differs from the documented protocol. Attach this report to bug reports.',
      ),
    );
  }
}
