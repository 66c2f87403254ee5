// CATALOG.md §1.12 test vectors that concern parsing (TV-1 … TV-16).
import { describe, expect, it } from 'vitest';
import {
  assetByBasename,
  decodeEscapes,
  evaluateBindings,
  evaluateExpression,
  findIndexCandidates,
  i18nAssetUrl,
  lookupInline,
  menuAssetFor,
  parseI18nChunk,
  parseIndex,
  parseMenuChunk,
  parseNumberLiteral,
  parseParamChunk,
  scanMenuMap,
  splitI18nFile,
} from '../../../src/catalog/parse/index.js';

const ONE = 'https://one.brager.pl';
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('TV-1 index discovery', () => {
  it('finds the hashed index in the homepage, then the fallbacks', () => {
    const html = '<html><script type="module" src="/assets/index-NEW123.js"></script></html>';
    expect(findIndexCandidates(html, ONE)).toEqual([
      `${ONE}/assets/index-NEW123.js`,
      `${ONE}/assets/index-main.js`,
      `${ONE}/assets/index.js`,
    ]);
  });
  it('de-duplicates across the / and /assets/ bodies in order', () => {
    const a = '/assets/index-A1.js /assets/index-B2.js /assets/index-A1.js';
    const b = '<a href="/assets/index-C3.js">';
    expect(findIndexCandidates([a, b], `${ONE}/`).slice(0, 3)).toEqual([
      `${ONE}/assets/index-A1.js`,
      `${ONE}/assets/index-B2.js`,
      `${ONE}/assets/index-C3.js`,
    ]);
  });
});

describe('TV-2 deviceMenu maps', () => {
  it('maps deviceMenu to the chunk full name', () => {
    const t =
      '{"../config/router/deviceMenu/0/module.menu.ts":()=>d(()=>import("./module.menu-B60xPU0K.js"),__vite__mapDeps([0])),"../config/router/deviceMenu/1/module.menu.ts":()=>d(()=>import("./module.menu-lSoMfgab.js"),__vite__mapDeps([1]))}';
    expect(plain(scanMenuMap(t))).toEqual({ 0: 'module.menu-B60xPU0K', 1: 'module.menu-lSoMfgab' });
  });
  it('accepts /src/ keys and prefers variant 0', () => {
    expect(
      plain(
        scanMenuMap('Object.assign({"/src/config/router/deviceMenu/0/0.ts":()=>f(()=>import("./0-r9AwvEAY.js"),[])})'),
      ),
    ).toEqual({
      0: '0-r9AwvEAY',
    });
    const t =
      "{'../../config/router/deviceMenu/2190/201.ts':()=>_(()=>import('./201-DKEZsk-M.js'),[]),'../../config/router/deviceMenu/2190/0.ts' : () => _$( () => import(\"./0-Zz.js\"),[])}";
    expect(plain(scanMenuMap(t))).toEqual({ 2190: '0-Zz' });
    expect(
      plain(scanMenuMap("{'../../config/router/deviceMenu/2190/201.ts':()=>_(()=>import('./201-DKEZsk-M.js'),[])}")),
    ).toEqual({
      2190: '201-DKEZsk-M',
    });
  });
});

describe('TV-3 i18n file split and lookup', () => {
  it.each([
    ['units', 'units', 'units', ''],
    ['Units', 'units', 'Units', ''],
    ['units', 'units-Ab12', 'units', 'Ab12'],
    ['info', 'info-Bpu026-3', 'info', 'Bpu026-3'],
    ['tariff', 'tariff-Db9Vj8s-', 'tariff', 'Db9Vj8s-'],
    ['units', 'other-Ab12', 'other-Ab12', ''],
  ])('%s | %s → %s | %s', (ns, stem, base, hash) => {
    expect(splitI18nFile(ns, `${stem}.js`)).toEqual({ base, hash });
  });
  it('resolves tariff against the index URL, absent namespaces are null', () => {
    const text = `const m={"../../resources/languages/en/tariff.json":()=>d(()=>import('./tariff-Db9Vj8s-.js'),true?[]:void 0x0)['then'](e=>e.default)};`;
    const { index } = parseIndex(text, `${ONE}/assets/index-Ab12.js`);
    expect(i18nAssetUrl(index, 'en', 'tariff')).toBe(`${ONE}/assets/tariff-Db9Vj8s-.js`);
    expect(i18nAssetUrl(index, ' EN ', 'Tariff')).toBe(`${ONE}/assets/tariff-Db9Vj8s-.js`);
    expect(i18nAssetUrl(index, 'de', 'parameters')).toBeNull();
    expect(i18nAssetUrl(index, 'pl', 'nonexistent')).toBeNull();
    expect(plain(parseI18nChunk("export default {'peak': 'Peak'};").value)).toEqual({ peak: 'Peak' });
  });
  it('matches the language directory case-insensitively ([SIM])', () => {
    const text = `{'../../resources/languages/PL/diodeState.json': () => d(() => import("./diodeState-HASH2.js"), [])}`;
    const { index } = parseIndex(text, `${ONE}/assets/index-Ab12.js`);
    expect(i18nAssetUrl(index, 'pl', 'diodestate')).toBe(`${ONE}/assets/diodeState-HASH2.js`);
  });
});

