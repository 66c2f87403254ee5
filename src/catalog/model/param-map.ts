/**
 * The param map of one symbol (CATALOG.md §2.2) built from a raw, already evaluated asset object.
 */
import type { Json, JsonObject } from '../types.js';
import { flattenStatus, isObject, nameOf, normalizeLiteral, objectsOf, own, record } from './json.js';
import { isRuleList, isRuleRow, selectorList } from './selectors.js';

/** The path lists of a map: raw selector objects or rule rows, as found. */
export interface ParamPaths {
  value: JsonObject[];
  unit: JsonObject[];
  status: JsonObject[];
  command: JsonObject[];
  min: JsonObject[];
  max: JsonObject[];
}

/** One condition of a command rule. */
export interface RuleCondition {
  /** Normalized operation name: `equalTo`. */
  operation: string;
  /** Literal-normalized expected value. */
  expected: Json;
  /** Raw selector objects from the condition's `value`. */
  targets: JsonObject[];
}

/** A command rule row (§2.2; [SIM] only rows whose action has a `command`). */
export interface CommandRule {
  logic: 'any' | 'all' | 'when';
  kind: 'if' | 'elseif' | 'else';
  conditions: RuleCondition[];
  command: string;
  value?: Json;
}

/** One symbol's param map (§2.2). Plain JSON. */
export interface ParamMap {
  key: string;
  group: string | null;
  paths: ParamPaths;
  componentType: string | null;
  units: string | number | null;
  limits: JsonObject | null;
  statusFlags: Json[];
  /** Normalized flag name → entries (null-prototype). */
  statusConditions: Record<string, JsonObject[]>;
  commandRules: CommandRule[];
  origin: string;
  /** The raw object, untouched. */
  raw: JsonObject;
}

const LOGICS = ['any', 'all', 'when'] as const;

function pathList(v: Json | undefined): JsonObject[] {
  return objectsOf(v);
}

function firstList(o: JsonObject, keys: readonly string[], use: Json | undefined, useKey: string): JsonObject[] {
  for (const k of keys) {
    const v = own(o, k);
    if (v !== undefined && v !== null) {
      const l = pathList(v);
      if (l.length > 0) return l;
    }
  }
  return pathList(own(use, useKey));
}

function statusConditions(v: Json | undefined): Record<string, JsonObject[]> {
  const out = record<JsonObject[]>();
  if (Array.isArray(v)) {
    out['default'] = v.filter(isObject);
  } else if (isObject(v)) {
    for (const flag of Object.keys(v)) {
      const name = nameOf(flag) ?? flag;
      out[name] = [...(out[name] ?? []), ...objectsOf(v[flag])];
    }
  }
  return out;
}

function scalar(v: Json | undefined): string | number | null {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;
}

/** Conditions of a rule branch: `{operation, expected, targets}` for each object of the list. */
export function ruleConditions(branch: Json | undefined): RuleCondition[] {
  if (!Array.isArray(branch)) return [];
  return branch.filter(isObject).map((c) => ({
    operation: nameOf(own(c, 'operation')) ?? '',
    expected: normalizeLiteral(own(c, 'expected')),
    targets: objectsOf(own(c, 'value')),
  }));
}

/** Command rules of `any`/`all`/`when` ([SIM] a rule is a command rule only when its action has `command`). */
export function commandRules(o: JsonObject): CommandRule[] {
  const out: CommandRule[] = [];
  for (const logic of LOGICS) {
    const list = own(o, logic);
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!isObject(entry)) continue;
      const kind =
        own(entry, 'if') !== undefined
          ? 'if'
          : own(entry, 'elseif') !== undefined
            ? 'elseif'
            : own(entry, 'else') !== undefined
              ? 'else'
              : 'if';
      const action = kind === 'else' ? own(entry, 'else') : own(entry, 'then');
      const command = nameOf(own(action, 'command'));
      if (!command) continue;
      const rule: CommandRule = {
        logic,
        kind,
        conditions: kind === 'else' ? [] : ruleConditions(own(entry, kind)),
        command,
      };
      const value = normalizeLiteral(own(action, 'value'));
      if (value !== null) rule.value = value;
      out.push(rule);
    }
  }
  return out;
}

/**
 * Builds the param map of `symbol` from the raw object `raw` (§2.2). When `raw[symbol]` is an object, that value
 * is the map. `origin` is recorded as given (`asset:<url>`, `inline:index-token`, …).
 */
export function buildParamMap(symbol: string, raw: JsonObject, origin: string): ParamMap {
  const inner = own(raw, symbol);
  const o = isObject(inner) ? inner : raw;
  const use = own(o, 'use');
  const group = own(o, 'group') ?? own(o, 'pool');
  const unitField = own(o, 'unit');
  const comp = normalizeLiteral(own(o, 'componentType') ?? own(o, 'useComponent'));
  const limits = [own(o, 'limits'), own(o, 'range'), own(o, 'minmax')].find(isObject) ?? null;
  const flags = [own(o, 'statusFlags'), own(o, 'status_bits')].find(Array.isArray) ?? [];
  const status = own(o, 'status');
  return {
    key: symbol,
    group: typeof group === 'string' ? group : null,
    paths: {
      value: firstList(o, ['value'], use, 'v'),
      unit: isObject(unitField) || Array.isArray(unitField) ? pathList(unitField) : pathList(own(use, 'u')),
      status: status !== undefined && status !== null ? flattenStatus(status) : flattenStatus(own(use, 's')),
      command: pathList(own(o, 'command')),
      min: firstList(o, ['minValue', 'min'], use, 'n'),
      max: firstList(o, ['maxValue', 'max'], use, 'x'),
    },
    componentType: typeof comp === 'string' ? (nameOf(comp) ?? comp) : null,
    units: scalar(own(o, 'units')) ?? scalar(own(o, 'unit_name')) ?? scalar(unitField),
    limits,
    statusFlags: flags,
    statusConditions: statusConditions(status),
    commandRules: commandRules(o),
    origin,
    raw: o,
  };
}

/** True when a list holds a rule row whose action is not a command (a computed-value row). */
function hasValueRows(v: Json | undefined): boolean {
  if (!isRuleList(v)) return false;
  return v.some((row) => {
    if (!isRuleRow(row)) return false;
    const action = own(row, 'then') ?? own(row, 'else');
    return own(action, 'command') === undefined;
  });
}

/**
 * A map has computed rules when `raw.any` is a non-empty rule list, or `raw.value` / `paths.value` is a rule list
 * (§2.3). [SIM] rows whose action carries a `command` are command rules, not computed values.
 */
export function hasComputedRules(map: ParamMap): boolean {
  return hasValueRows(own(map.raw, 'any')) || hasValueRows(own(map.raw, 'value')) || hasValueRows(map.paths.value);
}

/** The selector list of `paths.value` (else `raw.value`), or `null`. */
export function valueSelectors(map: ParamMap): ReturnType<typeof selectorList> {
  return selectorList(map.paths.value) ?? selectorList(own(map.raw, 'value'));
}
