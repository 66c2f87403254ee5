/**
 * What a browser cannot meet against a strict cloud (simulator option `strict`, docs/SIMULATOR.md): a page on another
 * origin gets no CORS answer and cannot send the cloud's Origin, so the SDK's error must say "CORS / cross-origin"
 * at once instead of hanging; a page on the cloud's own origin passes the Origin check for REST.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_OBJECT_ID, DEMO_MODULES, DEMO_PASSWORD } from '../../src/simulator/index.js';
import { DIST_DIR, FIXTURES_DIR, type StaticServer, describeBrowser, startStaticServer } from '../helpers/browser.js';

let statics: StaticServer | undefined;
beforeAll(async () => {
  statics = await startStaticServer({ '/dist': DIST_DIR, '/fixtures': FIXTURES_DIR });
});
afterAll(async () => {
  await statics?.close();
});

interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
}

/** Page-side: logs in (and optionally starts a gateway) against `api`; reports the outcome without throwing. */
function run(page: Page, api: string, gateway: boolean): Promise<Outcome> {
  return page.evaluate(
    async ({ api, email, password, objectId, modules, gateway }) => {
      interface Client {
        ensureAuth(email: string, password: string): Promise<unknown>;
        getObjects(): Promise<unknown[]>;
        close(): Promise<void>;
      }
      const B = (
        window as unknown as {
          BragerOne: {
            BragerOneApiClient: new (o: unknown) => Client;
            BragerOneGateway: new (o: unknown) => { start(): Promise<void>; stop(): Promise<void> };
          };
        }
      ).BragerOne;
      const server = { apiBase: `${api}/v1`, ioBase: api, oneBase: api };
      const client = new B.BragerOneApiClient({ server, logLevel: 'silent' });
      const gw = new B.BragerOneGateway({ api: client, objectId, modules, realtime: { connectTimeout: 10_000 } });
      try {
        await client.ensureAuth(email, password);
        await client.getObjects();
        if (gateway) await gw.start();
        return { ok: true };
      } catch (e) {
        const err = e as Error;
        return { ok: false, name: err.name, message: err.message };
      } finally {
        await gw.stop();
        await client.close();
      }
    },
    { api, email: DEMO_EMAIL, password: DEMO_PASSWORD, objectId: DEMO_OBJECT_ID, modules: [...DEMO_MODULES], gateway },
  );
}

describeBrowser(
  'a strict cloud seen from a browser (Chromium)',
  (suite) => {
    it('a page on another origin: REST fails at once with an error that names CORS and the origins', async () => {
      const s = suite();
      if (!statics) throw new Error('static server not started');
      const page = await s.newPage();
      await page.goto(`${statics.url}/fixtures/harness.html`);
      const pageOrigin = new URL(page.url()).origin;
      expect(pageOrigin).not.toBe(s.origin);
      const out = await run(page, s.origin, false);
      expect(out).toMatchObject({ ok: false, name: 'NetworkError' });
      expect(out.message).toContain(`cross-origin request from ${pageOrigin} to ${s.origin}`);
      expect(out.message).toMatch(/CORS/);
      // the preflight got no CORS answer, so the login itself never reached the server
      expect(s.sim.stats.count('POST /v1/auth/user')).toBe(0);
      expect(s.sim.stats.requests.some((r) => r.method === 'OPTIONS')).toBe(true);
    });

    it("a page on the cloud's own origin passes the Origin/Referer check for REST; the socket's refusal is a clear error", async () => {
      const s = suite();
      const page = await s.newPage();
      await page.goto(s.url('/fixtures/harness.html'));
      const out = await run(page, s.origin, true);
      expect(s.sim.stats.count('POST /v1/auth/user')).toBe(1);
      expect(s.sim.stats.count('GET /v1/objects')).toBe(1);
      // The browser's polling handshake carries no x-appversion today (the Node client sends it): the strict server
      // refuses it with 403, and start() rejects with that status at once rather than waiting for the connect timeout.
      expect(out).toMatchObject({ ok: false, name: 'ApiError' });
      expect(out.message).toMatch(/Socket\.IO handshake \/ws/);
      expect(out.message).toMatch(/HTTP 403/);
      expect(s.sim.stats.count('WS refused')).toBeGreaterThanOrEqual(1);
    });
  },
  { strict: true },
);
