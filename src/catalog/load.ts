/**
 * `loadCatalog()`: discovery of the web app's index (CATALOG.md §1.2), the fingerprint, the snapshot (option or
 * the client's cache adapter), parsing, the health check, and the switch to a new build (§3.11 [SIM]).
 */
import type { BragerOneApiClient } from '../client.js';
import type { CacheAdapter } from '../cache/types.js';
import { AssetFetcher } from './assets.js';
import { Catalog, type CatalogChange, CatalogCore, healthOf } from './catalog.js';
import { CatalogError } from '../errors.js';
import { compileTransform } from './model/transform.js';
import { type InlineFallback, findIndexCandidates, parseIndex } from './parse/index.js';
import {
  type CatalogState,
  SNAPSHOT_SCHEMA,
  detachParsed,
  loadStoredState,
  readState,
  storeState,
} from './snapshot.js';
import type { Json } from './types.js';
import { errorMessage } from '../internal/error-text.js';

/** Options of {@link loadCatalog}. */
export interface LoadCatalogOptions {
  /** Assets come from `api.oneBase` through `api.getBytes` (HTTP cache, retries, concurrency; no `Authorization`). */
  api: BragerOneApiClient;
  /** Language of the texts; default the web app's `defaultTranslation`, else `en`. */
  lang?: string;
  /** A previous `catalog.toJSON()`: used when its fingerprint still matches (no index, menu or i18n download). */
  snapshot?: unknown;
  /**
   * When a snapshot is at hand: `'first'` checks its fingerprint (`GET /system/version` + the page, 2 round trips
   * on a cold connection) before answering; `'background'` answers from it at once and checks in the background
   * (`catalog.checked`; a new build that passes the health check then replaces it, and `onChange` hears it).
   * Default: `'background'` for the snapshot stored through the cache adapter, `'first'` for a `snapshot` given
   * here (used only when its fingerprint still matches). Without a usable snapshot the load always checks first.
   */
  revalidate?: 'first' | 'background';
  /**
   * Store the snapshot through the client's `CacheAdapter` (`api.httpCache.adapter`: memory, IndexedDB or file) and
   * reuse it in the next process or page load. Default `true`.
   */
  persist?: boolean;
  /** Told when the web-app build changed since the stored snapshot (applied, or kept old after a failed check). */
  onChange?: (change: CatalogChange) => void;
  signal?: AbortSignal;
}

/** True when the caller gave up or the client closed: a failure then ends the load instead of being worked around. */
function stopping(api: BragerOneApiClient, signal?: AbortSignal): boolean {
  return signal?.aborted === true || api.closed;
}

/**
 * The system version part of the fingerprint; `null` when the endpoint fails (logged): a new fingerprint then says
 * `unknown`, and a stored one is compared by its index file alone ({@link sameBuild}).
 */
async function systemVersion(api: BragerOneApiClient, signal?: AbortSignal): Promise<string | null> {
  try {
    return (await api.getSystemVersion(signal ? { signal } : {})).version.trim();
  } catch (e) {
    if (stopping(api, signal)) throw e;
    api.logger.warn(`catalog: GET /system/version failed (${errorMessage(e)}); comparing the index file alone`);
    return null;
  }
}

/** Whether `fingerprint` names the build at `index` (by the index file alone when the version is unknown). */
function sameBuild(fingerprint: string, version: string | null, index: string | undefined): boolean {
  if (index === undefined) return false;
  return version === null
    ? fingerprint.endsWith(`|${fileName(index)}`)
    : fingerprint === `${version}|${fileName(index)}`;
}

/** Candidate index URLs from `{one}/` (then `{one}/assets/`), plus the two fixed fallbacks (§1.2). */
async function indexCandidates(
  api: BragerOneApiClient,
  assets: AssetFetcher,
  tried: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const one = assets.oneBase;
  const found: string[] = [];
  for (const page of [`${one}/`, `${one}/assets/`]) {
    try {
      for (const c of findIndexCandidates(await assets.text(page, signal), one)) if (!found.includes(c)) found.push(c);
    } catch (e) {
      if (stopping(api, signal)) throw e;
      tried.push(`${new URL(page).pathname} (${errorMessage(e)})`);
    }
    if (found.length > 0) break;
  }
  for (const f of [`${one}/assets/index-main.js`, `${one}/assets/index.js`]) if (!found.includes(f)) found.push(f);
  return found;
}

const fileName = (url: string) => new URL(url).pathname.split('/').pop() ?? url;

/** A freshly parsed build: its state and the in-memory inputs of the inline fallbacks. */
interface Parsed {
  state: CatalogState;
  fallback: InlineFallback;
}

