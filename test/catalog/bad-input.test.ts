/**
 * The failure table of CATALOG.md §3.12 and the security rules of §5, against the simulator's corrupted web app:
 * broken menus, i18n and parameter chunks degrade instead of throwing, a hostile index never escapes
 * `loadCatalog`, nothing from the assets is executed or merged into live prototypes, a stale index is rediscovered,
 * snapshots are treated as data, texts come back as plain text and assets never carry `Authorization`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import { MemoryCacheAdapter } from '../../src/cache/memory.js';
import { type Catalog, loadCatalog } from '../../src/catalog/index.js';
import { isCatalogError } from '../../src/errors.js';
import { snapshotKey } from '../../src/catalog/snapshot.js';
import { BragerOneApiClient } from '../../src/client.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { captureLogger } from '../helpers/logger.js';

const sim = useSimulator();
const P4_1 = { 'P4.v1': 612, 'P4.u1': 1 } as const;

afterEach(() => {
  sim().webApp.restore();
  sim().faults.clear();
});

function client(opts: { logger?: ReturnType<typeof captureLogger>; fetch?: typeof fetch } = {}) {
  return new BragerOneApiClient({
    server: sim().server,
    tokenStore: new MemoryTokenStore(),
    cache: new MemoryCacheAdapter(),
    ...(opts.logger ? { logger: opts.logger, logLevel: 'warn' as const } : { logLevel: 'silent' as const }),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

/** Requests of the web app since `from`. */
function assetRequests(from: number) {
  return sim()
    .stats.requests.slice(from)
    .filter((r) => r.path === '/' || r.path.startsWith('/assets/'));
}

const warnings = (log: { lines: string[] }) => log.lines.filter((l) => l.startsWith('warn '));

/** Nothing from an asset ever ran or reached a live prototype. */
function expectInert(): void {
  expect((globalThis as Record<string, unknown>).__bragerCanary).toBeUndefined();
  expect(process.env.BRAGER_CANARY).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
}

describe('menu chunks (§3.12: degrade to an empty menu + error status)', () => {
  it.each(['garbage', 'missing', 'empty'] as const)(
    'a %s menu chunk gives no panels, other symbols resolve, and a later call retries',
    async (mode) => {
      const log = captureLogger();
      const api = client({ logger: log });
      expect(sim().webApp.corrupt('module.menu', mode)).toHaveLength(1);
      const cat = await loadCatalog({ api, persist: false });
      expect(await cat.panels(0)).toEqual([]);
      expect(warnings(log).some((l) => /menu chunk of deviceMenu 0/.test(l))).toBe(true);
      expect(await cat.resolve('PARAM_P4_1', P4_1)).toMatchObject({
        label: 'Temperatura kotła',
        value: 61.2,
        unit: '°C',
      });
      expect((await cat.panels(153)).length).toBeGreaterThan(0); // the mixer's menu is another chunk
      sim().webApp.restore();
      const panels = await cat.panels(0);
      expect(panels.map((p) => p.title)).toContain('Kocioł');
      await api.close();
    },
  );

  it('a truncated menu chunk never throws and yields only symbols of the real menu', async () => {
    const full = await (await loadCatalog({ api: client(), persist: false })).panels(0);
    const known = new Set(full.flatMap((p) => p.symbols));
    sim().webApp.corrupt('module.menu', 'truncate');
    const cat = await loadCatalog({ api: client(), persist: false });
    const panels = await cat.panels(0);
    const symbols = panels.flatMap((p) => p.symbols);
    expect(symbols.length).toBeLessThan(known.size);
    for (const s of symbols) expect(known.has(s)).toBe(true);
    expect(await cat.resolve('PARAM_P4_8', { 'P4.v8': 65, 'P4.u8': 2 })).toMatchObject({ value: 65, unit: '°C' });
  });

  it('a deviceMenu the index does not map falls back to the default menu (module.menu)', async () => {
    const cat = await loadCatalog({ api: client(), persist: false });
    const fallback = await cat.panels(4242);
    expect(fallback.map((p) => p.title)).toContain('Kocioł');
    expect(fallback).toEqual(await cat.panels(0));
  });
});

