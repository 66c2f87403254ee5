/** AST-based extraction (CATALOG.md §1.6–§1.10) over one parsed file. */
import type { Node } from 'acorn';
import type { Json, JsonObject, LanguageConfig } from '../types.js';
import { type AnyNode, isNode, walk } from './ast.js';
import { type Evaluator, isJsonObject, newObject, staticKey } from './evaluate.js';

/** Token symbol pattern of §1.8 a. */
export const TOKEN_RE = /^[A-Z][A-Z0-9_]+$/;
const TOKEN_VALUE_TYPES = new Set([
  'ObjectExpression',
  'CallExpression',
  'Identifier',
  'MemberExpression',
  'ConditionalExpression',
  'LogicalExpression',
  'ParenthesizedExpression',
]);
const CANDIDATE_WORDS = /group|pool|use|value|unit|status|componentType/;

/** Key text of a property node (identifier, string, number, computed string literal), or null. */
export function propertyKeyText(p: AnyNode, text: string): string | null {
  if (p.type !== 'Property') return null;
  const key = p.key as AnyNode;
  if (p.computed === true) return key.type === 'Literal' && typeof key.value === 'string' ? staticKey(key, text) : null;
  return staticKey(key, text);
}

/** Fast key of a non-computed identifier/string key without escapes (for structural checks). */
function quickKey(p: AnyNode): string | null {
  if (p.type !== 'Property' || p.computed === true) return null;
  const key = p.key as AnyNode;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return null;
}

function findProperty(obj: AnyNode, name: string): AnyNode | null {
  for (const p of obj.properties as AnyNode[]) if (quickKey(p) === name) return p;
  return null;
}

/** §1.6 structural test on the AST (before conversion). */
export function looksLikeLanguageConfig(obj: AnyNode): boolean {
  const tr = findProperty(obj, 'translations');
  const dt = findProperty(obj, 'defaultTranslation');
  if (!tr || !dt) return false;
  const dv = dt.value as AnyNode;
  if (dv.type !== 'Literal' || typeof dv.value !== 'string') return false;
  const arr = tr.value as AnyNode;
  if (arr.type !== 'ArrayExpression') return false;
  const rows = (arr.elements as Array<AnyNode | null>).filter(
    (e): e is AnyNode => e !== null && e.type === 'ObjectExpression',
  );
  if (rows.length === 0) return false;
  const good = rows.filter((r) => findProperty(r, 'id') && findProperty(r, 'flag')).length;
  return good / rows.length >= 0.7;
}

/** §1.6 conversion and validation of a matched object; null when invalid. */
export function languageConfigFrom(value: Json): LanguageConfig | null {
  if (!isJsonObject(value)) return null;
  const rows = Array.isArray(value.translations) ? value.translations.filter(isJsonObject) : [];
  const dflt = value.defaultTranslation;
  if (rows.length === 0 || typeof dflt !== 'string' || dflt.length === 0) return null;
  return { translations: rows, defaultTranslation: dflt };
}

const DESCRIPTOR_FIELDS = ['text', 'options', 'value', 'valuePrepare'];

function unitKey(k: string): string | null {
  return /^\d+$/.test(k) ? String(Number.parseInt(k, 10)) : null;
}

/** §1.7 counted entries of an evaluated candidate table. */
export function unitEntries(table: Json): JsonObject {
  const out = newObject();
  if (!isJsonObject(table)) return out;
  for (const k of Object.keys(table)) {
    const v = table[k]!;
    const key = unitKey(k);
    if (key === null || !isJsonObject(v)) continue;
    if (DESCRIPTOR_FIELDS.some((f) => Object.hasOwn(v, f))) out[key] = v;
  }
  return out;
}

/** Cheap AST pre-count of §1.7 entries of an object literal. */
function unitPrecount(obj: AnyNode, text: string): number {
  let n = 0;
  for (const p of obj.properties as AnyNode[]) {
    if (p.type !== 'Property') continue;
    const v = p.value as AnyNode;
    if (v.type !== 'ObjectExpression') continue;
    const key = p.computed === true ? null : staticKey(p.key as AnyNode, text);
    if (key === null || unitKey(key) === null) continue;
    if (DESCRIPTOR_FIELDS.some((f) => findProperty(v, f))) n++;
  }
  return n;
}

