/**
 * `getBytes()` over `IndexedDbCacheAdapter` in Chromium: after a reload the conditional request is answered 304
 * and the body comes from IndexedDB.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser } from '../helpers/browser.js';

declare global {
  interface Window {
    fetchAsset?: (url: string) => Promise<number[]>;
  }
}

describeBrowser('HTTP cache in IndexedDB (Chromium, built IIFE)', (suite) => {
  async function tab(): Promise<Page> {
    const page = await suite().newPage();
    // Chromium's own HTTP cache would revalidate the asset by itself (the simulator sends `Cache-Control: no-cache`)
    // and hide what the SDK does; switch it off so every request on the wire is the SDK's.
    const cdp = await suite().context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.goto(suite().url('/fixtures/harness.html'));
    await install(page);
    return page;
  }

  /** Defines `window.fetchAsset(url)`: `getBytes()` of a fresh client over a fresh `IndexedDbCacheAdapter`. */
  async function install(page: Page): Promise<void> {
    await page.evaluate(() => {
      const B = window.BragerOne;
      const client = new B.BragerOneApiClient({
        apiBase: `${location.origin}/v1`,
        cache: new B.IndexedDbCacheAdapter(),
      }) as {
        getBytes(u: string): Promise<Uint8Array>;
      };
      window.fetchAsset = async (url) => Array.from(await client.getBytes(url));
    });
  }

  const assetRequests = () => suite().sim.stats.requests.filter((r) => r.routeId === 'GET /');

  it('a reload gets the asset from IndexedDB through a 304', async () => {
    const url = suite().url('/');
    const page = await tab();
    const first = await page.evaluate((u) => window.fetchAsset?.(u), url);
    expect(first?.length).toBeGreaterThan(0);
    expect(assetRequests().map((r) => r.status)).toEqual([200]);

    // a brand-new page of the same origin: nothing in memory, only IndexedDB
    await page.close();
    const fresh = await tab();
    expect(await fresh.evaluate((u) => window.fetchAsset?.(u), url)).toEqual(first);
    await fresh.reload();
    await install(fresh);
    expect(await fresh.evaluate((u) => window.fetchAsset?.(u), url)).toEqual(first);
    const reqs = assetRequests();
    expect(reqs.map((r) => r.status)).toEqual([200, 304, 304]);
    for (const r of reqs.slice(1)) expect(r.headers['if-none-match']).toMatch(/^(W\/)?"/);
    expect(suite().errors).toEqual([]);
  });

  it('a corrupt cached record is ignored: the asset is fetched again in full', async () => {
    const url = suite().url('/');
    const page = await tab();
    const first = await page.evaluate((u) => window.fetchAsset?.(u), url);
    await page.evaluate(
      (u) =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('bragerone-cache');
          req.onsuccess = () => {
            const tx = req.result.transaction('http', 'readwrite');
            tx.objectStore('http').put({ etag: '"bogus"', lastModified: null, body: 'not bytes' }, u);
            tx.oncomplete = () => {
              req.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          req.onerror = () => reject(req.error);
        }),
      url,
    );
    const fresh = await tab();
    expect(await fresh.evaluate((u) => window.fetchAsset?.(u), url)).toEqual(first);
    const reqs = assetRequests();
    expect(reqs.map((r) => r.status)).toEqual([200, 200]);
    expect(reqs[1]?.headers['if-none-match']).toBeUndefined();
  });
});
