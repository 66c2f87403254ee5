/**
 * The one parser of parameter payloads (`devid → pool → "<chan><idx>" → body | value`, docs/PROTOCOL.md §4.10/§5),
 * shared by {@link ParamStore} and the gateway. Allocation-free per entry: no regexes, closures or spreads.
 */

/** A parameter entry of a prime/delta payload, flattened. */
export interface ParamEntry {
  /** Module code. */
  devid: string;
  /** Pool key, always `P<n>` (a bare `"4"` becomes `"P4"`). */
  pool: string;
  /** Channel: the first character of the wire key (`v`, `s`, `u`, `n`, `x`, …). */
  chan: string;
  /** Decimal index: the rest of the wire key. */
  idx: number;
  /** The value; `undefined` for a meta-only body (`{storable: true}` without `value`). */
  value: unknown;
  /** Metadata: the body's keys except `value`; `{}` for a bare value. */
  meta: Record<string, unknown>;
}

/**
 * Visitor of {@link walkParamPayload}. `key` is the canonical `<chan><idx>` (e.g. `v1`), `value` is
 * `undefined` for a meta-only body, `body` is the object body (or `null` for a bare value).
 */
export type ParamVisitor = (
  devid: string,
  pool: string,
  key: string,
  chan: string,
  idx: number,
  value: unknown,
  body: Record<string, unknown> | null,
) => void;

type Rec = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Longest accepted index (digits); longer keys are junk. */
const MAX_IDX_DIGITS = 12;

/** Parses the decimal index of a `<letter><digits>` key; -1 when malformed. */
export function parseChanIdx(key: string): number {
  const n = key.length;
  if (n < 2 || n > MAX_IDX_DIGITS + 1) return -1;
  const c = key.charCodeAt(0) | 0x20; // ASCII lower-case fold
  if (c < 97 || c > 122) return -1;
  let idx = 0;
  for (let i = 1; i < n; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    idx = idx * 10 + d;
  }
  return idx;
}

/** Normalizes a pool key: `P4` stays, `4` and `p4` become `P4`; anything else → `null`. */
export function normalizePool(pool: string): string | null {
  const n = pool.length;
  if (n === 0 || n > MAX_IDX_DIGITS + 1) return null;
  const c0 = pool.charCodeAt(0);
  const start = c0 === 80 /* P */ || c0 === 112 /* p */ ? 1 : 0;
  if (start === n) return null;
  for (let i = start; i < n; i++) {
    const d = pool.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
  }
  if (c0 === 80) return pool;
  return start === 1 ? `P${pool.slice(1)}` : `P${pool}`;
}

/**
 * Splits an address `P4.v1` (or `4.v1`) into canonical pool, chan and idx. Returns `null` when malformed.
 * Leading zeros of the index are dropped (`P4.v01` → idx 1).
 */
export function parseParamKey(key: string): { pool: string; chan: string; idx: number } | null {
  if (typeof key !== 'string') return null;
  const dot = key.indexOf('.');
  if (dot <= 0) return null;
  const pool = normalizePool(key.slice(0, dot));
  if (pool === null) return null;
  const rest = key.slice(dot + 1);
  const idx = parseChanIdx(rest);
  if (idx < 0) return null;
  return { pool, chan: rest.charAt(0), idx };
}

/**
 * Calls `visit` once per valid entry of a parameter payload (`devid → pool → chanIdx → body|value`).
 * Junk (non-object modules/pools, malformed keys) is skipped. With `onlyDevid`, only that module is read.
 */
export function walkParamPayload(payload: unknown, visit: ParamVisitor, onlyDevid?: string): void {
  if (!isRecord(payload)) return;
  if (onlyDevid !== undefined) {
    if (Object.hasOwn(payload, onlyDevid)) walkModule(onlyDevid, payload[onlyDevid], visit);
    return;
  }
  for (const devid in payload) walkModule(devid, payload[devid], visit);
}

function walkModule(devid: string, mod: unknown, visit: ParamVisitor): void {
  if (!isRecord(mod)) return;
  for (const rawPool in mod) {
    const entries = mod[rawPool];
    if (!isRecord(entries)) continue;
    const pool = normalizePool(rawPool);
    if (pool === null) continue;
    for (const rawKey in entries) {
      const idx = parseChanIdx(rawKey);
      if (idx < 0) continue;
      // Canonical key: drop leading zeros ("v01" → "v1"); the common case reuses the wire string.
      const key = rawKey.length > 2 && rawKey.charCodeAt(1) === 48 ? rawKey.charAt(0) + idx : rawKey;
      const body = entries[rawKey];
      if (isRecord(body)) visit(devid, pool, key, key.charAt(0), idx, body.value, body);
      else visit(devid, pool, key, key.charAt(0), idx, body, null);
    }
  }
}

const EMPTY_META: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Copy of an object body without its `value` key; a shared frozen `{}` for bare values. */
export function metaOf(body: Record<string, unknown> | null): Record<string, unknown> {
  if (body === null) return EMPTY_META;
  const meta: Record<string, unknown> = {};
  let any = false;
  for (const k in body) {
    // `__proto__` as an own key (JSON.parse makes one) would set the prototype instead of a key: skip it.
    if (k === 'value' || k === '__proto__' || !Object.hasOwn(body, k)) continue;
    meta[k] = body[k];
    any = true;
  }
  return any ? meta : EMPTY_META;
}

/** Flattens a prime/delta payload into {@link ParamEntry} rows (payload order). */
export function flattenParamPayload(payload: unknown, opts: { devid?: string } = {}): ParamEntry[] {
  const out: ParamEntry[] = [];
  walkParamPayload(
    payload,
    (devid, pool, _key, chan, idx, value, body) => {
      out.push({ devid, pool, chan, idx, value, meta: metaOf(body) });
    },
    opts.devid,
  );
  return out;
}
