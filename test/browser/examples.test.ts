/**
 * The browser examples, loaded from the simulator (same origin as the API) in Chromium: they log in with the demo
 * account, list objects and modules, and on reload reuse the stored token (no second login).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { type BrowserSuite, EXAMPLES_DIR, describeBrowser, screenshot } from '../helpers/browser.js';

/** Waits until the example page says `ready` or `error`; returns the state and the status line. */
async function settle(page: Page): Promise<{ state: string; status: string }> {
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 20_000 });
  return page.evaluate(() => ({
    state: document.body.dataset.state ?? '',
    status: document.getElementById('status')?.textContent ?? '',
  }));
}

async function lists(page: Page): Promise<{ objects: string[]; modules: string[] }> {
  return page.evaluate(() => ({
    objects: [...document.querySelectorAll('#objects li')].map((li) => li.textContent ?? ''),
    modules: [...document.querySelectorAll('#modules li')].map((li) => li.textContent ?? ''),
  }));
}

async function loadTwice(suite: BrowserSuite, path: string, shot: string): Promise<void> {
  const { sim } = suite;
  const logins0 = sim.loginCount();
  const page = await suite.newPage();

  await page.goto(suite.url(path));
  expect(await settle(page)).toMatchObject({ state: 'ready' });
  const first = await lists(page);
  expect(first.objects.length).toBeGreaterThan(0);
  expect(first.objects[0]).toMatch(/^#\d+ /);
  expect(first.modules.length).toBeGreaterThanOrEqual(2);
  expect(sim.loginCount() - logins0).toBe(1);
  expect(sim.stats.count('POST /v1/auth/user')).toBe(1);

  await page.reload();
  expect(await settle(page)).toMatchObject({ state: 'ready' });
  expect(await lists(page)).toEqual(first);
  // the stored token was reused: no new login, one validation of it
  expect(sim.loginCount() - logins0).toBe(1);
  expect(sim.stats.count('POST /v1/auth/user')).toBe(1);
  expect(sim.stats.count('GET /v1/user')).toBeGreaterThanOrEqual(1);

  await screenshot(page, shot);
  expect(suite.errors).toEqual([]);
}

describeBrowser('browser examples (Chromium, served by the simulator)', (suite) => {
  it('examples/browser/script-tag.html: IIFE global, IndexedDbTokenStore, reload reuses the token', async () => {
    await loadTwice(suite(), '/examples/browser/script-tag.html', 'script-tag.png');
    const page = suite().context.pages()[0] as Page;
    const stored = await page.evaluate(async () => {
      const w = window as unknown as { demo: { tokenStore: { load(): Promise<{ accessToken: string } | null> } } };
      return (await w.demo.tokenStore.load())?.accessToken.length ?? 0;
    });
    expect(stored).toBeGreaterThan(0);
  });

  it('examples/browser/esm.html: ES module build, LocalStorageTokenStore, reload reuses the token', async () => {
    await loadTwice(suite(), '/examples/browser/esm.html', 'esm.png');
    const page = suite().context.pages()[0] as Page;
    const raw = await page.evaluate(() => localStorage.getItem('bragerone.token'));
    expect(JSON.parse(raw ?? 'null')).toMatchObject({ accessToken: expect.any(String), tokenType: 'bearer' });
  });

  it('opened from file://, both pages say so and name `npm run examples` instead of failing silently', async () => {
    for (const name of ['script-tag.html', 'esm.html']) {
      const page = await suite().newPage();
      await page.goto(pathToFileURL(join(EXAMPLES_DIR, 'browser', name)).href);
      await page.waitForFunction(() => document.body.dataset.state === 'file', undefined, { timeout: 10_000 });
      const status = await page.evaluate(() => document.getElementById('status')?.textContent ?? '');
      expect(status, name).toMatch(/opened as a file \(file:\/\/\)/);
      expect(status, name).toContain('npm run examples');
      await screenshot(page, `file-${name.replace('.html', '')}.png`);
      await page.close();
    }
    expect(suite().sim.stats.count('POST /v1/auth/user')).toBe(0);
  });

  it('a revoked stored token is replaced by one new login on the next load', async () => {
    const s = suite();
    const page = await s.newPage();
    await page.goto(s.url('/examples/browser/script-tag.html'));
    expect(await settle(page)).toMatchObject({ state: 'ready' });
    s.sim.revokeTokens();
    await page.reload();
    expect(await settle(page)).toMatchObject({ state: 'ready' });
    expect(s.sim.stats.count('POST /v1/auth/user')).toBe(2);
  });
});