describe('TV-4 language config', () => {
  const cfg = (t: string) => plain(parseIndex(t, `${ONE}/assets/index-x1.js`).index.languageConfig);
  it('finds the obfuscated config', () => {
    const t = `define_AppContainer_default$6={'translations':[
  {'id':'PL','flag':'pl','variants':{'153':{'1201':'PL_5_RTP_TIS'}}},{'id':'EN','flag':'en'}
],'defaultTranslation':'pl'};`;
    expect(cfg(t)).toEqual({
      translations: [
        { id: 'PL', flag: 'pl', variants: { 153: { 1201: 'PL_5_RTP_TIS' } } },
        { id: 'EN', flag: 'en' },
      ],
      defaultTranslation: 'pl',
    });
  });
  it.each([
    "var c={langs:[],default:'pl'};",
    'var c={translations:[]};',
    "var c={defaultTranslation:'pl'};",
    "var c={translations:'not_array',defaultTranslation:'pl'};",
    'var c={translations:[],defaultTranslation:123};',
    "var c={'translations':[{'id':'PL','flag':'pl'}],'defaultTranslation':''};",
    '',
    'var x = {[}',
  ])('rejects %s', (t) => {
    expect(cfg(t)).toBeNull();
  });
  it('accepts 3 of 4 rows with id+flag, nested, next to new Date()', () => {
    const t =
      "export default {app:{when:new Date(),c:{translations:[{id:'pl',flag:'pl'},{id:'en',flag:'en'},{id:'de',flag:'de',dev:!0},{name:'x'}],defaultTranslation:'en'}}};";
    const c = cfg(t) as { translations: unknown[]; defaultTranslation: string };
    expect(c.defaultTranslation).toBe('en');
    expect(c.translations).toHaveLength(4);
    expect(cfg("var c={translations:[{id:'pl',flag:'pl'},{id:'en'},{name:'x'}],defaultTranslation:'en'};")).toBeNull();
  });
});

describe('TV-5 unit descriptor table', () => {
  it('converts the obfuscated table', () => {
    const t = `const _u={0x9:{'options':{0x0:'units.17.0',0x1:'units.17.1'}},
          0xa:{'text':'units.10','value':_0x201288=>_0x201288*0x6},
          0x31:{'text':'units.31','value':_0x4fdb4d=>Number(_0x4fdb4d*0.1)['toFixed'](0x1)}};`;
    const { index } = parseIndex(t, `${ONE}/assets/index-x1.js`);
    const u = index.unitDescriptors;
    expect(Object.keys(u).sort()).toEqual(['10', '49', '9']);
    expect(plain(u['9']!.options)).toEqual({ 0: 'units.17.0', 1: 'units.17.1' });
    expect(u['49']!.text).toBe('units.31');
    expect(u['10']!.value).toBe('_0x201288=>_0x201288*0x6');
    expect(u['49']!.value).toBe("_0x4fdb4d=>Number(_0x4fdb4d*0.1)['toFixed'](0x1)");
  });
  it('non-numeric keys → empty table plus a warning', () => {
    const r = parseIndex("const table={foo:{text:'units.1'},bar:{options:{1:'x'}}};", `${ONE}/assets/index-x1.js`);
    expect(Object.keys(r.index.unitDescriptors)).toEqual([]);
    expect(r.warnings.some((w) => w.includes('unit descriptor'))).toBe(true);
  });
  it('the candidate with the most entries wins', () => {
    const t = "const a={1:{text:'units.a'}};const b={2:{text:'units.b'},3:{options:{}}};";
    expect(Object.keys(parseIndex(t, `${ONE}/assets/index-x1.js`).index.unitDescriptors)).toEqual(['2', '3']);
  });
});

