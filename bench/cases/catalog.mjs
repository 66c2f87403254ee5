// Catalog costs of the BUILT package (dist/esm/catalog.js) against the simulator's scaled web app
// (`webApp: { scale: 1 }`: ~3 MB index, ≥1,400 labels and inline maps), the simulator in a child process.
// Every timing is a ratio against a baseline measured in the same run, rounds interleaved:
//
//   cold   loadCatalog (discovery + download from the local simulator + parse + health + snapshot store) and the
//          first module's panels resolved (createModuleView)  vs  acorn.parse of the same index text, bare;
//   warm   the same with the snapshot from the same cache adapter (and from a `snapshot` object, info)  vs  cold;
//   delta  one P4.v1 delta through a ModuleView (resolutions counted, time to the subscriber)  vs  resolving every
//          parameter of the module; also on the 468-symbol synthetic menu of deviceMenu 2190;
//   heap   heapUsed growth of a loaded catalog after GC (`node --expose-gc`, own process)  vs  the index text size;
//   size   bragerone/catalog in a browser app and dist/bragerone-catalog.iife.js (gz), from ./size.mjs.
//
// Run alone: node bench/run.mjs --only=catalog   (or: node bench/cases/catalog.mjs)
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSimProcess } from '../lib/sim.mjs';
import { fmtBytes, fmtMs, medMin, median, pairedRatio, summary } from '../lib/stats.mjs';
import { measureSizes } from './size.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = { email: 'demo@bragerone.local', password: 'demo' };
const BOILER = 'DEMO0A1B2C';
const BIG_MENU = 2190;

/** The parser the catalog uses, resolved the way the built package resolves it. */
async function loadAcorn() {
  const req = createRequire(pathToFileURL(`${ROOT}/dist/esm/catalog.js`));
  return import(pathToFileURL(req.resolve('acorn')).href);
}

async function libs() {
  const [lib, cat] = await Promise.all([import('../../dist/esm/index.js'), import('../../dist/esm/catalog.js')]);
  return { lib, cat };
}

/** A fresh client: no token needed for the web app; `cache` shared when a warm load is measured. */
function newClient(lib, url, cache) {
  const server = lib.defineServer({ ioBase: url, oneBase: url });
  return new lib.BragerOneApiClient({
    server,
    tokenStore: null,
    logLevel: 'silent',
    cache: cache ?? new lib.MemoryCacheAdapter(),
  });
}

/** The boiler's module record and a store primed from the simulator (REST, outside every timing). */
async function boilerFixture(lib, url) {
  const api = newClient(lib, url);
  await api.ensureAuth(DEMO.email, DEMO.password);
  const [object] = await api.getObjects();
  const modules = await api.getModules(object.id);
  const mod = modules.find((m) => m.devid === BOILER) ?? modules[0];
  const res = await api.modulesParametersPrime([mod.devid], { returnData: true });
  const store = new lib.ParamStore({ devid: mod.devid });
  store.ingestPrimePayload(res.data);
  await api.close();
  return { mod, store };
}

/** Index URL and text, fetched the way a browser would (the page names it). */
async function indexText(url) {
  const page = await (await fetch(`${url}/`)).text();
  const name = /\/assets\/(index-[A-Za-z0-9_-]+\.js)/.exec(page)?.[1];
  if (!name) throw new Error('no index named by the web app page');
  return { name, text: await (await fetch(`${url}/assets/${name}`)).text() };
}

/** loadCatalog + the boiler's panels resolved (createModuleView over the primed store). */
async function loadAndView(cat, api, fx, loadOpts = {}) {
  const catalog = await cat.loadCatalog({ api, ...loadOpts });
  const view = await cat.createModuleView({
    catalog,
    gateway: { api, params: () => fx.store },
    devid: fx.mod.devid,
    deviceMenu: fx.mod.deviceMenu,
    permissions: fx.mod.permissions,
  });
  const n = view.getSnapshot().panels.reduce((a, p) => a + p.parameters.length, 0);
  view.close();
  return { catalog, n };
}

