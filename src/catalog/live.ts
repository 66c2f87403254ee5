/**
 * Live values with meaning: one module's panels, each parameter resolved against the gateway's live store, kept
 * current by deltas (only the parameters whose refresh keys a delta touched are resolved again), and safe writes
 * that wait for the controller's pushed value. Works as a Svelte store and with React's `useSyncExternalStore`.
 */
import type { BragerOneApiClient } from '../client.js';
import { ListenerSet } from '../internal/listeners.js';
import type { ParamStore } from '../live/param-store.js';
import type { Catalog, CatalogValues } from './catalog.js';
import { CatalogError } from '../errors.js';
import type { ResolvedDetails, WriteRequest } from './model/types.js';
import { unrefTimer } from '../internal/timers.js';

/** What the view needs from a gateway: the live store of a module and the API client (for commands). */
export interface LiveSource {
  readonly api: BragerOneApiClient;
  /** The live store of one module. */
  params(devid: string): ParamStore;
}

/** Options of {@link createModuleView}. */
export interface ModuleViewOptions {
  catalog: Catalog;
  /** A started `BragerOneGateway` (or anything with `api` and `params(devid)`). */
  gateway: LiveSource;
  devid: string;
  /** The module's `deviceMenu` (from `getModules`). */
  deviceMenu: number;
  /** The module's permissions (from `getModules`); without them the menu is not filtered. */
  permissions?: readonly string[];
  /** Keep hidden parameters (INVISIBLE, device unavailable) in the panels. Default `false`. */
  includeHidden?: boolean;
  /** How long {@link ModuleView.write} waits for the pushed value, in milliseconds. @default 15_000 */
  confirmTimeout?: number;
  signal?: AbortSignal;
}

/** One parameter in a panel: the resolved parameter with the model's extras (kind, raw limits, status flags …). */
export type LiveParameter = ResolvedDetails;

/** One panel with its parameters, in the menu's order. */
export interface LivePanel {
  readonly title: string;
  readonly parameters: readonly LiveParameter[];
}

/** The view's state: a new object after each batch of changes, the same one in between. */
export interface ModuleViewSnapshot {
  readonly devid: string;
  readonly lang: string;
  readonly panels: readonly LivePanel[];
}

/** The outcome of {@link ModuleView.write}. */
export interface WriteOutcome {
  request: WriteRequest;
  /** `confirmed`: the pushed value came back; `accepted`: the cloud took a raw command (nothing to confirm). */
  state: 'confirmed' | 'accepted';
  parameter: LiveParameter;
}

/** Default option values of {@link ModuleView}, milliseconds. */
const DEFAULTS = Object.freeze({ confirmTimeout: 15_000 } as const);

/** The live, catalog-resolved view of one module. Create it with {@link createModuleView}. */
export class ModuleView {
  readonly devid: string;
  readonly #catalog: Catalog;
  readonly #store: ParamStore;
  readonly #api: BragerOneApiClient;
  readonly #includeHidden: boolean;
  readonly #confirmTimeout: number;
  #layout: Layout;
  readonly #opts: ModuleViewOptions;
  /** Bumped per catalog change: a slower reload of an older build never overwrites a newer one. */
  #reloads = 0;
  #offCatalog: () => void;
  /** symbol → latest resolution (hidden ones included). */
  readonly #params = new Map<string, LiveParameter>();
  /** address → symbols that depend on it. */
  readonly #dependents = new Map<string, Set<string>>();
  #subscribers = new ListenerSet<[ModuleViewSnapshot]>();
  #snapshot: ModuleViewSnapshot | null = null;
  #dirty = new Set<string>();
  #queued = false;
  #off: (() => void) | null;
  /** How many single-parameter resolutions ran (the benchmark reads it). */
  resolutions = 0;

