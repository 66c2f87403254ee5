/**
 * Browser tab lifecycle (issue [chaos], scenario 6), in headless Chromium with the script-tag bundle. Two tabs of one
 * browser context each run a live `BragerOneGateway` over a shared `LocalStorageTokenStore`, with the CPU throttled
 * 6× (CDP `Emulation.setCPUThrottlingRate`) throughout. Tab A is frozen (CDP `Page.setWebLifecycleState`) while the
 * values keep changing, then made active again; then the whole context goes offline and back online.
 *
 * Asserted: both tabs' live values recover without a reload (the values changed meanwhile arrive, and a delta set
 * after the recovery shows up), one login across both tabs for the whole run, and no console error from the pages.
 * The freeze lasts `TAB_FREEZE_MS` (default 12 s; the server's heartbeat is 2 s + 2 s, so the server drops the
 * frozen tab's socket, as it would after a few minutes in the field); the figures in docs/RELIABILITY.md come from a
 * run with `TAB_FREEZE_MS=120000` and the default heartbeat (`TAB_PING=default`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type CDPSession, type Page, chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD } from '../../src/simulator/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, describeBrowser, watchPage } from '../helpers/browser.js';
import { sleep, until } from '../helpers/wait.js';

const FREEZE_MS = Number(process.env.TAB_FREEZE_MS ?? 12_000);
const OFFLINE_MS = Number(process.env.TAB_OFFLINE_MS ?? 5_000);
/** `default`: Engine.IO's 25 s / 20 s heartbeat; otherwise 2 s / 2 s. */
const PING = process.env.TAB_PING === 'default' ? {} : { pingInterval: 2_000, pingTimeout: 2_000 };
const DEVID = DEMO_MODULES[0] as string;

/**
 * Calls `change` every 500 ms for `ms` of real time. Real time is the point: a frozen or offline tab has to stay so
 * for as long as the field case lasts (the server's heartbeat drops a frozen socket only after it), while the values
 * keep changing behind its back.
 */
async function keepChanging(ms: number, change: () => void): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    change();
    await sleep(500);
  }
}
const KEY = 'P4.v8';

/** What the page keeps for the test in `window.tab`. */
interface TabState {
  /** Set once at start-up: a reload would lose it. */
  bootId: string;
  /** Latest value of KEY in the gateway's store. */
  value: unknown;
  /** Realtime session transitions seen by the page (`up`/`down` with page time). */
  sessions: Array<{ up: boolean; at: number }>;
  /** Page-side errors of the SDK that reached the logger's `error` (there should be none). */
  loggedErrors: string[];
  /** Page lifecycle events the page saw (`freeze`, `resume`, `visibility:hidden`, …). */
  lifecycle: string[];
}

declare global {
  interface Window {
    tab?: TabState;
  }
}

/** Page-side: a client over the shared localStorage token store and a started gateway following one module. */
async function startTab(page: Page, api: string): Promise<void> {
  await page.evaluate(
    async ({ api, email, password, objectId, devid, key }) => {
      interface Gateway {
        start(): Promise<void>;
        params(devid: string): { get(k: string): unknown; on(cb: (k: string, v: unknown) => void): void };
        onCloudSession(cb: (c: { up: boolean; changed: boolean }) => void): void;
      }
      const B = window.BragerOne as unknown as {
        BragerOneApiClient: new (o: unknown) => unknown;
        LocalStorageTokenStore: new () => unknown;
        BragerOneGateway: new (o: unknown) => Gateway;
      };
      const tab: TabState = {
        bootId: Math.random().toString(36).slice(2),
        value: undefined,
        sessions: [],
        loggedErrors: [],
        lifecycle: [],
      };
      window.tab = tab;
      for (const type of ['freeze', 'resume']) document.addEventListener(type, () => tab.lifecycle.push(type));
      document.addEventListener('visibilitychange', () => tab.lifecycle.push(`visibility:${document.visibilityState}`));
      // The SDK logs through the console at `warn`: a warning is fine in an outage, an error would fail the test.
      const logger = {
        debug: () => {},
        info: () => {},
        warn: (...a: unknown[]) => console.warn(...a),
        error: (...a: unknown[]) => {
          tab.loggedErrors.push(a.map(String).join(' '));
          console.error(...a);
        },
      };
      const server = { apiBase: `${api}/v1`, ioBase: api, oneBase: api };
      const client = new B.BragerOneApiClient({
        server,
        tokenStore: new B.LocalStorageTokenStore(),
        credsProvider: () => ({ email, password }),
        logger,
        logLevel: 'warn',
      });
      const gw = new B.BragerOneGateway({
        api: client,
        objectId,
        modules: [devid],
        connectivityPollInterval: 5_000,
        logger,
      });
      gw.onCloudSession((c) => {
        if (c.changed) tab.sessions.push({ up: c.up, at: Date.now() });
      });
      await gw.start();
      const store = gw.params(devid);
      tab.value = store.get(key);
      store.on((k, v) => {
        if (k === key) tab.value = v;
      });
    },
    { api, email: DEMO_EMAIL, password: DEMO_PASSWORD, objectId: DEMO_OBJECT_ID, devid: DEVID, key: KEY },
  );
}

