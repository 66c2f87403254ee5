// Parser comparison for the catalog parse layer (docs/CATALOG-PARSER.md). Not part of `npm run bench`.
//
//   npx tsx bench/catalog-parser.ts [--from=<dir with node_modules holding the candidates>]
//
// Candidates that are not installed are skipped. Measures: the obfuscated shapes of CATALOG.md §1.11/§1.12
// (strict parse accepted / recovered), a truncated 3 MB index (top-level declarations recovered), a
// 50,000-deep nesting, and the median parse time of a synthetic ~3 MB minified index.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { syntheticIndex } from '../test/catalog/parse/fixtures/synthetic-index.js';

const fromArg = process.argv.find((a) => a.startsWith('--from='));
const req = createRequire(join(fromArg ? fromArg.slice(7) : process.cwd(), 'package.json'));
type Mod = Record<string, unknown>;
const base = fromArg ? fromArg.slice(7) : process.cwd();
async function load(name: string): Promise<Mod | null> {
  try {
    return (await import(pathToFileURL(req.resolve(name)).href)) as Mod;
  } catch {}
  try {
    // ESM-only packages: follow package.json exports['.'].import / module / main by hand.
    const dir = join(base, 'node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
      module?: string;
      main?: string;
    };
    let entry: unknown = pkg.exports?.['.'];
    for (let i = 0; i < 4 && entry && typeof entry === 'object'; i++) {
      const e = entry as Record<string, unknown>;
      entry = e.node ?? e.import ?? e.default;
    }
    const file = typeof entry === 'string' ? entry : (pkg.module ?? pkg.main ?? 'index.js');
    return (await import(pathToFileURL(join(dir, file)).href)) as Mod;
  } catch (e) {
    console.log(`skip ${name}: ${(e as Error).message.slice(0, 120)}`);
    return null;
  }
}
type Fn = (text: string) => unknown;
interface Candidate {
  name: string;
  /** Strict parse: throws on a syntax error. */
  strict: Fn;
  /** Tolerant parse (loose / recovering); returns a count of top-level statements. */
  tolerant: (text: string) => number;
  /** Known to crash the process (not a catchable error) on the 50,000-deep input: not run. */
  deepCrashes?: boolean;
}

const candidates: Candidate[] = [];
const acorn = await load('acorn');
const loose = await load('acorn-loose');
if (acorn && loose) {
  const opts = { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true } as const;
  const p = acorn.parse as (t: string, o: object) => { body: unknown[] };
  const lp = loose.parse as (t: string, o: object) => { body: unknown[] };
  candidates.push({
    name: 'acorn + acorn-loose',
    strict: (t) => p(t, opts),
    tolerant: (t) => {
      try {
        return p(t, opts).body.length;
      } catch {
        return lp(t, opts).body.length;
      }
    },
  });
}
const meriyah = await load('meriyah');
if (meriyah) {
  const p = meriyah.parse as (t: string, o: object) => { body: unknown[] };
  const opts = { module: true, next: true, ranges: true };
  candidates.push({ name: 'meriyah', strict: (t) => p(t, opts), tolerant: (t) => p(t, opts).body.length });
}
const oxc = await load('oxc-parser');
if (oxc) {
  const p = oxc.parseSync as (f: string, t: string) => { program: { body: unknown[] }; errors: unknown[] };
  candidates.push({
    name: 'oxc-parser (native)',
    strict: (t) => {
      const r = p('a.js', t);
      if (r.errors.length) throw new SyntaxError('oxc error');
      return r;
    },
    tolerant: (t) => p('a.js', t).program.body.length,
    // oxc-parser 0.159 (native binding) dies with SIGSEGV on the 50,000-deep input.
    deepCrashes: true,
  });
}
const ts = await load('web-tree-sitter');
if (ts) {
  const mod = ts as {
    Parser: {
      init(): Promise<void>;
      new (): {
        setLanguage(l: unknown): void;
        parse(t: string): { rootNode: { namedChildCount: number; hasError: boolean } };
      };
    };
    Language: { load(p: string): Promise<unknown> };
  };
  await mod.Parser.init();
  const parser = new mod.Parser();
  const wasm = join(base, 'node_modules/tree-sitter-javascript/tree-sitter-javascript.wasm');
  parser.setLanguage(await mod.Language.load(wasm));
  candidates.push({
    name: 'web-tree-sitter',
    strict: (t) => {
      const tree = parser.parse(t);
      if (tree.rootNode.hasError) throw new SyntaxError('tree-sitter error');
      return tree;
    },
    tolerant: (t) => parser.parse(t).rootNode.namedChildCount,
  });
}

