/** Shared pieces of the dashboard's Chromium tests: building the app and reading its parameter rows. */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { ARTIFACTS_DIR, ROOT } from './browser.js';
import { until } from './wait.js';

/** Builds examples/dashboard with its own Vite config into `test-artifacts/<outName>`; returns that directory. */
export async function buildDashboard(outName: string): Promise<string> {
  const appDir = join(ROOT, 'examples', 'dashboard');
  const outDir = join(ARTIFACTS_DIR, outName);
  await build({ configFile: join(appDir, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** The text parts of one parameter row of the dashboard. */
export interface DashboardRow {
  label: string;
  num: string;
  unit: string;
  write: string;
  writeText: string;
}

/** Text of a parameter row's parts, or `null` when the row is not on the page. */
export function row(page: Page, symbol: string): Promise<DashboardRow | null> {
  return page.evaluate((s) => {
    const r = document.querySelector<HTMLElement>(`#panels .param[data-symbol="${s}"]`);
    if (!r) return null;
    const text = (sel: string) => r.querySelector(sel)?.textContent ?? '';
    return {
      label: text('.label'),
      num: text('.num'),
      unit: text('.unit'),
      write: r.dataset.write ?? '',
      writeText: text('.write-state'),
    };
  }, symbol);
}

/** Waits until the row of `symbol` satisfies `pred`. */
export async function rowIs(
  page: Page,
  symbol: string,
  pred: (r: DashboardRow) => boolean,
  what: string,
): Promise<void> {
  await until(
    async () => {
      const r = await row(page, symbol);
      return r !== null && pred(r);
    },
    what,
    15_000,
  );
}
