/**
 * Write preparation (CATALOG.md §3.8): display input → raw register value, range-checked against the device's own
 * `n`/`x` channels, or a symbolic command from a command rule.
 */
import { CatalogError } from '../../errors.js';
import type { Json } from '../types.js';
import { familyKey, parseAddress, primaryAddress } from './address.js';
import { type ModelContext, NO_VALUES } from './context.js';
import { resolveToken } from './i18n.js';
import { normalizeLiteral, toInt, toNumber } from './json.js';
import type { CommandRule, ParamMap } from './param-map.js';
import { type ValueGetter, compare, selectorActual } from './rules.js';
import { HHMM_OFF_TOKEN, type Transform, applyTransform, invertTransform } from './transform.js';
import type { WriteRequest } from './types.js';
import { type EnumOption, enumOptions, unitInfo } from './units.js';

/** Snap tolerance: a raw value this close to an integer becomes that integer. */
export const SNAP_EPSILON = 1e-9;

/** A command rule's conditions hold when every target's actual value compares true (no conditions → holds). */
export function commandRuleHolds(rule: CommandRule, values: ValueGetter): boolean {
  return rule.conditions.every((c) =>
    c.targets.every((t) => {
      const actual = selectorActual(t, values, false);
      return actual !== null && compare(c.operation, actual, c.expected);
    }),
  );
}

function sameValue(a: Json | undefined, b: unknown): boolean {
  if (a === undefined) return false;
  if (typeof a === 'string' && typeof b === 'string') return a.trim().toLowerCase() === b.trim().toLowerCase();
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  return x === y;
}

/** Label → raw for enum inputs: an exact label, then a case-insensitive trimmed label, then a raw key. */
function optionRaw(options: EnumOption[] | null, input: string): number | string | null {
  if (!options) return null;
  const t = input.trim();
  const hit =
    options.find((o) => o.label === input) ??
    options.find((o) => o.label.trim().toLowerCase() === t.toLowerCase()) ??
    options.find((o) => String(o.raw) === t);
  return hit ? hit.raw : null;
}

/** Display number → raw: `valuePrepare` when it fits the grammar ([SIM]), else the inverse of `value`. */
function displayToRaw(n: number, t: Transform, prepare: Transform | null): number | null {
  if (prepare) {
    const r = applyTransform(prepare, n);
    return typeof r === 'number' && Number.isFinite(r) ? r : null;
  }
  return invertTransform(t, n);
}

function inputToRaw(
  input: number | string | boolean,
  t: Transform,
  prepare: Transform | null,
  options: EnumOption[] | null,
  symbol: string,
  offLabel: string | null,
): number {
  if (typeof input === 'boolean') return input ? 1 : 0;
  let n: number | null;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new CatalogError(`${symbol}: not a finite number`, { code: 'not-a-number' });
    n = input;
  } else {
    const fromOption = optionRaw(options, input);
    if (typeof fromOption === 'number') return fromOption;
    if (t.kind === 'hhmm' && offLabel !== null && input.trim() === offLabel.trim()) return 0;
    if (t.kind === 'hhmm' && (input.trim() === HHMM_OFF_TOKEN || input.includes(':'))) {
      const raw = invertTransform(t, input.trim());
      if (raw === null)
        throw new CatalogError(`${symbol}: not a time HH:MM in 10-minute steps`, { code: 'invalid-value' });
      return raw;
    }
    n = toNumber(input);
    if (n === null) throw new CatalogError(`${symbol}: not a number`, { code: 'not-a-number' });
  }
  const raw = displayToRaw(n, t, prepare);
  if (raw === null) throw new CatalogError(`${symbol}: value cannot be converted`, { code: 'invalid-value' });
  return raw;
}

/** Snaps to an integer within {@link SNAP_EPSILON}; scaled registers (a transform) are rounded to integers. */
function snap(raw: number, t: Transform): number {
  const r = Math.round(raw);
  if (Math.abs(raw - r) <= SNAP_EPSILON) return r;
  return t.kind === 'none' ? raw : r;
}

function limit(values: ValueGetter, address: string, chan: 'n' | 'x'): number | null {
  const key = familyKey(address, chan);
  return key ? toNumber(values(key)) : null;
}

function rawCommand(
  symbol: string,
  map: ParamMap,
  input: number | string | boolean,
  values: ValueGetter,
): WriteRequest {
  if (map.commandRules.length === 0) {
    throw new CatalogError(`${symbol}: neither an address nor a command rule`, { code: 'not-writable' });
  }
  const holding = map.commandRules.filter((r) => commandRuleHolds(r, values));
  const rule = holding.find((r) => sameValue(r.value, normalizeLiteral(input as Json))) ?? holding[0];
  if (!rule) throw new CatalogError(`${symbol}: no command rule applies`, { code: 'no-rule' });
  return { route: 'raw', command: rule.command, value: input };
}

/**
 * Prepares a write (§3.8). With an address: enum label → raw, booleans → 1/0, numbers through the inverse
 * transform (`valuePrepare` when it fits the grammar), snapped to an integer, checked against raw `n`/`x`.
 * Without one: the first command rule whose conditions hold (preferring one whose value equals the input).
 * Throws {@link CatalogError}: unknown symbol (`map` null), not writable, not a number, out of range.
 */
export function prepareWrite(
  symbol: string,
  map: ParamMap | null,
  input: number | string | boolean,
  ctx: ModelContext,
): WriteRequest {
  if (!map) throw new CatalogError(`${symbol}: unknown symbol`, { code: 'unknown-symbol' });
  const values = ctx.values ?? NO_VALUES;
  const address = primaryAddress(symbol, map).address;
  const parsed = address ? parseAddress(address) : null;
  if (!address || !parsed) return rawCommand(symbol, map, input, values);
  const uKey = familyKey(address, 'u');
  const liveUnit = uKey ? toInt(values(uKey)) : null;
  const unitCode = liveUnit ?? toInt(map.units);
  const unit = unitInfo(liveUnit ?? map.units, ctx.descriptors, ctx.i18n);
  const offLabel = unit.transform.kind === 'hhmm' ? resolveToken(HHMM_OFF_TOKEN, ctx.i18n) : null;
  let raw = inputToRaw(input, unit.transform, unit.prepare, enumOptions(unit.table, ctx.i18n), symbol, offLabel);
  if (!Number.isFinite(raw)) throw new CatalogError(`${symbol}: value cannot be converted`, { code: 'invalid-value' });
  raw = snap(raw, unit.transform);
  const lo = limit(values, address, 'n');
  const hi = limit(values, address, 'x');
  if ((lo !== null && raw < lo) || (hi !== null && raw > hi)) {
    const range = `${lo ?? '-∞'}…${hi ?? '∞'}`;
    throw new CatalogError(`${symbol}: raw value ${raw} outside ${range}`, { code: 'out-of-range' });
  }
  // parameterName: the bare symbol (`PARAM_66`) as PROTOCOL.md §4.12 shows, not the i18n-style `raw.name`
  // (`parameters.PARAM_66`) the reference CLI sends; which one the cloud wants is [U].
  const req: WriteRequest = {
    route: 'parameter',
    pool: parsed.pool,
    parameter: `${parsed.chan}${parsed.idx}`,
    value: raw,
    parameterName: symbol,
  };
  if (unitCode !== null) req.unit = unitCode;
  return req;
}
