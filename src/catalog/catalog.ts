/**
 * The `Catalog` of API.md: answers from a {@link CatalogState} (parsed index, menus, i18n, maps) and loads what is
 * missing on demand — menu chunks, i18n namespaces, dedicated parameter chunks — through the {@link AssetFetcher}.
 * Every language view of one load shares one {@link CatalogCore}, so nothing is downloaded twice.
 */
import type { Logger } from '../log.js';
import type { AssetFetcher } from './assets.js';
import { CatalogError, isApiError } from '../errors.js';
import { SymbolIndex } from './model/address.js';
import type { ModelContext } from './model/context.js';
import type { I18nGetter } from './model/i18n.js';
import { namespacesFor, tokensForMaps } from './model/i18n.js';
import {
  type MenuRoute,
  filterMenu,
  menuPanels,
  menuTokens,
  normalizeMenu,
  titleTokens,
  writeTokens,
} from './model/menu.js';
import { type ParamMap, buildParamMap } from './model/param-map.js';
import { describe as describeModel, resolve as resolveModel } from './model/resolve.js';
import type { RuleContext, ValueGetter } from './model/rules.js';
import {
  type DescribedParameter,
  type ParameterDescription,
  type ResolvedDetails,
  type ResolvedParameter,
  type WriteRequest,
  toParameterDescription,
  toResolvedParameter,
} from './model/types.js';
import { prepareWrite as prepareModel } from './model/write.js';
import {
  type InlineFallback,
  assetBySymbol,
  i18nAssetUrl,
  lookupInline,
  menuAssetFor,
  parseI18nChunk,
  parseMenuChunk,
  parseParamChunk,
} from './parse/index.js';
import type { CatalogState, StoredMap } from './snapshot.js';
import { inert, unpackFallback } from './snapshot.js';
import type { JsonObject } from './types.js';
import { errorMessage } from '../internal/error-text.js';

/** Live values accepted by the catalog: a `ParamStore` of `bragerone`, or a plain `{ 'P4.v1': 612 }` record. */
export type CatalogValues =
  | {
      /** Raw value at an address such as `P4.v1`. */
      get(key: string): unknown;
    }
  | Readonly<Record<string, unknown>>;

/** One panel of a module's menu: a title (`Kocioł/Ustawienia`) and the symbols it shows. */
export interface CatalogPanel {
  title: string;
  symbols: string[];
}

/** One language the web app offers. */
export interface CatalogLanguage {
  code: string;
  label: string;
}

/** A problem found by {@link Catalog.health}. */
export interface CatalogHealth {
  ok: boolean;
  problems: string[];
  /** Counts that tell how much the parser understood. */
  stats: { assets: number; deviceMenus: number; languages: number; unitDescriptors: number; inlineMaps: number };
}

/** What a fingerprint change looks like to {@link Catalog.onChange} listeners. */
export interface CatalogChange {
  previous: string;
  fingerprint: string;
  /** `true`: the new build passed the health check and is now served; `false`: the old one is kept. */
  applied: boolean;
  problems: string[];
}

/** A stored map as written by the catalog (a snapshot is data from outside and may hold anything). */
function isStoredMap(v: unknown): v is NonNullable<StoredMap> {
  const o = v as { raw?: unknown; origin?: unknown } | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.raw === 'object' &&
    o.raw !== null &&
    !Array.isArray(o.raw) &&
    typeof o.origin === 'string'
  );
}

function valueGetter(values: CatalogValues): ValueGetter {
  const v = values as { get?: unknown };
  if (typeof v.get === 'function') {
    const store = values as { get(key: string): unknown };
    return (key) => store.get(key);
  }
  const rec = values as Readonly<Record<string, unknown>>;
  return (key) => (Object.hasOwn(rec, key) ? rec[key] : undefined);
}