describe('TV-6 i18n bodies', () => {
  const ns = (t: string) => plain(parseI18nChunk(t).value);
  it('decodes the three typical bodies', () => {
    expect(
      ns(`const PARAM_P4_43='Ilo\\u015b\\u0107\\x20rozpale\\u0144',PARAM_P4_14='Moc\\x20palnika',
parameters={'PARAM_P4_43':PARAM_P4_43,'PARAM_P4_14':PARAM_P4_14};
export{parameters as default};`),
    ).toEqual({ PARAM_P4_43: 'Ilość rozpaleń', PARAM_P4_14: 'Moc palnika' });
    expect(
      ns(
        "const units={'0':'\\x20','1':'\\u00b0C','5':'%','31':'kW','6':{'0':'Ochrona\\x20powrotu'}};export{units as default};",
      ),
    ).toEqual({
      0: ' ',
      1: '°C',
      5: '%',
      31: 'kW',
      6: { 0: 'Ochrona powrotu' },
    });
    // CATALOG.md TV-6 prints "Menu termostatów" for the body 'Menu\x20termost\xf3w' (a typo in one of the two).
    expect(
      ns("const MAINMENU_MENU_TERMOSTATU='Menu\\x20termostat\\xf3w';export{MAINMENU_MENU_TERMOSTATU as default};"),
    ).toEqual({
      MAINMENU_MENU_TERMOSTATU: 'Menu termostatów',
    });
  });
  it.each([
    ['export default { "hi": "there" };', { hi: 'there' }],
    ['const bundle = { ok: true };\nexport { bundle as default };', { ok: true }],
    ['export default 12;', {}],
    ['const only = { a: 1 };', { a: 1 }],
    ['export default "Bare title";', { __default__: 'Bare title' }],
    ["export default '   ';", {}],
    ["const MAINMENU_X='Title';\nexport default MAINMENU_X;", { MAINMENU_X: 'Title' }],
    ['export default {[};', {}],
  ])('%s', (t, expected) => {
    expect(ns(t)).toEqual(expected);
  });
  it('warns on a non-object default and counts escape leaks', () => {
    expect(parseI18nChunk('export default 12;').warnings.length).toBeGreaterThan(0);
    const r = parseI18nChunk("export default {a:'\\\\x20 literal',b:'ok'};");
    expect(r.escapeLeaks).toBe(1);
  });
});

describe('TV-7 escapes', () => {
  it.each([
    ['\\x20', ' '],
    ['Ilo\\u015b\\u0107\\x20rozpale\\u0144', 'Ilość rozpaleń'],
    ['\\u00b0C', '°C'],
    ['\\u{1F600}', '😀'],
    ['\\ud83d\\ude00', '😀'],
    ["quote\\'s", "quote's"],
    ['solidus\\/path', 'solidus/path'],
    ['\\xZZ', 'xZZ'],
    ['\\x2', 'x2'],
    ['\\uZZZZ', 'uZZZZ'],
    ['\\u{}', 'u{}'],
    ['\\u{110000}', '\ufffd'],
    ['\\q', 'q'],
    ['\\ud83d', '\ufffd'],
    ['\\ud83d\\u0041', '\ufffdA'],
    ['one\\\ntwo', 'onetwo'],
    ['one\\\r\ntwo', 'onetwo'],
    ['a\\0b', 'a\0b'],
    ['a\\01b', 'a01b'],
    ['trail\\', 'trail\\'],
    ['\\b\\f\\n\\r\\t\\v', '\b\f\n\r\t\v'],
    ['zażółć', 'zażółć'],
  ])('%j → %j', (body, text) => {
    expect(decodeEscapes(body)).toBe(text);
  });
  it('applies to string literals in assets', () => {
    expect(evaluateExpression("'\\xZZ'")).toBe('xZZ');
    expect(evaluateExpression("'a\\01b'")).toBe('a01b');
    expect(evaluateExpression("'\\ud83d\\u0041'")).toBe('\ufffdA');
  });
});

