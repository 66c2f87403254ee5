/**
 * Two tabs (pages of one browser context) sharing a persistent token store: one login between them (Web Lock
 * named by `store.lockKey`), a token saved by one tab is adopted by the other, and `revoke()` in one tab logs the
 * other out.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser } from '../helpers/browser.js';

type Kind = 'IndexedDbTokenStore' | 'LocalStorageTokenStore';

interface PageClient {
  ensureAuth(): Promise<{ accessToken: string }>;
  revoke(): Promise<void>;
  getObjects(): Promise<unknown[]>;
  readonly token: { accessToken: string } | null;
}

declare global {
  interface Window {
    client?: PageClient;
  }
}

describeBrowser('cross-tab token sharing (Chromium, built IIFE)', (suite) => {
  /** Opens a harness tab with an idle client over a `kind` store (demo credentials via credsProvider). */
  async function tab(kind: Kind): Promise<Page> {
    const page = await suite().newPage();
    await page.goto(suite().url('/fixtures/harness.html'));
    await page.evaluate((k) => {
      const B = window.BragerOne;
      window.client = new B.BragerOneApiClient({
        apiBase: `${location.origin}/v1`,
        tokenStore: new B[k](),
        credsProvider: () => ({ email: 'demo@bragerone.local', password: 'demo' }),
      }) as PageClient;
    }, kind);
    return page;
  }

  const tokenOf = (p: Page) => p.evaluate(() => window.client?.token?.accessToken ?? null);
  const logins = () => suite().sim.stats.count('POST /v1/auth/user');

  for (const kind of ['IndexedDbTokenStore', 'LocalStorageTokenStore'] as const) {
    it(`${kind}: two tabs needing login at the same moment make exactly one login request`, async () => {
      const [a, b] = [await tab(kind), await tab(kind)];
      const locks = await a.evaluate(() => typeof navigator.locks?.request);
      expect(locks).toBe('function');
      const [ta, tb] = await Promise.all([
        a.evaluate(async () => (await window.client?.ensureAuth())?.accessToken),
        b.evaluate(async () => (await window.client?.ensureAuth())?.accessToken),
      ]);
      expect(logins()).toBe(1);
      expect(ta).toBeTruthy();
      expect(tb).toBe(ta);
    });

    it(`${kind}: a token saved by one tab is picked up by the other without a request`, async () => {
      const [a, b] = [await tab(kind), await tab(kind)];
      const before = suite().sim.stats.total();
      const ta = await a.evaluate(async () => (await window.client?.ensureAuth())?.accessToken);
      await expect.poll(() => tokenOf(b), { timeout: 5000 }).toBe(ta);
      expect(logins()).toBe(1);
      // B uses the adopted token right away: no login, no validation round trip of its own.
      const userCalls = suite().sim.stats.count('GET /v1/user');
      await b.evaluate(async () => void (await window.client?.getObjects()));
      expect(logins()).toBe(1);
      expect(suite().sim.stats.count('GET /v1/user')).toBe(userCalls);
      expect(suite().sim.stats.total()).toBeGreaterThan(before);
    });

    it(`${kind}: revoke() in one tab logs the other out`, async () => {
      const [a, b] = [await tab(kind), await tab(kind)];
      await a.evaluate(async () => void (await window.client?.ensureAuth()));
      await expect.poll(() => tokenOf(b), { timeout: 5000 }).not.toBeNull();
      await a.evaluate(async () => window.client?.revoke());
      expect(await tokenOf(a)).toBeNull();
      await expect.poll(() => tokenOf(b), { timeout: 5000 }).toBeNull();
      // B's next call needs (and makes) a fresh login; the revoked token is never re-sent
      await b.evaluate(async () => void (await window.client?.getObjects()));
      expect(logins()).toBe(2);
      const newToken = await tokenOf(b);
      expect(newToken).toBeTruthy();
      await expect.poll(() => tokenOf(a), { timeout: 5000 }).toBe(newToken);
    });
  }
});
