import type { Logger } from '../log.js';

/** One cached HTTP response body with its validators. */
export interface CacheEntry {
  etag: string | null;
  lastModified: string | null;
  body: Uint8Array;
}

/** Storage behind {@link HttpCache}. `get()` returns `undefined` for missing or corrupt entries and never throws. */
export interface CacheAdapter {
  /** Entry of a URL, or `undefined` when missing or corrupt. Never throws. */
  get(url: string): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  /** Stores or replaces the entry of a URL. */
  set(url: string, entry: CacheEntry): void | Promise<void>;
  /** Removes the entry of a URL. */
  delete(url: string): void | Promise<void>;
  /** Removes every entry. */
  clear?(): void | Promise<void>;
  /** Optional: the client passes its logger so adapter warnings go through it. */
  setLogger?(logger: Logger): void;
}

/** True when `v` has the shape of a {@link CacheEntry}; adapters use it to reject corrupt stored values. */
export function isCacheEntry(v: unknown): v is CacheEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const okStr = (x: unknown) => x === null || typeof x === 'string';
  return okStr(e.etag) && okStr(e.lastModified) && e.body instanceof Uint8Array;
}
