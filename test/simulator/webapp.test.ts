import { transformSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BOILER_PARAMS,
  DEMO_EMAIL,
  DEMO_MODULES,
  DEMO_OBJECT_ID,
  DEMO_PASSWORD,
  generateWebApp,
  MIXER_PARAMS,
  type PoolsInit,
  type Simulator,
  startSimulator,
  WEB_APP_DESCRIPTION as D,
} from '../../src/simulator/index.js';
import { call, login } from './helpers.js';

const [BOILER = '', MIXER = ''] = DEMO_MODULES;
/** The catalog's discovery and registry patterns (CATALOG.md §1.2, §1.3). */
const INDEX_RE = /\/assets\/(index-[A-Za-z0-9_-]+\.js)/;
const REGISTRY_RE = /([A-Za-z0-9._/-]+?)-([A-Za-z0-9_-]+)\.js/g;
const MENU_RE =
  /["'](?:(?:\.\.\/)+|\/src\/)config\/router\/deviceMenu\/(\d+)\/([\w.]+)\.ts["']\s*:\s*\(\)\s*=>\s*\w+\(\s*\(\)\s*=>\s*import\(\s*["']\.\/([^"']+)\.js["']/g;
const I18N_RE =
  /["']\.\.\/\.\.\/resources\/languages\/(\w+)\/(\w+)\.json["']\s*:\s*\(\)\s*=>\s*\w+\(\s*\(\)\s*=>\s*import\(\s*["']\.\/([^"']+)\.js["']/g;

/** Independent decoder of a single-quoted JS string body (only the escapes the generator writes). */
function decode(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_m, e: string) =>
    e.length > 1 ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : e === 'n' ? '\n' : e,
  );
}

/** `NAME='text'` pairs of an i18n chunk body. */
function constPairs(js: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of js.matchAll(/([A-Z][A-Z0-9_]+)='((?:[^'\\]|\\.)*)'/g)) out[m[1] as string] = decode(m[2] as string);
  return out;
}