const shapes = [
  "const t={0x9:{'options':{0x0:'units.17.0'}},0xa:{'text':'units.10'},0x1f:0x2a};",
  "const a={'a':1_0,b:10n,c:.5,d:1e3,e:0b1010,f:0o17};",
  "const x={[_0x4d['INVISIBLE']]:1,['lit']:2,[0x9]:3,[someVar]:4};",
  "const o={...base,'b':'p_'+0x2,'c':_n??'x','d':_n!==void 0x0?_n:'y','e':!0,'f':!![]};",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: asset source text holding a template literal
  'const e=({id:e,icon:t=Xe.INFO,number:n})=>({id:e,name:`parameters.STATUS_P5_${n}`});export default {STATUS_P5_10:e({id:1,number:10})};',
  "const b=({a})=>{let q;q=1;const o={'x':a};return o;};",
  "const w=['PARAM_45','PARAM_34']['map'](_0x4=>({'parameter':_0x2d(_0x87['WRITE'],_0x4)}));",
  "const s='Ilo\\u015b\\u0107\\x20rozpale\\u0144\\u{1F600}';",
  "const units={'0':'\\x20'};export{units as default};",
  "define_AppContainer_default$6={'translations':[{'id':'PL','flag':'pl'}],'defaultTranslation':'pl'};",
  "const bad='\\xZZ';const ok={'a':1};", // invalid escape: strict parsers reject
  'var x = {[}; const ok={a:1};', // broken literal
  "const _0x1={'a':1};export default {[};",
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const big = syntheticIndex(3_000_000).text;
const half = big.slice(0, Math.floor(big.length / 2));
const deep = `const before={a:1};const d=${'['.repeat(50_000)}${']'.repeat(50_000)};const after={b:2};`;
console.log(`synthetic index: ${(big.length / 1e6).toFixed(2)} MB`);
for (const c of candidates) {
  let strictOk = 0;
  let tolerantOk = 0;
  for (const s of shapes) {
    try {
      c.strict(s);
      strictOk++;
    } catch {}
    try {
      if (c.tolerant(s) > 0) tolerantOk++;
    } catch {}
  }
  let full = -1;
  let truncated = -1;
  try {
    full = c.tolerant(big);
    truncated = c.tolerant(half);
  } catch (e) {
    truncated = -1;
    console.log(`  ${c.name}: truncated threw ${(e as Error).name}`);
  }
  let deepResult = 'ok';
  if (c.deepCrashes) deepResult = 'process crash (SIGSEGV), skipped';
  else {
    try {
      c.tolerant(deep);
    } catch (e) {
      deepResult = (e as Error).name;
    }
  }
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    c.tolerant(big);
    times.push(performance.now() - t0);
  }
  console.log(
    `${c.name}: shapes strict ${strictOk}/${shapes.length}, tolerant ${tolerantOk}/${shapes.length}; ` +
      `top-level statements full ${full}, half-truncated ${truncated}; 50k-deep: ${deepResult}; ` +
      `parse 3 MB median ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)})`,
  );
}

// Cold load of the catalog parse layer (parseIndex: scanners + one parse + one walk) against the bare
// strict parse of the same text, interleaved; the target is a median ratio ≤ 2.5.
{
  const { parseIndex } = await import('../src/catalog/parse/index.js');
  const acornMain = await import('acorn');
  const ratios: number[] = [];
  const bare: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t0 = performance.now();
    acornMain.parse(big, { ecmaVersion: 'latest', sourceType: 'module' });
    const b = performance.now() - t0;
    t0 = performance.now();
    const r = parseIndex(big, 'https://one.example/assets/index-abc.js');
    const c = performance.now() - t0;
    if (Object.keys(r.index.inlineMaps).length === 0) throw new Error('parseIndex found nothing');
    bare.push(b);
    cold.push(c);
    ratios.push(c / b);
  }
  console.log(
    `parseIndex cold load: median ${median(cold).toFixed(0)} ms vs bare acorn.parse ${median(bare).toFixed(0)} ms; ` +
      `ratio median ${median(ratios).toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`,
  );
}
