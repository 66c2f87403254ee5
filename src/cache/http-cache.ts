import { MemoryCacheAdapter } from './memory.js';
import type { CacheAdapter } from './types.js';

function header(headers: Headers | Record<string, string>, name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const rec = headers as Record<string, string>;
  for (const k of Object.keys(rec)) if (k.toLowerCase() === name) return rec[k] ?? null;
  return null;
}

/** Conditional-request cache (ETag / Last-Modified) over a {@link CacheAdapter}. Adapter failures count as misses. */
export class HttpCache {
  /** The storage in use. */
  readonly adapter: CacheAdapter;

  /** @param adapter storage; default a new {@link MemoryCacheAdapter} */
  constructor(adapter?: CacheAdapter) {
    this.adapter = adapter ?? new MemoryCacheAdapter();
  }

  async #entry(url: string) {
    try {
      return (await this.adapter.get(url)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** `If-None-Match` / `If-Modified-Since` for a cached URL; `{}` when nothing is cached. */
  async headersFor(url: string): Promise<Record<string, string>> {
    const e = await this.#entry(url);
    const out: Record<string, string> = {};
    if (!e) return out;
    if (e.etag) out['If-None-Match'] = e.etag;
    if (e.lastModified) out['If-Modified-Since'] = e.lastModified;
    return out;
  }

  /** Stores a 200 response body with its validators; responses without validators are not cached. */
  async update(url: string, headers: Headers | Record<string, string>, body: Uint8Array): Promise<void> {
    const etag = header(headers, 'etag');
    const lastModified = header(headers, 'last-modified');
    if (!etag && !lastModified) return;
    await this.adapter.set(url, { etag, lastModified, body });
  }

  /** Cached body of a URL, or `null`. */
  async getBody(url: string): Promise<Uint8Array | null> {
    return (await this.#entry(url))?.body ?? null;
  }
}