describe('TV-8 numbers', () => {
  it.each([
    ['0x9', 9],
    ['0X1F', 31],
    ['0x7f', 127],
    ['0b1010', 10],
    ['0o17', 15],
    ['1_000', 1000],
    ['10n', 10],
    ['.5', 0.5],
    ['1e3', 1000],
    ['-0.25', -0.25],
    ['+7', 7],
  ])('%s → %d', (t, v) => {
    expect(parseNumberLiteral(t)).toBe(v);
  });
  it.each(['', 'abc', '0xZZ', '0b12', '0o99', 'units.31'])('%j is not a number', (t) => {
    expect(parseNumberLiteral(t)).toBeNull();
  });
  it('normalizes keys', () => {
    expect(
      plain(evaluateBindings("const t={0x9:{'options':{0x0:'units.17.0'}},0xa:{'text':'units.10'},0x1f:0x2a};").t),
    ).toEqual({
      9: { options: { 0: 'units.17.0' } },
      10: { text: 'units.10' },
      31: 42,
    });
    expect(plain(evaluateExpression("{'a':1_0}"))).toEqual({ a: 10 });
    expect(plain(evaluateExpression('{2.0:1,a:-5,b:10n,c:0x1268919fb79d}'))).toEqual({
      2: 1,
      a: -5,
      b: 10,
      c: 20240329062301,
    });
    expect(evaluateExpression('123456789012345678901234567890n')).toBe('123456789012345678901234567890n');
  });
});

describe('TV-9 keys, subscripts, expressions', () => {
  const ev = (e: string, prelude = '') => plain(evaluateExpression(e, prelude));
  it('computed keys', () => {
    expect(ev("{[_0x4d['INVISIBLE']]:1,['lit']:2,[0x9]:3,[someVar]:4,[t.INVISIBLE]:5}")).toEqual({
      INVISIBLE: 1,
      lit: 2,
      9: 3,
      someVar: 4,
      't.INVISIBLE': 5,
    });
  });
  it('obfuscated receivers', () => {
    expect(ev("{'permissionModule':_0x521864['DISPLAY_PARAMETER_LEVEL_1'],'op':_0x4891b3['equalTo']}")).toEqual({
      permissionModule: 'DISPLAY_PARAMETER_LEVEL_1',
      op: 'equalTo',
    });
    expect(ev("[ParameterStatus['INVISIBLE'],ClauseOperation['equalTo'],Permissions['DISPLAY_X'],Foo['BAR']]")).toEqual(
      ['INVISIBLE', "ClauseOperation['equalTo']", 'DISPLAY_X', "Foo['BAR']"],
    );
  });
  it.each(["arr['map']", "Math['floor']", 'arr[0]', "['PARAM_1']['map']", 'a.b'])('%s → text', (e) => {
    expect(ev(e)).toBe(e);
  });
  it('bound objects', () => {
    const prelude = "const _0x={'DISPLAY_FOO':'yes'};";
    expect(ev("_0x['DISPLAY_FOO']", prelude)).toBe('yes');
    expect(ev("_0x['MISSING']", prelude)).toBe('MISSING');
  });
  it('spread, concatenation, arithmetic', () => {
    const b = evaluateBindings("const base={'a':1};const o={...base,'b':'p_'+0x2,'c':1+2,'d':base};");
    expect(plain(b.o)).toEqual({ a: 1, b: 'p_2', c: 3, d: { a: 1 } });
    expect(ev("{...missing,'a':1}")).toEqual({ a: 1 });
    for (const e of ["'x'-1", '[1]+2', '1-2']) expect(ev(e)).toBe(e);
    expect(ev("{'a':undefined,'b':!0}")).toEqual({ a: null, b: '!0' });
    expect(ev("{'a':'x'===undefined?'yes':'no','b':1!==undefined?'keep':'drop'}")).toEqual({ a: 'no', b: 'keep' });
  });
  it('concatenation table', () => {
    expect(ev('"v"+1.0')).toBe('v1');
    expect(ev('"v"+1.5')).toBe('v1.5');
    expect(ev('"v"+true')).toBe('vtrue');
    for (const e of ['true+1', '"v"+null', '"v"+[1]']) expect(ev(e)).toBe(e);
  });
});

describe('TV-10 builders', () => {
  const call = (builder: string, arg: string) => plain(evaluateExpression(`b(${arg})`, `const b=${builder};`));
  it.each([
    ["({a})=>({'x':a})", '{a:1}', { x: 1 }],
    ["({a})=>({'x':a})", '{}', { x: null }],
    ["({a=7})=>({'x':a})", '{}', { x: 7 }],
    ["({a:b=7})=>({'x':b})", '{a:2}', { x: 2 }],
    ["(v)=>({'x':v})", '5', { x: 5 }],
    ["({a})=>{const o={'x':a};return o;}", '{a:6}', { x: 6 }],
    ["({a})=>{let q;q=1;const o={'x':a};return o;}", '{a:6}', { x: 6 }],
    ["(v)=>({'x':v})", '1,2', { x: [1, 2] }],
  ])('%s(%s)', (b, arg, expected) => {
    expect(call(b, arg)).toEqual(expected);
  });
  it.each([
    '({a})=>a',
    "(a,b)=>({'x':a})",
    "([a])=>({'x':a})",
    '({a})=>{const o=1;return o;}',
    '({a})=>{return;}',
    '({a})=>{return f(a);}',
    "_0x2=>Number(_0x2*0.1)['toFixed'](0x1)",
    '(_0x2)=>{const _0x3=_0x2*2;return _0x3;}',
  ])('%s is not a builder', (b) => {
    expect(call(b, '{a:1}')).toBe('b({a:1})');
    expect(plain(evaluateBindings(`const b=${b};`).b)).toBe(b);
  });
});