describe('i18n chunks (§3.12: fall back, retry later)', () => {
  it.each(['garbage', 'missing', 'empty'] as const)(
    'a %s namespace falls back to the default language, and a later call retries',
    async (mode) => {
      const log = captureLogger();
      const api = client({ logger: log });
      const file = sim().webApp.info().i18n['en/parameters'];
      if (!file) throw new Error('the web app has no en/parameters chunk');
      sim().webApp.corrupt(file, mode);
      const en = (await loadCatalog({ api, persist: false })).withLanguage('en');
      expect(await en.resolveDetails('PARAM_P4_1', P4_1)).toMatchObject({
        label: 'Temperatura kotła',
        labelSource: 'default-language',
        value: 61.2,
      });
      expect(warnings(log).some((l) => l.includes('en/parameters'))).toBe(true);
      sim().webApp.restore();
      expect(await en.resolveDetails('PARAM_P4_1', P4_1)).toMatchObject({ label: 'Boiler temperature', value: 61.2 });
      await api.close();
    },
  );

  it('with no texts in any language the label falls back to the symbol', async () => {
    expect(sim().webApp.corrupt('parameters', 'garbage')).toHaveLength(2);
    const cat = await loadCatalog({ api: client(), persist: false });
    const r = await cat.resolveDetails('PARAM_P4_1', P4_1);
    expect(r).toMatchObject({ labelSource: 'symbol', value: 61.2, unit: '°C' });
    expect(r.label).toContain('PARAM_P4_1');
  });
});

describe('dedicated parameter chunks (§3.12: fall back to the index walk)', () => {
  it.each(['garbage', 'missing', 'empty'] as const)(
    'a %s STATUS_P5_0 chunk is looked up in the index instead',
    async (mode) => {
      const log = captureLogger();
      sim().webApp.corrupt('STATUS_P5_0', mode);
      const cat = await loadCatalog({ api: client({ logger: log }), persist: false });
      const r = await cat.resolveDetails('STATUS_P5_0', { 'P5.s0': 1 });
      expect(r).toMatchObject({ symbol: 'STATUS_P5_0', address: 'P5.s0', label: 'Pompa CO' });
      expect(warnings(log).some((l) => /STATUS_P5_0.*trying the index/.test(l))).toBe(true);
      const stored = (cat.toJSON() as { maps: Record<string, { origin: string } | null> }).maps.STATUS_P5_0;
      // Not the broken chunk: the index's answer (an inline map, or a recorded miss — the synthetic index has none).
      expect(stored).not.toBeUndefined(); // looked up
      expect(stored === null || !stored?.origin.startsWith('asset:')).toBe(true);
      // The intact chunk for comparison: a real map from the asset.
      sim().webApp.restore();
      const ok = await loadCatalog({ api: client(), persist: false });
      expect(await ok.resolveDetails('STATUS_P5_0', { 'P5.s0': 1 })).toMatchObject({
        componentType: 'DIODE',
        valueLabel: 'Włączone',
      });
      expect((ok.toJSON() as { maps: Record<string, { origin: string } | null> }).maps.STATUS_P5_0?.origin).toMatch(
        /^asset:/,
      );
    },
  );
});

