/**
 * The dashboard (examples/dashboard) in Chromium against the simulator, built once with Vite's JS API and served by
 * the simulator on the API's own origin (`/dashboard`): sign in with the prefilled demo account, pick the boiler,
 * labelled values with units and a live change, a confirmed setpoint write, an out-of-range value refused with no
 * request, dropped sockets → "reconnecting" → recovery, pl → en, screenshots at desktop and phone sizes, no console
 * error and no request to another host.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_MODULES } from '../../src/simulator/index.js';
import { ARTIFACTS_DIR, ROOT, describeBrowser, screenshot } from '../helpers/browser.js';
import { buildDashboard, row, rowIs } from '../helpers/dashboard.js';
import { until } from '../helpers/wait.js';

const BOILER = DEMO_MODULES[0] as string;
const OUT_NAME = 'dashboard-build';
const OUT_DIR = join(ARTIFACTS_DIR, OUT_NAME);
const COMMAND = 'POST /v1/module/command';

beforeAll(async () => {
  await buildDashboard(OUT_NAME);
}, 120_000);

/** Lowest text contrast (WCAG ratio) of labels, values, units, pills and buttons against their backgrounds. */
function minContrast(page: Page): Promise<{ ratio: number; where: string }> {
  return page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: string) => {
      const [r = 0, g = 0, b = 0] = rgb(c)
        .map((v) => v / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const bgOf = (e: Element | null): string => {
      for (let n = e; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        const parts = rgb(bg);
        if (parts.length >= 3 && (parts.length < 4 || (parts[3] ?? 0) > 0.5)) return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    let worst = { ratio: 99, where: '' };
    for (const e of document.querySelectorAll(
      '.param dt, .param .num, .param .unit, .pill, button, .status, .legend li, h2, h3',
    )) {
      if (!(e as HTMLElement).offsetParent) continue;
      const a = lum(getComputedStyle(e).color);
      const b = lum(bgOf(e));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < worst.ratio) worst = { ratio, where: `${e.className || e.tagName}: ${e.textContent?.slice(0, 30)}` };
    }
    return worst;
  });
}

async function setpoint(page: Page, symbol: string, value: string): Promise<void> {
  const input = page.locator(`#panels .param[data-symbol="${symbol}"] input[type="number"]`);
  await input.fill(value);
  await input.press('Enter'); // keyboard: the control is a form
}

