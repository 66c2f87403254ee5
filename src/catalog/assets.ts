/**
 * Asset downloads of the catalog: through the client's `getBytes` (HTTP cache, conditional requests, retries, the
 * shared concurrency limit; never with `Authorization`), confined to the one base origin, size-capped, coalesced.
 */
import type { BragerOneApiClient } from '../client.js';
import { CatalogError } from '../errors.js';

/** Largest asset the catalog reads (CATALOG.md §5). */
export const MAX_ASSET_BYTES = 20 * 1024 * 1024;

/** Fetches asset texts for one catalog; concurrent requests for one URL share one download. */
export class AssetFetcher {
  readonly #api: BragerOneApiClient;
  readonly #origin: string;
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(api: BragerOneApiClient) {
    this.#api = api;
    this.#origin = new URL(api.oneBase).origin;
  }

  /** The one base without a trailing slash. */
  get oneBase(): string {
    return this.#api.oneBase.replace(/\/+$/, '');
  }

  /** True when `url` stays on the one base origin over http(s) (CATALOG.md §5, URL confinement). */
  allowed(url: string): boolean {
    try {
      const u = new URL(url);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === this.#origin;
    } catch {
      return false;
    }
  }

  /** Downloads `url` as UTF-8 text. Rejects with the client's typed errors, or `CatalogError` for a foreign URL. */
  text(url: string, signal?: AbortSignal): Promise<string> {
    if (!this.allowed(url)) return Promise.reject(new CatalogError(`asset URL outside ${this.#origin} refused`));
    let p = this.#inflight.get(url);
    if (!p) {
      p = this.#download(url, signal).finally(() => this.#inflight.delete(url));
      this.#inflight.set(url, p);
    }
    return p;
  }

  async #download(url: string, signal?: AbortSignal): Promise<string> {
    const bytes = await this.#api.getBytes(url, signal ? { signal } : {});
    if (bytes.byteLength > MAX_ASSET_BYTES) {
      throw new CatalogError(
        `asset ${new URL(url).pathname} is ${bytes.byteLength} bytes, over the ${MAX_ASSET_BYTES} limit`,
      );
    }
    return new TextDecoder().decode(bytes);
  }
}