describe('TV-11 helper calls and map lists', () => {
  const ev = (e: string) => plain(evaluateExpression(e));
  it('collapses READ/WRITE/STATUS helpers', () => {
    expect(ev("_0x2d2290(_0x870f31['WRITE'],'PARAM_45')")).toBe('PARAM_45');
    expect(ev("_0x2d2290(_0x870f31['STATUS'],'STATUS_P5_1')")).toBe('STATUS_P5_1');
  });
  it.each([
    "foo('WRITE','PARAM_45')",
    "_0x1a['helper']('WRITE','PARAM_45')",
    '_0x2d2290()',
    "_0x2d2290('PARAM_45')",
    "_0x2d2290(1,'PARAM_45')",
    "_0x2d2290('EQUALTO','PARAM_45')",
    "_0x2d2290('WRITE',1)",
    "_0x2d2290('WRITE','DISPLAY_PARAMETER_LEVEL_1')",
  ])('%s stays text', (e) => {
    expect(ev(e)).toBe(e);
  });
  it('maps arrays through builders', () => {
    expect(
      ev(
        "['PARAM_45','PARAM_34']['map'](_0x46820c=>({'permissionModule':_0x58838d['DISPLAY_PARAMETER_LEVEL_1'],'parameter':_0x2d2290(_0x870f31['WRITE'],_0x46820c)}))",
      ),
    ).toEqual([
      { permissionModule: 'DISPLAY_PARAMETER_LEVEL_1', parameter: 'PARAM_45' },
      { permissionModule: 'DISPLAY_PARAMETER_LEVEL_1', parameter: 'PARAM_34' },
    ]);
  });
  it('menu chunks: the §1.9 example and mined map calls', () => {
    const t = `const _201={'priority':0x64,'deviceMenu':[{ path:'userMenu', name:'MAINMENU_MENU_UZYTKOWNIKA',
  meta:{ displayName:'MAINMENU_MENU_UZYTKOWNIKA', permissionModule:_0x58838d['DISPLAY_PARAMETER_LEVEL_1'],
    parameters:{ read:[], status:['PARAM_45','WRITE','DISPLAY_PARAMETER_LEVEL_1']['map'](x=>x), special:"not-a-map",
      write:['PARAM_45','PARAM_34']['map'](_0x46820c=>({permissionModule:_0x58838d['DISPLAY_PARAMETER_LEVEL_1'],
                                                        parameter:_0x2d2290(_0x870f31['WRITE'],_0x46820c)})) } },
  children:[] }]};
export default _201;`;
    const v = parseMenuChunk(t).value as {
      priority: number;
      deviceMenu: Array<{ meta: { parameters: Record<string, unknown> } }>;
    };
    expect(v.priority).toBe(100);
    const params = plain(v.deviceMenu[0]!.meta.parameters) as Record<string, unknown>;
    expect(params.write).toEqual([
      { permissionModule: 'DISPLAY_PARAMETER_LEVEL_1', parameter: 'PARAM_45' },
      { permissionModule: 'DISPLAY_PARAMETER_LEVEL_1', parameter: 'PARAM_34' },
    ]);
    expect(params.status).toEqual(['PARAM_45']);
    expect(params.special).toBe('not-a-map');
  });
  it('readable menu chunk', () => {
    const t = `export default [{ path:'dhw', name:'modules.menu.dhw', meta:{ displayName:'MAINMENU_USTAWIENIA_CWU',
      permissionModule:_0x521864['DISPLAY_MENU_DHW'], parameters:{ read:[{permissionModule:_0x521864['DISPLAY_PARAMETER_LEVEL_1'],
      parameter:_0x3e8c51(_0x1cc358['READ'],'PARAM_P30_2')}], write:[{permissionModule:A.DISPLAY_PARAMETER_LEVEL_MAX,
      parameter:E(A.WRITE,"PARAM_P32_184")}], status:[], special:[] } }, children:[] }];`;
    const v = plain(parseMenuChunk(t).value) as Array<{
      meta: { permissionModule: string; parameters: Record<string, Array<Record<string, string>>> };
    }>;
    expect(v[0]!.meta.permissionModule).toBe('DISPLAY_MENU_DHW');
    expect(v[0]!.meta.parameters.read![0]!.parameter).toBe('PARAM_P30_2');
    expect(v[0]!.meta.parameters.write![0]!).toEqual({
      permissionModule: 'A.DISPLAY_PARAMETER_LEVEL_MAX',
      parameter: 'E(A.WRITE,"PARAM_P32_184")',
    });
  });
});

