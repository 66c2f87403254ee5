// Hostile input: fuzzing, deep nesting, truncation, a canary asset that must never run, prototype keys.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  evaluateBindings,
  evaluateExpression,
  findIndexCandidates,
  parseI18nChunk,
  parseIndex,
  parseMenuChunk,
  parseParamChunk,
  scanAssetRegistry,
} from '../../../src/catalog/parse/index.js';
import { syntheticIndex } from './fixtures/synthetic-index.js';

const URL0 = 'https://one.example/assets/index-abc.js';

function everything(text: string): void {
  parseIndex(text, URL0);
  parseParamChunk(text, 'PARAM_1');
  parseMenuChunk(text);
  parseI18nChunk(text);
  findIndexCandidates(text, 'https://one.example');
}

describe('fuzz: never throws', () => {
  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        everything(s);
      }),
      { numRuns: 300 },
    );
  });
  it('random unicode and bytes decoded as text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        everything(new TextDecoder().decode(bytes));
      }),
      { numRuns: 200 },
    );
  });
  it('random JS-ish token soup', () => {
    const tok = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '(',
      ')',
      "'a'",
      '"\\x',
      '`${',
      '0x1f',
      '=>',
      ':',
      ',',
      ';',
      '...',
      'const',
      'x',
      '_0x1',
      '[',
      "['map']",
      '+',
      '??',
      '?',
      '===',
      'void 0',
      '!0',
      'export default',
      'PARAM_1',
      '/re/g',
      '//',
      '/*',
      '\\u{',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(tok, { maxLength: 120 }), (toks) => {
        everything(toks.join(''));
        everything(toks.join(' '));
      }),
      { numRuns: 300 },
    );
  });
  it('mutated slices of the synthetic index', () => {
    const base = syntheticIndex(40_000, 3).text;
    fc.assert(
      fc.property(fc.nat(base.length), fc.nat(base.length), fc.string({ maxLength: 5 }), (a, b, ins) => {
        const [x, y] = a < b ? [a, b] : [b, a];
        const t = base.slice(0, x) + ins + base.slice(y);
        const r = parseIndex(t, URL0);
        expect(r.index.indexUrl).toBe(URL0);
      }),
      { numRuns: 25 },
    );
  });
});

describe('deep nesting', () => {
  const shapes: Array<[string, string, string]> = [
    ['arrays', '['.repeat(50_000), ']'.repeat(50_000)],
    ['objects', '{a:'.repeat(50_000), '}'.repeat(50_000)],
    ['parens', '('.repeat(50_000), ')'.repeat(50_000)],
    ['unclosed arrays', '['.repeat(50_000), ''],
    ['unary chain', '!'.repeat(50_000), 'x'],
    ['binary chain', 'a+'.repeat(50_000), 'a'],
    ['ternary chain', 'a?b:'.repeat(30_000), 'c'],
  ];
  it.each(shapes)('50,000-deep %s keeps sibling declarations', (_name, open, close) => {
    const text = `const before={'a':1};\nconst deep=${open}1${close};\nconst after={'PARAM_X':{'name':'x'}};`;
    const b = evaluateBindings(text);
    expect(JSON.parse(JSON.stringify(b.before))).toEqual({ a: 1 });
    if (close !== '') expect(JSON.parse(JSON.stringify(b.after))).toEqual({ PARAM_X: { name: 'x' } });
    const r = parseIndex(text, URL0);
    if (close !== '') expect(r.index.inlineMaps.PARAM_X).toBeDefined();
  });
  it('a deep value evaluates to null below the depth limit, never throws', () => {
    const deep = `${'['.repeat(500)}1${']'.repeat(500)}`;
    let v = evaluateExpression(deep);
    let depth = 0;
    while (Array.isArray(v)) {
      v = v[0] ?? null;
      depth++;
    }
    expect(v).toBeNull();
    expect(depth).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth + 1);
    expect(depth).toBeGreaterThan(10);
  });
  it('a builder cannot call itself (it sees only earlier bindings)', () => {
    const b = evaluateExpression('b(1)', "const b=(x)=>({'y':b(x)});") as Record<string, unknown>;
    expect(b.y).toBe('b(x)');
  });
  it('exponential builder chains stop at the expansion limit', () => {
    let text = "const c0=(x)=>({'a':x})";
    for (let i = 1; i <= 40; i++) text += `,c${i}=(x)=>({'a':c${i - 1}(x),'b':c${i - 1}(x)})`;
    text += ";const t={'PARAM_A':c40(1)};";
    const r = parseIndex(text, URL0, { limits: { maxBuilderExpansions: 5000 } });
    expect(r.warnings.some((w) => w.includes('limit'))).toBe(true);
  });
});

describe('truncated index', () => {
  it('a 3 MB index cut in half still yields the earlier declarations', () => {
    const s = syntheticIndex(3_000_000, 11);
    const half = s.text.slice(0, Math.floor(s.text.length / 2));
    const full = parseIndex(s.text, URL0);
    const cut = parseIndex(half, URL0);
    expect(cut.warnings.some((w) => w.includes('error recovery'))).toBe(true);
    expect(Object.keys(cut.index.unitDescriptors).length).toBe(s.unitCount);
    expect(cut.index.languageConfig?.defaultTranslation).toBe('pl');
    expect(Object.keys(cut.index.menuMap).sort()).toEqual(Object.keys(full.index.menuMap).sort());
    const safeEnd = half.length - 5000;
    const inHalf = [...half.slice(0, safeEnd).matchAll(/'?((?:PARAM_P11|STATUS_P5)_\d+)'?:/g)].map((m) => m[1]!);
    expect(inHalf.length).toBeGreaterThan(100);
    for (const sym of inHalf) expect(cut.index.inlineMaps[sym]).toBeDefined();
    expect(Object.keys(full.index.inlineMaps).length).toBeGreaterThanOrEqual(s.inlineSymbols.length);
  });
});

