import type { CacheAdapter, CacheEntry } from './types.js';

/** Limits of {@link MemoryCacheAdapter}. */
export interface MemoryCacheOptions {
  /** Most entries kept. @default 256 */
  maxEntries?: number;
  /** Most body bytes kept in total (an entry larger than this is not stored). @default 33_554_432 (32 MiB) */
  maxBytes?: number;
}

/** Default option values of {@link MemoryCacheAdapter}. */
const DEFAULTS = Object.freeze({ maxEntries: 256, maxBytes: 32 * 1024 * 1024 } as const);

/** In-memory LRU cache adapter, bounded by entry count and total body bytes. */
export class MemoryCacheAdapter implements CacheAdapter {
  readonly #map = new Map<string, CacheEntry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(opts: MemoryCacheOptions = {}) {
    this.#maxEntries = Math.max(1, opts.maxEntries ?? DEFAULTS.maxEntries);
    this.#maxBytes = Math.max(0, opts.maxBytes ?? DEFAULTS.maxBytes);
  }

  /** Entries currently held. */
  get size(): number {
    return this.#map.size;
  }

  /** Body bytes currently held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entry of a URL (marks it most recently used). */
  get(url: string): CacheEntry | undefined {
    const e = this.#map.get(url);
    if (!e) return undefined;
    this.#map.delete(url);
    this.#map.set(url, e);
    return e;
  }

  /** Stores an entry, evicting least recently used ones beyond the limits. */
  set(url: string, entry: CacheEntry): void {
    this.delete(url);
    if (entry.body.byteLength > this.#maxBytes) return;
    this.#map.set(url, entry);
    this.#bytes += entry.body.byteLength;
    for (const [k, v] of this.#map) {
      if (this.#map.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= v.body.byteLength;
    }
  }

  /** Removes the entry of a URL. */
  delete(url: string): void {
    const e = this.#map.get(url);
    if (!e) return;
    this.#map.delete(url);
    this.#bytes -= e.body.byteLength;
  }

  /** Removes every entry. */
  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}
