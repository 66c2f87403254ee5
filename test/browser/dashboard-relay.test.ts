/**
 * The dashboard (examples/dashboard) through `bragerone/relay` in Chromium, against the STRICT simulator (CORS for
 * its own origin only, Origin/Referer checked). Three origins: the simulator (the "cloud"), the relay (allowing the
 * page's origin) and a plain static server serving the built dashboard. With `?api=<relay>` the dashboard signs in,
 * shows the boiler's labelled values (the catalog's assets read through the relay), gets a pushed change and a
 * confirmed setpoint write — every request of the page goes to its own origin or the relay. With `?api=<simulator>`
 * the sign-in fails with the SDK's CORS error shown on the page, and the simulator never sees the login.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RelayLogEntry, RunningRelay } from '../../src/relay/index.js';
import { relayFor } from '../helpers/relay.js';
import { DEMO_MODULES } from '../../src/simulator/index.js';
import { ARTIFACTS_DIR, type StaticServer, describeBrowser, startStaticServer } from '../helpers/browser.js';
import { buildDashboard, row, rowIs } from '../helpers/dashboard.js';
import { until } from '../helpers/wait.js';

const BOILER = DEMO_MODULES[0] as string;
// Its own output directory: the dashboard test may build at the same time.
const OUT_NAME = 'dashboard-relay-build';
const OUT_DIR = join(ARTIFACTS_DIR, OUT_NAME);
const LOGIN = 'POST /v1/auth/user';
const COMMAND = 'POST /v1/module/command';

let statics: StaticServer | undefined;
beforeAll(async () => {
  await buildDashboard(OUT_NAME);
  statics = await startStaticServer({ '/dashboard': OUT_DIR });
}, 120_000);
afterAll(async () => {
  await statics?.close();
});

describeBrowser(
  'dashboard through bragerone/relay (Chromium, strict simulator, three origins)',
  (suite) => {
    let relay: RunningRelay | undefined;
    const log: RelayLogEntry[] = [];
    afterAll(async () => {
      await relay?.close();
    });

    it('directly: a CORS error on the page; through the relay: login, labelled values, a live change, a confirmed setpoint', async () => {
      const s = suite();
      if (!statics) throw new Error('static server not started');
      relay = await relayFor(s.origin, statics.url, log);
      const app = (api: string) => `${statics?.url}/dashboard/index.html?api=${encodeURIComponent(api)}`;
      expect(new Set([statics.url, relay.url, s.origin]).size).toBe(3);

      // ——— straight at the strict simulator: the sign-in fails with a clear CORS error on the page ———
      const direct = await s.newPage();
      await direct.goto(app(s.origin));
      await direct.waitForSelector('#login:not([hidden])');
      expect(await direct.inputValue('#email')).toBe('demo@bragerone.local');
      await direct.locator('#password').press('Enter');
      await direct.waitForFunction(() => (document.getElementById('login-error')?.textContent ?? '') !== '');
      const shown = (await direct.textContent('#login-error')) ?? '';
      expect(shown).toMatch(/CORS/);
      expect(shown).toContain(new URL(statics.url).host); // names the page's origin the cloud would have to allow
      expect(await direct.isVisible('#login')).toBe(true);
      expect(s.sim.stats.count(LOGIN)).toBe(0);
      await direct.close();

      // ——— through the relay ———
      const page = await s.newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      const allowed = new Set([new URL(statics.url).host, new URL(relay.url).host]);
      const foreign: string[] = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (/^(https?|wss?):$/.test(u.protocol) && !allowed.has(u.host)) foreign.push(r.url());
      });
      await page.goto(app(relay.url));
      await page.waitForSelector('#login:not([hidden])');
      expect(await page.inputValue('#email')).toBe('demo@bragerone.local');
      await page.locator('#password').press('Enter');

      const boilerButton = page.locator(`button[data-devid="${BOILER}"]`);
      await boilerButton.waitFor();
      expect(s.sim.stats.count(LOGIN)).toBe(1);
      await boilerButton.click();
      await page.waitForSelector('body[data-screen="module"]');
      await page.waitForSelector('#socket-state[data-state="up"]');

      // labelled values: the labels come from the web app's assets, read through the relay
      await rowIs(
        page,
        'PARAM_P4_1',
        (r) => r.label === 'Temperatura kotła' && r.num === '61.2' && r.unit === '°C',
        'boiler temperature shown',
      );
      expect(await row(page, 'PARAM_0')).toMatchObject({ label: 'Tryb pracy', num: 'Automatyczny' });
      expect(s.sim.stats.requests.map((r) => r.path)).toContain(`/assets/${s.sim.webApp.indexName}`);
      expect(log.some((e) => e.event === 'request' && e.path.startsWith('/assets/') && e.status === 200)).toBe(true);

      // a pushed change arrives over the relayed socket
      await until(
        () => s.sim.sockets().some((k) => k.listening.includes(BOILER)),
        'socket listening to the boiler',
        10_000,
      );
      expect(log.some((e) => e.path.startsWith('/socket.io/'))).toBe(true);
      s.sim.setParam(BOILER, 'P4.v1', 655);
      await rowIs(page, 'PARAM_P4_1', (r) => r.num === '65.5', 'pushed value rendered');

      // a setpoint write, confirmed by the value the controller pushes back
      const target = Number(s.sim.getParam(BOILER, 'P4.v8')) === 70 ? 71 : 70;
      const commands0 = s.sim.stats.count(COMMAND);
      const input = page.locator('#panels .param[data-symbol="PARAM_P4_8"] input[type="number"]');
      await input.fill(String(target));
      await input.press('Enter');
      await rowIs(page, 'PARAM_P4_8', (r) => r.write === 'confirmed' && r.num === String(target), 'setpoint confirmed');
      expect(s.sim.stats.count(COMMAND) - commands0).toBe(1);
      expect(Number(s.sim.getParam(BOILER, 'P4.v8'))).toBe(target);
      expect(log.some((e) => e.event === 'request' && e.path === '/v1/module/command')).toBe(true);

      await page.click('#logout');
      await page.waitForSelector('#login:not([hidden])');

      expect(foreign).toEqual([]);
      // Only the direct attempt's CORS failure may be in the console.
      expect(s.errors.filter((e) => !/CORS|Failed to load resource|ERR_FAILED/.test(e))).toEqual([]);
    });
  },
  { strict: true },
);