/** The canary slot the asset would write if it ever ran. */
const canary = globalThis as { __canary?: number };

describe('canary: asset code never runs', () => {
  afterEach(() => {
    canary.__canary = undefined;
  });
  const CANARY = `
globalThis.__canary = 1;
(function(){ globalThis.__canary = 2; })();
const boom = (() => { globalThis.__canary = 3; return {}; })();
const fsx = require('fs'); fsx.writeFileSync('canary.txt', 'x'); process.exit(9);
const b = ({a}) => { globalThis.__canary = 4; const o = {'x': a, 'y': (globalThis.__canary = 5)}; return o; };
const g = { get PARAM_G() { globalThis.__canary = 6; return {}; }, 'PARAM_H': { get name() { globalThis.__canary = 7; return 'n'; } } };
const s = { toString() { globalThis.__canary = 8; return 'x'; }, valueOf() { globalThis.__canary = 9; return 1; } };
const t = \`\${globalThis.__canary = 10}\${s}\`;
const k = { [s]: 1, [(globalThis.__canary = 11)]: 2, __proto__: { polluted: true }, ['__proto__']: { polluted2: true } };
const m = [1,2]['map'](x => (globalThis.__canary = 12, {x}));
const n = _0x1(globalThis.__canary = 13, 'PARAM_1');
const tbl = { 'PARAM_C': b({'a': s}), 'PARAM_D': { 'name': t, 'value': s + 'x', 'k': k, ...s, ...{ get PARAM_E() { globalThis.__canary = 14; return {}; } } } };
import('data:text/javascript,globalThis.__canary=15');
new Function('globalThis.__canary = 16')();
eval('globalThis.__canary = 17');
Object.prototype.polluted3 = 1;
export default { PARAM_1: b({a: 1}), units: { '1': \`\${(globalThis.__canary = 18)}\` } };
`;
  it('parses every entry point without running anything', () => {
    canary.__canary = undefined;
    const r = parseIndex(CANARY, URL0);
    const chunk = parseParamChunk(CANARY, 'PARAM_1');
    parseMenuChunk(CANARY);
    parseI18nChunk(CANARY);
    evaluateBindings(CANARY);
    expect(canary.__canary).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted2).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted3).toBeUndefined();
    // Builders were expanded statically: the assignment is kept as text.
    const c = r.index.inlineMaps.PARAM_C!;
    expect(c.y).toBe('globalThis.__canary = 5');
    expect(chunk.map?.y).toBe('globalThis.__canary = 5');
    expect(typeof r.index.inlineMaps.PARAM_D?.name).toBe('string');
    // Getters and methods are ignored.
    expect(r.index.inlineMaps.PARAM_G).toBeUndefined();
  });
});

describe('prototype keys stay inert', () => {
  it('__proto__, constructor and prototype become own data', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const v = evaluateExpression(
      "{'__proto__':{'polluted':1},'constructor':{'prototype':{'polluted':2}},'prototype':3,['__proto__']:{'x':1},a:{...{'__proto__':{'polluted':4}}}}",
    ) as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.hasOwn(v, 'constructor')).toBe(true);
    expect(v.prototype).toBe(3);
    const a = v.a as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBeNull();
    expect(Object.hasOwn(a, '__proto__')).toBe(true);
  });
  it('asset names that equal prototype members are not inherited', () => {
    const { index } = parseIndex('const u={1:{text:"units.1"}};', URL0);
    expect(index.inlineMaps.constructor).toBeUndefined();
    expect(index.assets.toString).toBeUndefined();
    expect(index.unitDescriptors.hasOwnProperty).toBeUndefined();
    const reg = scanAssetRegistry('import("./__proto__-abc.js");import("./constructor-def.js")', URL0);
    expect(Object.getPrototypeOf(reg)).toBeNull();
    // biome-ignore lint/suspicious/noProto: reads the own data property named __proto__ of a null-prototype record
    expect(reg['__proto__']?.[0]?.hash).toBe('abc');
    expect(({} as Record<string, unknown>)[0]).toBeUndefined();
  });
});

describe('limits', () => {
  it('an oversize asset is not parsed', () => {
    const r = parseIndex(`const t={'PARAM_1':{'name':'x'}};${' '.repeat(200)}`, URL0, {
      limits: { maxAssetSize: 100 },
    });
    expect(r.index.inlineMaps.PARAM_1).toBeUndefined();
    expect(r.warnings[0]).toMatch(/exceeds/);
  });
  it('long strings become null', () => {
    expect(evaluateExpression(`'${'x'.repeat(50)}'`, '', { maxStringLength: 10 })).toBeNull();
  });
  it('the node budget stops the work', () => {
    const r = parseIndex(syntheticIndex(50_000, 5).text, URL0, { limits: { maxNodes: 1000 } });
    expect(r.warnings.some((w) => w.includes('limit'))).toBe(true);
  });
  it('the registry scan is linear on long runs of path characters', () => {
    const t = `${'a'.repeat(200_000)}-x.js ${'a/'.repeat(100_000)}`;
    const reg = scanAssetRegistry(t, URL0);
    expect(Object.keys(reg)).toEqual([`${'a'.repeat(200_000)}`]);
  });
});