/** §1.7: the unit descriptor table among top-level object-literal declarators (most counted entries wins). */
export function extractUnitDescriptors(ev: Evaluator): Record<string, JsonObject> {
  const candidates: Array<{ name: string; start: number; count: number }> = [];
  for (const d of ev.topDeclarators()) {
    if (d.init?.type !== 'ObjectExpression') continue;
    const count = unitPrecount(d.init, ev.text);
    if (count > 0) candidates.push({ name: d.name, start: d.start, count });
  }
  candidates.sort((a, b) => b.count - a.count || a.start - b.start);
  let best = newObject();
  let bestCount = 0;
  for (const c of candidates.slice(0, 5)) {
    const entries = unitEntries(ev.topValue(c.name, c.start + 1) ?? null);
    const n = Object.keys(entries).length;
    if (n > bestCount) {
      best = entries;
      bestCount = n;
    }
  }
  return best as Record<string, JsonObject>;
}

/** Everything the one walk over an index collects. */
export interface IndexWalk {
  languageConfig: LanguageConfig | null;
  inlineMaps: Record<string, JsonObject>;
  /** §1.8 b inline candidates (object literal nodes). */
  candidates: AnyNode[];
  /** Largest object/array literal. */
  largest: AnyNode | null;
}

/**
 * One linear pre-order walk of an index (§1.6, §1.8 a, §1.8 b/c inputs). Token values are evaluated only
 * when their node can yield an object. The first occurrence of a symbol that looks like a param map wins.
 */
export function walkIndex(ev: Evaluator): IndexWalk {
  let languageConfig: LanguageConfig | null = null;
  let langDone = false;
  const inlineMaps = Object.create(null) as Record<string, JsonObject>;
  const weak = new Set<string>();
  const candidates: AnyNode[] = [];
  let firstObjects = 0;
  let largest: AnyNode | null = null;
  let largestSize = -1;
  const text = ev.text;
  const visited = walk(
    ev.program,
    (node) => {
      const t = node.type;
      if (t === 'ArrayExpression') {
        if (node.end - node.start > largestSize) {
          largest = node;
          largestSize = node.end - node.start;
        }
        return undefined;
      }
      if (t !== 'ObjectExpression') return undefined;
      if (node.end - node.start > largestSize) {
        largest = node;
        largestSize = node.end - node.start;
      }
      if (firstObjects < 10 && node.start < 1_000_000) {
        firstObjects++;
        if (node.end - node.start > 200 && CANDIDATE_WORDS.test(text.slice(node.start, node.end)))
          candidates.push(node);
      }
      if (!langDone && looksLikeLanguageConfig(node)) {
        langDone = true;
        languageConfig = languageConfigFrom(ev.value(node));
      }
      for (const p of node.properties as AnyNode[]) {
        if (p.type !== 'Property') continue;
        const value = p.value as AnyNode;
        if (!TOKEN_VALUE_TYPES.has(value.type)) continue;
        const key = propertyKeyText(p, text);
        if (key === null || !TOKEN_RE.test(key)) continue;
        const had = Object.hasOwn(inlineMaps, key);
        if (had && !weak.has(key)) continue;
        const v = ev.value(value, p.start);
        if (!isJsonObject(v)) continue;
        const strong = looksLikeParamMap(v, key);
        if (had && !strong) continue;
        inlineMaps[key] = v;
        if (strong) weak.delete(key);
        else weak.add(key);
      }
      return undefined;
    },
    ev.limits.maxNodes,
  );
  if (visited > ev.limits.maxNodes) ev.limited = true;
  return { languageConfig, inlineMaps, candidates, largest };
}

const MAP_KEYS = ['name', 'group', 'pool', 'use', 'value', 'unit', 'units', 'componentType'];
const PATH_KEYS = ['status', 'command', 'minValue', 'maxValue', 'min', 'max'];

/**
 * "Looks like a param map" (§1.8): a pool, units, a non-empty path list, any of `name group pool use value unit
 * units componentType`, or a nested object under the symbol's name.
 */
