import { afterEach, describe, expect, it } from 'vitest';
import { serializeToken } from '../../src/auth/token.js';
import { isBragerOneError } from '../../src/errors.js';
import { LocalStorageTokenStore } from '../../src/stores/local-storage.js';
import { runTokenStoreContract, sampleToken } from './contract.js';
import { MemoryStorage } from './helpers.js';
import { captureLogger } from '../helpers/logger.js';

const storages = new WeakMap<object, MemoryStorage>();
runTokenStoreContract(
  'LocalStorageTokenStore (in-memory Storage)',
  () => {
    const storage = new MemoryStorage();
    const store = new LocalStorageTokenStore({ storage, logger: captureLogger() });
    storages.set(store, storage);
    return store;
  },
  {
    reopen: (s) => new LocalStorageTokenStore({ storage: storages.get(s), logger: captureLogger() }),
  },
);

type G = { localStorage?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
const g = globalThis as G;

afterEach(() => {
  delete g.localStorage;
  delete g.addEventListener;
  delete g.removeEventListener;
});

describe('LocalStorageTokenStore', () => {
  it('writes the plain Token JSON record under its key', async () => {
    const storage = new MemoryStorage();
    await new LocalStorageTokenStore({ storage }).save(sampleToken());
    expect(JSON.parse(storage.getItem('bragerone.token') ?? '')).toEqual(sampleToken());
    await new LocalStorageTokenStore({ storage, key: 'other' }).save(sampleToken({ accessToken: 'other-key' }));
    expect(storage.getItem('other')).toContain('other-key');
  });

  it('reads the snake_case record of PROTOCOL.md §3.6', async () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'bragerone.token',
      JSON.stringify({
        access_token: 'snake-token',
        token_type: 'bearer',
        refresh_token: 'r',
        expires_at: '2030-05-01T12:00:00+00:00',
        objects: [],
      }),
    );
    const t = await new LocalStorageTokenStore({ storage }).load();
    expect(t).toMatchObject({
      accessToken: 'snake-token',
      refreshToken: 'r',
      expiresAt: '2030-05-01T12:00:00.000Z' /* normalised */,
      userId: null,
    });
  });

  it.each([
    ['not JSON', '{nope'],
    ['JSON null', 'null'],
    ['a JSON string', '"eyJ.token"'],
    ['an array', '[1,2]'],
    ['no accessToken', '{"refreshToken":"x"}'],
    ['a numeric accessToken', '{"accessToken":42}'],
    ['an empty accessToken', '{"accessToken":""}'],
    ['an empty string', ''],
  ])('corrupt value (%s) → null with a warning that does not echo the value', async (_label, raw) => {
    const storage = new MemoryStorage();
    storage.setItem('bragerone.token', raw);
    const logger = captureLogger();
    await expect(new LocalStorageTokenStore({ storage, logger }).load()).resolves.toBeNull();
    expect(logger.warnings()).toHaveLength(1);
    expect(logger.warnings()[0]).toMatch(/corrupt/);
    if (raw.length > 3) expect(logger.warnings()[0]).not.toContain(raw);
  });

  it('resolves localStorage lazily: constructing before it exists, using it after', async () => {
    const store = new LocalStorageTokenStore({ logger: captureLogger() });
    const storage = new MemoryStorage();
    g.localStorage = storage;
    await store.save(sampleToken({ accessToken: 'lazy-token' }));
    expect(storage.getItem('bragerone.token')).toContain('lazy-token');
  });

  it('does not touch localStorage at construction', () => {
    let touched = 0;
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        touched++;
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    new LocalStorageTokenStore();
    expect(touched).toBe(0);
  });

  it('without any storage: load → null + one warning, save rejects, clear resolves', async () => {
    const logger = captureLogger();
    const store = new LocalStorageTokenStore({ logger });
    await expect(store.load()).resolves.toBeNull();
    await expect(store.load()).resolves.toBeNull();
    expect(logger.warnings()).toHaveLength(1);
    expect(logger.warnings()[0]).toMatch(/unavailable/);
    const err = await store.save(sampleToken()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBragerOneError(err)).toBe(true);
    await expect(store.clear()).resolves.toBeUndefined();
  });

  it('a SecurityError from the localStorage getter → load null + warning; save rejects with BragerOneError', async () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    const logger = captureLogger();
    const store = new LocalStorageTokenStore({ logger });
    await expect(store.load()).resolves.toBeNull();
    expect(logger.warnings()[0]).toMatch(/SecurityError/);
    await expect(store.save(sampleToken())).rejects.toMatchObject({ name: 'BragerOneError' });
  });

  it('a getItem that throws → load null, never rejects', async () => {
    const storage = new MemoryStorage();
    storage.getItem = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    await expect(new LocalStorageTokenStore({ storage, logger: captureLogger() }).load()).resolves.toBeNull();
  });

  it('QuotaExceededError → rejects with a clear BragerOneError, previous value intact, no secret in the message', async () => {
    const storage = new MemoryStorage(600);
    const store = new LocalStorageTokenStore({ storage });
    const small = sampleToken({ accessToken: 'small-token' });
    await store.save(small);
    const huge = sampleToken({ accessToken: `huge-${'x'.repeat(2000)}` });
    const err = (await store.save(huge).then(
      () => null,
      (e: unknown) => e,
    )) as Error | null;
    expect(isBragerOneError(err)).toBe(true);
    expect(err?.message).toMatch(/quota/i);
    expect(err?.message).not.toContain('huge-');
    expect(JSON.stringify(err)).not.toContain('huge-');
    expect(await store.load()).toEqual(small);
  });

  it('clear removes only its own key', async () => {
    const storage = new MemoryStorage();
    storage.setItem('unrelated', 'keep');
    const store = new LocalStorageTokenStore({ storage });
    await store.save(sampleToken());
    await store.clear();
    expect(storage.getItem('bragerone.token')).toBeNull();
    expect(storage.getItem('unrelated')).toBe('keep');
  });

  it('lockKey is derived from the key', () => {
    expect(new LocalStorageTokenStore().lockKey).toBe('bragerone.token:localStorage:bragerone.token');
    expect(new LocalStorageTokenStore({ key: 'k2' }).lockKey).toBe('bragerone.token:localStorage:k2');
  });

  it('watch follows storage events for its key and storage area only', () => {
    const target = new EventTarget();
    g.addEventListener = target.addEventListener.bind(target);
    g.removeEventListener = target.removeEventListener.bind(target);
    const storage = new MemoryStorage();
    const other = new MemoryStorage();
    const store = new LocalStorageTokenStore({ storage });
    const seen: unknown[] = [];
    const off = store.watch((t) => seen.push(t ? t.accessToken : null));
    const fire = (init: { key: string | null; newValue: string | null; storageArea: Storage | null }) =>
      target.dispatchEvent(Object.assign(new Event('storage'), init));
    fire({
      key: 'bragerone.token',
      newValue: serializeToken(sampleToken({ accessToken: 'from-other-tab' })),
      storageArea: storage,
    });
    fire({ key: 'unrelated', newValue: 'x', storageArea: storage });
    fire({ key: 'bragerone.token', newValue: serializeToken(sampleToken()), storageArea: other });
    fire({ key: 'bragerone.token', newValue: '{corrupt', storageArea: storage });
    fire({ key: 'bragerone.token', newValue: null, storageArea: storage });
    fire({ key: null, newValue: null, storageArea: storage });
    expect(seen).toEqual(['from-other-tab', null, null, null]);
    off();
    fire({ key: 'bragerone.token', newValue: serializeToken(sampleToken()), storageArea: storage });
    expect(seen).toHaveLength(4);
  });

  it('watch outside a window subscribes to nothing, and a later window event never reaches the callback', async () => {
    const storage = new MemoryStorage();
    const seen: unknown[] = [];
    // Half a window (no removeEventListener): subscribing there could never be undone, so watch() must not.
    const added: string[] = [];
    g.addEventListener = (type: string) => void added.push(type);
    const off = new LocalStorageTokenStore({ storage }).watch((t) => seen.push(t));
    expect(added).toEqual([]);
    // No window at all: another instance's save, and a storage event on a window installed afterwards, are not seen.
    delete g.addEventListener;
    const off2 = new LocalStorageTokenStore({ storage }).watch((t) => seen.push(t));
    await new LocalStorageTokenStore({ storage }).save(sampleToken());
    const target = new EventTarget();
    g.addEventListener = target.addEventListener.bind(target);
    g.removeEventListener = target.removeEventListener.bind(target);
    target.dispatchEvent(
      Object.assign(new Event('storage'), { key: 'bragerone.token', newValue: null, storageArea: storage }),
    );
    expect(seen).toEqual([]);
    expect(() => {
      off();
      off2();
    }).not.toThrow();
  });

  it('setLogger routes warnings to the client logger unless an explicit logger was given', async () => {
    const storage = new MemoryStorage();
    storage.setItem('bragerone.token', '{corrupt');
    const clientLog = captureLogger();
    const store = new LocalStorageTokenStore({ storage });
    store.setLogger(clientLog);
    await store.load();
    expect(clientLog.warnings()).toHaveLength(1);
    const own = captureLogger();
    const store2 = new LocalStorageTokenStore({ storage, logger: own });
    const clientLog2 = captureLogger();
    store2.setLogger(clientLog2);
    await store2.load();
    expect(own.warnings()).toHaveLength(1);
    expect(clientLog2.warnings()).toHaveLength(0);
  });
});
