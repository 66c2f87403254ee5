// `npm run screenshots`: the README's dashboard pictures (docs/img/dashboard-desktop.png, dashboard-phone.png).
// Builds examples/dashboard, serves it from a simulator whose plant ticks every second, signs in with the demo
// account in headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium), opens the boiler in English and lets the
// chart fill for 60 s (`--seconds N`) before taking the pictures. Writes nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { startSimulator } from '../dist/esm/simulator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--seconds');
const seconds = at > 0 ? Number(process.argv[at + 1]) : 60;
const out = mkdtempSync(join(tmpdir(), 'bragerone-dashboard-'));
await build({
  configFile: join(root, 'examples/dashboard/vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: out, emptyOutDir: true },
});
const sim = await startSimulator({ tickInterval: 1000, staticDirs: { '/dashboard': out } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${sim.url}/dashboard/`);
  await page.click('#login button[type=submit]'); // the form is prefilled with the demo account on loopback
  await page.getByText('Boiler room').first().click();
  await page.selectOption('#lang', 'en');
  process.stdout.write(`filling the chart for ${seconds} s…\n`);
  await page.waitForTimeout(seconds * 1000);
  await page.screenshot({ path: join(root, 'docs/img/dashboard-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500); // the chart follows its container's width
  await page.screenshot({ path: join(root, 'docs/img/dashboard-phone.png'), fullPage: true });
  process.stdout.write(
    `wrote docs/img/dashboard-desktop.png and docs/img/dashboard-phone.png (${await page.getAttribute('#chart', 'data-rows')} chart rows)\n`,
  );
} finally {
  await browser.close();
  await sim.close();
  rmSync(out, { recursive: true, force: true });
}