/** What one index download needs: the client (its logger), the fetcher, the cloud's version and the list of failures. */
interface IndexRun {
  api: BragerOneApiClient;
  assets: AssetFetcher;
  version: string | null;
  /** Candidates that failed, with why (filled in as they fail; the CatalogError message lists them). */
  tried: string[];
  signal?: AbortSignal | undefined;
}

/** Downloads and parses the first candidate that loads; `null` with `tried` filled when none does. */
async function parseFirst(run: IndexRun, candidates: readonly string[]): Promise<Parsed | null> {
  const { api, assets, version, tried, signal } = run;
  for (const url of candidates) {
    let text: string;
    try {
      text = await assets.text(url, signal);
    } catch (e) {
      if (stopping(api, signal)) throw e;
      tried.push(`${new URL(url).pathname} (${errorMessage(e)})`);
      continue;
    }
    const { index, fallback, warnings } = parseIndex(text, url, { oneBase: assets.oneBase });
    for (const w of warnings) api.logger.warn(`catalog: ${w}`);
    const transforms: Record<string, Json> = Object.create(null);
    for (const [code, d] of Object.entries(index.unitDescriptors)) {
      if (typeof d.value === 'string')
        transforms[code] = (compileTransform(d.value) as Json | null) ?? { kind: 'unknown' };
    }
    const state: CatalogState = {
      schema: SNAPSHOT_SCHEMA,
      fingerprint: `${version ?? 'unknown'}|${fileName(url)}`,
      oneBase: assets.oneBase,
      index,
      i18n: Object.create(null),
      menus: Object.create(null),
      maps: Object.create(null),
      transforms,
    };
    return { state, fallback };
  }
  return null;
}

/**
 * {@link parseFirst}, and when every candidate failed although the page named a hashed index (a stale page, or a
 * build published in between), one rediscovery of the page and its new candidates (§1.2 step 6; never recursing).
 */
async function parseDiscovered(run: IndexRun, candidates: readonly string[]): Promise<Parsed | null> {
  const { api, assets, tried, signal } = run;
  const parsed = await parseFirst(run, candidates);
  const one = assets.oneBase;
  const fixed = [`${one}/assets/index-main.js`, `${one}/assets/index.js`];
  if (parsed || candidates.every((c) => fixed.includes(c))) return parsed;
  api.logger.warn(`catalog: no index candidate loaded (${tried.join(', ')}); discovering the index again`);
  const again = (await indexCandidates(api, assets, tried, signal)).filter((c) => !candidates.includes(c));
  return again.length > 0 ? parseFirst(run, again) : null;
}

/**
 * Loads the parameter catalog of the web app (API.md, Catalog). With a snapshot whose fingerprint still matches
 * (given, or stored through the client's cache adapter), no index is downloaded or parsed; a stored one answers at
 * once and is checked in the background (`revalidate`). When the build changed, the new one is parsed and must pass
 * the health check before it replaces the stored one; otherwise the old snapshot keeps serving and `onChange` hears
 * `{ applied: false }`. Rejects with {@link CatalogError} when no index can be loaded and no snapshot exists (the
 * message lists what was tried).
 */
export async function loadCatalog(opts: LoadCatalogOptions): Promise<Catalog> {
  const { api, signal } = opts;
  const assets = new AssetFetcher(api);
  const adapter = opts.persist === false ? undefined : api.httpCache.adapter;
  const given = opts.snapshot !== undefined;
  const stored = given ? Promise.resolve(readState(opts.snapshot)) : loadStoredState(adapter, assets.oneBase);
  // what the fingerprint needs, asked at once whichever way the load goes
  const tried: string[] = [];
  const probe = Promise.all([systemVersion(api, signal), indexCandidates(api, assets, tried, signal)]);
  probe.catch(() => {}); // awaited on either path
  if ((opts.revalidate ?? (given ? 'first' : 'background')) === 'background') {
    const state = await stored;
    if (state && state.oneBase === assets.oneBase) {
      const core = newCore(opts, assets, adapter, state);
      // the check runs detached: it never rejects (a failure is logged, a stop ends it quietly)
      core.checked = refresh(api, core, signal, { probe, tried }).catch((e: unknown) => {
        if (!stopping(api, signal)) api.logger.warn(`catalog: background check failed: ${errorMessage(e)}`);
        return null;
      });
      return viewOf(opts, core);
    }
  }
  return loadChecked(opts, assets, adapter, { stored, probe, tried });
}

/** The fingerprint's inputs, asked once per load: the system version and the index candidates (with failures). */
interface Probe {
  probe: Promise<[string | null, string[]]>;
  tried: string[];
}

/** The shared core of a load: persistence, refresh, listeners. */
function newCore(
  opts: LoadCatalogOptions,
  assets: AssetFetcher,
  adapter: CacheAdapter | undefined,
  state: CatalogState,
): CatalogCore {
  const core = new CatalogCore(state, assets, opts.api.logger);
  if (adapter) core.persist = (s) => storeState(adapter, s);
  core.refresher = (sig) => refresh(opts.api, core, sig);
  if (opts.onChange) core.onChange(opts.onChange);
  return core;
}

