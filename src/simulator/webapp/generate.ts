/**
 * Renders a {@link WebAppDescription} into the asset texts of a Vite-built, minified and partly obfuscated web app
 * in the shapes of CATALOG.md §1 (index, menu chunks, i18n chunks, dedicated parameter chunks). Pure and
 * deterministic: equal inputs give byte-identical outputs; hashes are derived from content.
 * @module
 */

import {
  DESCRIPTION,
  type Lang,
  type MenuDef,
  type MenuParam,
  type OptionKey,
  type RouteDef,
  type RuleRow,
  type Selector,
  type StatusDef,
  type SymbolDef,
  type Tag,
  type Texts,
  type TextTree,
  type Transform,
  type UnitDef,
  type WebAppDescription,
} from './description.js';
import { contentHash, Emitter, Names, numLit, quote } from './js.js';

/** Options of {@link generateWebApp}. */
export interface GenerateOptions {
  /** Description to render; default {@link DESCRIPTION}. */
  description?: WebAppDescription;
  /**
   * Benchmark padding: `n` adds `1400 × n` synthetic parameters (inline maps in the index, labels in both
   * `parameters` namespaces), a 45-route menu for deviceMenu 2190, and synthetic component code so that the
   * index is about `3 MB × n`. Default `0` (only the demo plant).
   */
  scale?: number;
  /** Build number written into the index (a new number gives a new index hash). Default `1`. */
  build?: number;
}

/** Kinds of generated assets. */
export type WebAppAssetKind = 'index' | 'menu' | 'i18n' | 'param' | 'canary';

/** One generated asset under `/assets/`. */
export interface WebAppAsset {
  /** File name, e.g. `module.menu-B60xPU0K.js`. */
  file: string;
  /** Part before the hash (`module.menu`, `parameters`, `index`). */
  base: string;
  hash: string;
  kind: WebAppAssetKind;
  body: string;
  lang?: Lang;
  namespace?: string;
  deviceMenu?: number;
  symbol?: string;
}

/** A rendered web app. */
export interface WebAppBuild {
  build: number;
  scale: number;
  /** File name of the index, e.g. `index-AbC123xy.js`. */
  indexName: string;
  /** Every asset, the index last. */
  assets: WebAppAsset[];
  /** deviceMenu → menu chunk file name. */
  menus: Record<string, string>;
  /** `<lang>/<namespace>` → i18n chunk file name. */
  i18n: Record<string, string>;
  /** Symbol → dedicated chunk file name. */
  paramChunks: Record<string, string>;
  stats: {
    /** Symbols with a map (index tables + dedicated chunks). */
    symbols: number;
    /** Param maps written inline into index tables. */
    inlineMaps: number;
    /** Labels in the default language's `parameters` namespace. */
    labels: number;
    indexBytes: number;
  };
}

const ROOT_ID = 20240329062300;
const STATUS_SECTION: Record<string, string> = { read: 'READ', write: 'WRITE', status: 'STATUS', special: 'COMMAND' };

function unitFn(m: Emitter, names: Names, tr: Transform): string {
  const v = names.next();
  switch (tr.kind) {
    case 'tenths':
      return `${v}=>Number((${v}*.1)['toFixed'](0x1))`;
    case 'tenthsText':
      return `${v}=>Number(${v}*0.1)['toFixed'](0x1)`;
    case 'mul':
      return `${v}=>${v}*${m.num(tr.k)}`;
    case 'div':
      return tr.digits === undefined
        ? `${v}=>${v}/${m.num(tr.k)}`
        : `${v}=>Number((${v}/${m.num(tr.k)})['toFixed'](${m.num(tr.digits)}))`;
    case 'offset':
      return tr.k === undefined ? `${v}=>${v}-${m.num(tr.a)}` : `${v}=>(${v}-${m.num(tr.a)})*${numLit(tr.k)}`;
    case 'hhmm': {
      const [a, b, c] = [names.next(), names.next(), names.next()];
      return (
        `${v}=>{if(${v}===0x0)return'units.202.0';const ${a}=(${v}-0x1)*0xa,${b}=Math['floor'](${a}/0x3c),${c}=${a}%0x3c;` +
        `return ${b}['toString']()['padStart'](0x2,'0')+':'+${c}['toString']()['padStart'](0x2,'0');}`
      );
    }
  }
}

function unitInverse(m: Emitter, names: Names, tr: Transform): string | undefined {
  const v = names.next();
  switch (tr.kind) {
    case 'tenths':
    case 'tenthsText':
      return `${v}=>${v}/.1`;
    case 'mul':
      return `${v}=>${v}/${m.num(tr.k)}`;
    default:
      return undefined;
  }
}

function optionKey(m: Emitter, k: OptionKey): string | number {
  if (typeof k === 'number') return k;
  if ('member' in k) return `[${k.member}]`;
  return `[${m.member(k.enumKey[0], k.enumKey[1])}]`;
}

