/**
 * Shared contract suite for token stores (the cache adapters' one is test/cache/contract.ts). Every store of the SDK
 * runs it (Node here; the browser suite runs the same checks in Chromium through the built IIFE).
 */
import { describe, expect, it } from 'vitest';
import type { Token, TokenStore } from '../../src/auth/token.js';

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
