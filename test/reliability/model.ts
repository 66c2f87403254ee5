/**
 * Reference model of parameter payloads, written from PROTOCOL.md §4.10/§5.1 with regular expressions (independent of
 * the SDK's hand-rolled scanners). Used by the fuzz properties and the gateway fuzz as the oracle.
 */

export const POOL_RE = /^(?:[Pp](\d{1,12})|(\d{1,13}))$/;
export const CHAN_RE = /^([A-Za-z])(\d{1,12})$/;
export const isRec = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

export function refPool(raw: string): string | null {
  const m = POOL_RE.exec(raw);
  if (!m) return null;
  return raw.startsWith('P') ? raw : `P${m[1] ?? m[2]}`;
}

export function refKey(key: string): { pool: string; chan: string; idx: number } | null {
  const dot = key.indexOf('.');
  if (dot <= 0) return null;
  const pool = refPool(key.slice(0, dot));
  const m = CHAN_RE.exec(key.slice(dot + 1));
  if (pool === null || !m) return null;
  return { pool, chan: m[1] as string, idx: Number(m[2]) };
}

export interface RefEntry {
  devid: string;
  pool: string;
  chan: string;
  idx: number;
  value: unknown;
  meta: Record<string, unknown>;
  /** The body was an object (its keys are metadata), not a bare value. */
  objBody: boolean;
}

export function refEntries(payload: unknown, only?: string): RefEntry[] {
  const out: RefEntry[] = [];
  if (!isRec(payload)) return out;
  const devids = only === undefined ? Object.keys(payload) : Object.hasOwn(payload, only) ? [only] : [];
  for (const devid of devids) {
    const mod = payload[devid];
    if (!isRec(mod)) continue;
    for (const rawPool of Object.keys(mod)) {
      const entries = mod[rawPool];
      const pool = refPool(rawPool);
      if (!isRec(entries) || pool === null) continue;
      for (const rawKey of Object.keys(entries)) {
        const m = CHAN_RE.exec(rawKey);
        if (!m) continue;
        const body = entries[rawKey];
        const meta: Record<string, unknown> = {};
        if (isRec(body))
          for (const k of Object.keys(body))
            if (k !== 'value')
              Object.defineProperty(meta, k, { value: body[k], enumerable: true, writable: true, configurable: true });
        out.push({
          devid,
          pool,
          chan: m[1] as string,
          idx: Number(m[2]),
          value: isRec(body) ? (Object.hasOwn(body, 'value') ? body.value : undefined) : body,
          meta,
          objBody: isRec(body),
        });
      }
    }
  }
  return out;
}

/** Applies a payload to a flat model; returns the change events a store must report, in order. */
export function refApply(model: Map<string, unknown>, payload: unknown, only?: string): Array<[string, unknown]> {
  const events: Array<[string, unknown]> = [];
  for (const e of refEntries(payload, only)) {
    if (e.value === undefined) continue; // meta-only never clears a value (§9.10)
    const key = `${e.pool}.${e.chan}${e.idx}`;
    if (model.has(key) && Object.is(model.get(key), e.value)) continue;
    model.set(key, e.value);
    events.push([key, e.value]);
  }
  return events;
}

/** Own enumerable entries as a null-prototype record (so `__proto__` stays a plain key). */
export function ownCopy(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(o)) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

export function inheritedKeys(o: object): string[] {
  const out: string[] = [];
  for (const k in o) if (!Object.hasOwn(o, k)) out.push(k);
  return out;
}

export function sameOwn(a: object, b: object): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join('\u0000') !== kb.join('\u0000')) return false;
  if (inheritedKeys(a).length > 0) return false;
  return ka.every(
    (k) => JSON.stringify((a as Record<string, unknown>)[k]) === JSON.stringify((b as Record<string, unknown>)[k]),
  );
}

/** True when any object in the value has an own `__proto__` key (see pending/param-meta-proto.pending.ts). */
export function hasProtoKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasProtoKey);
  if (!isRec(v)) return false;
  return Object.hasOwn(v, '__proto__') || Object.keys(v).some((k) => hasProtoKey(v[k]));
}

export const flatOf = (m: Map<string, unknown>): Record<string, unknown> => Object.fromEntries(m);
export const sameFlat = (a: Record<string, unknown>, b: Record<string, unknown>): boolean => {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && Object.is(a[k], b[k]));
};

export function fail(what: string, detail?: unknown): never {
  throw new Error(`${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}
