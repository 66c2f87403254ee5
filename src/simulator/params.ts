import type { JsonObject, JsonValue, ParamBody, PoolsInit } from './types.js';

/** One stored parameter entry. `value === undefined` means meta-only. */
interface Entry {
  /** Served as a bare scalar in prime payloads (like `n1`/`x1`). */
  scalar: boolean;
  value: JsonValue | undefined;
  meta: JsonObject;
}

/** Address of one parameter: pool key (`P4`) and channel+index key (`v1`). */
export interface ParamAddress {
  pool: string;
  chanIdx: string;
}

const CHAN_IDX = /^[A-Za-z]\d+$/;

/** Parses `P4.v1` (or `4.v1`) into a {@link ParamAddress}; `null` when malformed. */
export function parseKey(key: string): ParamAddress | null {
  const dot = key.indexOf('.');
  if (dot <= 0) return null;
  let pool = key.slice(0, dot);
  const chanIdx = key.slice(dot + 1);
  if (/^\d+$/.test(pool)) pool = `P${pool}`;
  if (!/^P\d+$/.test(pool) || !CHAN_IDX.test(chanIdx)) return null;
  return { pool, chanIdx };
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Mutable parameter state of one module. */
export class ParamState {
  readonly #pools = new Map<string, Map<string, Entry>>();

  /** Builds the state from a prime-shaped tree (bodies are copied). */
  constructor(init: PoolsInit) {
    for (const [pool, chans] of Object.entries(init)) {
      const map = new Map<string, Entry>();
      for (const [chanIdx, body] of Object.entries(chans)) map.set(chanIdx, toEntry(body));
      this.#pools.set(pool, map);
    }
  }

  /** Whether the address exists (with or without a value). */
  has(addr: ParamAddress): boolean {
    return this.#pools.get(addr.pool)?.has(addr.chanIdx) ?? false;
  }

  /** Current value; `undefined` when absent or meta-only. */
  get(addr: ParamAddress): JsonValue | undefined {
    return this.#pools.get(addr.pool)?.get(addr.chanIdx)?.value;
  }

  /**
   * Why a controller would refuse writing `value` to `addr`, or `null` when it takes it: not a number (a boolean is
   * taken only where the current value is a boolean), or outside the family's limits (`n<idx>`/`x<idx>` in the
   * same pool, e.g. `n8`/`x8` for `v8`).
   */
  refusesWrite(addr: ParamAddress, value: unknown): string | null {
    const current = this.get(addr);
    if (typeof value === 'boolean') return typeof current === 'boolean' ? null : 'Value is not a number';
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'Value is not a number';
    const idx = addr.chanIdx.slice(1);
    const lo = this.get({ pool: addr.pool, chanIdx: `n${idx}` });
    const hi = this.get({ pool: addr.pool, chanIdx: `x${idx}` });
    if ((typeof lo === 'number' && value < lo) || (typeof hi === 'number' && value > hi)) return 'Value out of range';
    return null;
  }

  /** Numeric value or `fallback`. */
  num(key: string, fallback: number): number {
    const addr = parseKey(key);
    const v = addr ? this.get(addr) : undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  }

  /**
   * Stores a value and returns the delta body to push (`{value, updatedAt, storable?}`),
   * or `null` when the value did not change. Creates the entry when missing.
   */
  set(addr: ParamAddress, value: JsonValue, nowSec: number, force = false): JsonObject | null {
    let pool = this.#pools.get(addr.pool);
    if (!pool) {
      pool = new Map();
      this.#pools.set(addr.pool, pool);
    }
    let entry = pool.get(addr.chanIdx);
    if (!entry) {
      entry = { scalar: false, value: undefined, meta: { storable: true, createdAt: nowSec } };
      pool.set(addr.chanIdx, entry);
    }
    if (!force && entry.value !== undefined && JSON.stringify(entry.value) === JSON.stringify(value)) return null;
    entry.value = value;
    if (!entry.scalar) entry.meta.updatedAt = nowSec;
    const delta: JsonObject = { value, updatedAt: nowSec };
    if (entry.meta.storable !== undefined) delta.storable = entry.meta.storable;
    return delta;
  }

  /** Prime-shaped copy of the whole state. */
  toPayload(): PoolsInit {
    const out: PoolsInit = {};
    for (const [pool, chans] of this.#pools) {
      const p: Record<string, ParamBody> = {};
      for (const [chanIdx, e] of chans) {
        if (e.scalar && e.value !== undefined) p[chanIdx] = e.value as ParamBody;
        else {
          const body: JsonObject = {};
          if (e.value !== undefined) body.value = e.value;
          Object.assign(body, structuredClone(e.meta));
          p[chanIdx] = body;
        }
      }
      out[pool] = p;
    }
    return out;
  }

  /** Flat `{ 'P4.v1': value }` map without meta-only entries. */
  values(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const [pool, chans] of this.#pools) {
      for (const [chanIdx, e] of chans) if (e.value !== undefined) out[`${pool}.${chanIdx}`] = e.value;
    }
    return out;
  }
}

function toEntry(body: ParamBody): Entry {
  if (!isObject(body)) return { scalar: true, value: body, meta: {} };
  const { value, ...meta } = structuredClone(body);
  return { scalar: false, value, meta };
}

/** Adds `storable`, `createdAt`, `updatedAt` to every object entry that has a `value` and lacks them. */
export function withMeta(pools: PoolsInit, createdAt: number, updatedAt: number): PoolsInit {
  const out: PoolsInit = {};
  for (const [pool, chans] of Object.entries(pools)) {
    const p: Record<string, ParamBody> = {};
    for (const [k, body] of Object.entries(chans)) {
      p[k] = isObject(body) && 'value' in body ? { storable: true, createdAt, updatedAt, ...body } : body;
    }
    out[pool] = p;
  }
  return out;
}
