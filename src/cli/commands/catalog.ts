/**
 * The catalog in the CLI: labelled parameter views (`params`, `watch`, `demo`), `set <devid> <symbol> <value>`
 * through `prepareWrite`, and the catalog part of `check`. Assets are cached on disk next to the token files
 * (in memory for an embedded simulator), so a second command makes no index, menu or i18n request.
 */
import { dirname, resolve } from 'node:path';
import { FileCacheAdapter } from '../../cache/file.js';
import type { Catalog, LiveParameter } from '../../catalog/index.js';
import { isCatalogError, loadCatalog } from '../../catalog/index.js';
import type { BragerOneApiClient } from '../../client.js';
import { ParamStore } from '../../live/param-store.js';
import type { Module } from '../../schemas/index.js';
import { defaultTokenPath } from '../../stores/file.js';
import { parseValue } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { type Output, formatTable } from '../io.js';
import type { Session } from '../session.js';

/** Cache adapter of the CLI: a directory beside the token files, for real servers only. */
export function cliCacheAdapter(sim: boolean): FileCacheAdapter | undefined {
  return sim ? undefined : new FileCacheAdapter({ dir: resolve(dirname(defaultTokenPath()), 'cache') });
}

/** A client whose asset cache persists between CLI runs (real servers; memory for an embedded simulator). */
export async function catalogClient(s: Session): Promise<BragerOneApiClient> {
  const cache = cliCacheAdapter((await s.target()).sim !== null);
  return s.client(cache ? { cache } : {});
}

/**
 * Loads the catalog for a client. Language: `--lang`, else the signed-in user's language when the web app offers
 * it, else the web app's default.
 */
export async function openCatalog(s: Session, client: BragerOneApiClient, lang?: string): Promise<Catalog> {
  let wanted = lang?.trim().toLowerCase();
  if (!wanted) {
    try {
      wanted = (await client.getUser({ signal: s.signal })).language.trim().toLowerCase() || undefined;
    } catch {
      wanted = undefined; // the web app's default then
    }
  }
  // 'first': a one-shot command prints what the live build says, and a new build is stored before the process ends
  const opts: Parameters<typeof loadCatalog>[0] = { api: client, signal: s.signal, revalidate: 'first' };
  const catalog = await s.out.spin('Loading the parameter catalog…', loadCatalog(opts));
  if (!wanted || wanted === catalog.lang) return catalog;
  if (catalog.languages().some((l) => l.code === wanted)) return catalog.withLanguage(wanted);
  if (lang)
    throw new UsageError(
      `--lang ${lang.slice(0, 10)}: the web app offers ${catalog
        .languages()
        .map((l) => l.code)
        .join(', ')}`,
    );
  return catalog;
}

/** The module `devid` with its object (deviceMenu and permissions come from `getModules`). */
export async function findModule(
  client: BragerOneApiClient,
  devid: string,
  signal?: AbortSignal,
): Promise<Module & { objectId: number }> {
  for (const o of await client.getObjects({ signal })) {
    const m = (await client.getModules(o.id, { signal })).find((x) => x.devid === devid);
    if (m) return { ...m, objectId: o.id };
  }
  throw new CliError(`module ${devid} not found in any of your objects`, EXIT.usage);
}

/** One labelled row of a module view. */
export interface LabelledRow {
  panel: string;
  symbol: string;
  address: string | null;
  label: string;
  /** Display text: value with unit, or the enum text. */
  text: string;
  raw: unknown;
  value: number | string | boolean | null;
  unit: string | null;
  valueLabel: string | null;
  writable: boolean;
}

/** Display text of a resolved parameter: `61.2 °C`, `Automatyczny`, `07:00`. */
export function displayText(p: { value: unknown; valueLabel: string | null; unit: string | null }): string {
  if (p.valueLabel) return p.valueLabel;
  if (p.value === null || p.value === undefined) return '—';
  const v = String(p.value);
  return p.unit?.trim() ? `${v} ${p.unit.trim()}` : v;
}

function rowOf(panel: string, p: LiveParameter): LabelledRow {
  return {
    panel,
    symbol: p.symbol,
    address: p.address,
    label: p.label ?? p.symbol,
    text: displayText(p),
    raw: p.raw,
    value: p.value,
    unit: p.unit,
    valueLabel: p.valueLabel,
    writable: p.writable,
  };
}

/**
 * Every visible parameter of a module's panels, resolved against `store`. Parameters without a display value are
 * left out, as the web app does.
 */
export async function labelledRows(
  catalog: Catalog,
  mod: Pick<Module, 'deviceMenu' | 'permissions'>,
  store: ParamStore,
  signal?: AbortSignal,
): Promise<LabelledRow[]> {
  const panels = await catalog.panels(mod.deviceMenu, { permissions: mod.permissions, ...(signal ? { signal } : {}) });
  const rows: LabelledRow[] = [];
  for (const panel of panels) {
    for (const symbol of panel.symbols) {
      const p = await catalog.resolveDetails(symbol, store, signal ? { signal } : {});
      if (!p.visible || (p.value === null && p.raw === undefined)) continue;
      rows.push(rowOf(panel.title, p));
    }
  }
  return rows;
}

/** The catalog view of one module: rows resolved against a REST prime. */
export async function moduleRows(
  s: Session,
  client: BragerOneApiClient,
  devid: string,
  lang?: string,
): Promise<{ catalog: Catalog; mod: Module & { objectId: number }; rows: LabelledRow[] }> {
  const mod = await s.out.spin('Finding the module…', findModule(client, devid, s.signal));
  const catalog = await openCatalog(s, client, lang);
  const res = await s.out.spin(
    'Loading parameters…',
    client.modulesParametersPrime([devid], { returnData: true, signal: s.signal }),
  );
  const store = new ParamStore({ devid });
  store.ingestPrimePayload(res.data);
  const rows = await s.out.spin('Resolving…', labelledRows(catalog, mod, store, s.signal));
  return { catalog, mod, rows };
}