/** The catalog in the asked language (default: the web app's `defaultTranslation`, else `en`). */
function viewOf(opts: LoadCatalogOptions, core: CatalogCore): Catalog {
  const lang = (opts.lang ?? core.state.index.languageConfig?.defaultTranslation ?? 'en').trim().toLowerCase() || 'en';
  return new Catalog(core, lang);
}

/** The load that checks the fingerprint first (no usable snapshot, or `revalidate: 'first'`). */
async function loadChecked(
  opts: LoadCatalogOptions,
  assets: AssetFetcher,
  adapter: CacheAdapter | undefined,
  { stored: storedState, probe, tried }: Probe & { stored: Promise<CatalogState | null> },
): Promise<Catalog> {
  const { api, signal } = opts;
  const [[version, candidates], stored] = await Promise.all([probe, storedState]);
  if (opts.snapshot !== undefined && !stored)
    api.logger.warn('catalog: the given snapshot is not usable (other schema or shape); loading afresh');
  const usable = stored && stored.oneBase === assets.oneBase ? stored : null;
  let state: CatalogState | null = null;
  let fallback: string | undefined;
  let change: CatalogChange | null = null;
  if (usable && sameBuild(usable.fingerprint, version, candidates[0])) {
    state = usable;
  } else {
    const parsed = await parseDiscovered({ api, assets, version, tried, signal }, candidates);
    ({ state, fallback, change } = adopt(api, usable, parsed));
    if (!parsed && usable)
      api.logger.warn(
        `catalog: web app unreachable (${tried.join(', ')}); using the stored snapshot ${usable.fingerprint}`,
      );
  }
  if (!state)
    throw new CatalogError(
      `no web-app index could be loaded from ${assets.oneBase}: tried ${tried.join(', ') || 'nothing'}`,
      {
        code: 'unavailable',
      },
    );
  const core = newCore(opts, assets, adapter, state);
  core.fallback = fallback;
  if (state !== usable) {
    core.markDirty();
    await core.flush();
  }
  if (change) core.emit(change);
  return viewOf(opts, core);
}

/**
 * What a load keeps after parsing the live build: the fresh state when it passes the health check (or nothing else
 * is at hand), else the stored one, with the change to report.
 */
function adopt(
  api: BragerOneApiClient,
  usable: CatalogState | null,
  parsed: Parsed | null,
): { state: CatalogState | null; fallback?: string; change: CatalogChange | null } {
  const fresh = parsed?.state;
  if (!parsed || !fresh) return { state: usable, change: null };
  const health = healthOf(fresh);
  if (usable && !health.ok) {
    api.logger.warn(
      `catalog: new web-app build ${fresh.fingerprint} failed the health check (${health.problems.join('; ')}); keeping ${usable.fingerprint}`,
    );
    const change = {
      previous: usable.fingerprint,
      fingerprint: fresh.fingerprint,
      applied: false,
      problems: health.problems,
    };
    return { state: usable, change };
  }
  if (!health.ok) api.logger.warn(`catalog: health check: ${health.problems.join('; ')}`);
  const { state, fallback } = detachParsed(fresh, parsed.fallback);
  const change = usable
    ? { previous: usable.fingerprint, fingerprint: fresh.fingerprint, applied: true, problems: health.problems }
    : null;
  return { state, fallback, change };
}

/**
 * Checks the live build again: when the fingerprint changed, parses the new index and swaps it in only when it
 * passes the health check (menus, i18n and maps are then loaded afresh on demand). Returns the change, or `null`.
 */
async function refresh(
  api: BragerOneApiClient,
  core: CatalogCore,
  signal?: AbortSignal,
  asked?: Probe,
): Promise<CatalogChange | null> {
  const tried = asked?.tried ?? [];
  const [version, candidates] = await (asked?.probe ??
    Promise.all([systemVersion(api, signal), indexCandidates(api, core.assets, tried, signal)]));
  if (sameBuild(core.state.fingerprint, version, candidates[0])) return null;
  const parsed = await parseDiscovered({ api, assets: core.assets, version, tried, signal }, candidates);
  const fresh = parsed?.state;
  if (!parsed || !fresh) {
    api.logger.warn(
      `catalog: refresh found no loadable index (${tried.join(', ')}); keeping ${core.state.fingerprint}`,
    );
    return null;
  }
  if (fresh.fingerprint === core.state.fingerprint) return null;
  const { state, fallback, change } = adopt(api, core.state, parsed); // warns when the health check fails
  if (change?.applied && state) {
    core.replace(state, fallback);
    core.markDirty();
    await core.flush();
  }
  if (change) core.emit(change);
  return change;
}