const nextTick = () => new Promise((r) => setImmediate(r));

/**
 * One delta through a view: resolutions and time from the ingest to the subscriber; and the whole module resolved
 * (every symbol of the layout once, what the view's constructor does) for comparison.
 */
async function deltaCase(view, catalog, store, devid, key, values, rounds) {
  const symbols = [...new Set(view.getSnapshot().panels.flatMap((p) => p.parameters.map((x) => x.symbol)))];
  const layoutSymbols = view.resolutions; // the constructor resolved each layout symbol once
  const deltaMs = [];
  const fullMs = [];
  const touched = [];
  let seen = null;
  view.subscribe(() => {
    if (seen) seen();
  });
  for (let r = 0; r < rounds; r++) {
    const before = view.resolutions;
    const got = new Promise((res) => {
      seen = res;
    });
    const t0 = performance.now();
    store.ingestPrimePayload({ [devid]: values(r) });
    await got;
    deltaMs.push(performance.now() - t0);
    seen = null;
    touched.push(view.resolutions - before);
    const t1 = performance.now();
    for (const s of symbols) catalog.resolveKnown(s, store, { devid });
    fullMs.push(performance.now() - t1);
    await nextTick();
  }
  const dependents = catalog.symbolsFor(key);
  return { key, layoutSymbols, visible: symbols.length, touched: median(touched), dependents, deltaMs, fullMs };
}