/** `params <devid>` with the catalog: panel, label, display value and unit per row. */
export async function labelledParams(s: Session, devid: string, lang?: string): Promise<number> {
  const client = await catalogClient(s);
  const { catalog, rows } = await moduleRows(s, client, devid, lang);
  if (s.out.json) {
    s.out.printJson({ devid, lang: catalog.lang, fingerprint: catalog.fingerprint, parameters: rows });
    return EXIT.ok;
  }
  s.out.print(`Parameters of ${s.out.c.bold(devid)} (${rows.length} shown, ${catalog.lang}; --raw for bare registers)`);
  printLabelled(s.out, rows);
  return EXIT.ok;
}

/** Prints labelled rows as one table per panel. */
export function printLabelled(out: Output, rows: readonly LabelledRow[]): void {
  const panels = [...new Set(rows.map((r) => r.panel))];
  for (const panel of panels) {
    out.print(out.c.bold(`  ${panel}`));
    const body = rows
      .filter((r) => r.panel === panel)
      .map((r) => [r.label, out.c.bold(r.text), r.address ?? r.symbol, r.writable ? '✎' : '']);
    out.lines(
      formatTable(body, {
        head: ['PARAMETER', 'VALUE', 'REGISTER', ''],
        align: ['left', 'right'],
        indent: '    ',
        style: out.c,
      }),
    );
  }
}

/** `set <devid> <symbol> <value>`: `prepareWrite` (nothing sent on a bad value), then the module command. */
export async function set(
  s: Session,
  devid: string,
  symbol: string,
  valueText: string | undefined,
  lang?: string,
): Promise<number> {
  if (!devid || !symbol || valueText === undefined)
    throw new UsageError('usage: bragerone set <devid> <symbol> <value>');
  const client = await catalogClient(s);
  const mod = await s.out.spin('Finding the module…', findModule(client, devid, s.signal));
  const catalog = await openCatalog(s, client, lang);
  await catalog.panels(mod.deviceMenu, { permissions: mod.permissions, signal: s.signal });
  const res = await client.modulesParametersPrime([devid], { returnData: true, signal: s.signal });
  const store = new ParamStore({ devid });
  store.ingestPrimePayload(res.data);
  const parsed = parseValue(valueText);
  const value = typeof parsed === 'number' || typeof parsed === 'boolean' ? parsed : valueText;
  let request: Awaited<ReturnType<Catalog['prepareWrite']>>;
  try {
    request = await catalog.prepareWrite(symbol, value, store, { signal: s.signal });
  } catch (e) {
    if (isCatalogError(e)) throw new UsageError(e.message);
    throw e;
  }
  const before = await catalog.resolve(symbol, store);
  if (request.route === 'parameter') {
    const { route: _r, ...args } = request;
    await s.out.spin('Sending…', client.moduleCommand({ devid, ...args, signal: s.signal }));
  } else {
    const { route: _r, ...args } = request;
    await s.out.spin('Sending…', client.moduleCommandRaw({ devid, ...args, signal: s.signal }));
  }
  if (s.out.json) {
    s.out.printJson({ devid, symbol, label: before.label, request, accepted: true });
    return EXIT.ok;
  }
  const target =
    request.route === 'parameter'
      ? `${request.pool}.${request.parameter} = ${request.value}`
      : `${request.command}${request.value === undefined ? '' : ` = ${String(request.value)}`}`;
  s.out.print(
    `${s.out.c.green('✓')} ${before.label ?? symbol}: ${displayText(before)} → ${String(valueText)} (sent ${target}; the controller confirms with a pushed value)`,
  );
  return EXIT.ok;
}

/** Catalog lines of `check`: index found, languages, units, menus per deviceMenu, symbols resolved (no values). */
export async function catalogReport(
  catalog: Catalog,
  modules: readonly Module[],
  signal?: AbortSignal,
): Promise<{ ok: boolean; lines: string[]; data: Record<string, unknown> }> {
  const h = catalog.health();
  const lines = [
    `catalog: index ${catalog.fingerprint}`,
    `catalog: languages ${catalog
      .languages()
      .map((l) => l.code)
      .join(', ')} (default ${catalog.defaultLang})`,
    `catalog: ${h.stats.unitDescriptors} unit descriptors, ${h.stats.inlineMaps} inline parameter maps, ${h.stats.deviceMenus} deviceMenus mapped`,
  ];
  const menus: Record<string, unknown> = {};
  for (const dm of [...new Set(modules.map((m) => m.deviceMenu))]) {
    const panels = await catalog.panels(dm, signal ? { signal } : {});
    const symbols = [...new Set(panels.flatMap((p) => p.symbols))];
    const described = await catalog.describe(symbols, signal ? { signal } : {});
    const labelled = [...described.values()].filter((d) => d.label && d.label !== d.symbol).length;
    menus[String(dm)] = { panels: panels.length, symbols: symbols.length, described: described.size, labelled };
    lines.push(
      `catalog: deviceMenu ${dm}: ${panels.length} panels, ${symbols.length} symbols, ${described.size} described, ${labelled} labelled`,
    );
  }
  for (const p of h.problems) lines.push(`catalog: problem: ${p}`);
  return { ok: h.ok, lines, data: { fingerprint: catalog.fingerprint, lang: catalog.lang, health: h, menus } };
}
