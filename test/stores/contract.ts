/**
 * Shared contract suites for token stores and HTTP cache adapters. Every store / adapter of the SDK runs these
 * (Node here; the browser suite runs the same checks in Chromium through the built IIFE).
 */
import { describe, expect, it } from 'vitest';
import type { Token, TokenStore } from '../../src/auth/token.js';
import { HttpCache } from '../../src/cache/http-cache.js';
import type { CacheAdapter } from '../../src/cache/types.js';

/** A representative token (every field filled). */
export function sampleToken(overrides: Partial<Token> = {}): Token {
  return {
    accessToken: 'eyJhbGciOiJIUzI1NiJ9.contract-access.sig',
    refreshToken: 'eyJhbGciOiJIUzI1NiJ9.contract-refresh.sig',
    tokenType: 'bearer',
    expiresAt: '2030-05-01T12:00:00.000Z',
    userId: 4711,
    objects: [{ id: 1201, name: 'Demo House' }],
    ...overrides,
  };
}

export interface TokenStoreContractOptions {
  /** A second instance over the same backing value as `store` (omit when instances cannot share one). */
  reopen?: (store: TokenStore) => TokenStore | Promise<TokenStore>;
}

/** Runs the token-store contract against fresh stores from `makeStore` (each call: a new, empty backing). */
export function runTokenStoreContract(
  name: string,
  makeStore: () => TokenStore | Promise<TokenStore>,
  opts: TokenStoreContractOptions = {},
): void {
  describe(`TokenStore contract: ${name}`, () => {
    it('an empty store loads nothing', async () => {
      const store = await makeStore();
      expect((await store.load()) ?? null).toBeNull();
    });

    it('save then load round-trips every field', async () => {
      const store = await makeStore();
      const token = sampleToken();
      await store.save(token);
      expect(await store.load()).toEqual(token);
    });

    it('round-trips nullable fields as null and an empty objects list', async () => {
      const store = await makeStore();
      const token = sampleToken({ refreshToken: null, expiresAt: null, userId: null, objects: [] });
      await store.save(token);
      expect(await store.load()).toEqual(token);
    });

    it('round-trips long and non-ASCII values', async () => {
      const store = await makeStore();
      const token = sampleToken({ accessToken: `${'a'.repeat(4096)}.ż€😀`, objects: [{ id: 1, name: 'Dom Łódź ☃' }] });
      await store.save(token);
      expect(await store.load()).toEqual(token);
    });

    it('a later save replaces the earlier one', async () => {
      const store = await makeStore();
      await store.save(sampleToken({ accessToken: 'first-token-value' }));
      await store.save(sampleToken({ accessToken: 'second-token-value', userId: 7 }));
      const loaded = await store.load();
      expect(loaded?.accessToken).toBe('second-token-value');
      expect(loaded?.userId).toBe(7);
    });

    it('clear removes the token and is idempotent', async () => {
      const store = await makeStore();
      await store.save(sampleToken());
      await store.clear();
      expect((await store.load()) ?? null).toBeNull();
      await store.clear();
      expect((await store.load()) ?? null).toBeNull();
    });

    it('saving after clear works', async () => {
      const store = await makeStore();
      await store.save(sampleToken({ accessToken: 'before-clear' }));
      await store.clear();
      await store.save(sampleToken({ accessToken: 'after-clear' }));
      expect((await store.load())?.accessToken).toBe('after-clear');
    });

    it('keeps a snapshot: mutating the saved or loaded object does not change the store', async () => {
      const store = await makeStore();
      const token = sampleToken();
      await store.save(token);
      token.accessToken = 'mutated-after-save';
      const loaded = await store.load();
      expect(loaded?.accessToken).toBe(sampleToken().accessToken);
      if (loaded) loaded.accessToken = 'mutated-after-load';
      expect((await store.load())?.accessToken).toBe(sampleToken().accessToken);
    });

    it('concurrent saves leave one complete token', async () => {
      const store = await makeStore();
      const tokens = Array.from({ length: 10 }, (_, i) => sampleToken({ accessToken: `concurrent-${i}`, userId: i }));
      await Promise.all(tokens.map((t) => store.save(t)));
      const loaded = await store.load();
      expect(tokens).toContainEqual(loaded);
    });

    it('optional members are well-formed when present', async () => {
      const store = await makeStore();
      if (store.lockKey !== undefined) {
        expect(typeof store.lockKey).toBe('string');
        expect(store.lockKey.length).toBeGreaterThan(0);
      }
      if (store.watch) {
        const off = store.watch(() => {});
        expect(typeof off).toBe('function');
        off();
        off(); // unsubscribing twice is harmless
      }
      if (store.setLogger) store.setLogger({ debug() {}, info() {}, warn() {}, error() {} });
    });

    if (opts.reopen) {
      const reopen = opts.reopen;
      it('another instance over the same backing sees saves and clears', async () => {
        const a = await makeStore();
        const b = await reopen(a);
        await a.save(sampleToken({ accessToken: 'shared-token' }));
        expect((await b.load())?.accessToken).toBe('shared-token');
        await b.clear();
        expect((await a.load()) ?? null).toBeNull();
        if (a.lockKey !== undefined) expect(b.lockKey).toBe(a.lockKey);
      });
    }
  });
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

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
      expect(await cache.headersFor(url)).toEqual({ 'If-None-Match': '"e1"', 'If-Modified-Since': 'Wed, 01 May 2030 12:00:00 GMT' });
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
