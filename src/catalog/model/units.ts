/**
 * Units, descriptor transforms, enum labels and options (CATALOG.md §2.6, §3.4, §3.5, §3.8).
 */
import type { Json, JsonObject } from '../types.js';
import { type I18nGetter, resolveNode, resolveToken, splitToken } from './i18n.js';
import { cleanText, isObject, own, symbolicName, toInt, toNumber } from './json.js';
import { type Transform, compileTransform } from './transform.js';

/** Unit descriptor table: code (decimal string) → `{text?, value?, valuePrepare?, options?, colors?}`. */
export type UnitDescriptors = Readonly<Record<string, JsonObject>>;

/** One enum option (§3.8 [SIM]). */
export interface EnumOption {
  raw: number | string;
  label: string;
}

/** What a unit code means for display. */
export interface UnitInfo {
  /** The code as given (`49`, `"C"`), or `null`. */
  code: string | number | null;
  descriptor: JsonObject | null;
  /** Unit text after {@link normalizeUnitText}, or `null`. */
  text: string | null;
  /** Raw → display. */
  transform: Transform;
  /** Display → raw from `valuePrepare` when it fits the grammar, else `null`. */
  prepare: Transform | null;
  /** True when `value` source exists but is not understood (raw values are shown). */
  unknownTransform: boolean;
  /** Enum table (raw key → token or text), or `null`. */
  table: JsonObject | null;
}

const DESCRIPTOR_KEYS = ['text', 'value', 'valuePrepare', 'colors'];

/**
 * Describe-path text normalization (§3.4): CR/LF → space, trim; blank, all-digit and `wn.<digits>` → `null`;
 * `C`/`degC` → `°C`, `F`/`degF` → `°F`; control characters removed.
 */
export function normalizeUnitText(text: string | null | undefined): string | null {
  if (typeof text !== 'string') return null;
  const t = cleanText(text).trim();
  if (t === '' || /^\d+$/.test(t) || /^wn\.\d+$/.test(t)) return null;
  if (t === 'C' || t.toLowerCase() === 'degc') return '°C';
  if (t === 'F' || t.toLowerCase() === 'degf') return '°F';
  return t;
}

/** Descriptor of a code: the table entry, else `{text: "units.<code>"}` for integer-like codes, else `null`. */
export function descriptorFor(code: unknown, table: UnitDescriptors): JsonObject | null {
  const n = typeof code === 'number' ? (Number.isInteger(code) ? code : null) : toInt(code);
  if (n === null) return null;
  const k = String(n);
  const d = Object.hasOwn(table, k) ? table[k] : undefined;
  if (d && isObject(d)) return d;
  const fallback = Object.create(null) as JsonObject;
  fallback['text'] = `units.${k}`;
  return fallback;
}

/** The enum table of a descriptor: its `options`, else the descriptor itself when it has none of text/value/… */
function optionTable(d: JsonObject | null, i18n: I18nGetter): JsonObject | null {
  if (!d) return null;
  const opts = own(d, 'options');
  if (isObject(opts)) return opts;
  if (!DESCRIPTOR_KEYS.some((k) => own(d, k) !== undefined) && Object.keys(d).length > 0) return d;
  const text = own(d, 'text');
  if (typeof text === 'string') {
    // [SIM] a text token naming an enum text group (`units.17` → {"0": "…"}) serves as the table.
    const node = resolveNode(text, i18n);
    if (isObject(node) && Object.keys(node).length > 0 && Object.values(node).every((v) => typeof v === 'string'))
      return node;
  }
  return null;
}

/**
 * Unit info of a code by the display path (§3.4 [SIM]): descriptor text resolved as a token (unresolvable → none),
 * descriptor without text → no unit (its options are the enum table); a non-numeric string code is the unit itself.
 */
export function unitInfo(code: string | number | null, table: UnitDescriptors, i18n: I18nGetter): UnitInfo {
  const d = code === null ? null : descriptorFor(code, table);
  if (!d) {
    const text = typeof code === 'string' && toNumber(code) === null ? normalizeUnitText(code) : null;
    return {
      code,
      descriptor: null,
      text,
      transform: { kind: 'none' },
      prepare: null,
      unknownTransform: false,
      table: null,
    };
  }
  const tokenText = own(d, 'text');
  const text = typeof tokenText === 'string' ? normalizeUnitText(resolveToken(tokenText, i18n)) : null;
  const compiled = compileTransform(own(d, 'value'));
  const prep = own(d, 'valuePrepare') === undefined ? null : compileTransform(own(d, 'valuePrepare'));
  return {
    code,
    descriptor: d,
    text,
    transform: compiled ?? { kind: 'none' },
    prepare: prep && prep.kind === 'linear' ? prep : null,
    unknownTransform: compiled === null,
    table: optionTable(d, i18n),
  };
}

/** A found option text resolved as a token (unresolvable text stays). */
function optionText(v: Json | undefined, i18n: I18nGetter): string | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  const r = splitToken(v.trim()) ? resolveToken(v.trim(), i18n) : null;
  return cleanText(r ?? v);
}

/**
 * Enum label of a value against an option table (§3.5): keys `String(v).trim()`, its integer form, `0`/`1` for
 * booleans; then symbolic matching (`e.ON` ↔ `[kn.ON]`, `STOP` ↔ `BoilerState['STOP']`). `null` when no match.
 */
export function enumLabel(value: unknown, table: JsonObject | null, i18n: I18nGetter): string | null {
  if (!table || value === null || value === undefined || typeof value === 'object') return null;
  const keys: string[] = [];
  if (typeof value === 'boolean') keys.push(value ? '1' : '0', String(value));
  else {
    const s = String(value).trim();
    keys.push(s);
    const n = toNumber(s);
    if (n !== null && Number.isInteger(n)) keys.push(String(n));
  }
  for (const k of keys) {
    const t = optionText(own(table, k), i18n);
    if (t !== null && t.trim() !== '') return t;
  }
  if (typeof value !== 'string' || toNumber(value) !== null) return null;
  const want = symbolicName(value);
  if (want === '') return null;
  for (const k of Object.keys(table)) {
    if (symbolicName(k) !== want) continue;
    const t = optionText(table[k], i18n);
    if (t !== null && t.trim() !== '') return t;
  }
  return null;
}

/** Options `[{raw, label}]` of an enum table (§3.8 [SIM]): numeric keys become numbers, symbolic keys their name. */
export function enumOptions(table: JsonObject | null, i18n: I18nGetter): EnumOption[] | null {
  if (!table) return null;
  const out: EnumOption[] = [];
  for (const k of Object.keys(table)) {
    const label = optionText(table[k], i18n);
    if (label === null || label.trim() === '') continue;
    const n = toNumber(k);
    out.push({ raw: n !== null ? n : symbolicName(k), label });
  }
  return out.length > 0 ? out : null;
}
