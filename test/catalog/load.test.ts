import { describe, expect, it } from 'vitest';
import { MemoryCacheAdapter } from '../../src/cache/memory.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { isCatalogError } from '../../src/errors.js';
import { snapshotKey } from '../../src/catalog/snapshot.js';
import { BragerOneApiClient } from '../../src/client.js';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import { isBragerOneError } from '../../src/errors.js';
import { defineServer } from '../../src/server.js';
import { ParamStore } from '../../src/live/param-store.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { captureLogger } from '../helpers/logger.js';

const sim = useSimulator();

function client(cache = new MemoryCacheAdapter()) {
  return new BragerOneApiClient({
    server: sim().server,
    tokenStore: new MemoryTokenStore(),
    cache,
    logLevel: 'silent',
  });
}

/** Requests of the web app since `from` (index into the simulator's log). */
function assetRequests(from: number) {
  return sim()
    .stats.requests.slice(from)
    .filter((r) => r.path === '/' || r.path.startsWith('/assets/'));
}

async function primed(api: BragerOneApiClient, devid: string): Promise<ParamStore> {
  const res = await api.modulesParametersPrime([devid], { returnData: true });
  const store = new ParamStore({ devid });
  store.ingestPrimePayload(res.data);
  return store;
}

/** A client on `cache` whose requests all wait at a gate until `open()`; `asked` lists their paths as they are made. */
function gatedClient(cache: MemoryCacheAdapter) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const asked: string[] = [];
  const api = new BragerOneApiClient({
    server: sim().server,
    tokenStore: new MemoryTokenStore(),
    cache,
    logLevel: 'silent',
    fetch: (input, init) => {
      asked.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return gate.then(() => fetch(input, init));
    },
  });
  return { api, open, asked };
}

/** A cache adapter holding the snapshot of a first, finished load; resolves it with that load's catalog. */
async function storedSnapshot() {
  const cache = new MemoryCacheAdapter();
  const first = client(cache);
  const catalog = await loadCatalog({ api: first });
  await catalog.panels(0);
  await first.close();
  return { cache, catalog };
}