export async function run(ctx) {
  const quick = ctx?.quick ?? false;
  const log = ctx?.log ?? console.log;
  const rows = [];
  const { lib, cat } = await libs();
  const acorn = await loadAcorn();
  const sim = await startSimProcess({ webApp: { scale: 1 } });
  try {
    const fx = await boilerFixture(lib, sim.url);
    const { name, text } = await indexText(sim.url);
    const indexBytes = Buffer.byteLength(text);
    log(`\ncatalog: index ${name} ${fmtBytes(indexBytes)}; boiler ${fx.mod.devid} deviceMenu ${fx.mod.deviceMenu}`);

    // ——— warm-up: JIT for the parser, the interpreter and the resolver ———
    for (let i = 0; i < 2; i++) {
      acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'module' });
      const api = newClient(lib, sim.url);
      await loadAndView(cat, api, fx);
      await api.close();
    }

    // ——— cold vs bare parse, warm vs cold: interleaved rounds ———
    const R = quick ? 3 : 7;
    const bare = [];
    const cold = [];
    const warm = [];
    const warmSnap = [];
    let params = 0;
    let snapshot = null;
    for (let r = 0; r < R; r++) {
      let t0 = performance.now();
      acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'module' });
      bare.push(performance.now() - t0);

      const cache = new lib.MemoryCacheAdapter();
      const api1 = newClient(lib, sim.url, cache);
      t0 = performance.now();
      const c = await loadAndView(cat, api1, fx);
      cold.push(performance.now() - t0);
      params = c.n;
      await api1.close();
      if (!snapshot) snapshot = JSON.parse(JSON.stringify(c.catalog.toJSON()));

      // Same cache adapter, new client: a new process with a file cache, or a reloaded page with IndexedDB.
      const api2 = newClient(lib, sim.url, cache);
      t0 = performance.now();
      const w = await loadAndView(cat, api2, fx);
      warm.push(performance.now() - t0);
      if (w.catalog.fingerprint !== c.catalog.fingerprint || w.n !== c.n)
        throw new Error('warm load differs from the cold one');
      await api2.close();

      const api3 = newClient(lib, sim.url);
      t0 = performance.now();
      await loadAndView(cat, api3, fx, { snapshot, persist: false });
      warmSnap.push(performance.now() - t0);
      await api3.close();
      await nextTick();
    }
    const sb = summary(bare);
    const sc = summary(cold);
    const sw = summary(warm);
    const ss = summary(warmSnap);
    const coldRatio = pairedRatio(cold, bare);
    const warmRatio = pairedRatio(warm, cold);
    rows.push({
      case: `catalog: cold load + ${params} boiler params resolved`,
      baseline: `${medMin(sb, fmtMs)} acorn.parse`,
      ours: medMin(sc, fmtMs),
      ratio: coldRatio,
      target: '≤ 2.50×',
      pass: coldRatio <= 2.5,
      note: `index ${fmtBytes(indexBytes)}; download from the local simulator, parse, health check, snapshot stored, menu/i18n/maps of the boiler`,
      data: { rounds: R, indexBytes, bare: sb, cold: sc },
    });
    rows.push({
      case: 'catalog: warm load (same cache adapter)',
      baseline: `${medMin(sc, fmtMs)} cold`,
      ours: medMin(sw, fmtMs),
      ratio: warmRatio,
      target: '≤ 0.05×',
      pass: warmRatio <= 0.05,
      note: 'snapshot read from the adapter; `/` revalidated (304) and GET /system/version for the fingerprint',
      data: { warm: sw },
    });
    rows.push({
      case: 'catalog: warm load (snapshot object, info)',
      baseline: `${medMin(sc, fmtMs)} cold`,
      ours: medMin(ss, fmtMs),
      ratio: pairedRatio(warmSnap, cold),
      target: 'info',
      pass: null,
      data: { warmSnapshot: ss },
    });

    // ——— one delta vs the whole module ———
    const D = quick ? 20 : 60;
    {
      const api = newClient(lib, sim.url);
      const { catalog } = await loadAndView(cat, api, fx);
      const view = await cat.createModuleView({
        catalog,
        gateway: { api, params: () => fx.store },
        devid: fx.mod.devid,
        deviceMenu: fx.mod.deviceMenu,
        permissions: fx.mod.permissions,
      });
      const d = await deltaCase(
        view,
        catalog,
        fx.store,
        fx.mod.devid,
        'P4.v1',
        (r) => ({ P4: { v1: 600 + (r % 50) } }),
        D,
      );
      view.close();
      rows.push({
        case: `catalog: one P4.v1 delta, boiler (${d.layoutSymbols} params)`,
        baseline: `${medMin(summary(d.fullMs), fmtMs)} all ${d.visible} resolved`,
        ours: `${medMin(summary(d.deltaMs), fmtMs)}, ${d.touched} resolved`,
        ratio: pairedRatio(d.deltaMs, d.fullMs),
        target: 'info',
        pass: null,
        note: `resolutions per delta ${d.touched} of ${d.layoutSymbols} (symbols on P4.v1: ${d.dependents.join(', ')}); delta time includes the microtask batch and the snapshot rebuild`,
        data: { touched: d.touched, layout: d.layoutSymbols, delta: summary(d.deltaMs), full: summary(d.fullMs) },
      });

      // The 468-symbol synthetic menu: a store with a value on every channel its symbols read.
      const big = new lib.ParamStore({ devid: 'BENCH' });
      const panels = await catalog.panels(BIG_MENU);
      const syms = [...new Set(panels.flatMap((p) => p.symbols))];
      const desc = await catalog.describe(syms);
      for (const [, p] of desc) {
        const m = p.address && /^(P\d+)\.v(\d+)$/.exec(p.address);
        if (!m) continue;
        big.upsert(`${m[1]}.v${m[2]}`, 100 + Number(m[2]));
        big.upsert(`${m[1]}.s${m[2]}`, 1);
      }
      const first = [...desc.values()].find((p) => p.address)?.address;
      const [pool, chan] = first.split('.');
      const bigView = await cat.createModuleView({
        catalog,
        gateway: { api, params: () => big },
        devid: 'BENCH',
        deviceMenu: BIG_MENU,
        includeHidden: true,
      });
      const b = await deltaCase(
        bigView,
        catalog,
        big,
        'BENCH',
        first,
        (r) => ({ [pool]: { [chan]: 200 + (r % 50) } }),
        D,
      );
      bigView.close();
      rows.push({
        case: `catalog: one delta, deviceMenu ${BIG_MENU} (${b.layoutSymbols} params)`,
        baseline: `${medMin(summary(b.fullMs), fmtMs)} all ${b.visible} resolved`,
        ours: `${medMin(summary(b.deltaMs), fmtMs)}, ${b.touched} resolved`,
        ratio: pairedRatio(b.deltaMs, b.fullMs),
        target: 'info',
        pass: null,
        note: `delta on ${first}: resolutions per delta ${b.touched} of ${b.layoutSymbols}`,
        data: { touched: b.touched, layout: b.layoutSymbols, delta: summary(b.deltaMs), full: summary(b.fullMs) },
      });
      await api.close();
    }

    // ——— heap, in a fresh `node --expose-gc` process ———
    const h = spawnSync(process.execPath, ['--expose-gc', SELF, '--heap', sim.url], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (h.status !== 0) throw new Error(`catalog heap probe failed: ${h.stderr}`);
    const heap = JSON.parse(h.stdout.trim().split('\n').pop());
    rows.push({
      case: 'catalog: heap of a loaded catalog (boiler panels)',
      baseline: `${fmtBytes(heap.indexBytes)} index text`,
      ours: fmtBytes(heap.heapUsed),
      ratio: heap.heapUsed / heap.indexBytes,
      target: 'info',
      pass: null,
      note: `heapUsed after GC, client + catalog retained; + ${fmtBytes(heap.arrayBuffers)} array buffers (HTTP cache bodies); snapshot JSON ${fmtBytes(heap.snapshotBytes)}`,
      data: heap,
    });
  } finally {
    await sim.close();
  }

  // ——— sizes ———
  const s = await measureSizes(ROOT);
  const kb = (b) => `${(b / 1000).toFixed(2)} KB`;
  rows.push({
    case: 'catalog: app with bragerone/catalog (min+gz)',
    baseline: `${kb(s.app.gz)} HTTP-only app`,
    ours: kb(s.catalogApp.gz),
    ratio: s.catalogApp.gz / s.app.gz,
    target: 'info',
    pass: null,
    note: `acorn + acorn-loose ${kb(s.catalogApp.parserGz)} gz alone, ${((s.catalogApp.parserBytes / s.catalogApp.raw) * 100).toFixed(0)}% of the minified bytes`,
  });
  rows.push({
    case: 'catalog: dist/bragerone-catalog.iife.js (gz)',
    baseline: `${kb(s.iife.gz)} bragerone.iife.js`,
    ours: kb(s.catalogIife.gz),
    ratio: s.catalogIife.gz / s.iife.gz,
    target: 'info',
    pass: null,
  });
  return rows;
}