/** Shared state behind every language view of one catalog load. */
export class CatalogCore {
  state: CatalogState;
  readonly assets: AssetFetcher;
  readonly logger: Logger;
  /** Persists the state after it grew; set by the loader. */
  persist: (state: CatalogState) => Promise<void> = async () => {};
  /** Checks the live build again; set by the loader. */
  refresher: (signal?: AbortSignal) => Promise<CatalogChange | null> = async () => null;
  /** The fingerprint check that runs after answering from a stored snapshot; set by the loader. */
  checked: Promise<CatalogChange | null> = Promise.resolve(null);
  readonly symbols = new SymbolIndex();
  /**
   * Inputs of the index fallbacks §1.8 b/c; only after a fresh parse (a snapshot does not carry them). Set as JSON
   * text ({@link packFallback}, detached from the index text) and parsed on the first inline lookup that needs it.
   */
  #fallback: InlineFallback | string | undefined;
  readonly writeSymbols = new Set<string>();
  readonly #maps = new Map<string, ParamMap | null>();
  readonly #pending = new Map<string, Promise<void>>();
  readonly #listeners = new Set<(c: CatalogChange) => void>();
  #dirty = false;
  /** The refresh a chunk 404 started (shared by every chunk that hit one meanwhile). */
  #rediscovery: Promise<void> | null = null;
  /** The build a chunk 404 already refreshed for: a chunk missing from the live build itself refreshes only once. */
  #rediscoveredFor = '';

  constructor(state: CatalogState, assets: AssetFetcher, logger: Logger) {
    this.state = state;
    this.assets = assets;
    this.logger = logger;
    this.#indexMaps();
  }

  /** Replaces the state (a new build passed its health check): every derived cache is dropped at once. */
  replace(state: CatalogState, fallback?: InlineFallback | string): void {
    this.state = state;
    this.#fallback = fallback;
    this.#maps.clear();
    this.writeSymbols.clear();
    this.#indexMaps();
  }

  get fallback(): InlineFallback | undefined {
    if (typeof this.#fallback === 'string') this.#fallback = unpackFallback(this.#fallback);
    return this.#fallback;
  }

  set fallback(fallback: InlineFallback | string | undefined) {
    this.#fallback = fallback;
  }

  #indexMaps(): void {
    for (const symbol of Object.keys(this.state.maps)) this.symbols.addMap(symbol, this.map(symbol));
  }

  /** The parsed map of a symbol already known (`null`: known miss; `undefined`: never looked up). */
  map(symbol: string): ParamMap | null | undefined {
    if (this.#maps.has(symbol)) return this.#maps.get(symbol);
    if (!Object.hasOwn(this.state.maps, symbol)) return undefined;
    const stored = this.state.maps[symbol] as StoredMap;
    if (stored !== null && !isStoredMap(stored)) return undefined; // a malformed snapshot entry: looked up again
    const map = stored ? buildParamMap(symbol, stored.raw, stored.origin) : null;
    this.#maps.set(symbol, map);
    return map;
  }

  /** Runs `fn` once per key at a time; later callers wait for the running one. */
  #once(key: string, fn: () => Promise<void>): Promise<void> {
    let p = this.#pending.get(key);
    if (!p) {
      p = fn().finally(() => this.#pending.delete(key));
      this.#pending.set(key, p);
    }
    return p;
  }

  /**
   * Downloads the chunk `urlOf()` names in the current build, and says which build's state it belongs to. A 404 means
   * the web app moved to a new build since this one was parsed (a deploy drops the old chunks): one refresh, shared
   * by every chunk that hits one meanwhile and run once per build, and when it applied a new build, that build's
   * chunk. `null` when the build names no such chunk. Rejects with the download's error otherwise.
   */
  async #chunk(
    urlOf: () => string | null | undefined,
    signal?: AbortSignal,
  ): Promise<{ text: string; url: string; state: CatalogState } | null> {
    const state = this.state;
    const url = urlOf();
    if (!url) return null;
    try {
      return { text: await this.assets.text(url, signal), url, state };
    } catch (e) {
      if (!isApiError(e) || e.status !== 404 || signal?.aborted) throw e;
      await this.#rediscover(signal);
      const now = this.state;
      const next = now !== state ? urlOf() : null;
      if (!next || next === url) throw e;
      return { text: await this.assets.text(next, signal), url: next, state: now };
    }
  }

