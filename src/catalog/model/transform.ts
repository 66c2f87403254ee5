/**
 * Unit transforms as data (CATALOG.md §3.5): the `value` / `valuePrepare` source text is matched against a tiny
 * grammar and compiled to plain JSON; it is never run.
 */
import { toNumber } from './json.js';

/** A compiled transform: `display = (raw + shift) × factor`, rounded to `precision` decimals when set. */
export type Transform =
  | { kind: 'linear'; shift: number; factor: number; precision: number | null }
  | { kind: 'hhmm' }
  | { kind: 'none' };

/** The identity transform. */
export const NO_TRANSFORM: Transform = Object.freeze({ kind: 'none' }) as Transform;

/** The token shown for HH:MM value 0 (translated, e.g. `Wyłączony`). */
export const HHMM_OFF_TOKEN = 'units.202.0';

const MAX_SOURCE = 2000;
const NUM = String.raw`[+-]?(?:\d+\.\d+|\d+|\.\d+)`;

/** Source normalization: `x['m']` → `x.m`, radix literals → decimal, whitespace removed. */
export function normalizeSource(src: string): string {
  return src
    .replace(/\[\s*(['"])([A-Za-z_$][\w$]*)\1\s*\]/g, '.$2')
    .replace(/(?<![\w$.])0([xXoObB])([0-9a-fA-F_]+)/g, (all, r: string, digits: string) => {
      const kind = r.toLowerCase() as 'x' | 'o' | 'b';
      const d = digits.replace(/_/g, '');
      const ok = { x: /^[0-9a-f]{1,13}$/i, o: /^[0-7]{1,17}$/, b: /^[01]{1,53}$/ }[kind];
      return ok.test(d) ? String(Number.parseInt(d, { x: 16, o: 8, b: 2 }[kind])) : all;
    })
    .replace(/\s+/g, '');
}

/** True for the HH:MM formatter of unit 66 (§3.5). */
export function isHhmmSource(normalized: string): boolean {
  return (
    normalized.includes(HHMM_OFF_TOKEN) &&
    (normalized.includes("padStart(2,'0')") || normalized.includes('padStart(2,"0")')) &&
    /\([^)]*-1\)\*10/.test(normalized)
  );
}

function esc(s: string): string {
  return s.replace(/[$]/g, '\\$');
}

function linearBody(body: string, v: string): { shift: number; factor: number } | null {
  const V = esc(v);
  let m = new RegExp(`^${V}\\*(${NUM})$`).exec(body);
  if (m) return { shift: 0, factor: Number(m[1]) };
  m = new RegExp(`^${V}/(${NUM})$`).exec(body);
  if (m) {
    const k = Number(m[1]);
    return k === 0 ? null : { shift: 0, factor: 1 / k };
  }
  m = new RegExp(`^\\(${V}([+-])(${NUM})\\)\\*(${NUM})$`).exec(body);
  if (m) return { shift: (m[1] === '-' ? -1 : 1) * Number(m[2]), factor: Number(m[3]) };
  m = new RegExp(`^${V}([+-])(${NUM})$`).exec(body);
  if (m) return { shift: (m[1] === '-' ? -1 : 1) * Number(m[2]), factor: 1 };
  return null;
}

/**
 * Compiles transform source text (§3.5). Absent/blank source and the identity `e => e` → `{kind:'none'}`;
 * source that does not fit the grammar → `null` ("transform not understood").
 */
export function compileTransform(src: unknown): Transform | null {
  if (src === undefined || src === null) return NO_TRANSFORM;
  if (typeof src !== 'string') return null;
  if (src.trim() === '') return NO_TRANSFORM;
  if (src.length > MAX_SOURCE) return null;
  const n = normalizeSource(src);
  if (isHhmmSource(n)) return { kind: 'hhmm' };
  const arrow = n.indexOf('=>');
  if (arrow < 0) return null;
  const param = /^\(?([A-Za-z_$][\w$]*)\)?$/.exec(n.slice(0, arrow))?.[1];
  let body = n.slice(arrow + 2);
  if (!param || body.startsWith('{')) return null;
  if (body.endsWith(';')) body = body.slice(0, -1);
  if (body === param) return NO_TRANSFORM;
  let precision: number | null = null;
  const a =
    /^Number\(\((.+)\)\.toFixed\((\d{1,2})\)\)$/.exec(body) ?? /^Number\((.+)\)\.toFixed\((\d{1,2})\)$/.exec(body);
  if (a) {
    body = a[1] ?? '';
    precision = Math.min(20, Number(a[2]));
  }
  const lin = linearBody(body, param);
  if (!lin || !Number.isFinite(lin.factor) || lin.factor === 0 || !Number.isFinite(lin.shift)) return null;
  return { kind: 'linear', shift: lin.shift, factor: lin.factor, precision };
}

/** Removes float noise (`5.300000000000001` → `5.3`) when no precision is given. */
function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

/** Formats a raw HH:MM step count: 0 → {@link HHMM_OFF_TOKEN}, n → `(n−1)×10` minutes as `HH:MM`. */
export function formatHhmm(raw: number): string | number {
  const n = Math.trunc(raw);
  if (n === 0) return HHMM_OFF_TOKEN;
  if (n < 0) return raw;
  const m = (n - 1) * 10;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Applies a transform to a raw value (§3.5). Booleans, blank and non-numeric strings and non-numbers pass
 * through; numeric strings are converted.
 */
export function applyTransform(t: Transform, raw: unknown): unknown {
  if (t.kind === 'none' || typeof raw === 'boolean') return raw;
  const n = toNumber(raw);
  if (n === null) return raw;
  if (t.kind === 'hhmm') return formatHhmm(n);
  const x = (n + t.shift) * t.factor;
  return t.precision !== null ? Number(x.toFixed(t.precision)) : tidy(x);
}

/** Parses `HH:MM` (multiples of 10 minutes) back to the raw step count; `null` when it is not one. */
export function parseHhmm(text: string): number | null {
  const m = /^\s*(\d{1,5}):(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) >= 60 || minutes % 10 !== 0) return null;
  return minutes / 10 + 1;
}

/**
 * Inverts a transform: display → raw (`display / factor − shift`). For `hhmm`, an `HH:MM` text or the off token
 * gives the step count and a number is taken as raw. `null` when the input cannot be inverted.
 */
export function invertTransform(t: Transform, display: unknown): number | null {
  if (t.kind === 'hhmm') {
    if (display === HHMM_OFF_TOKEN) return 0;
    if (typeof display === 'string' && display.includes(':')) return parseHhmm(display);
    return toNumber(display);
  }
  const n = toNumber(display);
  if (n === null) return null;
  if (t.kind === 'none') return n;
  const raw = n / t.factor - t.shift;
  return Number.isFinite(raw) ? raw : null;
}

/** Input step (§3.8 [SIM]): `10^-p` for a precision, `|factor|` for a linear transform, else 1. */
export function transformStep(t: Transform): number {
  if (t.kind !== 'linear') return 1;
  if (t.precision !== null) return Number((10 ** -t.precision).toFixed(t.precision));
  return tidy(Math.abs(t.factor));
}
