/**
 * Lax coercions, as lenient as the reference client's validation (pydantic's lax mode, docs/PROTOCOL.md §4):
 * integers from integral numeric strings, booleans from `0`/`1` and words, date-times from epoch seconds.
 * Each helper returns `undefined` for a value it cannot read; the schemas turn that into an issue or a fallback.
 */
import * as v from 'valibot';

const INT_RE = /^[+-]?\d+$/;
const NUM_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);
/** ISO-8601 date, date-time (`T` or a space), optional fraction and zone (`Z`, `±hh`, `±hhmm`, `±hh:mm`). */
const ISO_RE =
  /^((?:[+-]\d{6}|\d{4})-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** Epoch values above this are milliseconds (pydantic's rule), below it seconds. */
const MS_THRESHOLD = 2e10;
const MAX_TIME = 8.64e15;

/** An integer from a JS integer or an integral numeric string (`"1201"`, `" 7 "`); else `undefined`. */
export function laxInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string') {
    const s = value.trim();
    if (!INT_RE.test(s)) return undefined;
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** A boolean from `true`/`false`, `0`/`1`, or the words `"true"`/`"false"` (also `"1"`, `"yes"`, `"on"`, …). */
export function laxBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE_WORDS.has(s)) return true;
    if (FALSE_WORDS.has(s)) return false;
  }
  return undefined;
}

function fromEpoch(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const ms = Math.abs(n) > MS_THRESHOLD ? n : n * 1000;
  return Math.abs(ms) <= MAX_TIME ? new Date(Math.round(ms)).toISOString() : undefined;
}

/**
 * A date-time as a normalised ISO string (`2026-01-01T00:00:00.000Z`) from an ISO-8601 string (a zone-less one is
 * read as UTC) or epoch seconds (a number or numeric string; values above 2·10¹⁰ are milliseconds). Else `undefined`.
 */
export function laxDateTime(value: unknown): string | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (NUM_RE.test(s)) return fromEpoch(Number(s));
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const [, date, time, zone] = m;
  let iso = date as string;
  if (time) {
    let z = zone ? zone.toUpperCase() : 'Z';
    if (z !== 'Z') z = z.length === 3 ? `${z}:00` : z.includes(':') ? z : `${z.slice(0, 3)}:${z.slice(3)}`;
    iso = `${date}T${time.replace(',', '.')}${z}`;
  }
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME ? new Date(ms).toISOString() : undefined;
}

function lax<T>(read: (value: unknown) => T | undefined, message: string) {
  return v.pipe(
    v.unknown(),
    v.rawTransform<unknown, T>(({ dataset, addIssue, NEVER }) => {
      const out = read(dataset.value);
      if (out === undefined) {
        addIssue({ message });
        return NEVER;
      }
      return out;
    }),
  );
}

/** Integer field: a number or an integral numeric string. */
export const LaxInt = lax(laxInteger, 'expected an integer');
/** Boolean field: a boolean, `0`/`1`, or `"true"`/`"false"`. */
export const LaxBool = lax(laxBoolean, 'expected a boolean');
/** Date-time field: ISO-8601 (zone-less = UTC) or epoch seconds; the output is a normalised ISO string. */
export const LaxDateTime = lax(laxDateTime, 'expected an ISO-8601 date-time or epoch seconds');
