/**
 * The rule engine for computed values (CATALOG.md §3.6): a data-driven decision table; no asset code runs.
 */
import type { Json, JsonObject } from '../types.js';
import { isObject, normalizeLiteral, normalizeName, own, toInt } from './json.js';
import type { ParamMap } from './param-map.js';
import { safeRegexTest } from './regex.js';
import { isRuleRow, parseSelector } from './selectors.js';

/** Live register values by key (`P4.v1`, `P5.s0`); `undefined` when absent. */
export type ValueGetter = (key: string) => unknown;

/** Per-module context for `storeGetter` conditions: `{devid, modulesMap: {<devid>: {connectedAt}}}`. */
export interface RuleContext {
  devid?: string;
  modulesMap?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** Operation name: `M` of `X['M']`, else the last dotted segment (`ku.equalTo`, `ClauseOperation.equalTo`). */
export function operationName(op: unknown): string {
  if (typeof op !== 'string') return '';
  const n = normalizeName(op);
  const dot = n.lastIndexOf('.');
  return dot >= 0 ? n.slice(dot + 1) : n;
}

/** Comparable form: minified booleans and booleans → 1/0 ([SIM]), `void 0`/`undefined` → null. */
function comparable(v: unknown): unknown {
  const n = typeof v === 'string' ? normalizeLiteral(v) : v;
  if (n === true) return 1;
  if (n === false) return 0;
  return n === undefined ? null : n;
}

/** Compares `actual` with `expected` by a normalized operation name (§3.6). Unknown operations → false. */
export function compare(operation: string, actual: unknown, expected: unknown): boolean {
  const a = comparable(actual);
  const e = comparable(expected);
  switch (operation) {
    case 'equalTo':
      return a === e;
    case 'notEqualTo':
      return a !== e;
    case 'greaterThan':
    case 'greaterThanOrEqualTo':
    case 'lessThan':
    case 'lessThanOrEqualTo': {
      if (a === null || e === null) return false;
      const bothNum = typeof a === 'number' && typeof e === 'number';
      const bothStr = typeof a === 'string' && typeof e === 'string';
      if (!bothNum && !bothStr) return false;
      const x = a as number | string;
      const y = e as number | string;
      if (operation === 'greaterThan') return x > y;
      if (operation === 'greaterThanOrEqualTo') return x >= y;
      if (operation === 'lessThan') return x < y;
      return x <= y;
    }
    case 'matches':
    case 'notMatches': {
      if (typeof expected !== 'string') return false;
      const r = safeRegexTest(expected, String(a));
      if (r === null) return false;
      return operation === 'matches' ? r : !r;
    }
    default:
      return false;
  }
}

/** Integer coercion of a register value (skip when impossible): numbers truncate, booleans 1/0, integer strings. */
export function registerInt(raw: unknown): number | null {
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.trunc(raw) : null;
  return toInt(raw);
}

/** Reads a selector's actual value: bit → `(raw >> bit) & 1`, mask → `raw & mask`, else raw. */
export function selectorActual(sel: JsonObject, values: ValueGetter, requireChannel = true): number | null {
  const s = parseSelector(sel, { requireChannel });
  if (!s) return null;
  const raw = registerInt(values(s.address));
  if (raw === null) return null;
  if (s.bit !== null) return Math.floor(raw / 2 ** s.bit) % 2 === 0 ? 0 : 1;
  if (s.mask !== null) return Number(BigInt.asIntN(64, BigInt(raw) & BigInt(s.mask)));
  return raw;
}

/** Walks a `storeGetter` template (`modulesMap.{devid}.connectedAt`) through the context. */
export function storeGetterValue(template: string, ctx: RuleContext): unknown {
  const path = template.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    const v = Object.hasOwn(ctx, name) ? ctx[name] : undefined;
    return v === undefined || v === null ? '' : String(v);
  });
  let cur: unknown = ctx;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(seg) ? cur[Number(seg)] : undefined;
    else if (typeof cur === 'object' && cur !== null)
      cur = Object.hasOwn(cur, seg) ? (cur as Record<string, unknown>)[seg] : undefined;
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * One condition `{operation, expected, value}` (§3.6): `value` is a `{storeGetter}` or a selector list; holds when
 * any selector with an explicit channel compares true.
 */
