/**
 * The catalog's script-tag file in Chromium: examples/browser/catalog.html loads `dist/bragerone.iife.js`, then
 * `dist/bragerone-catalog.iife.js`, from the simulator's origin, logs in (IndexedDbTokenStore), loads the catalog
 * with an IndexedDbCacheAdapter on the client and shows the boiler's labelled live values as text. A CatalogError
 * is a `BragerOne.BragerOneError` (one copy of the classes), and a reload reuses the IndexedDB snapshot: no index,
 * menu or i18n request, only `/` for the fingerprint.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { DEMO_MODULES } from '../../src/simulator/index.js';
import { type BrowserSuite, describeBrowser, screenshot } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

const PAGE = '/examples/browser/catalog.html';
const BOILER = DEMO_MODULES[0] as string;

/** Chromium's own HTTP cache would answer hashed assets without asking the server and hide what the SDK does; off. */
async function open(s: BrowserSuite): Promise<Page> {
  const page = await s.newPage();
  const cdp = await s.context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return page;
}

/** Waits until the page says `ready` or `error`; returns the state and the status line. */
async function settle(page: Page): Promise<{ state: string; status: string }> {
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 30_000 });
  return page.evaluate(() => ({
    state: document.body.dataset.state ?? '',
    status: document.getElementById('status')?.textContent ?? '',
  }));
}

/** Rendered rows: symbol → "label value". */
function rows(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const tr of document.querySelectorAll<HTMLTableRowElement>('#panels tr[data-symbol]')) {
      const label = tr.querySelector('.label')?.textContent ?? '';
      const value = tr.querySelector('.value')?.textContent ?? '';
      out[tr.dataset.symbol ?? ''] = `${label} ${value}`;
    }
    return out;
  });
}

/** Web-app requests (page `/` and `/assets/…`) in the simulator's log from `from` on. */
function webAppRequests(s: BrowserSuite, from: number): string[] {
  return s.sim.stats.requests
    .slice(from)
    .map((r) => r.path)
    .filter((p) => p === '/' || p.startsWith('/assets/'));
}

