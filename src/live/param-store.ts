/** Key → value store of parameters (`P4.v1` → 215), grouped into families, fed by prime payloads and bus updates. */

import type { EventBus, ParamUpdate } from './event-bus.js';
import { ListenerSet } from '../internal/listeners.js';
import { normalizePool, parseParamKey, walkParamPayload, type ParamVisitor } from './payload.js';

/** All channels of one `(pool, idx)` parameter. Returned objects are frozen snapshots. */
export interface ParamFamily {
  /** Pool key, e.g. `P4`. */
  readonly pool: string;
  /** Parameter index. */
  readonly idx: number;
  /** Channel letter → value, e.g. `{ v: 215, u: 1, n: 100, x: 800 }`. */
  readonly channels: Readonly<Record<string, unknown>>;
  /** `v` channel (the main value). */
  readonly value: unknown;
  /** `u` channel (unit code or enum index). */
  readonly unitCode: unknown;
  /** `s` channel (raw status bitmask). */
  readonly statusRaw: unknown;
}

/** Options of {@link ParamStore}. */
export interface ParamStoreOptions {
  /** When set, only this module's entries are ingested (from payloads and from the bus). */
  devid?: string;
}

/** Listener of {@link ParamStore.on}. */
export type ParamChangeListener = (key: string, value: unknown) => void;

/** Subscriber of {@link ParamStore.subscribe}: receives the current frozen snapshot. */
export type ParamSnapshotListener = (snapshot: Readonly<Record<string, unknown>>) => void;

type Meta = Record<string, unknown>;

/** Internal mutable family record. */
interface FamilyRec {
  channels: Record<string, unknown>;
  /** chan → latest merged object body (may contain a stale `value`, stripped on read). */
  meta: Record<string, Meta> | null;
}

/**
 * Parameter store of one module (or of several, without `devid`).
 *
 * Keys are `P<pool>.<chan><idx>`; the channel is the first character of `<chan><idx>`, the index the
 * decimal rest. Object bodies with `value` set the value, object bodies without `value` only update
 * metadata (they never clear a value), bare scalars are values. Metadata of successive bodies is merged.
 * `on()` listeners fire once per key whose value changed (`Object.is`), also during
 * {@link ParamStore.ingestPrimePayload}; a throwing listener is ignored.
 */
export class ParamStore {
  /** Module this store is restricted to, if any. */
  readonly devid: string | undefined;
  readonly #pools = new Map<string, Map<number, FamilyRec>>();
  /** `on()` listeners (a throwing one is ignored). */
  readonly #changeListeners = new ListenerSet<Parameters<ParamChangeListener>>();
  /** `subscribe()` callbacks (a throwing one is ignored). */
  readonly #subscribers = new ListenerSet<[Readonly<Record<string, unknown>>]>();
  /** Frozen `flatten()` of the current state; `null` after a change until the next `getSnapshot()`. */
  #snapshot: Readonly<Record<string, unknown>> | null = null;
  #notifyQueued = false;
  #count = 0;
  /** The last pool touched and its families (payloads are grouped by pool; docs/BENCHMARKS.md, hot-path choices). */
  #lastPoolName = '';
  #lastPool: Map<number, FamilyRec> | null = null;
  /** The visitor of {@link walkParamPayload}, bound once. */
  readonly #visit: ParamVisitor;