describeBrowser(
  'dashboard (Chromium, examples/dashboard)',
  (suite) => {
    it('the sources never parse text as HTML', async () => {
      const dir = join(ROOT, 'examples', 'dashboard', 'src');
      for (const f of await readdir(dir)) {
        const src = await readFile(join(dir, f), 'utf8');
        expect(src, f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      }
    });

    it('login, boiler, live values, setpoint, out-of-range, reconnect, language, screenshots, logout', async () => {
      const s = suite();
      const page = await s.newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      const foreign: string[] = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (
          (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') &&
          u.host !== new URL(s.origin).host
        )
          foreign.push(r.url());
      });

      // ——— login with the prefilled demo account ———
      await page.goto(s.url('/dashboard/'));
      await page.waitForSelector('#login:not([hidden])');
      expect(await page.inputValue('#email')).toBe('demo@bragerone.local');
      expect(await page.getAttribute('#socket-state', 'data-state')).toBe('down');
      await page.locator('#password').press('Enter');

      // ——— objects → modules (online state) → the boiler ———
      const boilerButton = page.locator(`button[data-devid="${BOILER}"]`);
      await boilerButton.waitFor();
      expect(await boilerButton.textContent()).toContain('Boiler room');
      expect(await boilerButton.textContent()).toMatch(/online/);
      await boilerButton.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('body[data-screen="module"]');
      await page.waitForSelector('#socket-state[data-state="up"]');
      await page.waitForSelector('#module-state[data-state="online"]');
      expect(await page.isVisible('#login')).toBe(false);
      expect(await page.isVisible('#nav')).toBe(false);

      // ——— labelled values with units, enum texts, indicators ———
      await rowIs(
        page,
        'PARAM_P4_1',
        (r) => r.label === 'Temperatura kotła' && r.num === '61.2' && r.unit === '°C',
        'boiler temperature shown',
      );
      expect(await row(page, 'PARAM_0')).toMatchObject({ label: 'Tryb pracy', num: 'Automatyczny', unit: '' });
      expect(await page.getAttribute('#panels .param[data-symbol="POMPA_CWU"]', 'data-on')).toBe('false');
      expect(await page.getAttribute('#panels .param[data-symbol="STATUS_P5_0"]', 'data-on')).toBe('true');
      expect(
        await page.evaluate(() => [...document.querySelectorAll('#panels h3')].map((h) => h.textContent)),
      ).toContain('Kocioł');
      expect(await page.locator('#legend').textContent()).toContain('Temperatura kotła (°C)');
      expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0);

      // ——— a pushed value changes on screen ———
      await until(
        () => s.sim.sockets().some((k) => k.listening.includes(BOILER)),
        'socket listening to the boiler',
        10_000,
      );
      s.sim.setParam(BOILER, 'P4.v1', 655);
      await rowIs(page, 'PARAM_P4_1', (r) => r.num === '65.5', 'pushed value rendered');
      expect(
        await page.evaluate(() => (window as unknown as { dashboard: { chartRows: number } }).dashboard.chartRows),
      ).toBeGreaterThan(0);

      // ——— the setpoint: pending → confirmed by the pushed value ———
      const min = await page.getAttribute('#panels .param[data-symbol="PARAM_P4_8"] input[type="range"]', 'min');
      const max = await page.getAttribute('#panels .param[data-symbol="PARAM_P4_8"] input[type="range"]', 'max');
      expect([min, max]).toEqual(['40', '85']);
      const commands0 = s.sim.stats.count(COMMAND);
      await setpoint(page, 'PARAM_P4_8', '70');
      await rowIs(page, 'PARAM_P4_8', (r) => r.write === 'confirmed' && r.num === '70', 'setpoint confirmed');
      expect(await row(page, 'PARAM_P4_8')).toMatchObject({ writeText: 'Potwierdzone', unit: '°C' });
      expect(s.sim.stats.count(COMMAND) - commands0).toBe(1);
      expect(Number(s.sim.getParam(BOILER, 'P4.v8'))).toBe(70);

      // ——— out of range: a clear error and no request ———
      const requests0 = s.sim.stats.requests.length;
      await setpoint(page, 'PARAM_P4_8', '999');
      await rowIs(page, 'PARAM_P4_8', (r) => r.write === 'error', 'out-of-range error shown');
      expect((await row(page, 'PARAM_P4_8'))?.writeText).toBe('Poza zakresem (40–85 °C): nic nie wysłano.');
      expect(s.sim.stats.requests.slice(requests0).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect(s.sim.stats.count(COMMAND) - commands0).toBe(1);
      expect(Number(s.sim.getParam(BOILER, 'P4.v8'))).toBe(70);

      // ——— every socket dropped: "reconnecting", then up again with live values ———
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { socketStates: string[] }).socketStates = seen;
        const pill = document.getElementById('socket-state') as HTMLElement;
        new MutationObserver(() => seen.push(pill.dataset.state ?? '')).observe(pill, {
          attributes: true,
          attributeFilter: ['data-state'],
        });
      });
      s.sim.faults.dropAllSockets();
      await until(
        async () => {
          const seen = await page.evaluate(() => (window as unknown as { socketStates: string[] }).socketStates);
          const i = seen.indexOf('reconnecting');
          return i >= 0 && seen.slice(i).includes('up');
        },
        'reconnecting, then up',
        20_000,
      );
      expect(await page.getAttribute('#socket-state', 'data-state')).toBe('up');
      await until(() => s.sim.sockets().some((k) => k.listening.includes(BOILER)), 'listening again', 15_000);
      s.sim.setParam(BOILER, 'P4.v1', 612);
      await rowIs(page, 'PARAM_P4_1', (r) => r.num === '61.2', 'deltas flow after the reconnect');

      // ——— language: pl → en (catalog texts and the dashboard's own) ———
      await page.selectOption('#lang', 'en');
      await rowIs(page, 'PARAM_P4_1', (r) => r.label === 'Boiler temperature' && r.unit === '°C', 'English labels');
      expect(
        await page.evaluate(() => [...document.querySelectorAll('#panels h3')].map((h) => h.textContent)),
      ).toContain('Boiler');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.textContent('#socket-state')).toBe('Socket: up');
      expect(await page.locator('#legend').textContent()).toContain('Boiler temperature (°C)');

      // ——— contrast in both themes (the theme follows the system) ———
      for (const colorScheme of ['dark', 'light'] as const) {
        await page.emulateMedia({ colorScheme });
        const c = await minContrast(page);
        expect(c.ratio, `${colorScheme}: ${c.where}`).toBeGreaterThanOrEqual(4.5);
      }

      // ——— screenshots: desktop and phone; nothing wider than the phone ———
      await screenshot(page, 'dashboard-desktop.png');
      await page.setViewportSize({ width: 390, height: 844 });
      await until(() => page.evaluate(() => document.documentElement.scrollWidth <= 390), 'fits 390 px', 5_000);
      await screenshot(page, 'dashboard-phone.png');

      // ——— logout revokes the token ———
      const revokes0 = s.sim.stats.count('POST /v1/auth/revoke');
      await page.click('#logout');
      await page.waitForSelector('#login:not([hidden])');
      expect(s.sim.stats.count('POST /v1/auth/revoke') - revokes0).toBe(1);

      expect(foreign).toEqual([]);
      expect(s.errors).toEqual([]);
    });
  },
  { staticDirs: { '/dashboard': OUT_DIR } },
);
