// Heal in real headless Chromium (the script-tag bundle, dist/bragerone.iife.js): a page on the simulator's shaped
// origin (one-way 50 ms + 5 ms jitter) runs a started gateway; the browser context goes offline
// (`context.setOffline(true)`, Chromium's network emulation) and back online; the simulator pushes one `P4.v1` delta
// as soon as a socket opened after the switch is bound and listening. Measured in the page (performance.now()) from
// the `online` event to that delta in the page's ParamStore, with the page's requests as the breakdown.
//
//   node bench/cases/heal-browser.mjs [--quick]        (also `npm run bench -- --only=latency-chromium`)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startSimProcess } from '../lib/sim.mjs';
import { BOILER, DEMO, FIRST_BACKOFF, JITTER, LATENCY, OBJECT_ID, fmt, healRow } from '../lib/latency.mjs';
import { median, sleep } from '../lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** How long the context stays offline per round (ms). */
const OFFLINE_FOR = 1000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Page side: a gateway on the global `BragerOne`; `window.heal` collects marks (ms, page clock). */
function pageStart({ api, email, password, objectId, devid }) {
  const B = window.BragerOne;
  const h = { t: {}, states: [] };
  window.heal = h;
  addEventListener('online', () => void (h.t.online = performance.now()));
  addEventListener('offline', () => void (h.t.offline = performance.now()));
  const server = { apiBase: `${api}/v1`, ioBase: api, oneBase: api };
  const client = new B.BragerOneApiClient({
    server,
    tokenStore: new B.MemoryTokenStore(),
    credsProvider: () => ({ email, password }),
    logLevel: 'silent',
  });
  const gw = new B.BragerOneGateway({ api: client, objectId, modules: [devid], connectivityPollInterval: 0 });
  h.gw = gw;
  gw.onParametersChange(() => void (h.t.delta ??= performance.now()));
  return gw.start().then(() => {
    const ws = gw.realtime();
    ws.onStateChange((st) => h.states.push([st, performance.now()]));
    return true;
  });
}

async function round(page, context, sim, offlineFor) {
  await page.evaluate(() => {
    const h = window.heal;
    h.t = {};
    h.states = [];
    performance.clearResourceTimings();
  });
  await context.setOffline(true);
  await sleep(offlineFor);
  const sockets = await sim.call('socketIds');
  const armed = sim.call('armDeltaNew', BOILER, 'P4.v1', sockets);
  await context.setOffline(false);
  const v = await armed;
  for (let i = 0; ; i++) {
    const got = await page.evaluate(([devid, key]) => window.heal.gw.params(devid).get(key), [BOILER, 'P4.v1']);
    if (got === v) break;
    if (i >= 1000) throw new Error(`heal (Chromium): the pushed value ${v} did not reach the page's store`);
    await sleep(10);
  }
  return page.evaluate(() => {
    const h = window.heal;
    const base = h.t.online;
    if (base === undefined) throw new Error('the page saw no online event');
    const rel = (x) => (x === undefined ? undefined : Math.round((x - base) * 10) / 10);
    const reqs = performance
      .getEntriesByType('resource')
      .filter((e) => e.startTime >= base - 1)
      .map((e) => ({
        what: `${e.initiatorType === 'fetch' ? 'fetch' : e.initiatorType} ${new URL(e.name).pathname}${new URL(e.name).search.includes('transport=polling') ? ' (polling)' : ''}`,
        start: rel(e.startTime),
        end: rel(e.responseEnd),
      }));
    const joined = h.states.find(([s, t]) => s === 'connected' && t >= base);
    const dropped = h.states.find(([s]) => s === 'reconnecting');
    return {
      marks: {
        dropped: rel(dropped?.[1]),
        joined: rel(joined?.[1]),
        attempt: reqs.map((r) => r.start).sort((x, y) => x - y)[0],
        delta: rel(h.t.delta),
      },
      states: h.states.map(([s, t]) => [s, rel(t)]),
      reqs,
    };
  });
}

export async function run(ctx) {
  const quick = ctx?.quick ?? false;
  const log = ctx?.log ?? console.log;
  if (!existsSync(CHROMIUM)) {
    return [
      {
        case: 'latency: heal offline → online (Chromium)',
        baseline: '—',
        ours: 'no Chromium',
        ratio: null,
        target: '—',
        pass: null,
        note: `Chromium not found at ${CHROMIUM} (CHROMIUM_PATH)`,
      },
    ];
  }
  const rounds = quick ? 3 : 7;
  const { chromium } = await import('playwright-core');
  const sim = await startSimProcess({
    network: { latency: LATENCY, jitter: JITTER },
    strict: false,
    laxData: false,
    staticDirs: { '/dist': join(ROOT, 'dist'), '/fixtures': join(ROOT, 'test/browser/fixtures') },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30_000 });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${sim.url}/fixtures/blank.html`);
    await page.addScriptTag({ url: `${sim.url}/dist/bragerone.iife.js` });
    await page.evaluate(pageStart, { api: sim.url, ...DEMO, objectId: OBJECT_ID, devid: BOILER });
    const res = [];
    for (let i = 0; i < rounds; i++) {
      await sleep(1500); // the previous re-bind (prime, listing) done
      res.push(await round(page, context, sim, OFFLINE_FOR));
    }
    const heal = median(res.map((s) => s.marks.delta));
    const attempt = median(res.map((s) => s.marks.attempt));
    const typical = [...res].sort((x, y) => Math.abs(x.marks.delta - heal) - Math.abs(y.marks.delta - heal))[0];
    log(
      `\nheal (Chromium, IIFE): offline ${OFFLINE_FOR} ms → online → pushed delta in the page's ParamStore, ${rounds} rounds; medians`,
    );
    log(
      `  online → delta ${fmt(heal)}; online → first reconnect request ${Math.round(attempt)} ms (the online event; first backoff step ${FIRST_BACKOFF} ms not waited)`,
    );
    log("breakdown of a heal (ms from the page's online event; page resource timings):");
    for (const l of breakdownBrowser(typical)) log(l);
    return [
      healRow(
        'latency: heal offline → online (Chromium)',
        heal,
        `reconnect starts ${Math.round(attempt)} ms after the online event (median); socket dropped at the offline switch`,
        res,
      ),
    ];
  } finally {
    await browser.close().catch(() => {});
    await sim.close();
  }
}

/** Breakdown lines of one Chromium heal round. */
function breakdownBrowser(sample) {
  const lines = sample.reqs
    .filter((r) => r.end !== undefined && r.start !== undefined)
    .map((r) => [
      r.start,
      `  ${String(r.start.toFixed(0)).padStart(5)} → ${String(r.end.toFixed(0)).padStart(5)} ms  ${r.what}`,
    ]);
  const m = sample.marks;
  const marks = [
    ['offline switch (socket dropped: state reconnecting)', m.dropped],
    ['online event', 0],
    ['joined (state connected)', m.joined],
    ['pushed delta in the ParamStore', m.delta],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [v, `  ${String(v.toFixed(0)).padStart(5)}          ${k}`]);
  return [...lines, ...marks].sort((x, y) => x[0] - y[0]).map(([, l]) => l);
}

if (process.argv[1] === SELF) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows)
    console.log(`${r.case}: ${r.ours} vs ${r.baseline} → ${r.pass === null ? 'info' : r.pass ? 'pass' : 'FAIL'}`);
}
