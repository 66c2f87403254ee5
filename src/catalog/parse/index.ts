/**
 * Parse layer of the catalog (CATALOG.md §1): asset text → plain JSON. Pure functions: no I/O, no timers,
 * no import-time effects, and asset code is never executed (static parsing with acorn / acorn-loose, a
 * closed interpreter, regex scanners that survive syntax errors). Nothing here throws on asset input.
 */
import type { AssetIndex, Json, JsonObject, MapOrigin } from '../types.js';
import {
  type ChunkValue,
  chunkRootNode,
  chunkValue,
  countEscapeLeaks,
  extractUnitDescriptors,
  findKeyInAst,
  findKeyInJson,
  looksLikeParamMap,
  mineMenuSections,
  paramMapFromChunk,
  TOKEN_RE,
  walkIndex,
} from './extract.js';
import { evaluatorFor, isJsonObject, newObject } from './evaluate.js';
import { type ParseLimits, resolveLimits } from './limits.js';
import { scanAssetRegistry, scanI18nImports, scanMenuMap } from './scan.js';

export { DEFAULT_LIMITS, type ParseLimits } from './limits.js';
export { decodeEscapes, parseNumberLiteral } from './escapes.js';
export { evaluateBindings, evaluateExpression } from './evaluate.js';
export { languageConfigFrom, looksLikeParamMap, mineMapCall, unitEntries } from './extract.js';
export {
  assetByBasename,
  assetByFullName,
  assetBySymbol,
  findIndexCandidates,
  i18nAssetUrl,
  menuAssetFor,
  resolveAssetUrl,
  scanAssetRegistry,
  scanI18nImports,
  scanMenuMap,
  splitI18nFile,
} from './scan.js';

/** Options of the parse functions. */
export interface ParseOptions {
  /** Work limits (defaults: `DEFAULT_LIMITS`). */
  limits?: Partial<ParseLimits>;
}

/** Inputs of the inline fallbacks §1.8 b/c, as plain JSON (cacheable with the index). */
export interface InlineFallback {
  /** Evaluated inline candidates (§1.8 b), in document order. */
  candidates: Json[];
  /** Evaluated root object of the whole index (§1.8.1 rule applied to the index), or null. */
  root: Json;
}

/** Result of {@link parseIndex}. */
export interface ParsedIndex {
  index: AssetIndex;
  fallback: InlineFallback;
  warnings: string[];
}

function emptyIndex(indexUrl: string): AssetIndex {
  let name = '';
  try {
    const p = new URL(indexUrl).pathname;
    name = p.slice(p.lastIndexOf('/') + 1);
  } catch {}
  return {
    indexUrl,
    indexName: name,
    assets: Object.create(null) as AssetIndex['assets'],
    menuMap: Object.create(null) as AssetIndex['menuMap'],
    i18nImports: [],
    languageConfig: null,
    unitDescriptors: Object.create(null) as AssetIndex['unitDescriptors'],
    inlineMaps: Object.create(null) as AssetIndex['inlineMaps'],
  };
}

/**
 * Parses an index once (one AST shared by §1.6, §1.7, §1.8 a): asset registry (§1.3, URLs confined to
 * `oneBase`, default the index URL's origin), deviceMenu map (§1.4), i18n import map (§1.5), language
 * configuration (§1.6), unit descriptors (§1.7), inline token maps (§1.8 a) and the §1.8 b/c inputs.
 */
export function parseIndex(
  text: string,
  indexUrl: string,
  opts: ParseOptions & { oneBase?: string } = {},
): ParsedIndex {
  const limits = resolveLimits(opts.limits);
  const index = emptyIndex(indexUrl);
  const warnings: string[] = [];
  const fallback: InlineFallback = { candidates: [], root: null };
  if (text.length > limits.maxAssetSize) {
    warnings.push(`index of ${text.length} characters exceeds the limit of ${limits.maxAssetSize}; ignored`);
    return { index, fallback, warnings };
  }
  index.assets = scanAssetRegistry(text, indexUrl, opts.oneBase);
  index.menuMap = scanMenuMap(text);
  index.i18nImports = scanI18nImports(text);
  const { evaluator: ev, warnings: parseWarnings } = evaluatorFor(text, limits);
  warnings.push(...parseWarnings);
  const w = walkIndex(ev);
  index.languageConfig = w.languageConfig;
  index.inlineMaps = w.inlineMaps;
  index.unitDescriptors = extractUnitDescriptors(ev);
  if (Object.keys(index.unitDescriptors).length === 0) warnings.push('no unit descriptor table found (shape changed?)');
  fallback.candidates = w.candidates.map((n) => ev.value(n, Number.POSITIVE_INFINITY));
  const root = chunkRootNode(ev, w.largest);
  const same = root ? w.candidates.indexOf(root) : -1;
  fallback.root = same >= 0 ? fallback.candidates[same]! : root ? ev.value(root, Number.POSITIVE_INFINITY) : null;
  if (ev.limited) warnings.push('a parse limit was reached; some values were dropped');
  return { index, fallback, warnings };
}

/** Result of {@link parseParamChunk}. */
export interface ParsedParamChunk {
  /** The raw param map (root[symbol] when that is an object, else the root object), or null. */
  map: JsonObject | null;
  warnings: string[];
}