  /** @internal use {@link createModuleView} */
  constructor(opts: ModuleViewOptions, layout: Layout) {
    this.devid = opts.devid;
    this.#opts = opts;
    this.#catalog = opts.catalog;
    this.#store = opts.gateway.params(opts.devid);
    this.#api = opts.gateway.api;
    this.#includeHidden = opts.includeHidden ?? false;
    this.#confirmTimeout = opts.confirmTimeout ?? DEFAULTS.confirmTimeout;
    this.#layout = layout;
    for (const { symbols } of layout) for (const s of symbols) this.#resolve(s);
    this.#off = this.#store.on((key) => this.#touched(key));
    this.#offCatalog = this.#catalog.onChange((c) => {
      if (c.applied) void this.#reload();
    });
  }

  /**
   * A new web-app build replaced the catalog's data (maps, texts, menus and write flags are then loaded afresh on
   * demand): loads what the panels need from it, then resolves every parameter again and notifies once. Without
   * this, the view resolved against the new build with nothing loaded: symbol names for labels, no units.
   */
  async #reload(): Promise<void> {
    const gen = ++this.#reloads;
    let layout: Layout | null = null;
    try {
      layout = await loadLayout(this.#opts);
    } catch {
      // downloads degrade with the catalog's own warnings; keep the old layout and resolve with what is loaded
    }
    if (gen !== this.#reloads || !this.#off) return; // superseded by a later build, or closed
    if (layout) this.#layout = layout;
    this.#params.clear();
    this.#dependents.clear();
    for (const { symbols } of this.#layout) for (const s of symbols) this.#resolve(s);
    this.#snapshot = null;
    if (this.#subscribers.size > 0) this.#subscribers.emit(this.getSnapshot());
  }

  /** The catalog behind the view. */
  get catalog(): Catalog {
    return this.#catalog;
  }

  #resolve(symbol: string): void {
    const p = this.#catalog.resolveKnown(symbol, this.#store as CatalogValues, { devid: this.devid });
    this.resolutions++;
    const prev = this.#params.get(symbol);
    if (prev) for (const k of prev.refreshKeys) this.#dependents.get(k)?.delete(symbol);
    for (const k of p.refreshKeys) {
      let set = this.#dependents.get(k);
      if (!set) this.#dependents.set(k, (set = new Set()));
      set.add(symbol);
    }
    this.#params.set(symbol, p);
  }

  #touched(key: string): void {
    if (!this.#dependents.has(key)) return;
    this.#dirty.add(key);
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#queued = false;
    const keys = this.#dirty;
    this.#dirty = new Set();
    const symbols = new Set<string>();
    for (const k of keys) for (const s of this.#dependents.get(k) ?? []) symbols.add(s);
    if (symbols.size === 0) return;
    for (const s of symbols) this.#resolve(s);
    this.#snapshot = null;
    if (this.#subscribers.size > 0) this.#subscribers.emit(this.getSnapshot());
  }

  /** The panels with resolved parameters; the same object until the next change. */
  getSnapshot(): ModuleViewSnapshot {
    if (this.#snapshot) return this.#snapshot;
    const panels: LivePanel[] = [];
    for (const { title, symbols } of this.#layout) {
      const parameters = symbols
        .map((s) => this.#params.get(s))
        .filter((p): p is LiveParameter => !!p && (this.#includeHidden || p.visible));
      if (parameters.length > 0) panels.push(Object.freeze({ title, parameters: Object.freeze(parameters) }));
    }
    this.#snapshot = Object.freeze({ devid: this.devid, lang: this.#catalog.lang, panels: Object.freeze(panels) });
    return this.#snapshot;
  }

  /** Svelte store / `useSyncExternalStore` contract: `cb` now, then once per batch of changes. */
  subscribe(cb: (s: ModuleViewSnapshot) => void): () => void {
    const off = this.#subscribers.add(cb);
    try {
      cb(this.getSnapshot());
    } catch {
      /* subscriber errors never break the view */
    }
    return off;
  }

  /** The current resolution of one symbol of the view. */
  parameter(symbol: string): LiveParameter | undefined {
    return this.#params.get(symbol);
  }

  /**
   * Writes a display value safely: `prepareWrite` (range and type checked, nothing sent on error), the module
   * command, then waits until the controller pushes the new raw value back (`confirmed`). Rejects with
   * `CatalogError` (bad value, not confirmed within `confirmTimeout`), or the client's typed errors (HTTP, network,
   * permission), or the signal's reason.
   */
  async write(
    symbol: string,
    value: number | string | boolean,
    opts: { signal?: AbortSignal; timeout?: number } = {},
  ): Promise<WriteOutcome> {
    const request = await this.#catalog.prepareWrite(
      symbol,
      value,
      this.#store as CatalogValues,
      opts.signal ? { signal: opts.signal } : {},
    );
    const sig = opts.signal ? { signal: opts.signal } : {};
    if (request.route === 'raw') {
      const { route: _r, ...args } = request;
      await this.#api.moduleCommandRaw({ devid: this.devid, ...args, ...sig });
      return { request, state: 'accepted', parameter: this.#current(symbol) };
    }
    const key = `${request.pool}.${request.parameter}`;
    const confirmed = this.#waitFor(key, request.value, opts.timeout ?? this.#confirmTimeout, opts.signal);
    try {
      const { route: _r, ...args } = request;
      await this.#api.moduleCommand({ devid: this.devid, ...args, ...sig });
    } catch (e) {
      confirmed.cancel();
      throw e;
    }
    await confirmed.promise;
    return { request, state: 'confirmed', parameter: this.#current(symbol) };
  }

  #current(symbol: string): LiveParameter {
    if (!this.#params.has(symbol)) this.#resolve(symbol);
    return this.#params.get(symbol) as LiveParameter;
  }

  #waitFor(
    key: string,
    raw: number,
    timeout: number,
    signal?: AbortSignal,
  ): { promise: Promise<void>; cancel(): void } {
    let cancel = () => {};
    const promise = new Promise<void>((resolve, reject) => {
      const matches = (v: unknown) => v === raw || (typeof v === 'string' && Number(v) === raw);
      if (matches(this.#store.get(key))) {
        // Already at that value: the controller will not push a change; nothing to wait for.
        resolve();
        return;
      }
      const done = (err?: unknown) => {
        off();
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      const off = this.#store.on((k, v) => {
        if (k === key && matches(v)) done();
      });
      const timer = setTimeout(
        () =>
          done(
            new CatalogError(`write of ${key} not confirmed by the controller within ${timeout} ms`, {
              code: 'not-confirmed',
            }),
          ),
        timeout,
      );
      unrefTimer(timer);
      const onAbort = () => done(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      cancel = () => done(null);
    });
    promise.catch(() => {});
    return { promise, cancel };
  }

  /** Stops following the store and drops every subscriber. */
  close(): void {
    this.#off?.();
    this.#off = null;
    this.#offCatalog();
    this.#subscribers = new ListenerSet<[ModuleViewSnapshot]>();
  }
}

/**
 * Builds the live view of one module: loads the panels of its `deviceMenu` filtered by its permissions (and the
 * maps and texts they need), resolves every parameter against the gateway's store, and follows its deltas.
 */
export async function createModuleView(opts: ModuleViewOptions): Promise<ModuleView> {
  return new ModuleView(opts, await loadLayout(opts));
}

type Layout = Array<{ title: string; symbols: string[] }>;

/** The panels of the view's module, with every map and text their parameters need loaded. */
async function loadLayout(opts: ModuleViewOptions): Promise<Layout> {
  const panelOpts: { permissions?: readonly string[]; signal?: AbortSignal } = {};
  if (opts.permissions) panelOpts.permissions = opts.permissions;
  if (opts.signal) panelOpts.signal = opts.signal;
  const panels = await opts.catalog.panels(opts.deviceMenu, panelOpts);
  const store = opts.gateway.params(opts.devid);
  const all = panels.flatMap((p) => p.symbols);
  // Prepare unit texts of the live `u` channels too (resolve loads what a symbol needs; results are cached).
  await Promise.all(
    all.map((s) => opts.catalog.resolveDetails(s, store as CatalogValues, opts.signal ? { signal: opts.signal } : {})),
  );
  return panels.map((p) => ({ title: p.title, symbols: [...p.symbols] }));
}
