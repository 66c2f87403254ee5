/**
 * Realtime in a real browser, from the script-tag bundle: the SDK's own Socket.IO client starts on HTTP
 * long-polling with `Authorization` (a browser cannot put headers on a WebSocket), upgrades to the browser's
 * WebSocket, receives pushed deltas into a `ParamStore`, heals after the server drops every socket and leaves
 * politely on stop. Once from a page served by another origin (every polling request is a CORS request with a
 * preflight), and once from a dedicated web worker.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD } from '../../src/simulator/index.js';
import { DIST_DIR, FIXTURES_DIR, type StaticServer, describeBrowser, startStaticServer } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

let statics: StaticServer | undefined;
beforeAll(async () => {
  statics = await startStaticServer({ '/dist': DIST_DIR, '/fixtures': FIXTURES_DIR });
});
afterAll(async () => {
  await statics?.close();
});

const DEVID = DEMO_MODULES[0] as string;

/** The simulator pushes a module's deltas to a socket only once it is bound AND listening (PROTOCOL §6.4): the
 * listen emit and the REST prime race, so a value set before the listen arrives would reach neither. */
function subscribed(s: { sim: { sockets(): Array<{ bound: string[]; listening: string[] }> } }): boolean {
  const info = s.sim.sockets()[0];
  return info?.bound.includes(DEVID) === true && info.listening.includes(DEVID);
}

/** Page-side: starts a gateway on the global `BragerOne` and keeps what the test reads in `window.rt`. */
async function startGateway(page: Page, api: string): Promise<void> {
  await page.evaluate(
    async ({ api, email, password, objectId, devid }) => {
      interface Client {
        ensureAuth(email: string, password: string): Promise<unknown>;
      }
      interface Gateway {
        start(): Promise<void>;
        params(devid: string): { on(cb: (k: string, v: unknown) => void): void };
      }
      const B = (
        window as unknown as {
          BragerOne: {
            BragerOneApiClient: new (o: unknown) => Client;
            MemoryTokenStore: new () => unknown;
            BragerOneGateway: new (o: unknown) => Gateway;
          };
        }
      ).BragerOne;
      const server = { apiBase: `${api}/v1`, ioBase: api, oneBase: api };
      const client = new B.BragerOneApiClient({ server, tokenStore: new B.MemoryTokenStore(), logLevel: 'silent' });
      await client.ensureAuth(email, password);
      const gw = new B.BragerOneGateway({ api: client, objectId, modules: [devid], logLevel: 'silent' });
      const rt = { gw, client, changes: [] as Array<[string, unknown]> };
      (window as unknown as { rt: typeof rt }).rt = rt;
      await gw.start();
      gw.params(devid).on((k, v) => rt.changes.push([k, v]));
    },
    { api, email: DEMO_EMAIL, password: DEMO_PASSWORD, objectId: DEMO_OBJECT_ID, devid: DEVID },
  );
}

async function changes(page: Page): Promise<Array<[string, unknown]>> {
  return page.evaluate(() => (window as unknown as { rt: { changes: Array<[string, unknown]> } }).rt.changes);
}

