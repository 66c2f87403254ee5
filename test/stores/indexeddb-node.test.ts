// IndexedDB itself is exercised in Chromium (test/browser). Here: behaviour where IndexedDB does not exist (Node)
// and the "no side effects until first use" rule.
import { afterEach, describe, expect, it } from 'vitest';
import { IndexedDbCacheAdapter } from '../../src/cache/indexeddb.js';
import { isBragerOneError } from '../../src/errors.js';
import { IndexedDbTokenStore } from '../../src/stores/indexeddb.js';
import { sampleToken } from './contract.js';
import { captureLogger } from '../helpers/logger.js';
import { until } from '../helpers/wait.js';

const g = globalThis as { indexedDB?: unknown };
afterEach(() => {
  delete g.indexedDB;
});

describe('IndexedDbTokenStore without IndexedDB', () => {
  it('load → null with one warning; save rejects with BragerOneError; clear resolves', async () => {
    const logger = captureLogger();
    const store = new IndexedDbTokenStore({ logger });
    expect(await store.load()).toBeNull();
    expect(await store.load()).toBeNull();
    expect(logger.warnings()).toHaveLength(1);
    const err = await store.save(sampleToken()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBragerOneError(err)).toBe(true);
    expect((err as Error).message).not.toContain(sampleToken().accessToken);
    await expect(store.clear()).resolves.toBeUndefined();
  });

  it('an indexedDB whose open() fails → load null + warning, never throws', async () => {
    g.indexedDB = {
      open() {
        throw new DOMException('blocked', 'SecurityError');
      },
    };
    const logger = captureLogger();
    expect(await new IndexedDbTokenStore({ logger }).load()).toBeNull();
    expect(logger.warnings()[0]).toMatch(/SecurityError/);
  });

  it('an indexedDB whose open request errors → load null + warning', async () => {
    g.indexedDB = {
      open() {
        const req: { onerror?: () => void; error: DOMException } = { error: new DOMException('nope', 'UnknownError') };
        setTimeout(() => req.onerror?.(), 0);
        return req;
      },
    };
    const logger = captureLogger();
    expect(await new IndexedDbTokenStore({ logger }).load()).toBeNull();
    expect(logger.warnings()[0]).toMatch(/UnknownError/);
  });

  it('constructing opens nothing and creates no BroadcastChannel', () => {
    let opened = 0;
    g.indexedDB = {
      open() {
        opened++;
        throw new Error('should not open');
      },
    };
    const store = new IndexedDbTokenStore({ key: 'k', dbName: 'd', storeName: 's' });
    new IndexedDbCacheAdapter();
    expect(opened).toBe(0);
    expect(store.lockKey).toBe('bragerone.token:indexeddb:d/s/k');
  });

  it('watch without IndexedDB still follows the change channel, and stops after unsubscribing', async () => {
    // Another tab announces on the store's BroadcastChannel; a 'cleared' message needs no IndexedDB to be reported.
    const name = 'bragerone.token:bragerone/tokens/bragerone.token';
    const peer = new BroadcastChannel(name);
    const seen: unknown[] = [];
    const off = new IndexedDbTokenStore().watch((t) => seen.push(t));
    const probe: unknown[] = [];
    const offProbe = new IndexedDbTokenStore().watch((t) => probe.push(t));
    try {
      peer.postMessage({ type: 'cleared' });
      await until(() => seen.length === 1 && probe.length === 1, 'the cleared message');
      expect(seen).toEqual([null]);
      off();
      off(); // idempotent
      peer.postMessage({ type: 'cleared' });
      await until(() => probe.length === 2, 'the second message at the probe');
      expect(seen).toEqual([null]);
    } finally {
      offProbe();
      peer.close();
    }
  });
});