describe('TV-12 readable param map', () => {
  it('returns the export default object', () => {
    const t = `export default { group: "P4", componentType: "slider", units: 1, limits: { min: 10, max: 90 },
  statusFlags: [{ bit: 3, label: "pump" }],
  use: { v: { pool: "P4", chan: "v", idx: 1 }, u: { pool: "P4", chan: "u", idx: 1 },
         s: [{ pool: "P5", chan: "s", idx: 40 }], n: { pool: "P4", chan: "n", idx: 1 },
         x: { pool: "P4", chan: "x", idx: 1 } } };`;
    const m = plain(parseParamChunk(t, 'PARAM_1').map) as Record<string, unknown>;
    expect(m.group).toBe('P4');
    expect(m.componentType).toBe('slider');
    expect(m.units).toBe(1);
    expect(m.limits).toEqual({ min: 10, max: 90 });
    expect(m.statusFlags).toEqual([{ bit: 3, label: 'pump' }]);
    expect((m.use as Record<string, unknown>).s).toEqual([{ pool: 'P5', chan: 's', idx: 40 }]);
  });
});

describe('TV-13 live obfuscated param map', () => {
  it('keeps enum names and literal texts', () => {
    const t = `const builder={'name':'parameters.PARAM_66','useComponent':_0x4d7e32['SWITCH'],
  'status':{[_0x4d7e32['INVISIBLE']]:[{'group':'P6','number':0x22,'use':'s'}],
            [_0x4d7e32['ENABLED']]:[{'group':'P6','number':0x23,'use':'s'}]},
  'any':[{'if':[{'operation':_0x4891b3['equalTo'],'expected':![],'value':[{'group':'P6','number':0x22}]}],
          'then':{'command':_0xabc['WRITE'],'value':!![]}}]};
export { builder as default };`;
    expect(plain(parseParamChunk(t, 'PARAM_66').map)).toEqual({
      name: 'parameters.PARAM_66',
      useComponent: 'SWITCH',
      status: { INVISIBLE: [{ group: 'P6', number: 34, use: 's' }], ENABLED: [{ group: 'P6', number: 35, use: 's' }] },
      any: [
        {
          if: [{ operation: 'equalTo', expected: '![]', value: [{ group: 'P6', number: 34 }] }],
          // biome-ignore lint/suspicious/noThenProperty: rule rows of the asset format have a then key
          then: { command: 'WRITE', value: '!![]' },
        },
      ],
    });
  });
});

const TV14 = `const IconsList={'INFO':'INFO'},ParameterStatus={'INVISIBLE':'INVISIBLE'},
basicParameterBuilder_P11=({id:_0x581f65,icon:icon=IconsList['INFO'],number:_0x5273a8,
    useComponent:useComponent=void 0x0,status:status={}})=>{
  const _0x888193={'id':_0x581f65,'icon':icon,'name':'parameters.PARAM_P11_'+_0x5273a8,
    'value':[{'group':'P11','number':_0x5273a8,'use':'v'}],
    'status':{...{[ParameterStatus['INVISIBLE']]:[{'group':'P11','number':_0x5273a8,'use':'s','bit':0x7}]},...status},
    'useComponent':useComponent};
  return _0x888193;
},
paramTable={'PARAM_P11_1':basicParameterBuilder_P11({'id':0x1268919fb79d,'number':0x1}),
  'PARAM_P11_9':basicParameterBuilder_P11({'id':0x1268919fb7a5,'number':0x9,'useComponent':'SWITCH'})};`;