export function looksLikeParamMap(o: Json, symbol?: string): boolean {
  if (!isJsonObject(o)) return false;
  if (MAP_KEYS.some((k) => Object.hasOwn(o, k))) return true;
  for (const k of PATH_KEYS) {
    const v = o[k];
    if (Object.hasOwn(o, k) && ((Array.isArray(v) && v.length > 0) || (isJsonObject(v) && Object.keys(v).length > 0)))
      return true;
  }
  return symbol !== undefined && Object.hasOwn(o, symbol) && isJsonObject(o[symbol]);
}

function isLiteralRoot(n: unknown): n is AnyNode {
  return isNode(n) && (n.type === 'ObjectExpression' || n.type === 'ArrayExpression');
}

/**
 * Root literal node of a chunk (§1.8.1): the first `export` statement directly holding an object/array
 * literal, else the largest object/array literal of the file.
 */
export function chunkRootNode(ev: Evaluator, largest?: AnyNode | null): AnyNode | null {
  for (const stmt of ev.program.body as unknown as AnyNode[]) {
    if (stmt.type === 'ExportDefaultDeclaration' && isLiteralRoot(stmt.declaration)) return stmt.declaration;
    if (
      stmt.type === 'ExportNamedDeclaration' &&
      isNode(stmt.declaration) &&
      stmt.declaration.type === 'VariableDeclaration'
    ) {
      for (const d of stmt.declaration.declarations as AnyNode[]) if (isLiteralRoot(d.init)) return d.init;
    }
  }
  return largest !== undefined ? largest : largestLiteral(ev);
}

/** The largest object/array literal of a file. */
export function largestLiteral(ev: Evaluator): AnyNode | null {
  let best: AnyNode | null = null;
  let size = -1;
  walk(
    ev.program,
    (n) => {
      if ((n.type === 'ObjectExpression' || n.type === 'ArrayExpression') && n.end - n.start > size) {
        best = n;
        size = n.end - n.start;
      }
      return undefined;
    },
    ev.limits.maxNodes,
  );
  return best;
}

/** §1.8.1: the param map of a symbol in a dedicated chunk (root[symbol] when that is an object). */
export function paramMapFromChunk(ev: Evaluator, symbol: string): JsonObject | null {
  const root = chunkRootNode(ev);
  if (!root) return null;
  const v = ev.value(root, Number.POSITIVE_INFINITY);
  if (!isJsonObject(v)) return null;
  const inner = Object.hasOwn(v, symbol) ? v[symbol] : undefined;
  return isJsonObject(inner) ? inner : v;
}

const EXPORT_AS_DEFAULT = /export\s*\{[^}]*?([A-Za-z_$][\w$]*)\s+as\s+default\s*[,}]/;

/** How a chunk's default value was found (§1.10). */
export interface ChunkValue {
  value: Json;
  /** The exported binding name when the default is an identifier / `export{x as default}`. */
  binding: string | null;
  /** True when the default was a literal expression (`export default "…"`). */
  literal: boolean;
  found: 'export-default' | 'export-as-default' | 'largest' | 'none';
}