  /** The refresh after a chunk 404 (see {@link #chunk}); a failure is logged by the refresh itself. */
  #rediscover(signal?: AbortSignal): Promise<void> {
    if (this.#rediscovery) return this.#rediscovery;
    if (this.#rediscoveredFor === this.state.fingerprint) return Promise.resolve();
    this.#rediscoveredFor = this.state.fingerprint;
    this.logger.warn(`catalog: a chunk of ${this.state.fingerprint} is gone (404); looking for a new web-app build`);
    const run = this.refresher(signal).then(
      () => {},
      (e: unknown) => this.logger.warn(`catalog: refresh after a missing chunk failed: ${errorMessage(e)}`),
    );
    this.#rediscovery = run.finally(() => {
      this.#rediscovery = null;
    });
    return this.#rediscovery;
  }

  /** Loads the raw menu of a deviceMenu (cached; a download error degrades to an empty menu with a warning). */
  async ensureMenu(deviceMenu: number, signal?: AbortSignal): Promise<void> {
    const key = String(deviceMenu);
    if (Object.hasOwn(this.state.menus, key)) return;
    await this.#once(`menu:${key}`, async () => {
      if (!menuAssetFor(this.state.index, deviceMenu)) {
        this.logger.warn(`catalog: no menu chunk for deviceMenu ${key}`);
        return; // not cached: a later build may have it (CATALOG.md §3.12 [SIM])
      }
      try {
        const got = await this.#chunk(() => menuAssetFor(this.state.index, deviceMenu)?.url, signal);
        if (!got || got.state !== this.state) return; // the build changed meanwhile: a later call loads its menu
        const { value, warnings } = parseMenuChunk(got.text);
        for (const w of warnings) this.logger.debug?.(`catalog: menu ${key}: ${w}`);
        if (normalizeMenu(value).length === 0) {
          // Garbled or empty chunk: degrade to an empty menu now, not cached, so a later call retries (§3.12 [SIM]).
          this.logger.warn(
            `catalog: menu chunk of deviceMenu ${key} holds no menu (${warnings.join('; ') || 'no value'})`,
          );
          return;
        }
        this.state.menus[key] = value;
        this.#dirty = true;
      } catch (e) {
        if (signal?.aborted) throw e;
        this.logger.warn(`catalog: menu chunk of deviceMenu ${key} failed: ${errorMessage(e)}`);
      }
    });
  }

  /** Loads i18n namespaces of a language (failures are not cached: a later call retries). */
  async ensureNamespaces(lang: string, namespaces: Iterable<string>, signal?: AbortSignal): Promise<void> {
    const packsOf = (state: CatalogState) =>
      state.i18n[lang] ?? (state.i18n[lang] = Object.create(null) as Record<string, JsonObject>);
    const packs = packsOf(this.state);
    const todo = [...new Set([...namespaces].map((n) => n.toLowerCase()))].filter((ns) => !Object.hasOwn(packs, ns));
    await Promise.all(
      todo.map((ns) =>
        this.#once(`i18n:${lang}:${ns}`, async () => {
          if (!i18nAssetUrl(this.state.index, lang, ns)) {
            packsOf(this.state)[ns] = Object.create(null) as JsonObject; // absent from the import map: never fetched
            this.#dirty = true;
            return;
          }
          try {
            const got = await this.#chunk(() => i18nAssetUrl(this.state.index, lang, ns), signal);
            if (!got || got.state !== this.state) return; // the build changed meanwhile: a later call loads it
            const { value, escapeLeaks } = parseI18nChunk(got.text);
            if (escapeLeaks > 0) this.logger.warn(`catalog: ${escapeLeaks} escape leak(s) in i18n ${lang}/${ns}`);
            if (Object.keys(value).length === 0) {
              // A garbled, truncated or empty chunk: a parse failure, not cached, so a later call retries (§3.12 [SIM]).
              this.logger.warn(`catalog: i18n ${lang}/${ns} holds no texts; not cached, a later call retries`);
              return;
            }
            packsOf(this.state)[ns] = value;
            this.#dirty = true;
          } catch (e) {
            if (signal?.aborted) throw e;
            this.logger.warn(`catalog: i18n ${lang}/${ns} failed: ${errorMessage(e)}`);
          }
        }),
      ),
    );
  }

  /** Looks up the maps of symbols: dedicated chunks (concurrently), then the index's inline tables (§1.8). */
  async ensureMaps(symbols: readonly string[], signal?: AbortSignal): Promise<void> {
    const todo = [...new Set(symbols.filter((s) => typeof s === 'string' && s.trim() !== ''))].filter(
      (s) => this.map(s) === undefined,
    );
    if (todo.length === 0) return;
    const misses: string[] = [];
    await Promise.all(
      todo.map((symbol) =>
        this.#once(`map:${symbol}`, async () => {
          if (assetBySymbol(this.state.index, symbol)) {
            try {
              const got = await this.#chunk(() => assetBySymbol(this.state.index, symbol)?.url, signal);
              if (got && got.state !== this.state) return; // the build changed meanwhile: a later call looks it up
              const { map: raw } = got ? parseParamChunk(got.text, symbol) : { map: null };
              // An empty object is what a garbled chunk parses to: a parse failure, not a map (§3.12 [SIM]).
              if (got && raw && Object.keys(raw).length > 0) {
                this.#storeMap(symbol, { raw, origin: `asset:${got.url}` });
                return;
              }
              this.logger.warn(`catalog: chunk of ${symbol} holds no param map, trying the index`);
            } catch (e) {
              if (signal?.aborted) throw e;
              this.logger.warn(`catalog: chunk of ${symbol} failed, trying the index: ${errorMessage(e)}`);
            }
          }
          misses.push(symbol); // [SIM] the index fallback also when the chunk failed
        }),
      ),
    );
    if (misses.length === 0) return;
    const found = lookupInline(this.state.index, misses, this.fallback);
    for (const symbol of misses) {
      if (this.map(symbol) !== undefined) continue;
      const hit = found.get(symbol);
      this.#storeMap(symbol, hit ? { raw: hit.map, origin: hit.origin } : null);
    }
  }

  #storeMap(symbol: string, stored: StoredMap): void {
    this.state.maps[symbol] = stored;
    this.#maps.delete(symbol);
    this.#dirty = true;
    this.symbols.addMap(symbol, this.map(symbol));
  }

  /** Marks the state as changed, so the next {@link flush} stores it. */
  markDirty(): void {
    this.#dirty = true;
  }

  /** Saves the state when something was added since the last save. Failures are logged, never thrown. */
  async flush(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    try {
      await this.persist(this.state);
    } catch (e) {
      this.logger.warn(`catalog: snapshot not stored: ${errorMessage(e)}`);
    }
  }

  /** Registers a change listener. */
  onChange(cb: (c: CatalogChange) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  /** Tells every listener about a change; a throwing listener is ignored. */
  emit(c: CatalogChange): void {
    for (const cb of [...this.#listeners]) {
      try {
        cb(c);
      } catch {
        /* listener errors never break the catalog */
      }
    }
  }
}

/**
 * Parameter catalog of the web app (API.md, Catalog). Created by `loadCatalog()`. All methods work without a
 * socket; those that may need assets are async. Texts are plain text (never HTML) in {@link Catalog.lang}.
 */
export class Catalog {
  readonly #core: CatalogCore;
  /** Lower-case language code of the texts. */
  readonly lang: string;

  /** @internal use `loadCatalog()` */
  constructor(core: CatalogCore, lang: string) {
    this.#core = core;
    this.lang = lang.toLowerCase();
  }

  /**
   * Settles once this catalog's build is known to be the live one. A catalog answered from its stored snapshot at
   * once (`revalidate: 'background'`) checks the fingerprint in the background: this resolves with the change that
   * check found (a new build applied, or kept out by the health check; {@link onChange} hears it too), or `null`
   * when the build is unchanged or the check could not run (logged). Resolved at once when the load checked first.
   * Never rejects.
   */
  get checked(): Promise<CatalogChange | null> {
    return this.#core.checked;
  }

  /** `<system version>|index-<hash>.js` of the web-app build this catalog was parsed from. */
  get fingerprint(): string {
    return this.#core.state.fingerprint;
  }

  /** The default language of the web app (`defaultTranslation`), else `en`. */
  get defaultLang(): string {
    return this.#core.state.index.languageConfig?.defaultTranslation.toLowerCase() || 'en';
  }

  /** The same catalog answering in another language (assets are shared, nothing is parsed again). */
  withLanguage(lang: string): Catalog {
    return new Catalog(this.#core, lang);
  }

  /** Languages of the web app for a language picker (CATALOG.md §4.1): default first; `en`/`pl` when unknown. */
  languages(): Array<{ code: string; label: string }> {
    const cfg = this.#core.state.index.languageConfig;
    if (!cfg)
      return [
        { code: 'en', label: 'English' },
        { code: 'pl', label: 'Polski' },
      ];
    const out: CatalogLanguage[] = [];
    for (const row of cfg.translations) {
      const id = typeof row.id === 'string' ? row.id.trim().toLowerCase() : '';
      if (!id || id === 'dev' || out.some((l) => l.code === id)) continue;
      out.push({ code: id, label: languageLabel(row, id) });
    }
    const def = this.defaultLang;
    out.sort((a, b) => Number(b.code === def) - Number(a.code === def));
    return out.length > 0
      ? out
      : [
          { code: 'en', label: 'English' },
          { code: 'pl', label: 'Polski' },
        ];
  }

  #i18n(lang: string): I18nGetter {
    return (ns) => this.#core.state.i18n[lang]?.[ns.toLowerCase()];
  }

  #ctx(values?: CatalogValues, rules?: RuleContext): ModelContext {
    const ctx: ModelContext = {
      descriptors: this.#core.state.index.unitDescriptors,
      i18n: this.#i18n(this.lang),
      writeSymbols: this.#core.writeSymbols,
    };
    if (this.defaultLang !== this.lang) ctx.defaultI18n = this.#i18n(this.defaultLang);
    if (values) ctx.values = valueGetter(values);
    if (rules) ctx.rules = rules;
    return ctx;
  }

  /** Loads maps and the namespaces their texts need, in this language and (for the label fallback) the default. */
  async #prepare(symbols: readonly string[], signal?: AbortSignal, extraTokens: readonly string[] = []): Promise<void> {
    const core = this.#core;
    // twice at most: a chunk gone with a deploy may switch the build half-way (what was loaded belongs to the old one)
    for (let round = 0; round < 2; round++) {
      const state = core.state;
      await core.ensureMaps(symbols, signal);
      const maps = symbols.map((s) => core.map(s)).filter((m): m is ParamMap => !!m);
      const ns = namespacesFor([...tokensForMaps(maps, core.state.index.unitDescriptors), ...extraTokens]);
      await core.ensureNamespaces(this.lang, ns, signal);
      if (this.defaultLang !== this.lang) await core.ensureNamespaces(this.defaultLang, ['parameters'], signal);
      if (core.state === state) break;
    }
    // Limit: a token that resolves, through a hop, into a namespace not listed here (`units.2200.1` → another
    // namespace) stays unresolved until something else loads that namespace.
    await core.flush();
  }

  /** The routes of a module's menu, filtered by its permissions (no filter without `permissions`). */
  async menu(
    deviceMenu: number,
    opts: { permissions?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<MenuRoute[]> {
    await this.#core.ensureMenu(deviceMenu, opts.signal);
    const raw = this.#core.state.menus[String(deviceMenu)];
    const routes = normalizeMenu(raw ?? null);
    return opts.permissions ? filterMenu(routes, opts.permissions) : routes;
  }

  /**
   * Panels of a module's menu (CATALOG.md §3.9, all-panels mode with the web-UI filter): title and symbols. Loads
   * the menu, its title texts and the maps of its symbols, so {@link symbolsFor} knows them afterwards.
   */
  async panels(
    deviceMenu: number,
    opts: { permissions?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CatalogPanel[]> {
    const routes = await this.menu(deviceMenu, opts);
    for (const t of writeTokens(routes)) this.#core.writeSymbols.add(t);
    const titleNs = ['routes', 'menu', ...titleTokens(routes)];
    await this.#core.ensureNamespaces(this.lang, titleNs, opts.signal);
    await this.#prepare(menuTokens(routes), opts.signal);
    return menuPanels(routes, this.#i18n(this.lang));
  }

  /** Describes symbols without live values; unknown symbols are absent from the map. */
  async describe(
    symbols: readonly string[],
    opts: { signal?: AbortSignal } = {},
  ): Promise<Map<string, ParameterDescription>> {
    await this.#prepare(symbols, opts.signal);
    const out = new Map<string, ParameterDescription>();
    const ctx = this.#ctx();
    for (const s of symbols) {
      const map = this.#core.map(s);
      if (!map) continue;
      out.set(s, toParameterDescription(describeModel(s, map, ctx)));
    }
    return out;
  }

  /** Description with the model's extras (label source, transform, step, refresh keys …) of a known symbol. */
  async details(symbol: string, opts: { signal?: AbortSignal } = {}): Promise<DescribedParameter> {
    await this.#prepare([symbol], opts.signal);
    return describeModel(symbol, this.#core.map(symbol) ?? null, this.#ctx());
  }

  /** Symbols whose primary address is `address` (`P4.v1`), known after {@link panels}/{@link describe}. */
  symbolsFor(address: string): string[] {
    return this.#core.symbols.symbolsFor(address);
  }

  /** Resolves a symbol against live values: label, display value, unit, enum text, limits, visibility. */
  async resolve(
    symbol: string,
    values: CatalogValues,
    opts: { signal?: AbortSignal; context?: RuleContext } = {},
  ): Promise<ResolvedParameter> {
    return toResolvedParameter(await this.resolveDetails(symbol, values, opts));
  }

  /** {@link resolve} with the model's extras (kind, raw limits, status flags, refresh keys, visibility reason). */
  async resolveDetails(
    symbol: string,
    values: CatalogValues,
    opts: { signal?: AbortSignal; context?: RuleContext } = {},
  ): Promise<ResolvedDetails> {
    await this.#prepare([symbol], opts.signal, this.#unitTokens(symbol, values));
    return this.resolveKnown(symbol, values, opts.context);
  }

  /**
   * Synchronous resolve for symbols already prepared (by {@link panels}, {@link describe} or {@link resolve}); the
   * live view uses it on every delta. An unprepared symbol resolves as unknown (label = symbol, raw value only).
   */
  resolveKnown(symbol: string, values: CatalogValues, context?: RuleContext): ResolvedDetails {
    return resolveModel(symbol, this.#core.map(symbol) ?? null, this.#ctx(values, context));
  }

  /** Unit tokens of the live `u` channel, which may differ from the map's own unit. */
  #unitTokens(symbol: string, values: CatalogValues): string[] {
    const addr = this.#core.symbols.addressOf(symbol);
    const m = addr ? /^(P\d+)\.[a-z](\d+)$/.exec(addr) : null;
    const code = m ? valueGetter(values)(`${m[1]}.u${m[2]}`) : undefined;
    if (typeof code !== 'number' && typeof code !== 'string') return [];
    const d = this.#core.state.index.unitDescriptors[String(code)];
    const out = [`units.${String(code)}`];
    if (d && typeof d.text === 'string') out.push(d.text);
    return out;
  }

  /**
   * Turns a display value into a command: inverse unit transform, enum label → raw, raw `n`/`x` bounds checked
   * before anything is sent. Rejects with {@link CatalogError}. Spread the result into `moduleCommand` (route
   * `parameter`) or `moduleCommandRaw` (route `raw`) with a `devid`.
   */
  async prepareWrite(
    symbol: string,
    value: number | string | boolean,
    values: CatalogValues,
    opts: { signal?: AbortSignal } = {},
  ): Promise<WriteRequest> {
    await this.#prepare([symbol], opts.signal, this.#unitTokens(symbol, values));
    // The model rejects an unknown symbol itself (CatalogError, code 'unknown-symbol').
    return prepareModel(symbol, this.#core.map(symbol) ?? null, value, this.#ctx(values));
  }

  /** What the parser understood, and the problems of CATALOG.md §3.11 that apply to what is loaded. */
  health(): CatalogHealth {
    return healthOf(this.#core.state);
  }

  /** Called when a later build of the web app is found (by {@link refresh} or the loader's watch). */
  onChange(cb: (change: CatalogChange) => void): () => void {
    return this.#core.onChange(cb);
  }

  /**
   * Checks whether the web app has a new build (fingerprint); a new build that passes the health check replaces
   * this one for every view of it, and {@link onChange} listeners hear about it either way. Never on a hot path:
   * call it on demand or every few hours.
   */
  refresh(opts: { signal?: AbortSignal } = {}): Promise<CatalogChange | null> {
    return this.#core.refresher(opts.signal);
  }

  /** Serializable snapshot (no functions): pass it to `loadCatalog({ snapshot })` to skip the download and parse. */
  toJSON(): unknown {
    return inert(this.#core.state);
  }

  /** @internal the shared core (the loader and the live view use it). */
  get core(): CatalogCore {
    return this.#core;
  }
}

function languageLabel(row: JsonObject, code: string): string {
  for (const k of ['nativeName', 'autonym', 'displayName', 'localName', 'name', 'title', 'label']) {
    const v = row[k];
    if (typeof v === 'string' && v.trim() && v.trim().toLowerCase() !== code) return v.trim();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const own = (v as JsonObject)[code];
      if (typeof own === 'string' && own.trim()) return own.trim();
    }
  }
  const names: Record<string, string> = {
    pl: 'Polski',
    en: 'English',
    de: 'Deutsch',
    cs: 'Čeština',
    ru: 'Русский',
    uk: 'Українська',
    fr: 'Français',
  };
  return names[code] ?? code.toUpperCase();
}

/** The health check of CATALOG.md §3.11 [SIM] over a state. */
export function healthOf(state: CatalogState): CatalogHealth {
  const idx = state.index;
  const problems: string[] = [];
  const stats = {
    assets: Object.keys(idx.assets).length,
    deviceMenus: Object.keys(idx.menuMap).length,
    languages: idx.languageConfig?.translations.length ?? 0,
    unitDescriptors: Object.keys(idx.unitDescriptors).length,
    inlineMaps: Object.keys(idx.inlineMaps).length,
  };
  if (stats.assets === 0) problems.push('no asset basenames found in the index');
  if (!idx.languageConfig) problems.push('no language configuration found');
  if (stats.unitDescriptors === 0) problems.push('empty unit descriptor table');
  const inline = Object.keys(idx.inlineMaps);
  if (!inline.some((s) => /^(PARAM|STATUS)_/.test(s))) problems.push('no inline PARAM_*/STATUS_* symbols in the index');
  for (const [lang, packs] of Object.entries(state.i18n)) {
    const units = packs.units;
    if (
      units &&
      Object.keys(units).length === 0 &&
      idx.i18nImports.some((i) => i.lang.toLowerCase() === lang && i.namespace.toLowerCase() === 'units')
    ) {
      problems.push(`i18n ${lang}/units is empty`);
    }
    if (units && stringsIn(units).some((t) => /\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\u\{/i.test(t)))
      problems.push(`escape leaks in i18n ${lang}/units`);
  }
  const leaked = (v: unknown) => typeof v === 'string' && /_0x|\['|\["/.test(v);
  for (const [symbol, stored] of Object.entries(state.maps)) {
    if (!isStoredMap(stored)) continue;
    const raw = stored.raw;
    if (leaked(raw.componentType) || leaked(raw.useComponent))
      problems.push(`obfuscated component type left in ${symbol}`);
  }
  for (const [dm, menu] of Object.entries(state.menus)) {
    if (permissionsIn(menu).some((p) => /_0x|\['|\["/.test(p)))
      problems.push(`obfuscated permission names in the menu of deviceMenu ${dm}`);
  }
  return { ok: problems.length === 0, problems, stats };
}

function stringsIn(v: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof v === 'string') out.push(v);
  else if (depth < 50 && v !== null && typeof v === 'object')
    for (const x of Object.values(v)) stringsIn(x, out, depth + 1);
  return out;
}

function permissionsIn(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 50 || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) {
    for (const x of v) permissionsIn(x, out, depth + 1);
    return out;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'permissionModule' && typeof x === 'string') out.push(x);
    else permissionsIn(x, out, depth + 1);
  }
  return out;
}