describe('hostile index (§5: never throws past loadCatalog)', () => {
  it.each(['hostile', 'deep', 'huge', 'truncate', 'garbage', 'html', 'empty'] as const)(
    '%s: loads degraded or rejects with CatalogError',
    async (mode) => {
      const urls: string[] = [];
      const recording: typeof fetch = (input, init) => {
        urls.push(new Request(input, init).url);
        return fetch(input, init);
      };
      const api = client({ fetch: recording });
      sim().webApp.corrupt('index', mode);
      let cat: Catalog | null = null;
      try {
        cat = await loadCatalog({ api, persist: false });
      } catch (e) {
        expect(isCatalogError(e)).toBe(true);
      }
      if (cat) {
        // Every later call stays inside the catalog's contract too.
        for (const call of [
          () => cat.panels(0),
          () => cat.panels(7),
          () => cat.panels(8),
          () => cat.resolve('PARAM_P4_1', P4_1),
          () => cat.describe(['PARAM_P4_1', 'STATUS_P5_0', '__proto__', 'constructor']),
        ]) {
          await call().catch((e: unknown) => expect(isCatalogError(e)).toBe(true));
        }
        if (mode !== 'hostile') expect(cat.health().ok).toBe(false); // the damage is reported, not hidden
      }
      expect(urls.every((u) => new URL(u).origin === new URL(sim().url).origin)).toBe(true); // never `evil.invalid`
      expectInert();
      await api.close();
    },
  );

  it('a hostile index still serves the real data that follows the injected code', async () => {
    sim().webApp.corrupt('index', 'hostile');
    const cat = await loadCatalog({ api: client(), persist: false });
    expect(await cat.resolve('PARAM_P4_1', P4_1)).toMatchObject({ label: 'Temperatura kotła', value: 61.2 });
    const d = await cat.describe(['PARAM_P4_1']);
    expect(Object.getPrototypeOf(d.get('PARAM_P4_1'))).toBe(Object.prototype);
    expect((d.get('PARAM_P4_1') as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
    expectInert();
  });
});

describe('the canary chunk (§5: never executed)', () => {
  it('describe and resolve read PARAM_CANARY as data', async () => {
    const from = sim().stats.requests.length;
    const cat = await loadCatalog({ api: client(), persist: false });
    const described = await cat.describe(['PARAM_CANARY']);
    expect(described.get('PARAM_CANARY')?.label).toBe('Kanarek (nigdy nie wykonywany)');
    const r = await cat.resolve('PARAM_CANARY', { 'P4.v99': 5 });
    expect(r.symbol).toBe('PARAM_CANARY');
    expect(assetRequests(from).some((q) => q.path.includes('/PARAM_CANARY-'))).toBe(true); // the chunk was read
    await cat.withLanguage('en').describe(['PARAM_CANARY']);
    expectInert();
  });
});

describe('stale hashed index URL (§1.2 step 6: one rediscovery)', () => {
  it('a stale page naming an index that now 404s is discovered again', async () => {
    const oldPage = sim().webApp.text('/');
    const oldIndex = sim().webApp.indexName;
    if (!oldPage) throw new Error('no page');
    sim().webApp.publish(); // the old hashed URLs answer 404 from now on
    const fresh = sim().webApp.indexName;
    expect(fresh).not.toBe(oldIndex);
    // A stale edge cache answers the page once with the previous build's HTML.
    sim().faults.failNext('GET /', 1, { status: 200, body: oldPage });
    const log = captureLogger();
    const from = sim().stats.requests.length;
    const cat = await loadCatalog({ api: client({ logger: log }), persist: false });
    expect(cat.fingerprint.endsWith(`|${fresh}`)).toBe(true);
    const paths = assetRequests(from).map((r) => `${r.path} ${r.status}`);
    expect(paths).toContain(`/assets/${oldIndex} 404`);
    expect(paths.filter((p) => p.startsWith('/ ')).length).toBe(2); // one rediscovery, no more
    expect(paths.at(-1)).toBe(`/assets/${fresh} 200`);
    expect(await cat.resolve('PARAM_P4_1', P4_1)).toMatchObject({ label: 'Temperatura kotła' });
  });

  it('a rediscovery that finds nothing new rejects once with CatalogError (no loop)', async () => {
    sim().webApp.corrupt('index', 'missing');
    const from = sim().stats.requests.length;
    const err = await loadCatalog({ api: client(), persist: false }).catch((e: unknown) => e);
    expect(isCatalogError(err)).toBe(true);
    expect(assetRequests(from).filter((r) => r.path === '/').length).toBe(2);
  });
});

describe('snapshots are data (§5 prototype pollution, §3.11 schema)', () => {
  async function snapshotText(): Promise<string> {
    const cat = await loadCatalog({ api: client(), persist: false });
    await cat.panels(0);
    await cat.resolve('PARAM_P4_1', P4_1);
    return JSON.stringify(cat.toJSON());
  }

  it('__proto__ / constructor keys in a snapshot do not pollute Object.prototype', async () => {
    const evil = '"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}},';
    let text = await snapshotText();
    text = `{${evil}${text.slice(1)}`;
    for (const key of [
      '"maps":{',
      '"i18n":{',
      '"menus":{',
      '"transforms":{',
      '"assets":{',
      '"parameters":{',
      '"menuMap":{',
    ]) {
      expect(text.includes(key)).toBe(true);
      text = text.replace(key, `${key}${evil}`);
    }
    const polluted = JSON.parse(text) as Record<string, unknown>;
    expect(Object.hasOwn(polluted, '__proto__')).toBe(true); // the test really carries the key
    const from = sim().stats.requests.length;
    const cat = await loadCatalog({ api: client(), snapshot: polluted, persist: false });
    expect(assetRequests(from).map((r) => r.path)).toEqual(['/']); // the snapshot was used
    const r = await cat.resolve('PARAM_P4_1', P4_1);
    expect(r).toMatchObject({ label: 'Temperatura kotła', value: 61.2 });
    expect((r as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect((await cat.panels(0)).map((p) => p.title)).toContain('Kocioł');
    await cat.describe(['__proto__', 'constructor', 'PARAM_P4_1']);
    JSON.parse(JSON.stringify(cat.toJSON()));
    expectInert();
  });

  it('__proto__ / constructor keys in the stored snapshot (both parts) stay data; a truncated one is ignored', async () => {
    const evil = '"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}},';
    const cache = new MemoryCacheAdapter();
    const mk = () =>
      new BragerOneApiClient({ server: sim().server, tokenStore: new MemoryTokenStore(), cache, logLevel: 'silent' });
    const first = mk();
    const a = await loadCatalog({ api: first });
    await a.panels(0);
    await a.resolve('PARAM_P4_1', P4_1);
    await first.close();
    const key = snapshotKey(sim().server.oneBase);
    const stored = cache.get(key);
    if (!stored) throw new Error('no stored snapshot');
    const [main = '', inline = ''] = new TextDecoder().decode(stored.body).split('\n');
    let text = `{${evil}${main.slice(1)}`;
    for (const k of ['"maps":{', '"i18n":{', '"menus":{', '"transforms":{', '"assets":{', '"menuMap":{'])
      text = text.replace(k, `${k}${evil}`);
    const badInline = `{${evil}${inline.slice(1)}`;
    text = text.replace(/"inlineMaps":\d+/, `"inlineMaps":${new TextEncoder().encode(badInline).byteLength}`);
    cache.set(key, { etag: null, lastModified: null, body: new TextEncoder().encode(`${text}\n${badInline}`) });
    let from = sim().stats.requests.length;
    const second = mk();
    const b = await loadCatalog({ api: second });
    expect(await b.checked).toBeNull(); // the background check: same build
    expect(assetRequests(from).map((r) => r.path)).toEqual(['/']); // the stored snapshot was used
    expect(await b.resolve('PARAM_P4_1', P4_1)).toMatchObject({ label: 'Temperatura kotła', value: 61.2 });
    await b.describe(['__proto__', 'constructor', 'PARAM_P4_1']);
    b.health(); // reads the inline maps
    JSON.parse(JSON.stringify(b.toJSON()));
    expectInert();
    await second.close();
    // A truncated entry (a half-written file) is "nothing stored": the index is parsed again.
    const again = cache.get(key);
    if (!again) throw new Error('no stored snapshot');
    cache.set(key, { ...again, body: again.body.subarray(0, again.body.byteLength - 10) });
    from = sim().stats.requests.length;
    const third = mk();
    const c = await loadCatalog({ api: third });
    expect(assetRequests(from).map((r) => r.path)).toContain(`/assets/${sim().webApp.indexName}`);
    expect(await c.resolve('PARAM_P4_1', P4_1)).toMatchObject({ label: 'Temperatura kotła' });
    await third.close();
  });

  it('a snapshot of another schema is ignored with a warning', async () => {
    const snap = JSON.parse(await snapshotText()) as Record<string, unknown>;
    const log = captureLogger();
    const from = sim().stats.requests.length;
    const cat = await loadCatalog({ api: client({ logger: log }), snapshot: { ...snap, schema: 999 }, persist: false });
    expect(warnings(log).some((l) => /snapshot is not usable/.test(l))).toBe(true);
    expect(assetRequests(from).map((r) => r.path)).toContain(`/assets/${sim().webApp.indexName}`);
    expect(cat.fingerprint).toBe(snap.fingerprint);
  });

  it('an unreachable web app keeps serving the last snapshot, with a warning', async () => {
    const snap = JSON.parse(await snapshotText()) as Record<string, unknown>;
    sim().webApp.corrupt('/', 'missing');
    sim().webApp.corrupt('index', 'missing');
    const log = captureLogger();
    const cat = await loadCatalog({ api: client({ logger: log }), snapshot: snap, persist: false });
    expect(cat.fingerprint).toBe(snap.fingerprint);
    expect(warnings(log).some((l) => /unreachable.*stored snapshot/.test(l))).toBe(true);
    expect(await cat.resolve('PARAM_P4_1', P4_1)).toMatchObject({ label: 'Temperatura kotła' });
  });
});

describe('untrusted text (§5)', () => {
  it('labels with HTML come back as the same plain text, control characters stripped', async () => {
    const html = '<img src=x onerror="globalThis.__bragerCanary=true"><b>Kocioł</b>';
    sim().webApp.publish({
      labels: { PARAM_P4_1: { pl: `${html}\u0007\u001b[31m\u0000`, en: `A\u0085B\u007f<script>x()</script>` } },
    });
    try {
      const cat = await loadCatalog({ api: client(), persist: false });
      expect((await cat.resolve('PARAM_P4_1', P4_1)).label).toBe(`${html}[31m`);
      expect((await cat.withLanguage('en').resolve('PARAM_P4_1', P4_1)).label).toBe('AB<script>x()</script>');
      expectInert();
    } finally {
      sim().webApp.publish({ labels: { PARAM_P4_1: { pl: 'Temperatura kotła', en: 'Boiler temperature' } } });
    }
  });

  it('assets are never fetched with Authorization, REST calls are', async () => {
    const api = client();
    await api.ensureAuth(DEMO.email, DEMO.password);
    const from = sim().stats.requests.length;
    const [boiler] = await api.getModules(1201);
    if (!boiler) throw new Error('no module');
    const cat = await loadCatalog({ api, persist: false });
    await cat.panels(boiler.deviceMenu, { permissions: boiler.permissions });
    await cat.withLanguage('en').describe(['PARAM_P4_1', 'STATUS_P5_0', 'PARAM_CANARY']);
    await cat.panels(153);
    const reqs = sim().stats.requests.slice(from);
    const assets = reqs.filter((r) => r.path === '/' || r.path.startsWith('/assets/'));
    expect(assets.length).toBeGreaterThan(5);
    expect(assets.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(reqs.find((r) => r.path.startsWith('/v1/modules'))?.headers.authorization).toBe('Bearer <redacted>');
    await api.close();
  });
});