/** §1.10 (also used for menus, §1.9): export default → export{x as default} → largest literal. */
export function chunkValue(ev: Evaluator): ChunkValue {
  for (const stmt of ev.program.body as unknown as AnyNode[]) {
    if (stmt.type !== 'ExportDefaultDeclaration' || !isNode(stmt.declaration)) continue;
    const decl = stmt.declaration;
    if (decl.type === 'Identifier' && ev.hasTop(decl.name as string)) {
      return {
        value: ev.topValue(decl.name as string) ?? null,
        binding: decl.name as string,
        literal: false,
        found: 'export-default',
      };
    }
    return {
      value: ev.value(decl, Number.POSITIVE_INFINITY),
      binding: null,
      literal: decl.type === 'Literal' || decl.type === 'TemplateLiteral',
      found: 'export-default',
    };
  }
  let name: string | null = null;
  for (const stmt of ev.program.body as unknown as AnyNode[]) {
    if (stmt.type !== 'ExportNamedDeclaration' || stmt.source) continue;
    for (const s of (stmt.specifiers as AnyNode[] | undefined) ?? []) {
      const exported = s.exported as AnyNode | undefined;
      const local = s.local as AnyNode | undefined;
      const exportedName = exported ? staticKey(exported, ev.text) : null;
      if (exportedName === 'default' && local && local.type === 'Identifier') name = local.name as string;
    }
  }
  if (name === null) name = EXPORT_AS_DEFAULT.exec(ev.text)?.[1] ?? null;
  if (name !== null && ev.hasTop(name)) {
    return { value: ev.topValue(name) ?? null, binding: name, literal: false, found: 'export-as-default' };
  }
  const largest = largestLiteral(ev);
  if (largest)
    return { value: ev.value(largest, Number.POSITIVE_INFINITY), binding: null, literal: false, found: 'largest' };
  return { value: null, binding: null, literal: false, found: 'none' };
}

const MAP_CALL = /\[\s*(['"])map\1\s*\]\s*\(|\.map\s*\(/;
const QUOTED_TOKEN = /(['"])((?:PARAM|STATUS)_[A-Za-z0-9_]+)\1/g;

/**
 * TV-11: tokens of a map call left as text — the quoted `PARAM_*`/`STATUS_*` literals before `['map']`.
 * Returns null when the text is not a map call.
 */
export function mineMapCall(text: string): string[] | null {
  const m = MAP_CALL.exec(text);
  if (!m) return null;
  const before = text.slice(0, m.index);
  return [...before.matchAll(QUOTED_TOKEN)].map((x) => x[2]!);
}

const SECTIONS = new Set(['read', 'write', 'status', 'special']);

/** Replaces menu parameter sections that stayed a map-call text by the mined token list (iterative). */
export function mineMenuSections(root: Json, maxNodes: number): void {
  const stack: Json[] = [root];
  let n = 0;
  while (stack.length > 0 && n++ < maxNodes) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
    } else if (isJsonObject(v)) {
      for (const k of Object.keys(v)) {
        const x = v[k]!;
        if (typeof x === 'string' && SECTIONS.has(k)) {
          const mined = mineMapCall(x);
          if (mined) v[k] = mined;
        } else if (typeof x === 'object' && x !== null) stack.push(x);
      }
    }
  }
}

const LEAK = /\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]+\}/;

/** Counts strings still holding `\xNN`, `\uNNNN`, `\u{…}` (escape leaks, §1.10). */
export function countEscapeLeaks(root: Json, maxNodes: number): number {
  const stack: Json[] = [root];
  let leaks = 0;
  let n = 0;
  while (stack.length > 0 && n++ < maxNodes) {
    const v = stack.pop()!;
    if (typeof v === 'string') {
      if (LEAK.test(v)) leaks++;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (isJsonObject(v)) for (const k of Object.keys(v)) stack.push(v[k]!);
  }
  return leaks;
}

/** Finds, in a JSON tree, the first object-valued property named `key` (iterative, document order). */
export function findKeyInJson(root: Json, key: string, maxNodes: number): JsonObject | null {
  const stack: Json[] = [root];
  let n = 0;
  while (stack.length > 0 && n++ < maxNodes) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]!);
    } else if (isJsonObject(v)) {
      if (Object.hasOwn(v, key) && isJsonObject(v[key])) return v[key] as JsonObject;
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) stack.push(v[keys[i]!]!);
    }
  }
  return null;
}

/** §1.8 d: the value of the first property keyed exactly `key` anywhere in the AST, when it is an object. */
export function findKeyInAst(ev: Evaluator, key: string): JsonObject | null {
  let found: AnyNode | null = null;
  walk(
    ev.program,
    (n) => {
      if (found) return false;
      if (n.type === 'Property' && propertyKeyText(n, ev.text) === key) {
        found = n;
        return false;
      }
      return undefined;
    },
    ev.limits.maxNodes,
  );
  if (!found) return null;
  const p: AnyNode = found;
  const v = ev.value(p.value as Node, p.start);
  return isJsonObject(v) ? v : null;
}
