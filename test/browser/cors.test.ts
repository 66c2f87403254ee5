/**
 * Cross-origin use: the example pages are served by a second, tiny static server (another port = another origin)
 * and talk to the simulator with `?api=<simulator origin>`, so every API call is a CORS request and the JSON
 * POSTs with `Authorization` need a preflight.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIST_DIR, EXAMPLES_DIR, type StaticServer, describeBrowser, startStaticServer } from '../helpers/browser.js';

let statics: StaticServer | undefined;
beforeAll(async () => {
  statics = await startStaticServer({ '/dist': DIST_DIR, '/examples': EXAMPLES_DIR });
});
afterAll(async () => {
  await statics?.close();
});

async function settle(page: Page): Promise<{ state: string; status: string }> {
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 20_000 });
  return page.evaluate(() => ({
    state: document.body.dataset.state ?? '',
    status: document.getElementById('status')?.textContent ?? '',
  }));
}

function pageUrl(example: string, api: string): string {
  if (!statics) throw new Error('static server not started');
  return `${statics.url}/examples/browser/${example}?api=${encodeURIComponent(api)}`;
}

describeBrowser('CORS: pages from another origin (Chromium)', (suite) => {
  for (const example of ['script-tag.html', 'esm.html']) {
    it(`${example} served from another origin logs in and lists through CORS preflights`, async () => {
      const s = suite();
      const page = await s.newPage();
      await page.goto(pageUrl(example, s.origin));
      expect(new URL(page.url()).origin).not.toBe(s.origin);
      expect(await settle(page)).toMatchObject({ state: 'ready' });
      expect(await page.locator('#modules li').count()).toBeGreaterThanOrEqual(2);
      expect(s.sim.stats.count('POST /v1/auth/user')).toBe(1);
      const preflights = s.sim.stats.requests.filter((r) => r.method === 'OPTIONS');
      expect(preflights.length).toBeGreaterThanOrEqual(1);
      expect(preflights.every((r) => r.status >= 200 && r.status < 300)).toBe(true);
      expect(
        preflights.some((r) => /authorization|content-type/i.test(r.headers['access-control-request-headers'] ?? '')),
      ).toBe(true);
      // the API requests carried the page's origin
      expect(s.sim.stats.requests.find((r) => r.routeId === 'POST /v1/auth/user')?.headers.origin).toBe(
        new URL(page.url()).origin,
      );
      expect(s.errors).toEqual([]);
    });
  }
});

describeBrowser(
  'CORS: an origin the server does not allow (Chromium)',
  (suite) => {
    it('the browser blocks the responses and the page reports the failure', async () => {
      const s = suite();
      const page = await s.newPage();
      await page.goto(pageUrl('script-tag.html', s.origin));
      const result = await settle(page);
      expect(result.state).toBe('error');
      expect(await page.locator('#objects li').count()).toBe(0);
    });
  },
  { corsOrigins: ['http://allowed.example.invalid'] },
);