describeBrowser('catalog script-tag file (Chromium, examples/browser/catalog.html)', (suite) => {
  it('labelled live values, CatalogError is a BragerOne.BragerOneError, a reload reuses the IndexedDB snapshot', async () => {
    const s = suite();
    const page = await open(s);
    const logins0 = s.sim.loginCount();

    // ——— first load: everything from the web app ———
    await page.goto(s.url(PAGE));
    expect(await settle(page)).toMatchObject({ state: 'ready' });
    const first = await rows(page);
    expect(first.PARAM_P4_1).toBe('Temperatura kotła 61.2 °C');
    expect(first.PARAM_0).toBe('Tryb pracy Automatyczny'); // enum text
    expect(first.PARAM_P4_20).toBe('Start grzania CWU 07:00'); // HH:MM formatter
    expect(Object.keys(first).length).toBeGreaterThan(5);
    // Every label is a text from the catalog, never the bare symbol, and nothing was injected as markup.
    for (const [symbol, text] of Object.entries(first)) expect(text.startsWith(`${symbol} `), symbol).toBe(false);
    expect(
      await page.evaluate(() => document.querySelectorAll('#panels script, #panels img, #panels iframe').length),
    ).toBe(0);
    expect(await page.evaluate(() => [...document.querySelectorAll('#panels h2')].map((h) => h.textContent))).toContain(
      'Kocioł',
    );
    const firstWebApp = webAppRequests(s, 0);
    const indexName = s.sim.webApp.indexName;
    expect(firstWebApp).toContain(`/assets/${indexName}`);
    expect(firstWebApp.some((p) => /^\/assets\/module\.menu-/.test(p))).toBe(true); // the boiler's menu chunk
    expect(firstWebApp.some((p) => /^\/assets\/parameters-/.test(p))).toBe(true); // an i18n namespace
    expect(s.sim.loginCount() - logins0).toBe(1);

    // ——— live: a pushed delta re-renders the row ———
    await until(() => s.sim.sockets()[0]?.listening.includes(BOILER) === true, 'bound and listening', 10_000);
    s.sim.setParam(BOILER, 'P4.v1', 655);
    await until(
      async () => (await rows(page)).PARAM_P4_1 === 'Temperatura kotła 65.5 °C',
      'pushed value rendered',
      10_000,
    );

    // ——— one copy of the error classes ———
    const errs = await page.evaluate(async () => {
      type Ctor = abstract new (...a: never[]) => unknown;
      const B = (window as unknown as { BragerOne: Record<string, unknown> }).BragerOne as {
        BragerOneError: Ctor;
        CatalogError: Ctor;
        isBragerOneError(e: unknown): boolean;
        isCatalogError(e: unknown): boolean;
      };
      const demo = (
        window as unknown as {
          demo: { catalog: { prepareWrite(s: string, v: unknown, values: unknown): Promise<unknown> } };
        }
      ).demo;
      const describeErr = (e: unknown) => ({
        name: (e as Error).name,
        catalog: e instanceof B.CatalogError,
        base: e instanceof B.BragerOneError,
        guard: B.isBragerOneError(e),
        catalogGuard: B.isCatalogError(e),
      });
      const range = await demo.catalog
        .prepareWrite('PARAM_P4_8', 999, { 'P4.v8': 65, 'P4.u8': 2, 'P4.n8': 40, 'P4.x8': 85 })
        .catch((e: unknown) => e);
      const unknown = await demo.catalog.prepareWrite('NO_SUCH_SYMBOL', 1, {}).catch((e: unknown) => e);
      return {
        sameParent: Object.getPrototypeOf(B.CatalogError) === B.BragerOneError,
        range: describeErr(range),
        unknown: describeErr(unknown),
      };
    });
    expect(errs.sameParent).toBe(true);
    for (const e of [errs.range, errs.unknown])
      expect(e).toEqual({ name: 'CatalogError', catalog: true, base: true, guard: true, catalogGuard: true });

    // ——— reload: token and catalog snapshot come from IndexedDB ———
    const from = s.sim.stats.requests.length;
    await page.reload();
    expect(await settle(page)).toMatchObject({ state: 'ready' });
    const second = await rows(page);
    expect(second).toEqual({ ...first, PARAM_P4_1: 'Temperatura kotła 65.5 °C' });
    // No index, menu or i18n request: only the page `/` (conditional, for the fingerprint) may be asked again.
    const again = webAppRequests(s, from);
    expect(again.filter((p) => p !== '/')).toEqual([]);
    expect(again.length).toBeLessThanOrEqual(1);
    const root = s.sim.stats.requests.slice(from).filter((r) => r.path === '/');
    for (const r of root) expect(r.status).toBe(304);
    expect(s.sim.loginCount() - logins0).toBe(1); // the stored token was reused
    expect(
      await page.evaluate(
        () => (window as unknown as { demo: { catalog: { fingerprint: string } } }).demo.catalog.fingerprint,
      ),
    ).toContain(indexName);

    await screenshot(page, 'catalog.png');
    expect(s.errors).toEqual([]);
  });

  it('the catalog file without the main file fails loudly instead of bundling its own classes', async () => {
    const s = suite();
    const page = await open(s);
    await page.goto(s.url('/fixtures/blank.html'));
    const err = await page.evaluate(
      (src) =>
        new Promise<string>((resolve) => {
          addEventListener('error', (e) => resolve(e.message), { once: true });
          const tag = document.createElement('script');
          tag.src = src;
          // a script's top-level error is dispatched while it runs, before its load event
          tag.onload = () => resolve('no error');
          document.head.append(tag);
        }),
      s.url('/dist/bragerone-catalog.iife.js'),
    );
    expect(err).toMatch(/needs bragerone\.iife\.js/);
    s.errors.length = 0; // the uncaught error above is the point of this test
  });
});