export function conditionHolds(cond: Json, values: ValueGetter, ctx: RuleContext = {}): boolean {
  if (!isObject(cond)) return false;
  const op = operationName(own(cond, 'operation'));
  const expected = own(cond, 'expected');
  const v = own(cond, 'value');
  const getter = own(v, 'storeGetter');
  if (isObject(v) && typeof getter === 'string') return compare(op, storeGetterValue(getter, ctx), expected);
  const list = Array.isArray(v) ? v : isObject(v) ? [v] : [];
  for (const item of list) {
    if (!isObject(item)) continue;
    const actual = selectorActual(item, values);
    if (actual !== null && compare(op, actual, expected)) return true;
  }
  return false;
}

/** Result normalization (§3.6): `X['M']` → `M`; dotted text keeps its last segment unless the prefix is `e`. */
export function normalizeTag(v: Json | undefined): string | null {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : null;
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  const m = /^[A-Za-z_$][\w$]*\s*\[\s*(['"])([^'"]*)\1\s*\]$/.exec(t);
  if (m) return m[2] ?? '';
  const dot = t.indexOf('.');
  if (dot > 0 && t.slice(0, dot) !== 'e' && /^[A-Za-z_$][\w$.]*$/.test(t)) return t.slice(t.lastIndexOf('.') + 1);
  return t;
}

/** The raw result of a row's action: `then` / the `else` value, or its `value` member. */
function actionValue(action: Json | undefined): Json | undefined {
  return isObject(action) ? own(action, 'value') : action;
}

/** Outcome of {@link runRows}: the matched row's action (or `undefined` when none fired). */
export interface RowMatch {
  action: Json | undefined;
  row: JsonObject;
}

/**
 * Runs a rule list in order ([SIM]): an `if`/`elseif` row with a non-empty condition list fires when all its
 * conditions hold; an `else` row fires when reached; rows whose action carries a `command` are skipped.
 */
export function runRows(
  rows: Json | undefined,
  values: ValueGetter,
  ctx: RuleContext = {},
  skipCommands = true,
): RowMatch | null {
  if (!Array.isArray(rows)) return null;
  for (const row of rows) {
    if (!isRuleRow(row)) continue;
    const conds = own(row, 'if') ?? own(row, 'elseif');
    const isElse = conds === undefined && own(row, 'else') !== undefined;
    const action = isElse ? own(row, 'else') : own(row, 'then');
    if (skipCommands && own(action, 'command') !== undefined) continue;
    if (isElse) return { action, row };
    if (!Array.isArray(conds) || conds.length === 0) continue;
    if (conds.every((c) => conditionHolds(c, values, ctx))) return { action, row };
  }
  return null;
}

/** Runs rows and normalizes the fired value (§3.6); `null` when no row fires. */
export function evaluateRules(rows: Json | undefined, values: ValueGetter, ctx: RuleContext = {}): string | null {
  const m = runRows(rows, values, ctx);
  return m ? normalizeTag(actionValue(m.action)) : null;
}

/** The rule engine over a map: `raw.any`, else `raw.value`, else `paths.value` (§3.5 step 1, §3.6). */
export function computeValue(map: ParamMap, values: ValueGetter, ctx: RuleContext = {}): string | null {
  for (const rows of [own(map.raw, 'any'), own(map.raw, 'value'), map.paths.value as Json]) {
    if (!Array.isArray(rows) || !rows.some(isRuleRow)) continue;
    const r = evaluateRules(rows, values, ctx);
    if (r !== null) return r;
  }
  return null;
}