describe('loadCatalog against the simulator web app', () => {
  it('discovers the index from the page, fingerprints it and answers in the default language', async () => {
    const api = client();
    const from = sim().stats.requests.length;
    const cat = await loadCatalog({ api });
    const version = (await api.getSystemVersion()).version;
    expect(cat.fingerprint).toBe(`${version}|${sim().webApp.indexName}`);
    expect(cat.lang).toBe('pl');
    expect(cat.languages().map((l) => l.code)).toEqual(['pl', 'en']);
    expect(cat.health().ok).toBe(true);
    const reqs = assetRequests(from);
    expect(reqs.map((r) => r.path)).toEqual(['/', `/assets/${sim().webApp.indexName}`]);
    // Assets never carry the bearer token (CATALOG.md §5).
    expect(reqs.every((r) => r.headers.authorization === undefined)).toBe(true);
    await api.close();
  });

  it('names, units and display values of the boiler, in Polish and in English', async () => {
    const api = client();
    await api.ensureAuth(DEMO.email, DEMO.password);
    const [boiler] = await api.getModules(1201);
    if (!boiler) throw new Error('no module');
    const cat = await loadCatalog({ api });
    const panels = await cat.panels(boiler.deviceMenu, { permissions: boiler.permissions });
    expect(panels.map((p) => p.title)).toContain('Kocioł');
    const all = panels.flatMap((p) => p.symbols);
    expect(all).toEqual(expect.arrayContaining(['PARAM_P4_1', 'PARAM_P4_8', 'PARAM_0', 'PARAM_P4_20', 'STATUS_P5_0']));
    expect(all).not.toContain('STATUS_P5_1'); // needs DISPLAY_PARAMETER_LEVEL_MAX, which the module lacks
    const store = await primed(api, boiler.devid);
    store.upsert('P4.v1', 612);
    const temp = await cat.resolve('PARAM_P4_1', store);
    expect(temp).toMatchObject({
      symbol: 'PARAM_P4_1',
      address: 'P4.v1',
      label: 'Temperatura kotła',
      unit: '°C',
      raw: 612,
      value: 61.2,
      visible: true,
    });
    const en = cat.withLanguage('en');
    expect(en.lang).toBe('en');
    expect(await en.resolve('PARAM_P4_1', store)).toMatchObject({
      label: 'Boiler temperature',
      unit: '°C',
      value: 61.2,
    });
    const sp = await en.resolve('PARAM_P4_8', store);
    expect(sp).toMatchObject({ address: 'P4.v8', unit: '°C', writable: true, min: 40, max: 85 });
    const hhmm = await en.resolve('PARAM_P4_20', { 'P4.v20': 43, 'P4.u20': 66 });
    expect(hhmm.value).toBe('07:00');
    const mode = await en.resolve('PARAM_0', { 'P6.v0': 1, 'P6.u0': 20 });
    expect(mode.valueLabel).toBe('Automatic');
    expect(mode.options?.map((o) => o.raw)).toEqual([0, 1, 2, 3]);
    expect(cat.symbolsFor('P4.v1')).toContain('PARAM_P4_1');
    await api.close();
  });

  it('prepareWrite: inverse transform and raw n/x bounds checked before anything is sent', async () => {
    const api = client();
    const cat = await loadCatalog({ api });
    const values = {
      'P4.v8': 65,
      'P4.u8': 2,
      'P4.n8': 40,
      'P4.x8': 85,
      'P4.v20': 43,
      'P4.u20': 66,
      'P4.n20': 0,
      'P4.x20': 144,
    };
    expect(await cat.prepareWrite('PARAM_P4_8', 70, values)).toMatchObject({
      route: 'parameter',
      pool: 'P4',
      parameter: 'v8',
      value: 70,
    });
    expect(await cat.prepareWrite('PARAM_P4_20', '08:30', values)).toMatchObject({
      route: 'parameter',
      parameter: 'v20',
      value: 52,
    });
    const from = sim().stats.requests.length;
    const err = await cat.prepareWrite('PARAM_P4_8', 90, values).catch((e: unknown) => e);
    expect(isCatalogError(err)).toBe(true);
    expect(isBragerOneError(err)).toBe(true);
    expect((err as Error).message).toMatch(/outside/);
    const bad = await cat.prepareWrite('PARAM_P4_8', 'hot', values).catch((e: unknown) => e);
    expect(isCatalogError(bad)).toBe(true);
    const unknown = await cat.prepareWrite('NO_SUCH_SYMBOL', 1, values).catch((e: unknown) => e);
    expect(isCatalogError(unknown)).toBe(true);
    expect(
      sim()
        .stats.requests.slice(from)
        .filter((r) => r.path.includes('/module/command')),
    ).toEqual([]);
    await api.close();
  });

  it('a second load with the same cache adapter makes no index, menu or i18n request', async () => {
    const cache = new MemoryCacheAdapter();
    const first = client(cache);
    const a = await loadCatalog({ api: first });
    await a.panels(0);
    await a.resolve('PARAM_P4_1', { 'P4.v1': 600, 'P4.u1': 1 });
    await first.close();
    const from = sim().stats.requests.length;
    const second = client(cache);
    const b = await loadCatalog({ api: second });
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(await b.checked).toBeNull(); // the background check: same build
    const panels = await b.panels(0);
    expect(panels.length).toBeGreaterThan(0);
    expect(await b.resolve('PARAM_P4_1', { 'P4.v1': 600, 'P4.u1': 1 })).toMatchObject({
      label: 'Temperatura kotła',
      value: 60,
    });
    // Only the page itself (for the fingerprint, answered 304 from the HTTP cache).
    expect(assetRequests(from).map((r) => r.path)).toEqual(['/']);
    await second.close();
  });

  it('a warm load keeps the inline maps unparsed until an inline lookup needs them, then answers without the index', async () => {
    const cache = new MemoryCacheAdapter();
    const first = client(cache);
    const a = await loadCatalog({ api: first });
    const full = JSON.parse(JSON.stringify(a.toJSON())) as {
      index: { inlineMaps: Record<string, unknown>; assets: Record<string, unknown> };
    };
    const inlineOnly = Object.keys(full.index.inlineMaps).find(
      (s) => /^PARAM_/.test(s) && !Object.hasOwn(full.index.assets, s),
    );
    expect(inlineOnly).toBeDefined();
    await first.close();
    const entry = cache.get(snapshotKey(sim().server.oneBase));
    const body = new TextDecoder().decode(entry?.body);
    expect(body.split('\n')).toHaveLength(2); // the state, then the inline maps
    const second = client(cache);
    const b = await loadCatalog({ api: second });
    const index = (b.core.state as unknown as { index: object }).index;
    expect(typeof Object.getOwnPropertyDescriptor(index, 'inlineMaps')?.get).toBe('function'); // not parsed yet
    const from = sim().stats.requests.length;
    const d = await b.describe([inlineOnly as string]);
    expect(d.get(inlineOnly as string)).toBeDefined();
    expect(assetRequests(from).map((r) => r.path)).not.toContain(`/assets/${sim().webApp.indexName}`); // i18n only
    expect(Object.getOwnPropertyDescriptor(index, 'inlineMaps')?.get).toBeUndefined(); // parsed once, on the miss
    expect(JSON.parse(JSON.stringify(b.toJSON())).index.inlineMaps).toEqual(full.index.inlineMaps);
    await second.close();
  });

  it('toJSON() round-trips: a snapshot answers without the index, and a stale one is replaced', async () => {
    const api = client();
    const a = await loadCatalog({ api, persist: false });
    await a.panels(0);
    const snap = JSON.parse(JSON.stringify(a.toJSON()));
    const from = sim().stats.requests.length;
    const b = await loadCatalog({ api, snapshot: snap, persist: false });
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(assetRequests(from).map((r) => r.path)).toEqual(['/']);
    const stale = { ...snap, fingerprint: 'old|index-OLD.js' };
    const changes: unknown[] = [];
    const c = await loadCatalog({ api, snapshot: stale, persist: false, onChange: (ch) => changes.push(ch) });
    expect(c.fingerprint).toBe(a.fingerprint);
    expect(changes).toEqual([
      { previous: 'old|index-OLD.js', fingerprint: a.fingerprint, applied: true, problems: [] },
    ]);
    await api.close();
  });

  it('a stored snapshot answers before any response arrives, then the background check applies a new build', async () => {
    const { cache, catalog: old } = await storedSnapshot();
    sim().webApp.publish({ keepOld: true });
    // every request of the second client waits at a gate: the load must answer without a single response
    const { api: second, open, asked } = gatedClient(cache);
    const heard: string[] = [];
    try {
      const cat = await loadCatalog({ api: second, onChange: (c) => heard.push(`${c.applied} ${c.fingerprint}`) });
      expect(cat.fingerprint).toBe(old.fingerprint); // the stored build, answered at once
      expect((await cat.describe(['PARAM_P4_1'])).get('PARAM_P4_1')?.label).toBe('Temperatura kotła');
      expect(asked.sort()).toEqual(['/', '/v1/system/version']); // the check is under way, its answers held
      open();
      const change = await cat.checked;
      expect(change).toMatchObject({ previous: old.fingerprint, applied: true });
      expect(cat.fingerprint).not.toBe(old.fingerprint);
      expect(cat.fingerprint.endsWith(sim().webApp.indexName)).toBe(true);
      expect(heard).toEqual([`true ${cat.fingerprint}`]);
      // the new build was stored: a third load answers with it
      const third = client(cache);
      const again = await loadCatalog({ api: third });
      expect(again.fingerprint).toBe(cat.fingerprint);
      expect(await again.checked).toBeNull();
      await third.close();
    } finally {
      open();
      await second.close();
    }
  });

  it("revalidate: 'first' waits for the fingerprint before answering from the stored snapshot", async () => {
    const { cache, catalog: stored } = await storedSnapshot();
    const { api: second, open, asked } = gatedClient(cache);
    try {
      let answered = false;
      const loading = loadCatalog({ api: second, revalidate: 'first' }).then((c) => {
        answered = true;
        return c;
      });
      while (asked.length < 2) await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(answered).toBe(false); // both fingerprint requests are out, their answers held: no catalog yet
      open();
      const cat = await loading;
      expect(cat.fingerprint).toBe(stored.fingerprint);
      expect(await cat.checked).toBeNull();
    } finally {
      open();
      await second.close();
    }
  });

  it('a failed GET /system/version compares the index file alone: no new parse, no "unknown" fingerprint', async () => {
    const { cache, catalog: stored } = await storedSnapshot();
    const log = captureLogger();
    const api = new BragerOneApiClient({
      server: sim().server,
      tokenStore: new MemoryTokenStore(),
      cache,
      logger: log,
      logLevel: 'warn',
    });
    try {
      sim().faults.failNext('GET /v1/system/version', 1, { status: 500 });
      let from = sim().stats.requests.length;
      const cat = await loadCatalog({ api, revalidate: 'first' });
      expect(cat.fingerprint).toBe(stored.fingerprint);
      expect(assetRequests(from).map((r) => r.path)).toEqual(['/']); // the index was not downloaded again
      sim().faults.failNext('GET /v1/system/version', 1, { status: 500 });
      from = sim().stats.requests.length;
      expect(await cat.refresh()).toBeNull();
      expect(cat.fingerprint).toBe(stored.fingerprint);
      expect(assetRequests(from).map((r) => r.path)).toEqual(['/']);
      expect(log.text()).toMatch(/system\/version failed .*comparing the index file alone/);
    } finally {
      await api.close();
    }
  });

  it('a chunk gone with a deploy (404) makes a long-running catalog find the new build by itself, once', async () => {
    const log = captureLogger();
    const api = new BragerOneApiClient({
      server: sim().server,
      tokenStore: new MemoryTokenStore(),
      logger: log,
      logLevel: 'warn',
    });
    try {
      const cat = await loadCatalog({ api, persist: false });
      const before = cat.fingerprint;
      const heard: string[] = [];
      cat.onChange((c) => heard.push(`${c.applied} ${c.fingerprint}`));
      // a new label changes the texts chunk's hash; the old build's hashed files now answer 404
      sim().webApp.publish({ labels: { PARAM_P4_1: { pl: 'Temperatura kotła (kompilacja 2)' } } });
      const pages = sim().stats.count('GET /');
      // nothing of the boiler was loaded yet: its chunks are the old build's, and gone
      const d = await cat.describe(['PARAM_P4_1', 'PARAM_P4_8']);
      expect(d.get('PARAM_P4_1')?.label).toBe('Temperatura kotła (kompilacja 2)'); // the new build's text
      expect(cat.fingerprint).not.toBe(before);
      expect(cat.fingerprint.endsWith(sim().webApp.indexName)).toBe(true);
      expect(heard).toEqual([`true ${cat.fingerprint}`]);
      expect(sim().stats.count('GET /') - pages).toBe(1); // one rediscovery, however many chunks hit the 404
      expect(log.text()).toMatch(/is gone \(404\); looking for a new web-app build/);
      // chunks missing from the live build itself (two 404s): one refresh for this build, not one per 404
      sim().faults.failNext('GET /assets/*', 2, { status: 404 });
      const again = sim().stats.count('GET /');
      expect(await cat.panels(0)).toEqual([]); // the menu chunk 404'd: an empty menu now, not cached
      await cat.panels(0);
      expect(sim().stats.count('GET /') - again).toBe(1);
      expect(heard).toHaveLength(1); // nothing new was found
      expect((await cat.panels(0)).length).toBeGreaterThan(0); // the faults are used up: the menu loads
    } finally {
      await api.close();
    }
  });

  it('refresh() picks up a new build and tells the listeners', async () => {
    const api = client();
    const cat = await loadCatalog({ api, persist: false });
    const before = cat.fingerprint;
    expect(await cat.refresh()).toBeNull();
    const seen: string[] = [];
    cat.onChange((c) => seen.push(c.fingerprint));
    sim().webApp.publish({ keepOld: true });
    try {
      const change = await cat.refresh();
      expect(change?.applied).toBe(true);
      expect(cat.fingerprint).not.toBe(before);
      expect(cat.fingerprint.endsWith(sim().webApp.indexName)).toBe(true);
      expect(seen).toEqual([cat.fingerprint]);
      expect((await cat.resolve('PARAM_P4_1', { 'P4.v1': 600, 'P4.u1': 1 })).label).toBeTruthy();
    } finally {
      await api.close();
    }
  });

  it('an unreachable web app rejects with a CatalogError that says what was tried', async () => {
    const logger = captureLogger();
    const server = defineServer({ ioBase: sim().url, oneBase: 'http://127.0.0.1:9' });
    const api = new BragerOneApiClient({ server, logger, logLevel: 'warn', timeout: 2000 });
    const err = await loadCatalog({ api, persist: false }).catch((e: unknown) => e);
    expect(isCatalogError(err)).toBe(true);
    expect((err as Error).message).toMatch(/tried .*index-main\.js.*index\.js/);
    await api.close();
  });
});
