/**
 * Shared contract suite for HTTP cache adapters. Every adapter of the SDK runs it (Node here; the browser suite runs
 * the same checks in Chromium through the built IIFE).
 */
import { describe, expect, it } from 'vitest';
import { HttpCache } from '../../src/cache/http-cache.js';
import type { CacheAdapter } from '../../src/cache/types.js';

/** Runs the cache-adapter contract against fresh adapters from `makeAdapter` (each call: a new, empty backing). */
export function runCacheAdapterContract(
  name: string,
  makeAdapter: () => CacheAdapter | Promise<CacheAdapter>,
  opts: { reopen?: (a: CacheAdapter) => CacheAdapter | Promise<CacheAdapter> } = {},
): void {
  describe(`CacheAdapter contract: ${name}`, () => {
    const url = 'https://one.example.test/assets/index-AbC_1-.js?x=1&y=%20';

    it('a missing entry is undefined', async () => {
      const a = await makeAdapter();
      expect(await a.get(url)).toBeUndefined();
    });

    it('set then get round-trips validators and body bytes', async () => {
      const a = await makeAdapter();
      const body = Uint8Array.from({ length: 256 }, (_, i) => i); // every byte value, including \n and \0
      await a.set(url, { etag: 'W/"abc-1"', lastModified: 'Wed, 01 May 2030 12:00:00 GMT', body });
      const e = await a.get(url);
      expect(e?.etag).toBe('W/"abc-1"');
      expect(e?.lastModified).toBe('Wed, 01 May 2030 12:00:00 GMT');
      expect(e?.body).toBeInstanceOf(Uint8Array);
      expect(Array.from(e?.body ?? [])).toEqual(Array.from(body));
    });

    it('null validators and an empty body round-trip', async () => {
      const a = await makeAdapter();
      await a.set(url, { etag: null, lastModified: null, body: new Uint8Array(0) });
      const e = await a.get(url);
      expect(e).toBeDefined();
      expect(e?.etag).toBeNull();
      expect(e?.lastModified).toBeNull();
      expect(e?.body.byteLength).toBe(0);
    });

    it('a view into a larger buffer stores only its bytes', async () => {
      const a = await makeAdapter();
      const big = Uint8Array.from([9, 9, 1, 2, 3, 9]);
      await a.set(url, { etag: '"v"', lastModified: null, body: big.subarray(2, 5) });
      expect(Array.from((await a.get(url))?.body ?? [])).toEqual([1, 2, 3]);
    });

    it('entries are keyed by the exact URL', async () => {
      const a = await makeAdapter();
      await a.set(`${url}#1`, { etag: '"1"', lastModified: null, body: bytes(1) });
      await a.set(`${url.toUpperCase()}`, { etag: '"2"', lastModified: null, body: bytes(2) });
      expect((await a.get(`${url}#1`))?.etag).toBe('"1"');
      expect((await a.get(url.toUpperCase()))?.etag).toBe('"2"');
      expect(await a.get(url)).toBeUndefined();
    });

    it('set replaces, delete removes, delete of a missing entry is fine', async () => {
      const a = await makeAdapter();
      await a.set(url, { etag: '"1"', lastModified: null, body: bytes(1) });
      await a.set(url, { etag: '"2"', lastModified: null, body: bytes(2, 2) });
      expect((await a.get(url))?.etag).toBe('"2"');
      expect(Array.from((await a.get(url))?.body ?? [])).toEqual([2, 2]);
      await a.delete(url);
      expect(await a.get(url)).toBeUndefined();
      await a.delete(url);
      await a.delete('https://never.example.test/');
    });

    it('clear (when supported) removes every entry', async () => {
      const a = await makeAdapter();
      if (!a.clear) return;
      await a.set(`${url}a`, { etag: '"a"', lastModified: null, body: bytes(1) });
      await a.set(`${url}b`, { etag: '"b"', lastModified: null, body: bytes(2) });
      await a.clear();
      expect(await a.get(`${url}a`)).toBeUndefined();
      expect(await a.get(`${url}b`)).toBeUndefined();
      await a.clear();
    });

    it('works under HttpCache: conditional headers and cached body', async () => {
      const cache = new HttpCache(await makeAdapter());
      expect(await cache.headersFor(url)).toEqual({});
      await cache.update(url, { ETag: '"e1"', 'Last-Modified': 'Wed, 01 May 2030 12:00:00 GMT' }, bytes(7, 8));
      expect(await cache.headersFor(url)).toEqual({
        'If-None-Match': '"e1"',
        'If-Modified-Since': 'Wed, 01 May 2030 12:00:00 GMT',
      });
      expect(Array.from((await cache.getBody(url)) ?? [])).toEqual([7, 8]);
    });

    if (opts.reopen) {
      const reopen = opts.reopen;
      it('another instance over the same backing sees the entries', async () => {
        const a = await makeAdapter();
        await a.set(url, { etag: '"shared"', lastModified: null, body: bytes(4, 2) });
        const b = await reopen(a);
        expect((await b.get(url))?.etag).toBe('"shared"');
        expect(Array.from((await b.get(url))?.body ?? [])).toEqual([4, 2]);
      });
    }
  });
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
