/**
 * Selectors, rule rows and address candidates (CATALOG.md §2.3, §3.2 step 1).
 */
import type { Json, JsonObject } from '../types.js';
import { channelAlias, isObject, normalizeLiteral, own, toInt } from './json.js';

/** A register reference `{group, number, use, bit?, mask?, convert?, times?}` in canonical form. */
export interface Selector {
  /** Pool with the `P`: `P5`. */
  pool: string;
  /** Channel letter after the alias rule: `v`, `s`, `u`, `n`, `x`. */
  chan: string;
  idx: number;
  /** `P5.s4`. */
  address: string;
  bit: number | null;
  mask: number | null;
  /** Coerce the word to unsigned 16 bit before composing. */
  convert: boolean;
  /** Multiplier used by composition (default 1). */
  times: number;
}

/** Options of {@link parseSelector}. */
export interface SelectorOptions {
  /** Require an explicit channel (`use`/`chan`/`path`/`pathType`); the rule engine skips selectors without one. */
  requireChannel?: boolean;
}

const WALK_DEPTH = 24;
const WALK_NODES = 20_000;

/** Pool text from `group` (else `pool`): a string is kept, an integer `4` becomes `P4`. */
function poolOf(o: JsonObject): string | null {
  const g = own(o, 'group') ?? own(o, 'pool');
  if (typeof g === 'string') return g.trim() === '' ? null : g.trim();
  if (typeof g === 'number' && Number.isSafeInteger(g)) return `P${g}`;
  return null;
}

function idxOf(o: JsonObject): number | null {
  for (const k of ['number', 'index', 'idx']) {
    const v = own(o, k);
    if (v !== undefined) return toInt(v);
  }
  return null;
}

function channelWord(o: JsonObject): Json | undefined {
  for (const k of ['use', 'chan', 'path', 'pathType']) {
    const v = own(o, k);
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/**
 * Reads one selector (`{group, number, use}` or the readable `{pool, chan, idx}` / `index` / `path` / `pathType`).
 * A missing channel means `v` unless `requireChannel` is set. Returns `null` for anything else.
 */
export function parseSelector(v: Json | undefined, opts: SelectorOptions = {}): Selector | null {
  if (!isObject(v)) return null;
  const pool = poolOf(v);
  const idx = idxOf(v);
  if (pool === null || idx === null) return null;
  const word = channelWord(v);
  if (word === undefined && opts.requireChannel) return null;
  const chan = channelAlias(word);
  const bit = toInt(own(v, 'bit'));
  const mask = toInt(own(v, 'mask'));
  const conv = normalizeLiteral(own(v, 'convert'));
  const t = own(v, 'times');
  return {
    pool,
    chan,
    idx,
    address: `${pool}.${chan}${idx}`,
    bit: bit !== null && bit >= 0 && bit < 53 ? bit : null,
    mask,
    convert: Boolean(conv),
    times: typeof t === 'number' && Number.isFinite(t) ? t : 1,
  };
}

/** A rule row: an object with any of `if`, `elseif`, `then`, `else`. */
export function isRuleRow(v: Json | undefined): v is JsonObject {
  return isObject(v) && ['if', 'elseif', 'then', 'else'].some((k) => own(v, k) !== undefined);
}

/** A rule list: a non-empty list where any item is a rule row. */
export function isRuleList(v: Json | undefined): v is Json[] {
  return Array.isArray(v) && v.length > 0 && v.some(isRuleRow);
}

/**
 * The well-formed selectors of a selector list (§2.3): a non-empty list without rule rows holding at least one
 * `{group: string, number: int, use: string}` item (others are ignored). An object counts as a one-item list.
 * Returns `null` when `v` is not a selector list.
 */
export function selectorList(v: Json | undefined, opts: SelectorOptions = {}): Selector[] | null {
  const list = isObject(v) ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.some(isRuleRow)) return null;
  const out: Selector[] = [];
  for (const item of list) {
    const s = parseSelector(item, opts);
    if (s) out.push(s);
  }
  return out.length > 0 ? out : null;
}

/** A selector list needs composition with ≥ 2 selectors, or one with `convert`, or numeric `times` ≠ 1. */
export function needsComposition(sels: readonly Selector[]): boolean {
  if (sels.length >= 2) return true;
  const s = sels[0];
  return s !== undefined && (s.convert || s.times !== 1);
}

/**
 * Every address candidate in `v`, depth-first in source order (§3.2 step 1): objects with a pool and an index;
 * channel by the alias rule, missing means `v`. Bounded in depth and nodes.
 */
export function walkCandidates(v: Json | undefined): Selector[] {
  const out: Selector[] = [];
  let nodes = 0;
  const visit = (x: Json | undefined, depth: number): void => {
    if (depth > WALK_DEPTH || ++nodes > WALK_NODES) return;
    if (Array.isArray(x)) {
      for (const item of x) visit(item, depth + 1);
      return;
    }
    if (!isObject(x)) return;
    const s = parseSelector(x);
    if (s) out.push(s);
    for (const k of Object.keys(x)) visit(x[k], depth + 1);
  };
  visit(v, 0);
  return out;
}

/** First candidate with channel `v`, else `s`, `u`, `x`, `n`, else the first (§3.2 step 2). */
export function pickPrimary(cands: readonly Selector[]): Selector | null {
  for (const ch of ['v', 's', 'u', 'x', 'n']) {
    const c = cands.find((s) => s.chan === ch);
    if (c) return c;
  }
  return cands[0] ?? null;
}