/**
 * Chromium started here and attached over CDP with `noDefaults`, both tabs in its default context (one profile: shared
 * localStorage and Web Locks). Playwright's own pages enable CDP focus emulation, which keeps a page visible and
 * makes `Page.setWebLifecycleState` a no-op; with `noDefaults` the default context's pages are left alone, so the
 * freeze is real (the page gets `visibilitychange` → hidden and `freeze`, its timers stop).
 */
async function chromiumOverCdp(): Promise<{ browser: Browser; context: BrowserContext; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bragerone-tab-'));
  const proc: ChildProcess = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${dir}`, 'about:blank'],
    {
      stdio: 'ignore',
    },
  );
  const kill = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill();
      await until(() => proc.exitCode !== null || proc.signalCode !== null, 'Chromium exited', 5_000).catch(
        () => undefined,
      );
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const portFile = join(dir, 'DevToolsActivePort');
    await until(() => existsSync(portFile), 'Chromium DevTools port', 30_000);
    const port = await until(
      async () => (await readFile(portFile, 'utf8')).split('\n')[0]?.trim(),
      'Chromium DevTools port number',
      5_000,
    );
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { noDefaults: true, timeout: 30_000 });
    const [context] = browser.contexts();
    if (!context) throw new Error('Chromium has no default context');
    return {
      browser,
      context,
      close: async () => {
        await browser.close().catch(() => {});
        await kill();
      },
    };
  } catch (err) {
    await kill();
    throw err;
  }
}

const state = (page: Page): Promise<TabState> => page.evaluate(() => window.tab as TabState);

describeBrowser(
  'tab lifecycle in Chromium (frozen tab, offline/online, CPU 6× slower, two tabs)',
  (suite) => {
    it(
      `freeze ${FREEZE_MS} ms → active, offline ${OFFLINE_MS} ms → online: live values recover without a reload, one login, no console errors`,
      async () => {
        const s = suite();
        const logins = (): number => s.sim.stats.count('POST /v1/auth/user');
        /** The REST calls so far (route and status, no headers): says where a second login came from. */
        const authLog = (): string =>
          s.sim.stats.requests
            .filter((r) => r.routeId.includes('/v1/'))
            .map((r) => `${r.routeId} ${r.status}`)
            .join('; ');
        const figures: Record<string, number | string> = {
          freezeMs: FREEZE_MS,
          offlineMs: OFFLINE_MS,
          heartbeat: PING.pingInterval ? '2 s + 2 s' : '25 s + 20 s',
        };
        const chrome = await chromiumOverCdp();
        try {
          const errors: string[] = [];
          const [a, b] = [await chrome.context.newPage(), await chrome.context.newPage()];
          const cdp: CDPSession[] = [];
          for (const p of [a, b]) {
            watchPage(p, errors);
            await p.goto(s.url('/fixtures/harness.html'));
            const session = await chrome.context.newCDPSession(p);
            await session.send('Emulation.setCPUThrottlingRate', { rate: 6 });
            cdp.push(session);
          }
          const [cdpA] = cdp as [CDPSession, CDPSession];
          // both tabs start at once: the shared store's Web Lock lets one of them log in, the other adopts its token
          await Promise.all([startTab(a, s.origin), startTab(b, s.origin)]);
          expect(logins(), authLog()).toBe(1);
          const boot = [(await state(a)).bootId, (await state(b)).bootId];
          const subscribed = (): boolean => {
            const socks = s.sim.sockets();
            return socks.length === 2 && socks.every((x) => x.bound.includes(DEVID) && x.listening.includes(DEVID));
          };
          await until(subscribed, 'both tabs bound and listening', 20_000);

          let v = 1000;
          const set = (): number => {
            s.sim.setParam(DEVID, KEY, ++v);
            return v;
          };
          const both = async (want: number, what: string, timeout = 30_000): Promise<void> => {
            await until(async () => (await state(a)).value === want && (await state(b)).value === want, what, timeout);
          };
          await both(set(), 'a delta in both tabs');

          // ——— freeze tab A while the values keep changing ———
          const socketsBefore = s.sim.sockets().map((x) => x.nsSid);
          await cdpA.send('Page.setWebLifecycleState', { state: 'frozen' });
          const frozenAt = Date.now();
          let serverDroppedAfter: number | null = null;
          // B is active: it keeps up while A sleeps
          await keepChanging(FREEZE_MS, () => {
            set();
            if (serverDroppedAfter === null && s.sim.sockets().length < 2) serverDroppedAfter = Date.now() - frozenAt;
          });
          const duringFreeze = v;
          await until(
            async () => (await state(b)).value === duringFreeze,
            'tab B kept receiving while A was frozen',
            15_000,
          );
          figures.serverDroppedFrozenSocketAfterMs = serverDroppedAfter ?? 'kept';
          const activeAt = Date.now();
          await cdpA.send('Page.setWebLifecycleState', { state: 'active' });
          await until(async () => (await state(a)).value === duringFreeze, 'tab A caught up after the freeze', 60_000);
          expect((await state(a)).lifecycle).toEqual(expect.arrayContaining(['freeze', 'resume'])); // the freeze was real
          expect((await state(b)).lifecycle).not.toContain('freeze');
          figures.freezeCatchUpMs = Date.now() - activeAt;
          await until(subscribed, 'both tabs bound and listening after the freeze', 30_000);
          figures.freezeResubscribedMs = Date.now() - activeAt;
          figures.frozenSocketReplaced = s.sim.sockets().some((x) => !socketsBefore.includes(x.nsSid)) ? 'yes' : 'no';
          const t1 = Date.now();
          await both(set(), 'a delta set after the freeze reaches both tabs');
          figures.deltaAfterFreezeMs = Date.now() - t1;

          // ——— the whole context goes offline, values change, back online ———
          await chrome.context.setOffline(true);
          await keepChanging(OFFLINE_MS, set);
          const duringOffline = v;
          const onlineAt = Date.now();
          await chrome.context.setOffline(false);
          await both(duringOffline, 'both tabs caught up after going back online', 60_000);
          figures.onlineCatchUpMs = Date.now() - onlineAt;
          await until(subscribed, 'both tabs bound and listening after going back online', 30_000);
          const t2 = Date.now();
          await both(set(), 'a delta set after going back online reaches both tabs');
          figures.deltaAfterOnlineMs = Date.now() - t2;

          // ——— no reload, one login, no errors ———
          expect([(await state(a)).bootId, (await state(b)).bootId]).toEqual(boot);
          expect(logins(), authLog()).toBe(1);
          const sa = await state(a);
          const sb = await state(b);
          figures.sessionChangesA = sa.sessions.map((x) => (x.up ? 'up' : 'down')).join(',') || 'none';
          figures.sessionChangesB = sb.sessions.map((x) => (x.up ? 'up' : 'down')).join(',') || 'none';
          expect([...sa.loggedErrors, ...sb.loggedErrors]).toEqual([]);
          // Chromium logs each request that fails while offline ("Failed to load resource: net::ERR_INTERNET_DISCONNECTED")
          // and the WebSocket it closes when it freezes the page ("WebSocket connection to … failed: Page entered
          // Back-Forward Cache") as console errors of its own: the browser's network log, not the page's code.
          const networkLog = /net::ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed/;
          figures.browserNetworkLogLines = errors.filter((e) => networkLog.test(e)).length;
          expect(errors.filter((e) => !networkLog.test(e))).toEqual([]);
          console.log(`tab lifecycle figures: ${JSON.stringify(figures)}`);
        } finally {
          await chrome.close();
        }
      },
      FREEZE_MS + OFFLINE_MS + 240_000,
    );
  },
  { ...PING, tickInterval: 0 },
  { launch: false }, // its own Chromium over CDP (noDefaults), so the harness starts none
);