describe('TV-14 index builders', () => {
  it('expands builder calls in the token walk', () => {
    const { index } = parseIndex(TV14, `${ONE}/assets/index-x1.js`);
    expect(plain(index.inlineMaps.PARAM_P11_1)).toEqual({
      id: 20240329062301,
      icon: 'INFO',
      name: 'parameters.PARAM_P11_1',
      value: [{ group: 'P11', number: 1, use: 'v' }],
      status: { INVISIBLE: [{ group: 'P11', number: 1, use: 's', bit: 7 }] },
      useComponent: null,
    });
    expect(index.inlineMaps.PARAM_P11_9!.useComponent).toBe('SWITCH');
    expect(index.inlineMaps.PARAM_P11_9!.id).toBe(20240329062309);
  });
  it('name defaults with ?? and !== void 0x0', () => {
    const t = `const P6=({number:n,name:_n})=>({'name':_n ?? 'parameters.PARAM_'+n}),
P32=({number:n,name:_n})=>({'name':_n!==void 0x0?_n:'parameters.PARAM_P32_'+n}),
t={'PA':P6({'number':0xa}),'PB':P6({'number':0x3f,'name':'parameters.CUSTOM_63'}),'PC':P32({number:4}),'PD':P32({number:9,name:'parameters.OVERRIDE'})};`;
    const m = parseIndex(t, `${ONE}/assets/index-x1.js`).index.inlineMaps;
    expect([m.PA?.name, m.PB?.name, m.PC?.name, m.PD?.name]).toEqual([
      'parameters.PARAM_10',
      'parameters.CUSTOM_63',
      'parameters.PARAM_P32_4',
      'parameters.OVERRIDE',
    ]);
  });
});

describe('TV-15 readable table with template names', () => {
  const t = `const eE = ({id:e, icon:t=Xe.INFO, number:n, useComponent:r=Lo.DIODE}) => ({ id: e, icon: t,
  name: \`parameters.STATUS_P5_\${n}\`, unit: 9994,
  value: [{ if: [{ expected: 1, operation: ku.equalTo, value: [{ group: "P5", number: n, use: "s", bit: 1 }] }],
            then: kn.ON }], useComponent: r });
export default { STATUS_P5_10: eE({ id: 20240408105000, number: 10 }) };`;
  const expected = {
    id: 20240408105000,
    icon: 'Xe.INFO',
    name: 'parameters.STATUS_P5_10',
    unit: 9994,
    value: [
      {
        if: [{ expected: 1, operation: 'ku.equalTo', value: [{ group: 'P5', number: 10, use: 's', bit: 1 }] }],
        // biome-ignore lint/suspicious/noThenProperty: rule rows of the asset format have a then key
        then: 'kn.ON',
      },
    ],
    useComponent: 'Lo.DIODE',
  };
  it('as a dedicated chunk', () => {
    expect(plain(parseParamChunk(t, 'STATUS_P5_10').map)).toEqual(expected);
  });
  it('via the index walk', () => {
    expect(plain(parseIndex(t, `${ONE}/assets/index-x1.js`).index.inlineMaps.STATUS_P5_10)).toEqual(expected);
  });
  it('unbound template expressions stay verbatim', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: asset source text and its verbatim result
    expect(evaluateExpression('`a${x.y}b${z}`')).toBe('a${x.y}b${z}');
  });
});

describe('TV-16 complete synthetic index', () => {
  const t = `const x=()=>import("./module.menu-Xy9.js");
const IconsList={'INFO':'INFO'},
basicParameterBuilder_P11=({id:_i,icon:icon=IconsList['INFO'],number:_n})=>{
  const _o={'id':_i,'icon':icon,'name':'parameters.PARAM_P11_'+_n,'value':[{'group':'P11','number':_n,'use':'v'}]};
  return _o;
},
paramTable={'PARAM_P11_1':basicParameterBuilder_P11({'id':0x1,'number':0x1})};
const _u={0x9:{'text':'units.1'}};
const _c={'translations':[{'id':'PL','flag':'pl'}],'defaultTranslation':'pl'};
Object.assign({"../../resources/languages/en/units.json":()=>d(()=>import("./units-Ab12Cd.js"),[])});`;
  it('parses every part', () => {
    const { index } = parseIndex(t, `${ONE}/assets/index-Ab12Cd.js`);
    expect(Object.keys(index.assets).sort()).toEqual(['module.menu', 'units']);
    expect(index.assets.units).toEqual([{ url: `${ONE}/assets/units-Ab12Cd.js`, base: 'units', hash: 'Ab12Cd' }]);
    expect(Object.keys(index.menuMap)).toEqual([]);
    expect(menuAssetFor(index, 0)?.url).toBe(`${ONE}/assets/module.menu-Xy9.js`);
    expect(Object.keys(index.inlineMaps)).toEqual(['PARAM_P11_1']);
    expect(plain(index.unitDescriptors)).toEqual({ 9: { text: 'units.1' } });
    expect(index.languageConfig?.defaultTranslation).toBe('pl');
    expect(index.indexName).toBe('index-Ab12Cd.js');
    expect(i18nAssetUrl(index, 'en', 'units')).toBe(`${ONE}/assets/units-Ab12Cd.js`);
    expect(plain(parseI18nChunk("export default {'1':'kW'};").value)).toEqual({ 1: 'kW' });
    expect(lookupInline(index, ['PARAM_P11_1']).get('PARAM_P11_1')?.origin).toBe('inline:index-token');
  });
});

