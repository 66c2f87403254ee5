/**
 * `describe` and `resolve` of one symbol (CATALOG.md §3.2–§3.8, §3.10).
 */
import { familyKey, familyKeys, primaryAddress } from './address.js';
import { type ModelContext, NO_VALUES } from './context.js';
import { resolveLabel, resolveToken, splitToken } from './i18n.js';
import { cleanText, toInt, toNumber } from './json.js';
import { type ParamMap, hasComputedRules, valueSelectors } from './param-map.js';
import { type ValueGetter, computeValue, registerInt } from './rules.js';
import { needsComposition, parseSelector, walkCandidates } from './selectors.js';
import { statusFlags, visibility } from './status.js';
import { applyTransform, transformStep } from './transform.js';
import type { DescribedParameter, ResolvedDetails, TransformStatus } from './types.js';
import { type UnitInfo, enumLabel, enumOptions, unitInfo } from './units.js';

function transformStatus(u: UnitInfo): TransformStatus {
  if (u.unknownTransform) return 'unknown';
  return u.transform.kind === 'none' ? 'none' : 'ok';
}

/** Refresh keys (§3.10 [SIM]): the primary family's channels plus every selector address referenced by the map. */
export function refreshKeys(address: string | null, map: ParamMap | null): string[] {
  const keys = new Set<string>(address ? familyKeys(address) : []);
  if (map) for (const s of walkCandidates(map.raw)) keys.add(s.address);
  return [...keys].sort();
}

/** Writable ([SIM] §3.8): listed in a menu `write` section, a command rule with a command, or a command path. */
export function isWritable(symbol: string, map: ParamMap | null, writeSymbols?: ReadonlySet<string>): boolean {
  if (writeSymbols?.has(symbol)) return true;
  return map !== null && (map.commandRules.length > 0 || map.paths.command.length > 0);
}

/** Unit code for display: the `u` channel of the primary family, else the map's scalar `units`. */
function liveUnitCode(address: string | null, map: ParamMap | null, values: ValueGetter): string | number | null {
  const key = address ? familyKey(address, 'u') : null;
  const live = key ? values(key) : undefined;
  if (typeof live === 'number' && Number.isInteger(live)) return live;
  if (typeof live === 'string' && toInt(live) !== null) return toInt(live);
  return map ? map.units : null;
}

function describeWith(
  symbol: string,
  map: ParamMap | null,
  ctx: ModelContext,
  unitCode: string | number | null,
): DescribedParameter {
  const addr = primaryAddress(symbol, map);
  const label = resolveLabel(symbol, map, ctx.i18n, ctx.defaultI18n);
  const unit = unitInfo(unitCode, ctx.descriptors, ctx.i18n);
  return {
    symbol,
    address: addr.address,
    label: label.text,
    unit: unit.text,
    componentType: map ? map.componentType : null,
    writable: isWritable(symbol, map, ctx.writeSymbols),
    options: enumOptions(unit.table, ctx.i18n),
    labelSource: label.source,
    addressSource: addr.source,
    computedPrimary: addr.computedPrimary,
    unitCode,
    transform: unit.transform,
    transformStatus: transformStatus(unit),
    step: transformStep(unit.transform),
    commandRules: map ? map.commandRules : [],
    refreshKeys: refreshKeys(addr.address, map),
  };
}

/** Describes a symbol without live values (the unit comes from the map itself). */
export function describe(symbol: string, map: ParamMap | null, ctx: ModelContext): DescribedParameter {
  return describeWith(symbol, map, ctx, map ? map.units : null);
}

/** Sums the words of a composed selector list (§3.5 step 2); `null` when no word is live. */
export function composeWords(map: ParamMap, values: ValueGetter): number | null {
  const sels = valueSelectors(map);
  if (!sels || !needsComposition(sels)) return null;
  let total = 0;
  let found = false;
  for (const s of sels) {
    const word = toNumber(values(s.address));
    if (word === null) continue;
    const w = s.convert ? Math.trunc(word) & 0xffff : word;
    total += w * s.times;
    found = true;
  }
  return found ? total : null;
}

/** A display value as the public type: strings resolved as tokens, non-scalars → null. */
function displayScalar(v: unknown, ctx: ModelContext): number | string | boolean | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = splitToken(v.trim()) ? resolveToken(v.trim(), ctx.i18n) : null;
    return cleanText(t ?? v);
  }
  return null;
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Raw limit from the family channel, else from a `paths.min`/`paths.max` selector ([T]). */
function rawLimit(address: string | null, chan: 'n' | 'x', map: ParamMap | null, values: ValueGetter): number | null {
  const key = address ? familyKey(address, chan) : null;
  const fam = key ? toNumber(values(key)) : null;
  if (fam !== null) return fam;
  const sel = map ? parseSelector((chan === 'n' ? map.paths.min : map.paths.max)[0]) : null;
  return sel ? toNumber(values(sel.address)) : null;
}

/**
 * Resolves a symbol against live values (§3.5): rule engine for computed maps, composition of words, else the
 * register at the primary address; then the unit transform, token texts and enum labels. Never throws.
 */
export function resolve(symbol: string, map: ParamMap | null, ctx: ModelContext): ResolvedDetails {
  const values = ctx.values ?? NO_VALUES;
  const rules = ctx.rules ?? {};
  const address = primaryAddress(symbol, map).address;
  const unitCode = liveUnitCode(address, map, values);
  const d = describeWith(symbol, map, ctx, unitCode);
  const unit = unitInfo(unitCode, ctx.descriptors, ctx.i18n);
  let kind: 'direct' | 'computed' = 'direct';
  let raw: unknown = address ? values(address) : undefined;
  let value: number | string | boolean | null = null;
  let computed = false;
  if (map && hasComputedRules(map)) {
    const tag = computeValue(map, values, rules);
    if (tag !== null || !(valueSelectors(map) && address)) {
      kind = 'computed';
      computed = true;
      value = tag === null ? null : displayScalar(tag, ctx);
    }
  }
  if (!computed) {
    const composed = map && !hasComputedRules(map) ? composeWords(map, values) : null;
    if (composed !== null) raw = composed;
    value = displayScalar(applyTransform(unit.transform, raw), ctx);
  }
  const valueLabel = enumLabel(value, unit.table, ctx.i18n);
  const rawMin = rawLimit(address, 'n', map, values);
  const rawMax = rawLimit(address, 'x', map, values);
  const a = rawMin === null ? null : numberOrNull(applyTransform(unit.transform, rawMin));
  const b = rawMax === null ? null : numberOrNull(applyTransform(unit.transform, rawMax));
  const swap = a !== null && b !== null && a > b;
  const vis = visibility(map, values, rules);
  const sKey = address ? familyKey(address, 's') : null;
  return {
    ...d,
    raw: raw === undefined ? null : raw,
    value,
    valueLabel,
    min: swap ? b : a,
    max: swap ? a : b,
    visible: vis.visible,
    kind,
    rawMin,
    rawMax,
    status: {
      raw: sKey ? registerInt(values(sKey)) : null,
      flags: map ? statusFlags(map, values, rules) : Object.create(null),
    },
    visibilityReason: vis.reason,
  };
}