function unitTable(m: Emitter, names: Names, units: UnitDef[]): string {
  return m.obj(
    units.map((u): [number, string] => [
      u.code,
      m.obj([
        ['text', u.text === undefined ? undefined : quote(`units.${u.text}`)],
        ['value', u.transform ? unitFn(m, names, u.transform) : undefined],
        ['valuePrepare', u.transform && u.prepare ? unitInverse(m, names, u.transform) : undefined],
        [
          'options',
          u.options
            ? m.obj(u.options.map(([k, tok]): [string | number, string] => [optionKey(m, k), quote(tok)]))
            : undefined,
        ],
      ]),
    ]),
  );
}

function selector(m: Emitter, s: Selector, convert: string): string {
  return m.obj([
    ['group', m.str(s.group)],
    ['number', m.num(s.number)],
    ['use', s.use === undefined ? undefined : m.str(s.use)],
    ['bit', s.bit === undefined ? undefined : m.num(s.bit)],
    ['mask', s.mask === undefined ? undefined : m.num(s.mask)],
    ['convert', s.convert ? convert : undefined],
    ['times', s.times === undefined ? undefined : m.num(s.times)],
  ]);
}

function tag(m: Emitter, t: Tag): string {
  if ('literal' in t) return m.readable ? quote(t.literal, 'plain', '"') : quote(t.literal);
  if ('member' in t) return t.member;
  if ('enumRef' in t) return m.member(t.enumRef[0], t.enumRef[1]);
  return m.obj([['value', quote(t.value)]]);
}

function rules(m: Emitter, rows: RuleRow[], op: (name: string) => string, convert: string): string {
  return m.arr(
    rows.map((r) => {
      const kind = r.kind ?? 'if';
      if (kind === 'else' || !r.target) return m.obj([['else', tag(m, r.result)]]);
      const cond = m.obj([
        ['expected', m.num(r.expected ?? 1)],
        ['operation', op(r.operation ?? 'equalTo')],
        ['value', m.arr([selector(m, r.target, convert)])],
      ]);
      return m.obj([
        [kind, m.arr([cond])],
        ['then', tag(m, r.result)],
      ]);
    }),
  );
}

function statusObj(m: Emitter, defs: StatusDef[], convert: string): string {
  const byFlag = new Map<string, string[]>();
  for (const d of defs) {
    const list = byFlag.get(d.flag) ?? [];
    if ('bit' in d) list.push(selector(m, d.bit, convert));
    else {
      const { expected, ...sel } = d.when;
      const cond = m.obj([
        ['operation', 'e.equalTo'],
        ['expected', m.num(expected)],
        ['value', m.arr([selector(m, sel, convert)])],
      ]);
      list.push(
        m.obj([
          ['if', m.arr([cond])],
          ['then', m.bool(d.result)],
        ]),
        m.obj([['else', m.bool(!d.result)]]),
      );
    }
    byFlag.set(d.flag, list);
  }
  return m.obj(
    [...byFlag].map(([flag, list]): [string, string] => [`[${m.member('ParameterStatus', flag)}]`, m.arr(list)]),
  );
}

interface Ctx {
  m: Emitter;
  names: Names;
  convert: string;
  nextId: () => number;
}

/** Index-table value of one symbol (builder call or inline object). */
function indexMap(c: Ctx, s: SymbolDef, i: number): string {
  const { m } = c;
  const op = (name: string): string => (i % 2 === 0 ? m.member('ku', name) : m.member('ClauseOperation', name));
  const common: Array<[string, string | undefined]> = [
    ['id', m.num(c.nextId())],
    ['icon', s.icon ? m.member('IconsList', s.icon) : undefined],
    ['useComponent', s.component ? m.member('ComponentType', s.component) : undefined],
    ['status', s.status ? statusObj(m, s.status, c.convert) : undefined],
  ];
  switch (s.form) {
    case 'builderP4':
    case 'builderP6':
      return `basicParameterBuilder_${s.form === 'builderP4' ? 'P4' : 'P6'}(${m.obj([['number', m.num(s.number ?? 0)], ...common])})`;
    case 'builderPool': {
      const pool = s.address.slice(0, s.address.indexOf('.'));
      return `basicParameterBuilder_${pool}(${m.obj([
        ['id', m.num(c.nextId())],
        ['number', m.num(s.number ?? 0)],
        ['useComponent', s.component ? m.member('ComponentType', s.component) : undefined],
      ])})`;
    }
    case 'builderValve':
      return `valveParameterBuilder(${m.obj([['name', m.str(s.symbol)], ['number', m.num(s.number ?? 0)], ...common])})`;
    default: {
      const value =
        s.rules && s.rulesIn !== 'any'
          ? rules(m, s.rules, op, c.convert)
          : s.selectors
            ? m.arr(s.selectors.map((x) => selector(m, x, c.convert)))
            : undefined;
      const any = s.command
        ? m.arr([
            m.obj([
              ['if', '[]'],
              ['then', m.obj([['command', m.member('Commands', s.command)]])],
            ]),
          ])
        : s.rules && s.rulesIn === 'any'
          ? rules(m, s.rules, op, c.convert)
          : undefined;
      const [id, icon, comp, status] = common;
      return m.obj([
        id as [string, string],
        icon as [string, string | undefined],
        ['name', m.str(`parameters.${s.symbol}`)],
        ['units', s.scalarUnit && s.unit !== null ? m.num(s.unit) : undefined],
        ['value', value],
        status as [string, string | undefined],
        ['any', any],
        comp as [string, string | undefined],
      ]);
    }
  }
}