describe('§1.3 asset registry', () => {
  it('splits names and resolves URLs', () => {
    const t =
      'import("./module.menu-B60xPU0K.js");import("./info-Bpu026-3.js");import("./201-DKEZsk-M.js");import("./tariff-Db9Vj8s-.js");m.f=["assets/PARAM_66-ABC123.js"];import("./0-a1.js");import("./0-b2.js");import("./0-a1.js")';
    const { index } = parseIndex(t, `${ONE}/assets/index-x1.js`);
    expect(index.assets['module.menu']![0]).toEqual({
      url: `${ONE}/assets/module.menu-B60xPU0K.js`,
      base: 'module.menu',
      hash: 'B60xPU0K',
    });
    expect(index.assets.info![0]!.hash).toBe('Bpu026-3');
    expect(index.assets['201']![0]!.hash).toBe('DKEZsk-M');
    expect(index.assets.tariff![0]!.hash).toBe('Db9Vj8s-');
    expect(index.assets.PARAM_66![0]!.url).toBe(`${ONE}/assets/PARAM_66-ABC123.js`);
    expect(index.assets['0']!.map((a) => a.hash)).toEqual(['a1', 'b2']);
    expect(assetByBasename(index, '0')?.hash).toBe('b2');
  });
  it('confines URLs to the one base', () => {
    const t = 'a("//evil.example/x-h1.js");b("../../../../y-h2.js");c("./ok-h3.js");d("/other/z-h4.js")';
    const { index } = parseIndex(t, `${ONE}/assets/index-x1.js`, { oneBase: ONE });
    expect(Object.keys(index.assets).sort()).toEqual(['ok', 'y', 'z']);
    for (const list of Object.values(index.assets)) for (const a of list) expect(new URL(a.url).origin).toBe(ONE);
    const confined = parseIndex(t, `${ONE}/app/assets/index-x1.js`, { oneBase: `${ONE}/app` }).index;
    expect(Object.keys(confined.assets)).toEqual(['ok']);
  });
});

describe('§1.8 inline fallbacks', () => {
  it('b/c/d', () => {
    const pad = "'".concat('x'.repeat(210), "'");
    const t = `const a={'componentType':'slider','group':'P4','pad':${pad}};const b={'local.key':{'name':'L'}};`;
    const r = parseIndex(t, `${ONE}/assets/index-x1.js`);
    expect(r.fallback.candidates).toHaveLength(1);
    // c: exactly one symbol and one root left.
    expect(lookupInline(r.index, ['PARAM_77'], r.fallback).get('PARAM_77')?.origin).toBe('inline:index[0]');
    expect(lookupInline(r.index, ['PARAM_77', 'PARAM_78'], r.fallback).size).toBe(0);
    // d: non-token symbols by an AST search.
    const d = lookupInline(r.index, ['local.key'], { candidates: [], root: null }, { text: t });
    expect(plain(d.get('local.key'))).toEqual({ map: { name: 'L' }, origin: 'inline:index' });
  });
});

describe('[SIM] map lists over non-PARAM tokens keep their tokens', () => {
  it('quotes the bound token into the helper call left as text, so §2.4 extraction finds it', async () => {
    const { parseMenuChunk } = await import('../../../src/catalog/parse/index.js');
    const { menuTokens, normalizeMenu } = await import('../../../src/catalog/model/index.js');
    const txt = `export default [{'path':'u','name':'MAINMENU_X','meta':{'displayName':'MAINMENU_X','parameters':{'read':[],'write':['ZADANA_TEMP','PARAM_45']['map'](_0x1=>({'parameter':_0x2(_0x3['WRITE'],_0x1)})),'status':[],'special':[]}},'children':[]}];`;
    const v = parseMenuChunk(txt).value as Array<{ meta: { parameters: { write: Array<{ parameter: string }> } } }>;
    expect(v[0]?.meta.parameters.write.map((w) => w.parameter)).toEqual([
      "_0x2(_0x3['WRITE'],'ZADANA_TEMP')",
      'PARAM_45',
    ]);
    expect(menuTokens(normalizeMenu(v as never))).toEqual(['ZADANA_TEMP', 'PARAM_45']);
  });
});
