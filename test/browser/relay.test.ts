/**
 * `bragerone/relay` in Chromium against the STRICT simulator (CORS for its own origin only, Origin/Referer checked,
 * x-appversion required on the handshake, header-only socket auth). A page on a third origin (a plain static server)
 * fails directly with the SDK's clear CORS error, and works through the relay: login, objects, the gateway live over
 * polling and then WebSocket, a command whose pushed delta arrives, and `loadCatalog` loading the web app's assets.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RelayLogEntry, RunningRelay } from '../../src/relay/index.js';
import { relayFor } from '../helpers/relay.js';
import { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD } from '../../src/simulator/index.js';
import { DIST_DIR, FIXTURES_DIR, type StaticServer, describeBrowser, startStaticServer } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

const BOILER = DEMO_MODULES[0] as string;
let statics: StaticServer | undefined;
beforeAll(async () => {
  statics = await startStaticServer({ '/dist': DIST_DIR, '/fixtures': FIXTURES_DIR });
});
afterAll(async () => {
  await statics?.close();
});

interface PageWindow {
  BragerOne: Record<string, unknown>;
  relayTest: Record<string, unknown>;
}

describeBrowser(
  'a page on a third origin through bragerone/relay (Chromium, strict simulator)',
  (suite) => {
    let relay: RunningRelay | undefined;
    const log: RelayLogEntry[] = [];
    afterAll(async () => {
      await relay?.close();
    });

    it('fails directly with a CORS error; through the relay: login, objects, live gateway (polling → WebSocket), a command, the catalog', async () => {
      const s = suite();
      if (!statics) throw new Error('static server not started');
      relay = await relayFor(s.origin, statics.url, log);
      const page = await s.newPage();
      await page.goto(`${statics.url}/fixtures/harness.html`);
      await page.addScriptTag({ url: `${statics.url}/dist/bragerone-catalog.iife.js` });
      const pageOrigin = new URL(page.url()).origin;
      expect(pageOrigin).not.toBe(s.origin);

      // ——— directly: the strict cloud answers no CORS for this origin ———
      const direct = await page.evaluate(
        async ({ api, email, password }) => {
          const B = (window as unknown as PageWindow).BragerOne as {
            BragerOneApiClient: new (
              o: unknown,
            ) => { ensureAuth(e: string, p: string): Promise<unknown>; close(): Promise<void> };
          };
          const client = new B.BragerOneApiClient({
            server: { apiBase: `${api}/v1`, ioBase: api, oneBase: api },
            logLevel: 'silent',
          });
          try {
            await client.ensureAuth(email, password);
            return { ok: true, name: '', message: '' };
          } catch (e) {
            return { ok: false, name: (e as Error).name, message: (e as Error).message };
          } finally {
            await client.close();
          }
        },
        { api: s.origin, email: DEMO_EMAIL, password: DEMO_PASSWORD },
      );
      expect(direct).toMatchObject({ ok: false, name: 'NetworkError' });
      expect(direct.message).toMatch(/CORS/);
      expect(s.sim.stats.count('POST /v1/auth/user')).toBe(0);

      // ——— through the relay: login, objects, gateway ———
      const relayUrl = relay.url;
      const started = await page.evaluate(
        async ({ relayUrl, email, password, objectId, boiler }) => {
          type Api = {
            ensureAuth(e: string, p: string): Promise<unknown>;
            getObjects(): Promise<Array<{ id: number }>>;
            moduleCommand(a: unknown): Promise<unknown>;
          };
          type Gw = {
            start(): Promise<void>;
            stop(): Promise<void>;
            onParametersChange(cb: (ev: string, p: unknown) => void): () => void;
          };
          const w = window as unknown as PageWindow;
          const B = w.BragerOne as {
            relayServer(u: string): unknown;
            BragerOneApiClient: new (o: unknown) => Api;
            BragerOneGateway: new (o: unknown) => Gw;
          };
          const client = new B.BragerOneApiClient({ server: B.relayServer(relayUrl), logLevel: 'silent' });
          await client.ensureAuth(email, password);
          const objects = await client.getObjects();
          const gateway = new B.BragerOneGateway({
            api: client,
            objectId,
            modules: [boiler],
            realtime: { connectTimeout: 10_000 },
          });
          const changes: string[] = [];
          gateway.onParametersChange((_ev, payload) => changes.push(JSON.stringify(payload)));
          await gateway.start();
          w.relayTest = { client, gateway, changes };
          return { objects: objects.map((o) => o.id) };
        },
        { relayUrl, email: DEMO_EMAIL, password: DEMO_PASSWORD, objectId: DEMO_OBJECT_ID, boiler: BOILER },
      );
      expect(started.objects).toContain(DEMO_OBJECT_ID);
      expect(s.sim.stats.count('POST /v1/auth/user')).toBe(1);
      // The socket came up over polling through the relay (the handshake got x-appversion and the cloud's Origin there)
      // and then upgraded to WebSocket through the relay's upgrade handler.
      await until(
        () => s.sim.sockets().some((x) => x.transport === 'websocket' && x.bound.includes(BOILER)),
        'socket upgraded to WebSocket and bound',
        15_000,
      );
      expect(log.some((e) => e.event === 'request' && e.path.startsWith('/socket.io/'))).toBe(true);
      expect(log.some((e) => e.event === 'upgrade' && e.path.startsWith('/socket.io/'))).toBe(true);

      // ——— a command; its pushed delta reaches the page over the WebSocket ———
      const target = s.sim.getParam(BOILER, 'P4.v8') === 60 ? 61 : 60;
      await page.evaluate(
        async ({ boiler, target }) => {
          const t = (window as unknown as PageWindow).relayTest as {
            client: { moduleCommand(a: unknown): Promise<unknown> };
          };
          await t.client.moduleCommand({ devid: boiler, pool: 'P4', parameter: 'P4.v8', value: target });
        },
        { boiler: BOILER, target },
      );
      await until(() => s.sim.getParam(BOILER, 'P4.v8') === target, 'the command applied', 10_000);
      await page.waitForFunction(
        (target) =>
          ((window as unknown as PageWindow).relayTest.changes as string[]).some(
            (c) => c.includes('"v8"') && c.includes(String(target)),
          ),
        target,
        { timeout: 15_000 },
      );

      // ——— the catalog, from the web app's assets through the relay ———
      const catalog = await page.evaluate(async () => {
        const w = window as unknown as PageWindow;
        const B = w.BragerOne as { loadCatalog(o: unknown): Promise<{ lang: string; fingerprint: string }> };
        const c = await B.loadCatalog({ api: w.relayTest.client });
        return { lang: c.lang, fingerprint: c.fingerprint };
      });
      expect(catalog.fingerprint).toBeTruthy();
      const assets = s.sim.stats.requests.map((r) => r.path).filter((p) => p === '/' || p.startsWith('/assets/'));
      expect(assets).toContain(`/assets/${s.sim.webApp.indexName}`);
      expect(log.some((e) => e.event === 'request' && e.path.startsWith('/assets/') && e.status === 200)).toBe(true);

      await page.evaluate(async () => {
        const t = (window as unknown as PageWindow).relayTest as {
          gateway: { stop(): Promise<void> };
          client: { close(): Promise<void> };
        };
        await t.gateway.stop();
        await t.client.close();
      });
      // Nothing secret in the relay's log.
      expect(JSON.stringify(log)).not.toContain(DEMO_PASSWORD);
      expect(JSON.stringify(log)).not.toMatch(/Bearer/);
      expect(s.errors.filter((e) => !/CORS|Failed to load resource|ERR_FAILED/.test(e))).toEqual([]);
    });
  },
  { strict: true },
);