/** Parses a dedicated parameter chunk (§1.8.1) for `symbol`. */
export function parseParamChunk(text: string, symbol: string, opts: ParseOptions = {}): ParsedParamChunk {
  const { evaluator: ev, warnings } = evaluatorFor(text, opts.limits);
  const map = paramMapFromChunk(ev, symbol);
  if (!map) warnings.push(`no param map found in the chunk of ${symbol}`);
  if (ev.limited) warnings.push('a parse limit was reached; some values were dropped');
  return { map, warnings };
}

/** Result of {@link parseMenuChunk}. */
export interface ParsedMenuChunk {
  /** The converted root value (§1.9), map-call sections replaced by their mined tokens (TV-11). */
  value: Json;
  warnings: string[];
}

/** Parses a menu chunk (§1.9): the converted root value; route extraction belongs to the model layer. */
export function parseMenuChunk(text: string, opts: ParseOptions = {}): ParsedMenuChunk {
  const { evaluator: ev, warnings } = evaluatorFor(text, opts.limits);
  const cv = chunkValue(ev);
  if (cv.found === 'none') warnings.push('menu chunk holds no value');
  mineMenuSections(cv.value, ev.limits.maxNodes);
  if (ev.limited) warnings.push('a parse limit was reached; some values were dropped');
  return { value: cv.value, warnings };
}

/** Result of {@link parseI18nChunk}. */
export interface ParsedI18nChunk {
  /** The namespace (never null; `{}` when nothing usable was found). */
  value: JsonObject;
  /** Strings still holding `\xNN` / `\uNNNN` / `\u{…}` after decoding. */
  escapeLeaks: number;
  warnings: string[];
}

function namespaceFrom(cv: ChunkValue, warnings: string[]): JsonObject {
  const v = cv.value;
  if (isJsonObject(v)) return v;
  if (Array.isArray(v)) {
    const out = newObject();
    v.forEach((x, i) => {
      out[String(i)] = x;
    });
    return out;
  }
  const out = newObject();
  if (typeof v === 'string' && (cv.binding !== null || cv.literal)) {
    if (v.trim().length > 0) out[cv.binding ?? '__default__'] = v;
    return out;
  }
  if (cv.found !== 'none' || v !== null) warnings.push('i18n chunk default is neither an object nor a string');
  return out;
}

/** Parses an i18n chunk (§1.10) into its namespace and counts escape leaks. */
export function parseI18nChunk(text: string, opts: ParseOptions = {}): ParsedI18nChunk {
  const { evaluator: ev, warnings } = evaluatorFor(text, opts.limits);
  const value = namespaceFrom(chunkValue(ev), warnings);
  const escapeLeaks = countEscapeLeaks(value, ev.limits.maxNodes);
  if (escapeLeaks > 0) warnings.push(`${escapeLeaks} string(s) still contain escapes`);
  if (ev.limited) warnings.push('a parse limit was reached; some values were dropped');
  return { value, escapeLeaks, warnings };
}

/** One resolved inline map. */
export interface InlineHit {
  map: JsonObject;
  origin: MapOrigin;
}

/**
 * Index fallbacks of §1.8 for symbols without a (working) dedicated chunk: (a) the token walk, (b) the walk
 * restricted to the inline candidates, (d) for non-token symbols an AST search in `opts.text` (the index
 * text, parsed again), then (c) a candidate root or the index root as the map itself — only when exactly one
 * symbol and one such root remain ([SIM]). Every result looks like a param map.
 */
export function lookupInline(
  index: AssetIndex,
  symbols: readonly string[],
  fallback?: InlineFallback,
  opts: ParseOptions & { text?: string } = {},
): Map<string, InlineHit> {
  const limits = resolveLimits(opts.limits);
  const out = new Map<string, InlineHit>();
  const open: string[] = [];
  let astEv: ReturnType<typeof evaluatorFor>['evaluator'] | null = null;
  for (const symbol of symbols) {
    const a = Object.hasOwn(index.inlineMaps, symbol) ? index.inlineMaps[symbol] : undefined;
    if (a && looksLikeParamMap(a, symbol)) {
      out.set(symbol, { map: a, origin: 'inline:index-token' });
      continue;
    }
    let hit: JsonObject | null = null;
    for (const c of fallback?.candidates ?? []) {
      const b = findKeyInJson(c, symbol, limits.maxNodes);
      if (b && looksLikeParamMap(b, symbol)) {
        hit = b;
        break;
      }
    }
    if (!hit && !TOKEN_RE.test(symbol) && opts.text !== undefined) {
      astEv ??= evaluatorFor(opts.text, limits).evaluator;
      const d = findKeyInAst(astEv, symbol);
      if (d && looksLikeParamMap(d, symbol)) hit = d;
    }
    if (hit) out.set(symbol, { map: hit, origin: 'inline:index' });
    else open.push(symbol);
  }
  if (open.length === 1 && fallback) {
    const symbol = open[0]!;
    const roots: InlineHit[] = [];
    fallback.candidates.forEach((c, i) => {
      if (isJsonObject(c) && looksLikeParamMap(c)) roots.push({ map: c, origin: `inline:index[${i}]` });
    });
    if (
      isJsonObject(fallback.root) &&
      looksLikeParamMap(fallback.root) &&
      !fallback.candidates.includes(fallback.root)
    ) {
      roots.push({ map: fallback.root, origin: 'inline:index-full' });
    }
    if (roots.length === 1) out.set(symbol, roots[0]!);
  }
  return out;
}