  constructor(opts: ParamStoreOptions = {}) {
    this.devid = opts.devid;
    this.#visit = (_devid, pool, key, chan, idx, value, body) => {
      this.#apply(pool, key, chan, idx, value, body);
    };
  }

  /** Number of stored values. */
  get size(): number {
    return this.#count;
  }

  /** Sets one value by address (`P4.v1`, `4.v1`). Returns the updated family, or `null` for a malformed key. */
  upsert(key: string, value: unknown): ParamFamily | null {
    const k = parseParamKey(key);
    if (k === null) return null;
    this.#apply(k.pool, k.chan + k.idx, k.chan, k.idx, value, null);
    return this.getFamily(k.pool, k.idx);
  }

  /** Value at an address, `undefined` when unknown or malformed. */
  get(key: string): unknown {
    const k = parseParamKey(key);
    if (k === null) return undefined;
    return this.#pools.get(k.pool)?.get(k.idx)?.channels[k.chan];
  }

  /** True when a value is stored at the address. */
  has(key: string): boolean {
    const k = parseParamKey(key);
    if (k === null) return false;
    const fam = this.#pools.get(k.pool)?.get(k.idx);
    return fam !== undefined && Object.hasOwn(fam.channels, k.chan);
  }

  /** Metadata (`storable`, `updatedAt`, …) last seen for an address, merged over updates; `undefined` if none. */
  meta(key: string): Readonly<Record<string, unknown>> | undefined {
    const k = parseParamKey(key);
    if (k === null) return undefined;
    const m = this.#pools.get(k.pool)?.get(k.idx)?.meta?.[k.chan];
    if (m === undefined) return undefined;
    const out: Meta = {};
    for (const f of Object.keys(m)) if (f !== 'value') out[f] = m[f];
    return Object.freeze(out);
  }

  /** Snapshot of one family, or `null` when nothing is known about it. `pool` may be `P4` or `4`. */
  getFamily(pool: string, idx: number): ParamFamily | null {
    const p = normalizePool(String(pool));
    if (p === null) return null;
    const fam = this.#pools.get(p)?.get(idx);
    if (fam === undefined) return null;
    const channels = Object.freeze({ ...fam.channels });
    return Object.freeze({ pool: p, idx, channels, value: channels.v, unitCode: channels.u, statusRaw: channels.s });
  }

  /**
   * Every stored channel value as `{ 'P4.v1': 612, 'P4.u1': 1, 'P5.s0': 9, … }`. Values are **raw** register contents
   * as the controller sends them: integers in the controller's own scale (612 here is 61.2 °C — tenths — for this
   * register; other registers are whole degrees, percent or bit masks), not display values. Units and scaling come
   * from the `u` channel and the web app's assets: `bragerone/catalog` applies them.
   */
  flatten(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [pool, fams] of this.#pools) {
      for (const [idx, fam] of fams) {
        const ch = fam.channels;
        for (const chan in ch) out[`${pool}.${chan}${idx}`] = ch[chan];
      }
    }
    return out;
  }

  /** Ingests a prime or delta payload (`devid → pool → chanIdx → body|value`); junk is ignored. */
  ingestPrimePayload(payload: unknown): void {
    walkParamPayload(payload, this.#visit, this.devid);
  }

  /** Follows the bus (only this store's module when `devid` is set) until the returned function is called. */
  attach(bus: EventBus): () => void {
    const devid = this.devid;
    return bus.on((u: ParamUpdate) => {
      if (devid !== undefined && u.devid !== devid) return;
      this.#apply(u.pool, u.chan + u.idx, u.chan, u.idx, u.value, u.meta);
    });
  }

  /** Registers a change listener `(key, value)`; returns a function that removes it. */
  on(listener: ParamChangeListener): () => void {
    return this.#changeListeners.add(listener);
  }

  /** Removes every value (`on()` listeners stay registered and are not notified; `subscribe()`rs are). */
  clear(): void {
    this.#pools.clear();
    this.#count = 0;
    this.#lastPoolName = '';
    this.#lastPool = null;
    this.#changed();
  }

  /**
   * The current values as one frozen object (`{ 'P4.v1': 612, … }`). The same object is returned until the next
   * change, so it works as React's `useSyncExternalStore` snapshot.
   */
  getSnapshot(): Readonly<Record<string, unknown>> {
    if (this.#snapshot === null) this.#snapshot = Object.freeze(this.flatten());
    return this.#snapshot;
  }

  /**
   * Store contract of Svelte and of React's `useSyncExternalStore` in one: `cb` is called at once with the
   * snapshot, then once after each batch of changes (one ingest, or one delta frame: changes made in the same
   * task are batched into one call). Returns the unsubscribe function. A throwing subscriber is ignored.
   */
  subscribe(cb: ParamSnapshotListener): () => void {
    const off = this.#subscribers.add(cb);
    try {
      cb(this.getSnapshot());
    } catch {
      /* subscriber errors never break the store */
    }
    return off;
  }

  /** Drops the cached snapshot and queues one notification of the subscribers for this task. */
  #changed(): void {
    this.#snapshot = null;
    if (this.#notifyQueued || this.#subscribers.size === 0) return;
    this.#notifyQueued = true;
    queueMicrotask(() => {
      this.#notifyQueued = false;
      if (this.#subscribers.size > 0) this.#subscribers.emit(this.getSnapshot());
    });
  }

  /** Applies one entry (ingest, bus and upsert). `value === undefined` means meta-only. */
  #apply(pool: string, key: string, chan: string, idx: number, value: unknown, body: Meta | null): void {
    let fams = this.#lastPool;
    if (fams === null || pool !== this.#lastPoolName) {
      fams = this.#pools.get(pool) ?? null;
      if (fams === null) {
        fams = new Map();
        this.#pools.set(pool, fams);
      }
      this.#lastPool = fams;
      this.#lastPoolName = pool;
    }
    let fam = fams.get(idx);
    if (fam === undefined) {
      fam = { channels: {}, meta: null };
      fams.set(idx, fam);
    }
    if (body !== null) {
      if (fam.meta === null) fam.meta = {};
      const prev = fam.meta[chan];
      fam.meta[chan] = mergeMeta(prev, body);
    }
    if (value === undefined) return;
    const ch = fam.channels;
    const prev = ch[chan];
    if (prev === undefined && !(chan in ch)) this.#count++;
    else if (Object.is(prev, value)) return;
    ch[chan] = value;
    if (this.#snapshot !== null || this.#subscribers.size !== 0) this.#changed();
    if (this.#changeListeners.size === 0) return;
    this.#changeListeners.emit(`${pool}.${key}`, value);
  }
}

/** Own keys of `prev` then `body` (never `value` or `__proto__`), in a fresh object: the caller's body is not kept. */
function mergeMeta(prev: Record<string, unknown> | undefined, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (prev !== undefined) for (const k in prev) out[k] = prev[k];
  for (const k in body) if (k !== 'value' && k !== '__proto__' && Object.hasOwn(body, k)) out[k] = body[k];
  return out;
}
