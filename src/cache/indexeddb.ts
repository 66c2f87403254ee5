import { type UseStore, clear, del, get, set } from 'idb-keyval';
import type { Logger } from '../log.js';
import { errorKind } from '../internal/error-text.js';
import { hasIndexedDb, openIdbStore } from '../internal/idb.js';
import { LoggerSlot } from '../internal/logger.js';
import { type CacheAdapter, type CacheEntry, isCacheEntry } from './types.js';

/** Options of {@link IndexedDbCacheAdapter}. */
export interface IndexedDbCacheOptions {
  /** Database name. @default 'bragerone-cache' */
  dbName?: string;
  /** Object store name; added to an existing database by a version upgrade when missing. @default 'http' */
  storeName?: string;
  /** Receives warnings about failed writes; default `console` at `warn`. */
  logger?: Logger;
}

/** Default option values of {@link IndexedDbCacheAdapter}. */
const DEFAULTS = Object.freeze({ dbName: 'bragerone-cache', storeName: 'http' } as const);

/**
 * HTTP cache adapter over IndexedDB (via idb-keyval): one record per URL holding `{ etag, lastModified, body }`
 * (the body as a `Uint8Array`). Nothing is opened until first use.
 *
 * The cache is best effort: `get()` resolves `undefined` for missing, corrupt or unreadable entries (and without
 * IndexedDB); `set()`, `delete()` and `clear()` never reject — a failed write (quota, unavailable) is logged and
 * the entry is simply not cached.
 */
export class IndexedDbCacheAdapter implements CacheAdapter {
  /** Database name. */
  readonly dbName: string;
  /** Object store name. */
  readonly storeName: string;
  readonly #log: LoggerSlot;
  #store: UseStore | undefined;

  constructor(opts: IndexedDbCacheOptions = {}) {
    this.dbName = opts.dbName ?? DEFAULTS.dbName;
    this.storeName = opts.storeName ?? DEFAULTS.storeName;
    this.#log = new LoggerSlot(opts.logger);
  }

  /** Routes warnings through the client's logger (an explicit `logger` option wins). */
  setLogger(logger: Logger): void {
    this.#log.set(logger);
  }

  #idb(): UseStore | undefined {
    if (!hasIndexedDb()) return undefined;
    this.#store ??= openIdbStore(this.dbName, this.storeName);
    return this.#store;
  }

  /** The cached entry of `url`, or `undefined`. Never rejects. */
  async get(url: string): Promise<CacheEntry | undefined> {
    const store = this.#idb();
    if (!store) return undefined;
    let v: unknown;
    try {
      v = await get<unknown>(url, store);
    } catch (err) {
      this.#log.debug(`IndexedDbCacheAdapter: read failed (${errorKind(err)})`);
      return undefined;
    }
    if (v === undefined) return undefined;
    const entry = toEntry(v);
    if (!entry) this.#log.debug('IndexedDbCacheAdapter: ignoring a corrupt cache record');
    return entry;
  }

  /** Caches `entry` for `url`. Never rejects; failures are logged. */
  async set(url: string, entry: CacheEntry): Promise<void> {
    const store = this.#idb();
    if (!store) return;
    const record = {
      etag: entry.etag ?? null,
      lastModified: entry.lastModified ?? null,
      body: new Uint8Array(entry.body), // a copy that owns its buffer, whatever view the caller held
      storedAt: new Date().toISOString(),
    };
    try {
      await set(url, record, store);
    } catch (err) {
      this.#log.warn(`IndexedDbCacheAdapter: entry not cached (${errorKind(err)})`);
    }
  }

  /** Drops the entry of `url`. Never rejects. */
  async delete(url: string): Promise<void> {
    const store = this.#idb();
    if (!store) return;
    try {
      await del(url, store);
    } catch (err) {
      this.#log.debug(`IndexedDbCacheAdapter: delete failed (${errorKind(err)})`);
    }
  }

  /** Drops every entry of this object store. Never rejects. */
  async clear(): Promise<void> {
    const store = this.#idb();
    if (!store) return;
    try {
      await clear(store);
    } catch (err) {
      this.#log.debug(`IndexedDbCacheAdapter: clear failed (${errorKind(err)})`);
    }
  }
}

/** Structured clone across realms can yield a Uint8Array that fails `instanceof`; normalise before validating. */
function toEntry(v: unknown): CacheEntry | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const body = r.body;
  let bytes: Uint8Array | undefined;
  if (body instanceof Uint8Array) bytes = body;
  else if (ArrayBuffer.isView(body)) bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body);
  if (!bytes) return undefined;
  const entry = { etag: r.etag ?? null, lastModified: r.lastModified ?? null, body: bytes };
  return isCacheEntry(entry) ? entry : undefined;
}