/** Heap probe (child): heapUsed growth of client + loaded catalog + boiler panels, after GC. */
async function heapProbe(url) {
  const { lib, cat } = await libs();
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      globalThis.gc();
      await nextTick();
    }
    return process.memoryUsage();
  };
  const fx = await boilerFixture(lib, url);
  const indexBytes = await (async () => Buffer.byteLength((await indexText(url)).text))(); // text dropped before m0
  const m0 = await settle();
  const api = newClient(lib, url);
  const { catalog } = await loadAndView(cat, api, fx);
  const m1 = await settle();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(catalog.toJSON()));
  globalThis.keep = [api, catalog, fx];
  await api.close();
  return {
    indexBytes,
    heapUsed: m1.heapUsed - m0.heapUsed,
    arrayBuffers: m1.arrayBuffers - m0.arrayBuffers,
    snapshotBytes,
  };
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === '--heap') {
    console.log(JSON.stringify(await heapProbe(process.argv[3])));
  } else {
    const rows = await run({ quick: process.argv.includes('--quick'), log: console.log });
    for (const r of rows)
      console.log(
        `${r.case}: ${r.ours} vs ${r.baseline} → ${r.ratio == null ? '—' : `${r.ratio.toFixed(3)}×`} (${r.target})${r.note ? `\n    ${r.note}` : ''}`,
      );
  }
}