describeBrowser('realtime in Chromium (script-tag bundle, cross-origin page)', (suite) => {
  it('polling with Authorization → WebSocket upgrade; deltas arrive; a dropped socket heals; stop leaves', async () => {
    const s = suite();
    if (!statics) throw new Error('static server not started');
    const page = await s.newPage();
    await page.goto(`${statics.url}/fixtures/blank.html`);
    await page.addScriptTag({ url: `${statics.url}/dist/bragerone.iife.js` });
    await startGateway(page, s.origin);

    const [info] = s.sim.sockets();
    expect(s.sim.sockets()).toHaveLength(1);
    expect(info?.authVia).toBe('header'); // the polling handshake carried `Authorization`
    expect(info?.bound).toEqual([DEVID]);
    await until(() => s.sim.sockets()[0]?.transport === 'websocket', 'upgrade to WebSocket', 10_000);
    // (The page is on another origin: a polling request with `Authorization` only gets through after a CORS
    // preflight, so the join above already proves that path.)

    await until(() => subscribed(s), 'bound and listening', 10_000);
    s.sim.setParam(DEVID, 'P4.v1', 432);
    await until(async () => (await changes(page)).some(([k, v]) => k === 'P4.v1' && v === 432), 'pushed delta', 10_000);

    const before = s.sim.sockets()[0]?.nsSid;
    s.sim.faults.dropAllSockets();
    await until(() => s.sim.sockets().length === 1 && s.sim.sockets()[0]?.nsSid !== before, 'reconnect', 15_000);
    await until(() => subscribed(s), 're-bind and listen', 10_000);
    s.sim.setParam(DEVID, 'P4.v1', 433);
    await until(
      async () => (await changes(page)).some(([k, v]) => k === 'P4.v1' && v === 433),
      'delta after the reconnect',
      10_000,
    );

    await page.evaluate(async () => {
      const rt = (window as unknown as { rt: { gw: { stop(): Promise<void> }; client: { close(): Promise<void> } } })
        .rt;
      await rt.gw.stop();
      await rt.client.close();
    });
    await until(() => s.sim.sockets().length === 0, 'server sees the socket leave', 5_000);
    expect(s.errors).toEqual([]);
  });

  it('a dedicated web worker runs a RealtimeManager from the script-tag bundle and receives events', async () => {
    const s = suite();
    if (!statics) throw new Error('static server not started');
    const page = await s.newPage();
    await page.goto(`${statics.url}/fixtures/blank.html`);
    await page.evaluate(
      ({ api, email, password }) => {
        const src = `
          importScripts(${JSON.stringify(`${location.origin}/dist/bragerone.iife.js`)});
          onmessage = async () => {
            try {
              const server = { apiBase: ${JSON.stringify(`${api}/v1`)}, ioBase: ${JSON.stringify(api)}, oneBase: ${JSON.stringify(api)} };
              const client = new BragerOne.BragerOneApiClient({ server, tokenStore: new BragerOne.MemoryTokenStore(), logLevel: 'silent' });
              const token = await client.ensureAuth(${JSON.stringify(email)}, ${JSON.stringify(password)});
              const rt = new BragerOne.RealtimeManager({ token: token.accessToken, ioBase: server.ioBase, logLevel: 'silent' });
              const got = new Promise((resolve) => rt.onEvent((name, payload) => { if (name === 'hello-worker') resolve(payload); }));
              await rt.connect();
              postMessage({ connected: rt.connected, sid: rt.sid() });
              postMessage({ event: await got });
              await rt.disconnect();
              await client.close();
              postMessage({ done: true });
            } catch (e) { postMessage({ error: String((e && e.message) || e) }); }
          };`;
        const msgs: unknown[] = [];
        (window as unknown as { msgs: unknown[] }).msgs = msgs;
        const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        worker.onmessage = (e) => msgs.push(e.data);
        worker.postMessage('go');
      },
      { api: s.origin, email: DEMO_EMAIL, password: DEMO_PASSWORD },
    );
    const msgs = (): Promise<Array<Record<string, unknown>>> =>
      page.evaluate(() => (window as unknown as { msgs: Array<Record<string, unknown>> }).msgs);
    await until(async () => (await msgs()).length > 0, 'worker connected', 15_000);
    const [first] = await msgs();
    expect(first).toEqual({ connected: true, sid: s.sim.sockets()[0]?.nsSid });
    expect(s.sim.sockets()[0]?.authVia).toBe('header');
    s.sim.emitRaw('hello-worker', { from: 'simulator' });
    await until(async () => (await msgs()).some((m) => m.done || m.error), 'worker done', 15_000);
    expect((await msgs()).slice(1)).toEqual([{ event: { from: 'simulator' } }, { done: true }]);
    await until(() => s.sim.sockets().length === 0, 'worker socket left', 5_000);
    expect(s.errors).toEqual([]);
  });

  it('coming back online reconnects at once instead of after the backoff', async () => {
    const s = suite();
    const page = await s.newPage();
    await page.goto(s.url('/fixtures/harness.html'));
    await page.evaluate(
      async ({ api, email, password }) => {
        const B = (
          window as unknown as {
            BragerOne: {
              BragerOneApiClient: new (
                o: unknown,
              ) => { ensureAuth(e: string, p: string): Promise<{ accessToken: string }> };
              MemoryTokenStore: new () => unknown;
              RealtimeManager: new (
                o: unknown,
              ) => { connect(): Promise<void>; onStateChange(cb: (st: string) => void): void; state: string };
            };
          }
        ).BragerOne;
        const server = { apiBase: `${api}/v1`, ioBase: api, oneBase: api };
        const client = new B.BragerOneApiClient({ server, tokenStore: new B.MemoryTokenStore(), logLevel: 'silent' });
        const token = await client.ensureAuth(email, password);
        // A long first backoff (30–60 s, far past the wait below), so only the `online` event can explain a reconnect.
        const lines: string[] = [];
        const put = (...a: unknown[]): void => void lines.push(a.map(String).join(' '));
        const logger = { debug: () => {}, info: put, warn: put, error: put };
        const rt = new B.RealtimeManager({
          token: token.accessToken,
          ioBase: api,
          reconnectDelay: 60_000,
          supervisorInterval: 600_000,
          logger,
          logLevel: 'info',
        });
        (window as unknown as { rt: typeof rt; rtLog: string[] }).rt = rt;
        (window as unknown as { rtLog: string[] }).rtLog = lines;
        await rt.connect();
      },
      { api: s.origin, email: DEMO_EMAIL, password: DEMO_PASSWORD },
    );
    const state = (): Promise<string> => page.evaluate(() => (window as unknown as { rt: { state: string } }).rt.state);
    expect(await state()).toBe('connected');
    s.sim.faults.dropAllSockets();
    await until(async () => (await state()) === 'reconnecting', 'drop noticed', 10_000);
    await s.context.setOffline(true);
    await until(async () => !(await page.evaluate(() => navigator.onLine)), 'the page offline', 10_000);
    await s.context.setOffline(false);
    await until(async () => (await state()) === 'connected', 'reconnected', 10_000);
    // the `online` event started the attempt (the backoff timer is still 30–60 s away)
    const log = await page.evaluate(() => (window as unknown as { rtLog: string[] }).rtLog);
    expect(log.filter((l) => l.includes('network back online; reconnecting now'))).toHaveLength(1);
    expect(s.sim.sockets()).toHaveLength(1);
    await page.evaluate(() => (window as unknown as { rt: { disconnect(): Promise<void> } }).rt.disconnect());
  });
});

describeBrowser(
  'realtime in Chromium against a WebSocket-only server',
  (suite) => {
    it('polling is refused (400), so the page joins over a WebSocket with the token in the auth payload', async () => {
      const s = suite();
      const page = await s.newPage();
      await page.goto(s.url('/fixtures/harness.html'));
      await startGateway(page, s.origin);
      const [info] = s.sim.sockets();
      expect(info?.transport).toBe('websocket');
      expect(info?.authVia).toBe('auth');
      expect(info?.bound).toEqual([DEVID]);
      await until(() => subscribed(s), 'bound and listening', 10_000);
      s.sim.setParam(DEVID, 'P4.v1', 321);
      await until(
        async () => (await changes(page)).some(([k, v]) => k === 'P4.v1' && v === 321),
        'pushed delta',
        10_000,
      );
      // The browser itself logs the refused polling request; nothing else may be logged.
      expect(s.errors.filter((e) => !/status of 400 .*transport=polling/.test(e))).toEqual([]);
      expect(s.errors).toHaveLength(1);
    });
  },
  { socketTransports: ['websocket'] },
);