/** The TV-15-shaped readable dedicated chunk of a STATUS_* symbol. */
function statusChunk(s: SymbolDef, id: number): string {
  const r = new Emitter(true);
  const rows = (s.rules ?? []).map((row) => {
    const sel = row.target as Selector;
    const cond = `{ expected: ${row.expected ?? 1}, operation: ku.${row.operation ?? 'equalTo'}, value: [{ group: "${sel.group}", number: n, use: "${sel.use ?? 's'}", bit: ${sel.bit ?? 0} }] }`;
    return `{ ${row.kind ?? 'if'}: [${cond}], then: ${tag(r, row.result)} }`;
  });
  return (
    `const eE = ({ id: e, icon: t = Xe.INFO, number: n, useComponent: r = Lo.${s.component ?? 'DIODE'} }) => ({ id: e, icon: t,\n` +
    `  name: \`parameters.STATUS_P5_\${n}\`, unit: ${s.unit ?? 0},\n` +
    `  value: [${rows.join(',\n    ')}], useComponent: r });\n` +
    `export default { ${s.symbol}: eE({ id: ${id}, number: ${s.number ?? 0} }) };\n`
  );
}

/** The canary chunk: a valid map, plus code that marks `globalThis` (and the process env) if ever executed. */
function canaryChunk(c: Ctx, s: SymbolDef): string {
  const { m, names } = c;
  const [p, err, root] = [names.next(), names.next(), names.next()];
  return (
    `globalThis['__bragerCanary']=!0;try{const ${p}=globalThis['process'];${p}&&${p}['env']&&(${p}['env']['BRAGER_CANARY']='executed');}catch(${err}){}` +
    `const ${root}=${m.obj([
      [
        s.symbol,
        m.obj([
          ['id', m.num(c.nextId())],
          ['name', quote(`parameters.${s.symbol}`)],
          [
            'value',
            `(globalThis['__bragerCanary']=!0,[${selector(m, { group: 'P4', number: s.number ?? 99, use: 'v' }, c.convert)}])`,
          ],
          ['unit', `(()=>{globalThis['__bragerCanary']=!0;return 0x0;})()`],
        ]),
      ],
    ])};export default ${root};\n`
  );
}

function menuParam(m: Emitter, perm: string, helper: string, kinds: string, section: string, mp: MenuParam): string {
  return m.obj([
    ['permissionModule', m.member(perm, mp.permission ?? 'DISPLAY_PARAMETER_LEVEL_1')],
    ['parameter', `${helper}(${m.member(kinds, STATUS_SECTION[section] ?? 'READ')},${quote(mp.symbol)})`],
  ]);
}

function route(m: Emitter, names: Names, ids: { perm: string; helper: string; kinds: string }, r: RouteDef): string {
  const section = (key: 'read' | 'write' | 'status' | 'special'): string => {
    const list = r[key] ?? [];
    if (key === 'write' && r.writeAsMap && list.length > 0) {
      const x = names.next();
      const perm = list[0]?.permission ?? 'DISPLAY_PARAMETER_LEVEL_1';
      return (
        `${m.arr(list.map((e) => quote(e.symbol)))}['map'](${x}=>(` +
        `${m.obj([
          ['permissionModule', m.member(ids.perm, perm)],
          ['parameter', `${ids.helper}(${m.member(ids.kinds, 'WRITE')},${x})`],
        ])}))`
      );
    }
    return m.arr(list.map((e) => menuParam(m, ids.perm, ids.helper, ids.kinds, key, e)));
  };
  return m.obj([
    ['path', quote(r.path)],
    ['name', quote(r.name)],
    [
      'meta',
      m.obj([
        ['displayName', quote(r.displayName)],
        ['icon', r.icon],
        ['permissionModule', r.permission ? m.member(ids.perm, r.permission) : undefined],
        ['isVisibleOnSideMenu', m.bool(true)],
        [
          'parameters',
          m.obj([
            ['read', section('read')],
            ['write', section('write')],
            ['status', section('status')],
            ['special', section('special')],
          ]),
        ],
      ]),
    ],
    ['children', m.arr((r.children ?? []).map((ch) => route(m, names, ids, ch)))],
  ]);
}

function menuChunk(names: Names, menu: MenuDef): string {
  const m = new Emitter(false);
  const ids = { perm: names.next(), helper: names.next(), kinds: names.next() };
  const list = m.arr(menu.routes.map((r) => route(m, names, ids, r)));
  if (menu.wrapper) {
    const w = menu.wrapper;
    return `const ${w.binding}=${m.obj([
      ['priority', m.num(w.priority)],
      ['deviceMenu', list],
    ])};export default ${w.binding};\n`;
  }
  return `export default ${list};\n`;
}

