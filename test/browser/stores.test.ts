/**
 * Browser token stores and cache adapter, in Chromium, through the built script-tag bundle (global `BragerOne`).
 * The shared contract suites (test/stores/contract.ts, test/cache/contract.ts) run against Node-side proxies that forward every call
 * into the page, so the browser stores pass exactly the checks the Node stores pass.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { Token, TokenStore } from '../../src/auth/token.js';
import type { CacheAdapter, CacheEntry } from '../../src/cache/types.js';
import { describeBrowser } from '../helpers/browser.js';
import { runCacheAdapterContract } from '../cache/contract.js';
import { runTokenStoreContract, sampleToken } from '../stores/contract.js';

type StoreKind = 'IndexedDbTokenStore' | 'LocalStorageTokenStore';

declare global {
  interface Window {
    __objs: Record<string, unknown>;
    __seen: Record<string, unknown[]>;
  }
}

describeBrowser('browser stores and cache (Chromium, built IIFE)', (suite) => {
  let page: Page | undefined;
  let seq = 0;

  beforeEach(() => {
    page = undefined;
  });

  /** The harness page of the current test (one per test, opened on first use). */
  async function harness(): Promise<Page> {
    if (!page) {
      page = await suite().newPage();
      await page.goto(suite().url('/fixtures/harness.html'));
      await page.evaluate(() => {
        window.__objs = {};
        window.__seen = {};
      });
    }
    return page;
  }

  /** Creates `new BragerOne[kind](opts)` in the page and returns a Node-side proxy forwarding to it. */
  async function pageStore(kind: StoreKind, opts: Record<string, unknown> = {}): Promise<TokenStore & { id: string }> {
    const p = await harness();
    const id = `s${++seq}`;
    const lockKey = await p.evaluate(
      ([k, o, i]) => {
        const s = new window.BragerOne[k as StoreKind](o) as { lockKey?: string };
        window.__objs[i as string] = s;
        return s.lockKey;
      },
      [kind, opts, id] as const,
    );
    type S = { load(): Promise<Token | null>; save(t: Token): Promise<void>; clear(): Promise<void> };
    return {
      id,
      lockKey,
      load: () => p.evaluate((i) => (window.__objs[i] as S).load(), id),
      save: (t: Token) => p.evaluate(([i, tok]) => (window.__objs[i] as S).save(tok), [id, t] as const),
      clear: () => p.evaluate((i) => (window.__objs[i] as S).clear(), id),
    };
  }

  /** Same for the IndexedDB cache adapter; bodies cross the page boundary as number arrays. */
  async function pageCache(opts: Record<string, unknown> = {}): Promise<CacheAdapter> {
    const p = await harness();
    const id = `c${++seq}`;
    await p.evaluate(
      ([o, i]) => {
        window.__objs[i as string] = new window.BragerOne.IndexedDbCacheAdapter(o);
      },
      [opts, id] as const,
    );
    type A = {
      get(u: string): Promise<CacheEntry | undefined>;
      set(u: string, e: CacheEntry): Promise<void>;
      delete(u: string): Promise<void>;
      clear(): Promise<void>;
    };
    return {
      get: async (url) => {
        const r = await p.evaluate(
          async ([i, u]) => {
            const e = await (window.__objs[i] as A).get(u);
            if (!e) return undefined;
            if (!(e.body instanceof Uint8Array)) throw new Error('body is not a Uint8Array');
            return { etag: e.etag, lastModified: e.lastModified, body: Array.from(e.body) };
          },
          [id, url] as const,
        );
        return r ? { ...r, body: Uint8Array.from(r.body) } : undefined;
      },
      set: (url, e) =>
        p.evaluate(
          ([i, u, etag, lm, body]) =>
            (window.__objs[i as string] as A).set(u as string, {
              etag: etag as string | null,
              lastModified: lm as string | null,
              body: new Uint8Array(body as number[]),
            }),
          [id, url, e.etag, e.lastModified, Array.from(e.body)] as const,
        ),
      delete: (url) => p.evaluate(([i, u]) => (window.__objs[i] as A).delete(u), [id, url] as const),
      clear: () => p.evaluate((i) => (window.__objs[i] as A).clear(), id),
    };
  }

  runTokenStoreContract('IndexedDbTokenStore (Chromium)', () => pageStore('IndexedDbTokenStore'), {
    reopen: () => pageStore('IndexedDbTokenStore'),
  });
  runTokenStoreContract('LocalStorageTokenStore (Chromium localStorage)', () => pageStore('LocalStorageTokenStore'), {
    reopen: () => pageStore('LocalStorageTokenStore'),
  });
  runCacheAdapterContract('IndexedDbCacheAdapter (Chromium)', () => pageCache(), { reopen: () => pageCache() });

  it('loading the bundle has no side effects: no database, no storage key, no error', async () => {
    const p = await harness();
    const state = await p.evaluate(async () => ({
      dbs: (await indexedDB.databases()).map((d) => d.name),
      keys: localStorage.length,
      global: typeof window.BragerOne,
    }));
    expect(state).toEqual({ dbs: [], keys: 0, global: 'object' });
    // constructing stores opens nothing either
    await pageStore('IndexedDbTokenStore');
    await pageCache();
    expect(await p.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
    expect(suite().errors).toEqual([]);
  });

  it('IndexedDbTokenStore keeps a plain object record with the Token field names', async () => {
    const p = await harness();
    const s = await pageStore('IndexedDbTokenStore');
    await s.save(sampleToken());
    const raw = await p.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const req = indexedDB.open('bragerone');
          req.onsuccess = () => {
            const get = req.result.transaction('tokens').objectStore('tokens').get('bragerone.token');
            get.onsuccess = () => resolve(get.result);
            get.onerror = () => reject(get.error);
          };
          req.onerror = () => reject(req.error);
        }),
    );
    expect(raw).toEqual(sampleToken());
  });

  it('garbage in IndexedDB → load() resolves null, never throws; snake_case and string records are read', async () => {
    const p = await harness();
    const s = await pageStore('IndexedDbTokenStore');
    await s.save(sampleToken()); // creates the database
    const results = await p.evaluate(async (id) => {
      const store = window.__objs[id] as { load(): Promise<Token | null> };
      const put = (value: unknown) =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('bragerone');
          req.onsuccess = () => {
            const tx = req.result.transaction('tokens', 'readwrite');
            tx.objectStore('tokens').put(value, 'bragerone.token');
            tx.oncomplete = () => {
              req.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          req.onerror = () => reject(req.error);
        });
      const garbage: [string, unknown][] = [
        ['number', 42],
        ['bad JSON string', '{not json'],
        ['numeric accessToken', { accessToken: 1 }],
        ['empty accessToken', { accessToken: '' }],
        ['array', [1, 2, 3]],
        ['null', null],
        ['blob', new Blob(['{"accessToken":"x"}'])],
        ['bytes', new Uint8Array([1, 2, 3])],
        ['date', new Date()],
      ];
      const out: Record<string, unknown> = {};
      for (const [label, value] of garbage) {
        await put(value);
        try {
          out[label] = await store.load();
        } catch (e) {
          out[label] = `threw ${String(e)}`;
        }
      }
      await put({
        access_token: 'snake-token',
        token_type: 'bearer',
        refresh_token: null,
        expires_at: null,
        objects: [],
      });
      out.snake = (await store.load())?.accessToken;
      await put(JSON.stringify({ accessToken: 'string-record' }));
      out.string = (await store.load())?.accessToken;
      return out;
    }, s.id);
    expect(results).toEqual({
      number: null,
      'bad JSON string': null,
      'numeric accessToken': null,
      'empty accessToken': null,
      array: null,
      null: null,
      blob: null,
      bytes: null,
      date: null,
      snake: 'snake-token',
      string: 'string-record',
    });
  });

  it('a database that exists without the tokens store is upgraded, not fatal', async () => {
    const p = await harness();
    await p.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('bragerone', 3);
          req.onupgradeneeded = () => req.result.createObjectStore('something-else');
          req.onsuccess = () => {
            req.result.close();
            resolve();
          };
          req.onerror = () => reject(req.error);
        }),
    );
    const s = await pageStore('IndexedDbTokenStore');
    expect(await s.load()).toBeNull();
    await s.save(sampleToken({ accessToken: 'after-upgrade' }));
    expect((await s.load())?.accessToken).toBe('after-upgrade');
    const stores = await p.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const req = indexedDB.open('bragerone');
          req.onsuccess = () => {
            resolve([...req.result.objectStoreNames]);
            req.result.close();
          };
        }),
    );
    expect(stores.sort()).toEqual(['something-else', 'tokens']);
  });

  it('the token store and the cache adapter can share one database', async () => {
    const s = await pageStore('IndexedDbTokenStore', { dbName: 'shared' });
    const c = await pageCache({ dbName: 'shared' });
    await s.save(sampleToken({ accessToken: 'shared-db' }));
    await c.set('https://x.test/a', { etag: '"a"', lastModified: null, body: Uint8Array.from([5]) });
    expect((await s.load())?.accessToken).toBe('shared-db');
    expect((await c.get('https://x.test/a'))?.etag).toBe('"a"');
  });

  it('garbage in localStorage → load() resolves null, never throws', async () => {
    const p = await harness();
    const s = await pageStore('LocalStorageTokenStore');
    const results = await p.evaluate(async (id) => {
      const store = window.__objs[id] as { load(): Promise<Token | null> };
      const out: unknown[] = [];
      for (const v of ['{not json', '42', 'null', '[]', '{"accessToken":7}', '"str"', '', '\u0000\uffff']) {
        localStorage.setItem('bragerone.token', v);
        try {
          out.push(await store.load());
        } catch (e) {
          out.push(`threw ${String(e)}`);
        }
      }
      return out;
    }, s.id);
    expect(results).toEqual(Array(8).fill(null));
  });

  it('localStorage quota exceeded → save rejects with BragerOneError, previous token intact', async () => {
    const p = await harness();
    const s = await pageStore('LocalStorageTokenStore');
    await s.save(sampleToken({ accessToken: 'small-one' }));
    const err = await p.evaluate(async (id) => {
      const store = window.__objs[id] as { save(t: Token): Promise<void> };
      const huge = {
        accessToken: 'huge',
        refreshToken: null,
        tokenType: 'bearer',
        expiresAt: null,
        userId: null,
        objects: ['x'.repeat(12_000_000)],
      };
      try {
        await store.save(huge);
        return null;
      } catch (e) {
        const x = e as Error & { cause?: { name?: string } };
        return { name: x.name, message: x.message, cause: x.cause?.name };
      }
    }, s.id);
    expect(err).toMatchObject({ name: 'BragerOneError', cause: 'QuotaExceededError' });
    expect(err?.message).toMatch(/quota/i);
    expect((await s.load())?.accessToken).toBe('small-one');
  });

  it('corrupt IndexedDB cache records read as misses', async () => {
    const p = await harness();
    const c = await pageCache();
    await c.set('https://x.test/ok', { etag: '"1"', lastModified: null, body: Uint8Array.from([1]) });
    const results = await p.evaluate(async () => {
      const put = (key: string, value: unknown) =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('bragerone-cache');
          req.onsuccess = () => {
            const tx = req.result.transaction('http', 'readwrite');
            tx.objectStore('http').put(value, key);
            tx.oncomplete = () => {
              req.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          req.onerror = () => reject(req.error);
        });
      const adapter = new window.BragerOne.IndexedDbCacheAdapter() as { get(u: string): Promise<unknown> };
      const cases: [string, unknown][] = [
        ['string', 'garbage'],
        ['no body', { etag: '"x"', lastModified: null }],
        ['string body', { etag: '"x"', lastModified: null, body: 'abc' }],
        ['numeric etag', { etag: 5, lastModified: null, body: new Uint8Array(1) }],
      ];
      const out: Record<string, unknown> = {};
      for (const [label, v] of cases) {
        await put(`https://x.test/${label}`, v);
        out[label] = (await adapter.get(`https://x.test/${label}`)) ?? 'miss';
      }
      await put('https://x.test/buffer', { etag: '"b"', lastModified: null, body: new Uint8Array([7, 8]).buffer });
      const b = (await adapter.get('https://x.test/buffer')) as { body: Uint8Array } | undefined;
      out.buffer = b ? Array.from(b.body) : 'miss';
      return out;
    });
    expect(results).toEqual({
      string: 'miss',
      'no body': 'miss',
      'string body': 'miss',
      'numeric etag': 'miss',
      buffer: [7, 8],
    });
  });

  for (const kind of ['IndexedDbTokenStore', 'LocalStorageTokenStore'] as const) {
    it(`${kind}.watch() in one tab sees save and clear of another tab (not its own)`, async () => {
      const a = await harness();
      const b = await suite().newPage();
      await b.goto(suite().url('/fixtures/harness.html'));
      await a.evaluate((k) => {
        const s = new window.BragerOne[k]() as {
          watch(cb: (t: Token | null) => void): () => void;
          save(t: Token): Promise<void>;
        };
        window.__objs.watcher = s;
        window.__seen.w = [];
        s.watch((t) => window.__seen.w?.push(t ? t.accessToken : null));
      }, kind);
      // own change: not reported
      await a.evaluate(
        (t) => (window.__objs.watcher as { save(t: Token): Promise<void> }).save(t),
        sampleToken({ accessToken: 'own-change' }),
      );
      const other = async (op: 'save' | 'clear', token?: Token) =>
        b.evaluate(
          async ([k, o, t]) => {
            const s = new window.BragerOne[k as StoreKind]() as {
              save(t: Token): Promise<void>;
              clear(): Promise<void>;
            };
            if (o === 'save') await s.save(t as Token);
            else await s.clear();
          },
          [kind, op, token ?? null] as const,
        );
      await other('save', sampleToken({ accessToken: 'from-tab-b' }));
      await expect.poll(() => a.evaluate(() => window.__seen.w)).toEqual(['from-tab-b']);
      await other('clear');
      await expect.poll(() => a.evaluate(() => window.__seen.w)).toEqual(['from-tab-b', null]);
      await other('save', sampleToken({ accessToken: 'again' }));
      await expect.poll(() => a.evaluate(() => window.__seen.w)).toEqual(['from-tab-b', null, 'again']);
    });
  }
});