/** `'key':'text'` pairs (any depth) of an i18n chunk body; the first occurrence of a key wins. */
function keyPairs(js: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of js.matchAll(/["']([\w.]+)["']:["']((?:[^"'\\]|\\.)*)["']/g)) {
    if (!out.has(m[1] as string)) out.set(m[1] as string, decode(m[2] as string));
  }
  return out;
}

function isModuleSyntax(code: string): boolean {
  try {
    transformSync(code, { loader: 'js', format: 'esm' });
    return true;
  } catch {
    return false;
  }
}

describe('generator', () => {
  it('is deterministic and content-hashed', () => {
    const a = generateWebApp();
    const b = generateWebApp();
    expect(b.indexName).toBe(a.indexName);
    expect(b.assets.map((x) => [x.file, x.body])).toEqual(a.assets.map((x) => [x.file, x.body]));
    expect(a.indexName).toMatch(/^index-[A-Za-z0-9_-]{8}\.js$/);
    for (const x of a.assets) expect(x.file).toBe(`${x.base}-${x.hash}.js`);
    expect(generateWebApp({ build: 2 }).indexName).not.toBe(a.indexName);
  });

  it('renders every shape of CATALOG §1 into syntactically valid modules', () => {
    const w = generateWebApp();
    const index = w.assets.find((x) => x.kind === 'index')?.body ?? '';
    for (const x of w.assets) expect(isModuleSyntax(x.body), x.file).toBe(true);
    // §1.4 deviceMenu glob map: one chunk per deviceMenu, the 201 wrapper for 153.
    const menus = Object.fromEntries([...index.matchAll(MENU_RE)].map((m) => [m[1], m[3]]));
    expect(menus).toEqual({ '0': w.menus['0']?.replace(/\.js$/, ''), '153': w.menus['153']?.replace(/\.js$/, '') });
    expect(w.menus['153']).toMatch(/^201-/);
    // §1.5 i18n import map: every namespace in both languages.
    const i18n = [...index.matchAll(I18N_RE)].map((m) => `${m[1]}/${m[2]}`).sort();
    const ns = ['parameters', 'units', 'app', 'routes', 'menu', 'MAINMENU_MENU_UZYTKOWNIKA'];
    expect(i18n).toEqual(['pl', 'en'].flatMap((l) => ns.map((n) => `${l}/${n}`)).sort());
    // §1.6 language config, §1.7 unit table (top-level const, hex keys) with each transform kind.
    expect(index).toMatch(/'translations':\[\{'id':'PL','flag':'pl'.*\],'defaultTranslation':'pl'\}/);
    const units = /^const _0x[0-9a-f]{6}=(\{0x1:.*\});$/m.exec(index)?.[1] ?? '';
    expect(units).toMatch(/0x1:\{'text':'units\.1','value':(_0x\w+)=>Number\(\(\1\*\.1\)\['toFixed'\]\(0x1\)\)/);
    expect(units).toMatch(/0xa:\{'text':'units\.10','value':(_0x\w+)=>\1\*0xa/);
    expect(units).toMatch(/0xc:\{'text':'units\.12','value':(_0x\w+)=>Number\(\(\1\/0x3c\)/);
    expect(units).toMatch(/0x2f:\{'text':'units\.1','value':(_0x\w+)=>\1-0x7f\}/);
    expect(units).toMatch(/0x30:\{'text':'units\.1','value':(_0x\w+)=>\(\1-0x7f\)\*\.5\}/);
    expect(units).toMatch(
      /0x42:\{'text':'units\.0','value':(_0x\w+)=>\{if\(\1===0x0\)return'units\.202\.0';const (_0x\w+)=\(\1-0x1\)\*0xa,/,
    );
    expect(units).toMatch(/\['padStart'\]\(0x2,'0'\)\+':'\+/);
    expect(units).toContain("0x14:{'options':{0x0:'units.20.0',0x1:'units.20.1',0x2:'units.20.2',0x3:'units.20.3'}}");
    expect(units).toContain("0x270c:{'options':{[kn.ON]:'app.one.diodeState.on',[kn.OFF]:'app.one.diodeState.off'}}");
    // §1.8 inline tables built by TV-14-style builders, obfuscation traits.
    expect(index).toMatch(
      /basicParameterBuilder_P4=\(\{id:_0x[0-9a-f]{6},icon:icon=IconsList\['TEMPERATURE'\],number:_0x[0-9a-f]{6},/,
    );
    expect(index).toMatch(/=>\{const (_0x[0-9a-f]{6})=\{'id':.*return \1;\}/);
    expect(index).toMatch(/'PARAM_P4_8':basicParameterBuilder_P4\(\{'number':0x8,'id':0x[0-9a-f]+,/);
    expect(index).toMatch(
      /'CZAS_PRACY_PALNIKA':\{.*'number':0x3b,'use':'v','convert':Uo\},\{'group':'P4','number':0x3c,.*'times':0x10000\}/,
    );
    expect(index).toMatch(/\[ParameterStatus\['INVISIBLE'\]\]:\[\{'if':\[\{'operation':e\.equalTo,'expected':0x0,/);
    expect(index).toMatch(/'then':'e\.ON'\},\{'if':\[.*?\],'then':kn\.OFF\}/);
    expect(index).toMatch(/'\\x[0-9a-f]{2}(\\x[0-9a-f]{2})+'/);
    // §1.9 menus: the 201 wrapper with a ['A','B']['map'](…) write list.
    const mixerMenu = w.assets.find((x) => x.file === w.menus['153'])?.body ?? '';
    expect(mixerMenu).toMatch(/^const _201=\{'priority':0x64,'deviceMenu':\[\{'path':'userMenu'/);
    expect(mixerMenu).toMatch(
      /'write':\['ZADANA_TEMP_POKOJOWA_ZAWORU_1','TRYB_PRACY_ZAWORU_1'\]\['map'\]\((_0x\w+)=>\(\{'permissionModule':_0x\w+\['DISPLAY_PARAMETER_LEVEL_1'\],'parameter':_0x\w+\(_0x\w+\['WRITE'\],\1\)\}\)\)/,
    );
    expect(mixerMenu).toMatch(/export default _201;\n$/);
    // §1.8.1 dedicated chunk in the TV-15 shape.
    const status = w.assets.find((x) => x.file === w.paramChunks.STATUS_P5_0)?.body ?? '';
    expect(status).toContain(`name: \`parameters.STATUS_P5_$\{n}\`, unit: 9996`);
    expect(status).toContain('export default { STATUS_P5_0: eE({');
  });

  it('every menu symbol has a map and a label; data unit codes have descriptors', () => {
    const w = generateWebApp();
    const index = w.assets.find((x) => x.kind === 'index')?.body ?? '';
    const symbols = new Set(D.symbols.map((s) => s.symbol));
    const walk = (routes: (typeof D.menus)[number]['routes']): string[] =>
      routes.flatMap((r) => [
        ...[r.read, r.write, r.status, r.special].flatMap((l) => (l ?? []).map((p) => p.symbol)),
        ...walk(r.children ?? []),
      ]);
    for (const menu of D.menus) {
      const chunk = w.assets.find((x) => x.file === w.menus[String(menu.deviceMenu)])?.body ?? '';
      for (const sym of walk(menu.routes)) {
        expect(symbols.has(sym), sym).toBe(true);
        expect(chunk).toContain(`'${sym}'`);
        expect(index.includes(`'${sym}':`) || w.paramChunks[sym] !== undefined, sym).toBe(true);
      }
    }
    const codes = new Set(D.units.map((u) => u.code));
    for (const params of [BOILER_PARAMS, MIXER_PARAMS] as PoolsInit[]) {
      for (const chans of Object.values(params)) {
        for (const [k, body] of Object.entries(chans)) {
          const v = typeof body === 'object' && body !== null && !Array.isArray(body) ? body.value : body;
          if (k.startsWith('u')) expect(codes.has(v as number), `${k}=${String(v)}`).toBe(true);
        }
      }
    }
  });

  it('describes every demo register that carries a value, with the unit code of its u channel', () => {
    const check = (params: PoolsInit, module: 'boiler' | 'mixer'): void => {
      const mine = D.symbols.filter((s) => s.module === module);
      const covered = new Set<string>();
      for (const s of mine) {
        covered.add(s.address);
        for (const sel of s.selectors ?? []) covered.add(`${sel.group}.${sel.use ?? 'v'}${sel.number}`);
      }
      for (const [pool, chans] of Object.entries(params)) {
        for (const [k, body] of Object.entries(chans)) {
          const hasValue = typeof body !== 'object' || body === null || 'value' in body;
          if (!/^[vs]/.test(k) || !hasValue) continue;
          expect(covered.has(`${pool}.${k}`), `${module} ${pool}.${k}`).toBe(true);
          const u = chans[`u${k.slice(1)}`];
          const code = typeof u === 'object' && u !== null && !Array.isArray(u) ? u.value : u;
          const sym = mine.find((s) => s.address === `${pool}.${k}` && s.form !== 'inline');
          if (code !== undefined && sym) expect(sym.unit, `${module} ${pool}.${k}`).toBe(code);
        }
      }
    };
    check(BOILER_PARAMS, 'boiler');
    check(MIXER_PARAMS, 'mixer');
  });

  it('scale pads the index to ~3 MB with ≥ 1,300 labels and ≥ 1,000 inline maps', () => {
    const w = generateWebApp({ scale: 1 });
    const index = w.assets.find((x) => x.kind === 'index')?.body ?? '';
    for (const x of w.assets) expect(isModuleSyntax(x.body), x.file).toBe(true);
    expect(index.length).toBeGreaterThanOrEqual(3_000_000);
    expect(index.length).toBeLessThan(3_500_000);
    const maps =
      index.match(
        /'(?:PARAM_P\d+_\d+|[A-Z][A-Z0-9_]+)':(?:basicParameterBuilder_P\d+\(|valveParameterBuilder\(|\{'id')/g,
      ) ?? [];
    expect(maps.length).toBeGreaterThanOrEqual(1000);
    const labels = constPairs(w.assets.find((x) => x.file === w.i18n['pl/parameters'])?.body ?? '');
    expect(Object.keys(labels).length).toBeGreaterThanOrEqual(1300);
    const escaped =
      (w.assets.find((x) => x.file === w.i18n['pl/parameters'])?.body ?? '').match(/='[^']*\\x20[^']*'/g) ?? [];
    expect(escaped.length).toBeGreaterThanOrEqual(1300);
    expect(w.menus['2190']).toMatch(/^0-/);
    expect(w.stats).toMatchObject({ inlineMaps: maps.length });
  });
});

describe('served web app', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ tickInterval: 0 });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.webApp.restore());

  const index = async (): Promise<{ name: string; text: string }> => {
    const html = await call(sim, 'GET', '/');
    const name = INDEX_RE.exec(html.text)?.[1] as string;
    return { name, text: (await call(sim, 'GET', `/assets/${name}`)).text };
  };

  it('the root page is a landing page that references the index', async () => {
    const html = await call(sim, 'GET', '/');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(INDEX_RE.exec(html.text)?.[1]).toBe(sim.webApp.indexName);
    expect(html.text).toContain(DEMO_EMAIL);
    expect(html.text).toContain(`<code>${DEMO_PASSWORD}</code>`);
    expect(html.text).not.toContain('/examples/');
    sim.serveStatic('/examples', '.');
    const again = await call(sim, 'GET', '/');
    expect(again.text).toContain('href="/examples/"');
  });

  it('serves every asset the index references, as JavaScript with validators', async () => {
    const { text } = await index();
    const files = new Set(
      [...text.matchAll(REGISTRY_RE)].map((m) => `${(m[1] as string).split('/').pop()}-${m[2]}.js`),
    );
    expect(files.size).toBe(sim.webApp.info().assets.length - 1);
    for (const f of files) {
      const r = await call(sim, 'GET', `/assets/${f}`);
      expect(r.status, f).toBe(200);
      expect(r.headers.get('content-type'), f).toBe('text/javascript; charset=utf-8');
      const etag = r.headers.get('etag') as string;
      expect((await call(sim, 'GET', `/assets/${f}`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    }
  });

  it('i18n chunks decode to the description texts', async () => {
    const { text } = await index();
    const chunks = new Map([...text.matchAll(I18N_RE)].map((m) => [`${m[1]}/${m[2]}`, m[3] as string]));
    for (const lang of ['pl', 'en'] as const) {
      const params = constPairs((await call(sim, 'GET', `/assets/${chunks.get(`${lang}/parameters`)}.js`)).text);
      expect(params).toEqual(Object.fromEntries(D.symbols.map((s) => [s.symbol, s.label[lang]])));
      const units = keyPairs((await call(sim, 'GET', `/assets/${chunks.get(`${lang}/units`)}.js`)).text);
      expect(units.get('1')).toBe('°C');
      expect(units.get('31')).toBe('kW');
      const title = (await call(sim, 'GET', `/assets/${chunks.get(`${lang}/MAINMENU_MENU_UZYTKOWNIKA`)}.js`)).text;
      expect(constPairs(title).MAINMENU_MENU_UZYTKOWNIKA).toBe(D.i18n.titles.MAINMENU_MENU_UZYTKOWNIKA?.[lang]);
    }
    const plRoutes = keyPairs((await call(sim, 'GET', `/assets/${chunks.get('pl/routes')}.js`)).text);
    expect(plRoutes.get('valve1')).toBe('Zawór 1');
    const plApp = keyPairs((await call(sim, 'GET', `/assets/${chunks.get('pl/app')}.js`)).text);
    expect(plApp.get('on')).toBe('Włączone');
  });

  it('module rows carry the deviceMenus and permissions the menus expect', async () => {
    const token = await login(sim);
    const rows = (await call(sim, 'GET', `/v1/modules?page=1&limit=999&group_id=${DEMO_OBJECT_ID}`, { token }))
      .json as {
      data: Array<{ devid: string; deviceMenu: number; permissions: string[] }>;
    };
    const byId = new Map(rows.data.map((r) => [r.devid, r]));
    expect(byId.get(BOILER)?.deviceMenu).toBe(0);
    expect(byId.get(MIXER)?.deviceMenu).toBe(153);
    const { text } = await index();
    const menus = new Map([...text.matchAll(MENU_RE)].map((m) => [Number(m[1]), m[3] as string]));
    for (const [devid, kind] of [
      [BOILER, 'boiler'],
      [MIXER, 'mixer'],
    ] as const) {
      const row = byId.get(devid);
      expect(menus.has(row?.deviceMenu ?? -1)).toBe(true);
      const menu = D.menus.find((mn) => mn.deviceMenu === row?.deviceMenu);
      expect(row?.permissions).toEqual(D.permissions[kind]);
      const top = menu?.routes.map((r) => r.permission) ?? [];
      expect(top.some((p) => p !== undefined && row?.permissions.includes(p))).toBe(true);
    }
    // One route needs a permission the demo user and modules lack.
    const perms = (await call(sim, 'GET', '/v1/user/permissions', { token })).json as { permissions: string[] };
    expect(perms.permissions).not.toContain('DISPLAY_MENU_SERVICE');
    expect(D.menus[0]?.routes.some((r) => r.permission === 'DISPLAY_MENU_SERVICE')).toBe(true);
  });

  it('publish() makes a new build with a new index name and changed texts', async () => {
    const before = await index();
    const oldParams = sim.webApp.info().i18n['en/parameters'];
    const name = sim.webApp.publish({ labels: { PARAM_P4_1: { en: 'Boiler water temperature' } } });
    expect(name).not.toBe(before.name);
    expect(sim.webApp.build).toBe(2);
    const after = await index();
    expect(after.name).toBe(name);
    const newParams = sim.webApp.info().i18n['en/parameters'] as string;
    expect(newParams).not.toBe(oldParams);
    expect(constPairs((await call(sim, 'GET', `/assets/${newParams}`)).text).PARAM_P4_1).toBe(
      'Boiler water temperature',
    );
    expect((await call(sim, 'GET', `/assets/${before.name}`)).status).toBe(404);
    const kept = sim.webApp.publish({ keepOld: true });
    expect((await call(sim, 'GET', `/assets/${name}`)).status).toBe(200);
    expect((await call(sim, 'GET', `/assets/${kept}`)).status).toBe(200);
  });

  it('corrupt() serves broken bodies under the same URL until restored', async () => {
    const { name, text } = await index();
    const good = await call(sim, 'GET', `/assets/${name}`);
    expect(sim.webApp.corrupt('index', 'truncate')).toEqual([name]);
    const cut = await call(sim, 'GET', `/assets/${name}`);
    expect(cut.text.length).toBe(Math.floor(Buffer.byteLength(text) / 2));
    expect(cut.headers.get('etag')).not.toBe(good.headers.get('etag'));
    expect(
      (await call(sim, 'GET', `/assets/${name}`, { headers: { 'If-None-Match': good.headers.get('etag') as string } }))
        .status,
    ).toBe(200);
    sim.webApp.corrupt('module.menu', 'missing');
    expect((await call(sim, 'GET', `/assets/${sim.webApp.info().menus['0']}`)).status).toBe(404);
    sim.webApp.corrupt('units', 'html');
    const html = await call(sim, 'GET', `/assets/${sim.webApp.info().i18n['pl/units']}`);
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    sim.webApp.corrupt('parameters', 'hostile');
    const hostile = (await call(sim, 'GET', `/assets/${sim.webApp.info().i18n['en/parameters']}`)).text;
    expect(hostile).toContain("'__proto__'");
    expect(hostile).toContain('DHW\\x20temperature');
    sim.webApp.corrupt('/', 'missing');
    expect((await call(sim, 'GET', '/')).status).toBe(404);
    sim.webApp.restore();
    expect((await call(sim, 'GET', `/assets/${name}`)).text).toBe(text);
    expect((await call(sim, 'GET', '/')).status).toBe(200);
  });

  it('the canary chunk is referenced, served and would mark globalThis if executed', async () => {
    const { text } = await index();
    const file = sim.webApp.info().paramChunks.PARAM_CANARY as string;
    expect(text).toContain(`./${file}`);
    const body = (await call(sim, 'GET', `/assets/${file}`)).text;
    expect(body).toContain("globalThis['__bragerCanary']=!0");
    expect(body).toContain("'PARAM_CANARY':{");
    expect((globalThis as { __bragerCanary?: unknown }).__bragerCanary).toBeUndefined();
  });

  it('webApp.scale serves the padded build', async () => {
    const big = await startSimulator({ tickInterval: 0, webApp: { scale: 1 } });
    try {
      expect(big.webApp.info().stats.indexBytes).toBeGreaterThanOrEqual(3_000_000);
      const r = await call(big, 'GET', `/assets/${big.webApp.indexName}`);
      expect(r.text.length).toBe(big.webApp.info().stats.indexBytes);
    } finally {
      await big.close();
    }
  });
});