function pick(tree: TextTree, lang: Lang): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree)) out[k] = isTexts(v) ? v[lang] : pick(v, lang);
  return out;
}

function isTexts(v: Texts | TextTree): v is Texts {
  return typeof (v as Texts).pl === 'string' && typeof (v as Texts).en === 'string';
}

function textObj(v: Record<string, unknown>, q: "'" | '"' = "'"): string {
  const parts = Object.entries(v).map(
    ([k, x]) =>
      `${quote(k, 'plain', q)}:${typeof x === 'string' ? quote(x, 'text', q) : textObj(x as Record<string, unknown>, q)}`,
  );
  return `{${parts.join(',')}}`;
}

/** Body of one i18n chunk in one of the §1.10 shapes. */
function i18nChunk(ns: string, lang: Lang, d: WebAppDescription, labels: Array<[string, Texts]>): string {
  switch (ns) {
    case 'parameters': {
      const consts = labels.map(([sym, tx]) => `${sym}=${quote(tx[lang], 'text')}`);
      const map = labels.map(([sym]) => `${quote(sym)}:${sym}`);
      return `const ${consts.join(',')},parameters={${map.join(',')}};export{parameters as default};\n`;
    }
    case 'units':
      return `const units=${textObj(pick(d.i18n.units, lang))};export{units as default};\n`;
    case 'app':
      return `export default ${textObj(pick(d.i18n.app, lang))};\n`;
    case 'routes':
      return `const e=${textObj(pick(d.i18n.routes, lang))};export{e as default};\n`;
    case 'menu':
      return `export default ${textObj(pick(d.i18n.menu, lang), '"')};\n`;
    default: {
      const title = d.i18n.titles[ns];
      return `const ${ns}=${quote(title ? title[lang] : ns, 'text')};export{${ns} as default};\n`;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Benchmark padding

const WORDS: Array<[string, string]> = [
  ['Temperatura', 'Temperature'],
  ['Histereza', 'Hysteresis'],
  ['Czas', 'Time'],
  ['Próg', 'Threshold'],
  ['Opóźnienie', 'Delay'],
  ['Moc', 'Power'],
  ['Korekta', 'Correction'],
  ['Wydajność', 'Output'],
  ['Obroty', 'Speed'],
  ['Ciśnienie', 'Pressure'],
  ['Współczynnik', 'Factor'],
  ['Tryb', 'Mode'],
];
const OBJECTS: Array<[string, string]> = [
  ['pompy', 'pump'],
  ['zaworu', 'valve'],
  ['palnika', 'burner'],
  ['obiegu', 'circuit'],
  ['podajnika', 'feeder'],
  ['wentylatora', 'fan'],
  ['bufora', 'buffer'],
  ['solara', 'solar'],
  ['kominka', 'fireplace'],
  ['cyrkulacji', 'circulation'],
  ['grzałki', 'heater'],
  ['ślimaka', 'auger'],
  ['dmuchawy', 'blower'],
];
const SYN_UNITS = [1, 2, 11, 12, 47, 48, 49, 10, 66, 20, 9];
const SYN_POOLS = [10, 11, 12, 13, 14, 15, 16, 17];
const COMPONENTS = ['SLIDER', 'SWITCH', 'TEMPERATURE', 'SELECT', 'DIODE'];

function syntheticSymbols(n: number): SymbolDef[] {
  const out: SymbolDef[] = [];
  for (let i = 0; i < n; i++) {
    const pool = SYN_POOLS[i % SYN_POOLS.length] as number;
    const idx = Math.floor(i / SYN_POOLS.length);
    const [wpl, wen] = WORDS[i % WORDS.length] as [string, string];
    const [opl, oen] = OBJECTS[Math.floor(i / WORDS.length) % OBJECTS.length] as [string, string];
    const k = 1 + Math.floor(i / (WORDS.length * OBJECTS.length));
    const unit = SYN_UNITS[i % SYN_UNITS.length] as number;
    const base: SymbolDef = {
      symbol: `PARAM_P${pool}_${idx}`,
      module: 'boiler',
      label: { pl: `${wpl} ${opl} ${k}`, en: `${oen[0]?.toUpperCase()}${oen.slice(1)} ${wen.toLowerCase()} ${k}` },
      address: `P${pool}.v${idx}`,
      unit,
      form: 'inline',
      number: idx,
      component: COMPONENTS[i % COMPONENTS.length] as string,
    };
    if (i % 3 !== 0) out.push({ ...base, form: 'builderPool' });
    else {
      const sel = (bit: number): Selector => ({ group: `P${pool}`, number: idx, use: 's', bit });
      out.push({
        ...base,
        scalarUnit: true,
        icon: 'INFO',
        selectors: [{ group: `P${pool}`, number: idx, use: 'v' }],
        status: [
          { flag: 'INVISIBLE', bit: sel(7) },
          { flag: 'ENABLED', bit: sel(6) },
        ],
        rulesIn: 'any',
        rules: [
          { expected: 1, target: sel(0), result: { value: 'e.ON' } },
          { expected: 0, target: sel(0), result: { value: 'e.OFF' } },
        ],
      });
    }
  }
  return out;
}

/** `basicParameterBuilder_P<pool>` of TV-14 (INVISIBLE bit 7 of the same index). */
function poolBuilder(names: Names, pool: number): string {
  const [id, n, o, nm] = [names.next(), names.next(), names.next(), names.next()];
  return (
    `basicParameterBuilder_P${pool}=({id:${id},icon:icon=IconsList['INFO'],number:${n},name:${nm},useComponent:useComponent=void 0x0,status:status={}})=>{` +
    `const ${o}={'id':${id},'icon':icon,'name':${nm}!==void 0x0?${nm}:'parameters.PARAM_P${pool}_'+${n},` +
    `'value':[{'group':'P${pool}','number':${n},'use':'v'}],'unit':[{'group':'P${pool}','number':${n},'use':'u'}],` +
    `'status':{...{[ParameterStatus['INVISIBLE']]:[{'group':'P${pool}','number':${n},'use':'s','bit':0x7}]},...status},` +
    `'useComponent':useComponent};return ${o};}`
  );
}

const FILLER_WORDS = [
  'modules.menu.settings',
  'app.one.loading',
  'app.table.empty',
  'parameters.title',
  'app.form.save',
  'app.chart.range',
];

/** Synthetic minified component code (functions that are never called); bodies follow `function <name>`. */
function fillerBody(names: Names, i: number): string {
  const r = (): string => `_0x${(names.rand() & 0xffffff).toString(16).padStart(6, '0')}`;
  const [a, b, c, d] = [r(), r(), r(), r()];
  const h = (): string => `0x${(names.rand() & 0xfff).toString(16)}`;
  const w = quote(FILLER_WORDS[i % FILLER_WORDS.length] as string, i % 2 === 0 ? 'hex' : 'plain');
  switch (i % 4) {
    case 0:
      return `(${a},${b}){const ${c}=${a}['filter'](${d}=>${d}['visible']!==!1&&${d}['id']!==${h()})['map'](${d}=>({'key':${d}['id'],'label':${b}['t'](${w}),'value':${d}['value']*${h()}}));return ${c}['length']>${h()}?${c}['slice'](0x0,${h()}):${c};}`;
    case 1:
      return `(${a}){let ${b}=0x0;for(const ${c} of ${a}['items']??[]){if(${c}['type']===${w})${b}+=${c}['count']|${h()};else ${b}^=${h()};}return{'total':${b},'label':${quote('Razem pozycji', 'text')},'ok':${b}>${h()}};}`;
    case 2:
      return `(${a},${b},${c}){return ${a}['openBlock'](),${a}['createElementBlock']('div',{'class':${quote(`param-row row-${i % 97}`)},'key':${b}['id']},[${a}['createElementVNode']('span',null,${a}['toDisplayString'](${c}['t'](${w})),0x1),${a}['createTextVNode'](${quote(' \u2013 ', 'text')})],${h()});}`;
    default:
      return `(${a}){const ${b}=new Date(${a}['updatedAt']*0x3e8),${c}=Math['floor']((Date['now']()-${b}['getTime']())/${h()});return ${c}<${h()}?${quote('przed chwil\u0105', 'text')}:${c}+${quote(' min temu', 'text')};}`;
  }
}

let fillerCache: string[] | null = null;

/** 512 distinct filler bodies, made once per process. */
function fillerBodies(): string[] {
  if (!fillerCache) {
    const names = new Names(0xf111e5);
    fillerCache = Array.from({ length: 512 }, (_, i) => fillerBody(names, i));
  }
  return fillerCache;
}

function benchMenu(symbols: SymbolDef[]): MenuDef {
  const routes: RouteDef[] = [];
  let k = 0;
  for (let g = 0; g < 6; g++) {
    const children: RouteDef[] = [];
    for (let c = 0; c < (g < 3 ? 7 : 6); c++) {
      const idx = routes.length * 10 + children.length;
      const take = symbols.slice(k, k + 12);
      k += 12;
      children.push({
        path: `section${g}/${c}`,
        name: `modules.menu.section${g}_${c}`,
        displayName: `routes.modules.menu.section${g}_${c}`,
        permission: c % 5 === 4 ? 'DISPLAY_MENU_SERVICE' : 'DISPLAY_MENU_HEATING',
        read: take.slice(0, 6).map((s) => ({ symbol: s.symbol })),
        write: take
          .slice(6, 10)
          .map((s) => ({ symbol: s.symbol, permission: idx % 3 === 0 ? 'DISPLAY_PARAMETER_LEVEL_MAX' : undefined })),
        status: take.slice(10).map((s) => ({ symbol: s.symbol })),
      });
    }
    routes.push({
      path: `group${g}`,
      name: `MENU_GRUPA_${g}`,
      displayName: `routes.modules.menu.group${g}`,
      permission: 'DISPLAY_MENU_HEATING',
      children,
    });
  }
  return { deviceMenu: 2190, variant: '0', keyPrefix: '/src/config/router/deviceMenu/', routes };
}

// ---------------------------------------------------------------------------------------------------------------

function asset(kind: WebAppAssetKind, base: string, body: string, extra: Partial<WebAppAsset> = {}): WebAppAsset {
  const hash = contentHash(body);
  return { file: `${base}-${hash}.js`, base, hash, kind, body, ...extra };
}

const ENUMS: Array<[string, string[]]> = [
  ['IconsList', ['INFO', 'TEMPERATURE', 'FUEL', 'FLAME', 'CLOCK', 'FAN', 'PUMP']],
  ['ComponentType', ['SLIDER', 'SWITCH', 'TEMPERATURE', 'SELECT', 'DIODE', 'TIME', 'BUTTON']],
  ['ParameterStatus', ['INVISIBLE', 'ENABLED', 'DEVICE_AVAILABLE']],
  ['DiodeState', ['ON', 'OFF']],
  ['BoilerState', ['STOP', 'WORK']],
  ['Commands', ['WRITE', 'MODULE_RESTART']],
];
const OPERATIONS = ['equalTo', 'notEqualTo', 'greaterThan', 'greaterThanOrEqualTo', 'lessThan', 'lessThanOrEqualTo'];

/** Renders the web app. Deterministic; a 3 MB scaled build takes tens of milliseconds. */
export function generateWebApp(opts: GenerateOptions = {}): WebAppBuild {
  const d = opts.description ?? DESCRIPTION;
  const scale = Math.max(0, Math.floor(opts.scale ?? 0));
  const build = opts.build ?? 1;
  const names = new Names(0x5eed0b1e);
  const m = new Emitter(false, 4);
  let id = ROOT_ID;
  const ctx: Ctx = { m, names, convert: 'Uo', nextId: () => id++ };

  const synthetic = scale > 0 ? syntheticSymbols(1400 * scale) : [];
  const symbols = [...d.symbols, ...synthetic];
  const langs = d.languages.map((l) => l.flag.toLowerCase() as Lang);
  const menus = scale > 0 ? [...d.menus, benchMenu(synthetic)] : d.menus;
  const desc: WebAppDescription = scale > 0 ? withBenchRoutes(d) : d;

  const chunks = parameterChunks(ctx, symbols);
  const menuAssets = menus.map((mn) => asset('menu', mn.variant, menuChunk(names, mn), { deviceMenu: mn.deviceMenu }));
  const labels: Array<[string, Texts]> = symbols.map((s) => [s.symbol, s.label]);
  const i18nAssets = i18nChunks(langs, desc, labels);
  const { index, inlineMaps } = renderIndex(ctx, { d, build, scale, synthetic, menus, menuAssets, i18nAssets, chunks });

  const assets = [...menuAssets, ...chunks, ...i18nAssets, index];
  return {
    build,
    scale,
    indexName: index.file,
    assets,
    menus: Object.fromEntries(menuAssets.map((a) => [String(a.deviceMenu), a.file])),
    i18n: Object.fromEntries(i18nAssets.map((a) => [`${a.lang}/${a.namespace}`, a.file])),
    paramChunks: Object.fromEntries(chunks.map((a) => [a.symbol as string, a.file])),
    stats: {
      symbols: symbols.length,
      inlineMaps,
      labels: labels.length,
      indexBytes: Buffer.byteLength(index.body),
    },
  };
}

/** Dedicated parameter chunks: one per `chunk` or `canary` symbol, in symbol order. */
function parameterChunks(ctx: Ctx, symbols: readonly SymbolDef[]): WebAppAsset[] {
  const chunks: WebAppAsset[] = [];
  for (const s of symbols) {
    if (s.form === 'chunk') chunks.push(asset('param', s.symbol, statusChunk(s, ctx.nextId()), { symbol: s.symbol }));
    else if (s.form === 'canary') chunks.push(asset('canary', s.symbol, canaryChunk(ctx, s), { symbol: s.symbol }));
  }
  return chunks;
}

/** i18n chunks: per language, one per namespace (the fixed ones, then those of the description's titles). */
function i18nChunks(langs: readonly Lang[], desc: WebAppDescription, labels: Array<[string, Texts]>): WebAppAsset[] {
  const namespaces = ['parameters', 'units', 'app', 'routes', 'menu', ...Object.keys(desc.i18n.titles)];
  const i18nAssets: WebAppAsset[] = [];
  for (const lang of langs) {
    for (const ns of namespaces)
      i18nAssets.push(asset('i18n', ns, i18nChunk(ns, lang, desc, labels), { lang, namespace: ns }));
  }
  return i18nAssets;
}

/** What the index is rendered from besides the shared {@link Ctx} (see {@link renderIndex}). */
interface IndexParts {
  d: WebAppDescription;
  build: number;
  scale: number;
  synthetic: readonly SymbolDef[];
  menus: readonly MenuDef[];
  menuAssets: readonly WebAppAsset[];
  i18nAssets: readonly WebAppAsset[];
  chunks: readonly WebAppAsset[];
}

/** The index asset and the number of inline parameter maps it holds. */
function renderIndex(ctx: Ctx, p: IndexParts): { index: WebAppAsset; inlineMaps: number } {
  const { m, names } = ctx;
  const { d, build, scale, menus, menuAssets, i18nAssets, chunks } = p;
  const out: string[] = [];
  const deps = [...menuAssets, ...chunks];
  out.push(
    `const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=${JSON.stringify(deps.map((a) => `assets/${a.file}`))})))=>i.map(i=>d[i]);`,
  );
  const pre = names.next();
  const [pa, pb] = [names.next(), names.next()];
  out.push(`const ${pre}=function(${pa},${pb}){return ${pa}();};`);
  out.push(`var __APP_BUILD__={'build':${m.num(build)},'mode':'production'};`);
  const enums = ENUMS.map(([n, vals]) => `${n}=${m.obj(vals.map((v): [string, string] => [v, quote(v)]))}`);
  const ops = (prefix: string): string => m.obj(OPERATIONS.map((o): [string, string] => [o, quote(prefix + o)]));
  const u = names.next();
  out.push(
    `const e=${ops('e.')},kn={'ON':'e.ON','OFF':'e.OFF'},ku=${ops('')},ClauseOperation=${ops('')},${enums.join(',')},Uo=${u}=>${u}&0xffff;`,
  );
  out.push(
    `var define_AppContainer_default$6={'translations':${languageRows(m, d)},'defaultTranslation':${quote(d.defaultLanguage)}};`,
  );
  out.push(`const ${names.next()}=${unitTable(m, names, d.units)};`);
  out.push(...lazyImportMaps(names, pre, { menus, menuAssets, i18nAssets, chunks, deps }));
  out.push(`const ${parameterBuilders(names, scale).join(',')};`);
  const inlineMaps = pushInlineTables(out, ctx, d.symbols, p.synthetic);
  if (scale > 0) padComponents(out, names, 3_000_000 * scale);
  out.push(`export{${pre} as _,IconsList as I,ComponentType as C,ParameterStatus as P,kn as k,ku as u};`);
  return { index: asset('index', 'index', `${out.join('\n')}\n`), inlineMaps };
}

/**
 * Inline parameter tables appended to `out`: the boiler's, the mixer's, then the synthetic symbols 200 per table
 * (dedicated-chunk and canary symbols left out). Returns the number of inline maps.
 */
function pushInlineTables(
  out: string[],
  ctx: Ctx,
  symbols: readonly SymbolDef[],
  synthetic: readonly SymbolDef[],
): number {
  const { m, names } = ctx;
  let inline = 0;
  const table = (list: readonly SymbolDef[], offset: number): string => {
    const entries = list
      .filter((s) => s.form !== 'chunk' && s.form !== 'canary')
      .map((s, i): [string, string] => {
        inline++;
        return [s.symbol, indexMap(ctx, s, offset + i)];
      });
    return m.obj(entries);
  };
  out.push(
    `const ${names.next()}=${table(
      symbols.filter((s) => s.module === 'boiler'),
      0,
    )};`,
  );
  out.push(
    `const ${names.next()}=${table(
      symbols.filter((s) => s.module === 'mixer'),
      1000,
    )};`,
  );
  for (let i = 0; i < synthetic.length; i += 200)
    out.push(`const ${names.next()}=${table(synthetic.slice(i, i + 200), 2000 + i)};`);
  return inline;
}

/** Component code padding: filler functions appended to `out` until the index is about `target` bytes. */
function padComponents(out: string[], names: Names, target: number): void {
  let size = out.reduce((n, s) => n + s.length + 1, 0);
  const bodies = fillerBodies();
  for (let i = 0; size < target; i++) {
    const f = `function ${names.next()}${bodies[i % bodies.length]}`;
    out.push(f);
    size += f.length + 1;
  }
}

/** The `translations` array of the app container: one object per language. */
function languageRows(m: Emitter, d: WebAppDescription): string {
  const rows = d.languages.map((l) =>
    m.obj([
      ['id', quote(l.id)],
      ['flag', quote(l.flag)],
      ['name', quote(l.name, 'text')],
      ['countryFlag', quote(l.flag)],
      [
        'variants',
        l.variants
          ? m.obj(
              Object.entries(l.variants).map(([k, v]): [string, string] => [
                k,
                m.obj(Object.entries(v).map(([a, b]): [string, string] => [a, quote(b)])),
              ]),
            )
          : undefined,
      ],
    ]),
  );
  return m.arr(rows);
}

/** The lazily imported assets of the index, as Vite writes them: the deviceMenu glob map, the i18n import map and the parameter chunks. */
function lazyImportMaps(
  names: Names,
  pre: string,
  a: {
    menus: readonly MenuDef[];
    menuAssets: readonly WebAppAsset[];
    i18nAssets: readonly WebAppAsset[];
    chunks: readonly WebAppAsset[];
    deps: readonly WebAppAsset[];
  },
): string[] {
  const { menus, menuAssets, i18nAssets, chunks, deps } = a;
  const lines: string[] = [];
  // deviceMenu glob map.
  const menuEntries = menus.map((mn, i) => {
    const a = menuAssets[i] as WebAppAsset;
    const q = i % 2 === 0 ? '"' : "'";
    return `${q}${mn.keyPrefix}${mn.deviceMenu}/${mn.variant}.ts${q}:()=>${pre}(()=>import("./${a.file}"),__vite__mapDeps([${deps.indexOf(a)}]))`;
  });
  lines.push(`const ${names.next()}=Object.assign({${menuEntries.join(',')}});`);
  // i18n import map (three spellings, §1.5).
  const i18nEntries = i18nAssets.map((a, i) => {
    const key = `../../resources/languages/${a.lang}/${a.namespace}.json`;
    const v = names.next();
    switch (i % 3) {
      case 0:
        return `"${key}":()=>${pre}(()=>import("./${a.file}"),[]).then(${v}=>${v}.default)`;
      case 1:
        return `'${key}': () => ${pre}(() => import("./${a.file}"), [])`;
      default:
        return `"${key}":()=>${pre}(()=>import('./${a.file}'),true?[]:void 0x0)['then'](${v}=>${v}['default'])`;
    }
  });
  lines.push(`const ${names.next()}=Object.assign({${i18nEntries.join(',')}});`);
  // Dedicated parameter chunks.
  const chunkEntries = chunks.map(
    (a) =>
      `"../../config/parameters/${a.symbol}.ts":()=>${pre}(()=>import("./${a.file}"),__vite__mapDeps([${deps.indexOf(a)}]))`,
  );
  lines.push(`const ${names.next()}=Object.assign({${chunkEntries.join(',')}});`);
  return lines;
}

/** The parameter builder functions of the index (P4, P6, valves, and the synthetic pools of a scaled build). */
function parameterBuilders(names: Names, scale: number): string[] {
  // Builders.
  const nx = (): string => names.next();
  const [i4, n4, o4, nm4, i6, n6, nm6, iv, nv, nmv, ov] = [
    nx(),
    nx(),
    nx(),
    nx(),
    nx(),
    nx(),
    nx(),
    nx(),
    nx(),
    nx(),
    nx(),
  ];
  const fam = (pool: string, n: string): string =>
    ['v', 'u', 'n', 'x']
      .map(
        (u, k) =>
          `${quote(['value', 'unit', 'minValue', 'maxValue'][k] as string)}:[{'group':'${pool}','number':${n},'use':'${u}'}]`,
      )
      .join(',');
  const builders = [
    `basicParameterBuilder_P4=({id:${i4},icon:icon=IconsList['TEMPERATURE'],number:${n4},name:${nm4},useComponent:useComponent=void 0x0,status:status={}})=>{` +
      `const ${o4}={'id':${i4},'icon':icon,'name':${nm4}??'parameters.PARAM_P4_'+${n4},${fam('P4', n4)},'status':{...status},'useComponent':useComponent};return ${o4};}`,
    `basicParameterBuilder_P6=({id:${i6},icon:icon=IconsList['INFO'],number:${n6},name:${nm6},useComponent:useComponent=void 0x0,status:status={}})=>` +
      `({'id':${i6},'icon':icon,'name':${nm6}??'parameters.PARAM_'+${n6},${fam('P6', n6)},'status':{...status},'useComponent':useComponent})`,
    `valveParameterBuilder=({id:${iv},icon:icon=IconsList['TEMPERATURE'],name:${nmv},number:${nv},useComponent:useComponent=void 0x0,status:status={}})=>{` +
      `const ${ov}={'id':${iv},'icon':icon,'name':'parameters.'+${nmv},${fam('P4', nv)},'status':{...status},'useComponent':useComponent};return ${ov};}`,
    ...(scale > 0 ? SYN_POOLS.map((p) => poolBuilder(names, p)) : []),
  ];
  return builders;
}

function withBenchRoutes(d: WebAppDescription): WebAppDescription {
  const menu: TextTree = {};
  for (let g = 0; g < 6; g++) {
    menu[`group${g}`] = { pl: `Grupa ${g + 1}`, en: `Group ${g + 1}` };
    for (let c = 0; c < 7; c++)
      menu[`section${g}_${c}`] = { pl: `Sekcja ${g + 1}.${c + 1}`, en: `Section ${g + 1}.${c + 1}` };
  }
  const modules = (d.i18n.routes.modules ?? {}) as TextTree;
  const base = (modules.menu ?? {}) as TextTree;
  return {
    ...d,
    i18n: { ...d.i18n, routes: { ...d.i18n.routes, modules: { ...modules, menu: { ...base, ...menu } } } },
  };
}
