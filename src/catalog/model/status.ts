/**
 * Status flags and visibility (CATALOG.md §3.7), reusing the §3.6 condition comparer ([SIM]).
 */
import type { Json, JsonObject } from '../types.js';
import { flattenStatus, isObject, normalizeLiteral, normalizeName, own, record } from './json.js';
import type { ParamMap } from './param-map.js';
import { type RuleContext, type ValueGetter, conditionHolds, registerInt, runRows } from './rules.js';
import { parseSelector } from './selectors.js';

/** Flag name (upper-case) → true / false / unknown (`null`). */
export type StatusFlags = Record<string, boolean | null>;

/** Visibility reason codes (§3.7). */
export type VisibilityReason =
  | 'visible:no-mapping'
  | 'hidden:composite-component'
  | 'visible:no-paths'
  | 'hidden:invisible'
  | 'hidden:device-unavailable'
  | 'visible:default';

/** Visibility and why. */
export interface Visibility {
  visible: boolean;
  reason: VisibilityReason;
}

/** A then/else boolean: `true`, `!0`, `"1"`, 1 / `false`, `!1`, `"0"`, 0; anything else → `null`. */
export function flagBoolean(v: Json | undefined): boolean | null {
  const n = normalizeLiteral(v);
  if (n === true || n === 1 || n === '1' || n === 'true') return true;
  if (n === false || n === 0 || n === '0' || n === 'false') return false;
  if (isObject(n)) return flagBoolean(own(n, 'value'));
  return null;
}

/**
 * Status entries of a map (§3.7): `paths.status`, else `raw.status`, else the status map of the first firing
 * branch of `raw.any` (or its `else` branch).
 */
export function statusEntries(map: ParamMap, values: ValueGetter, ctx: RuleContext = {}): JsonObject[] {
  if (map.paths.status.length > 0) return map.paths.status;
  const direct = flattenStatus(own(map.raw, 'status'));
  if (direct.length > 0) return direct;
  const m = runRows(own(map.raw, 'any'), values, ctx, false);
  return m ? flattenStatus(own(m.action, 'status')) : [];
}

function flagKey(condition: Json | undefined): string {
  return typeof condition === 'string' ? normalizeName(condition).toUpperCase() : 'DEFAULT';
}

/** Value of one flag from its entries in order: the first bit entry decides; rule rows fire; `else` is the fallback. */
function flagValue(entries: readonly JsonObject[], values: ValueGetter, ctx: RuleContext): boolean | null {
  let fallback: boolean | null = null;
  for (const e of entries) {
    const conds = own(e, 'if') ?? own(e, 'elseif');
    if (Array.isArray(conds)) {
      if (conds.length > 0 && conds.every((c) => conditionHolds(c, values, ctx))) return flagBoolean(own(e, 'then'));
      if (own(e, 'else') !== undefined) fallback = flagBoolean(own(e, 'else'));
      continue;
    }
    if (own(e, 'else') !== undefined) {
      fallback = flagBoolean(own(e, 'else'));
      continue;
    }
    const sel = parseSelector(e);
    if (sel && sel.bit !== null) {
      const raw = registerInt(values(sel.address));
      return raw === null ? null : Math.floor(raw / 2 ** sel.bit) % 2 !== 0;
    }
  }
  return fallback;
}

/** Evaluates every named flag of a map (names normalized and upper-cased). */
export function statusFlags(map: ParamMap, values: ValueGetter, ctx: RuleContext = {}): StatusFlags {
  const byFlag = new Map<string, JsonObject[]>();
  for (const e of statusEntries(map, values, ctx)) {
    const k = flagKey(own(e, 'condition'));
    byFlag.set(k, [...(byFlag.get(k) ?? []), e]);
  }
  const out = record<boolean | null>();
  for (const [k, entries] of byFlag) out[k] = flagValue(entries, values, ctx);
  return out;
}

/** Visibility like the web app's `isParameterVisible` (§3.7), with its reason code. */
export function visibility(map: ParamMap | null, values: ValueGetter, ctx: RuleContext = {}): Visibility {
  if (!map) return { visible: true, reason: 'visible:no-mapping' };
  if (['value2', 'value3', 'value4'].some((k) => own(map.raw, k) !== undefined)) {
    return { visible: false, reason: 'hidden:composite-component' };
  }
  if (statusEntries(map, values, ctx).length === 0) return { visible: true, reason: 'visible:no-paths' };
  const flags = statusFlags(map, values, ctx);
  if (flags['INVISIBLE'] === true) return { visible: false, reason: 'hidden:invisible' };
  if (flags['DEVICE_AVAILABLE'] === false) return { visible: false, reason: 'hidden:device-unavailable' };
  return { visible: true, reason: 'visible:default' };
}
