// IndexedDB itself is exercised in Chromium (test/browser/cache.test.ts). Here: the adapter where IndexedDB does not exist (Node).
import { describe, expect, it } from 'vitest';
import { IndexedDbCacheAdapter } from '../../src/cache/indexeddb.js';

describe('IndexedDbCacheAdapter without IndexedDB', () => {
  it('is a silent miss and never rejects', async () => {
    const a = new IndexedDbCacheAdapter();
    expect(await a.get('https://x.test/')).toBeUndefined();
    await expect(
      a.set('https://x.test/', { etag: '"1"', lastModified: null, body: new Uint8Array([1]) }),
    ).resolves.toBeUndefined();
    expect(await a.get('https://x.test/')).toBeUndefined();
    await expect(a.delete('https://x.test/')).resolves.toBeUndefined();
    await expect(a.clear()).resolves.toBeUndefined();
  });
});
