/**
 * Small helpers over asset JSON (CATALOG.md §2.2): safe property access (keys such as `__proto__` and
 * `constructor` are plain data), integer coercion, literal normalization and the one name-normalization rule.
 */
import type { Json, JsonObject } from '../types.js';

/** True for a plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property `key` of `o`, or `undefined` (never reads the prototype chain). */
export function own(o: unknown, key: string): Json | undefined {
  if (typeof o !== 'object' || o === null || !Object.hasOwn(o, key)) return undefined;
  return (o as Record<string, Json>)[key];
}

/** True when `o` has the own property `key`. */
export function hasKey(o: unknown, key: string): boolean {
  return typeof o === 'object' && o !== null && Object.hasOwn(o, key);
}

/** A fresh null-prototype record. */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Shallow copy of an asset object into a null-prototype object (never `Object.assign` into `{}`). */
export function copyObject(o: JsonObject): JsonObject {
  const out = record<Json>();
  for (const k of Object.keys(o)) out[k] = o[k] as Json;
  return out;
}

/** Object items of a list, or `[o]` for an object, else `[]`. */
export function objectsOf(v: Json | undefined): JsonObject[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

/** An integer from a number or an integer string (`"12"`, `"-3"`, `"0x1f"`), else `null`. */
export function toInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (/^[+-]?\d{1,15}$/.test(t)) return Number.parseInt(t, 10);
  if (/^0[xX][0-9a-fA-F]{1,12}$/.test(t)) return Number.parseInt(t.slice(2), 16);
  return null;
}

/** A finite number from a number or a numeric string, else `null` (booleans are not numbers). */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const TRUE_TEXTS = new Set(['!0', '!![]']);
const FALSE_TEXTS = new Set(['!1', '![]']);
const NULL_TEXTS = new Set(['void 0', 'void 0x0', 'undefined']);

/**
 * Literal normalization (§2.2): `!0`, `!![]` → true; `!1`, `![]` → false; `void 0`, `void 0x0`, `undefined` → null.
 * Plain `"true"`/`"false"` strings are left alone; other values pass through.
 */
export function normalizeLiteral(v: Json | undefined): Json {
  if (v === undefined) return null;
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (TRUE_TEXTS.has(t)) return true;
  if (FALSE_TEXTS.has(t)) return false;
  if (NULL_TEXTS.has(t)) return null;
  return v;
}

const MEMBER_RE = /^[A-Za-z_$][\w$]*\s*\[\s*(['"])([^'"]*)\1\s*\]$/;
const PREFIX_RE = /^[A-Za-z_$][A-Za-z0-9_$]{0,2}\./;

/**
 * The one name-normalization rule (§2.2 [SIM]) for flag names, operations, commands, permissions and icons:
 * unwrap surrounding `[…]`, take `M` of `X['M']`, strip one leading 1–3 character alias prefix (`t.`, `ku.`, `_0.`).
 * `[t.INVISIBLE]`, `t.INVISIBLE`, `ParameterStatus['INVISIBLE']`, `_0x4d7e32['INVISIBLE']` → `INVISIBLE`.
 */
export function normalizeName(name: string): string {
  let t = name.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1).trim();
  const m = MEMBER_RE.exec(t);
  if (m) return (m[2] ?? '').trim();
  return t.replace(PREFIX_RE, '');
}

/** {@link normalizeName} for strings, `null` for anything else. */
export function nameOf(v: Json | undefined): string | null {
  return typeof v === 'string' ? normalizeName(v) : null;
}

/**
 * Symbolic form used to match enum keys and tags (§3.5): strip `[ ]`, take `M` from `X['M']`, drop everything up
 * to the first `.`: `[kn.ON]`, `e.ON`, `BoilerState['STOP']` → `ON`, `ON`, `STOP`.
 */
export function symbolicName(v: string): string {
  let t = v.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1).trim();
  const m = MEMBER_RE.exec(t);
  if (m) return (m[2] ?? '').trim();
  const dot = t.indexOf('.');
  return dot >= 0 ? t.slice(dot + 1) : t;
}

/**
 * Channel-word alias (§0): `value`/`command` → `v`, `status` → `s`, `unit` → `u`, `minValue` → `n`, `maxValue` → `x`
 * (case-insensitive), a single letter stays, `[t.…` → `s`, anything else → its first character; missing → `v`.
 */
export function channelAlias(use: Json | undefined): string {
  if (use === undefined || use === null) return 'v';
  const t = String(use).trim();
  if (t === '') return 'v';
  const l = t.toLowerCase();
  switch (l) {
    case 'value':
    case 'command':
      return 'v';
    case 'status':
      return 's';
    case 'unit':
      return 'u';
    case 'minvalue':
      return 'n';
    case 'maxvalue':
      return 'x';
  }
  if (t.startsWith('[t.')) return 's';
  return l.length === 1 ? l : t.charAt(0);
}

/** Strips C0/C1 control characters (CR, LF and TAB become spaces): asset text ends up in UIs (§5). */
export function cleanText(s: string): string {
  return s.replace(/[\r\n\t]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** Flattens a status map: object form → entries with `condition` = flag name; list form stays. */
export function flattenStatus(v: Json | undefined): JsonObject[] {
  if (Array.isArray(v)) return v.filter(isObject);
  if (!isObject(v)) return [];
  const out: JsonObject[] = [];
  for (const flag of Object.keys(v)) {
    for (const e of objectsOf(v[flag])) {
      const c = copyObject(e);
      c['condition'] = flag;
      out.push(c);
    }
  }
  return out;
}
