/**
 * The serializable state of a catalog (CATALOG.md §3.11 [SIM]): the parsed index, the menus, i18n namespaces
 * and param maps loaded so far, and the compiled unit transforms. Plain JSON, no functions: `Catalog.toJSON()`
 * returns it and `loadCatalog({ snapshot })` / the client's `CacheAdapter` bring it back.
 *
 * Stored form (one cache entry): `<state JSON>\n<inline maps JSON>`. The inline maps of the index are ~90 % of a
 * snapshot and only read on an inline lookup miss, so a warm load parses the small first part and keeps the second
 * as bytes, parsed on first use ({@link deferInlineMaps}).
 */
import type { CacheAdapter } from '../cache/types.js';
import type { InlineFallback } from './parse/index.js';
import type { AssetIndex, Json, JsonObject, MapOrigin } from './types.js';

/** Bumped whenever the parser or the snapshot shape changes: older snapshots are then ignored. */
export const SNAPSHOT_SCHEMA = 2;

/** One symbol's raw param map with its origin, or `null` for a symbol found nowhere. */
export type StoredMap = { raw: JsonObject; origin: MapOrigin } | null;

/** What a catalog knows; everything a second process needs to answer without re-parsing. */
export interface CatalogState {
  schema: number;
  /** `<system version>|index-<hash>.js`. */
  fingerprint: string;
  /** The one base the assets came from. */
  oneBase: string;
  /** The parsed index. */
  index: AssetIndex;
  /** language → namespace (lower-case) → tree. */
  i18n: Record<string, Record<string, JsonObject>>;
  /** deviceMenu → converted root value of its menu chunk (`null` when the menu has none). */
  menus: Record<string, Json>;
  /** symbol → raw map (or `null`: looked up, not found). */
  maps: Record<string, StoredMap>;
  /** unit code → compiled transform of its descriptor's `value` (data, never code). */
  transforms: Record<string, Json>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_DEPTH = 400;

/** Re-creates a JSON tree with null-prototype objects, so keys such as `__proto__` stay plain data. */
export function inert(v: unknown, depth = 0): Json {
  if (depth > MAX_DEPTH) return null;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map((x) => inert(x, depth + 1));
  if (isObj(v)) {
    const o: JsonObject = Object.create(null);
    for (const k of Object.keys(v)) o[k] = inert(v[k], depth + 1);
    return o;
  }
  return null;
}

/**
 * Makes a tree fresh from `JSON.parse` inert in place: every object loses its prototype (a `__proto__` key is an own
 * data property after `JSON.parse`, and stays one), values deeper than {@link inert}'s limit become `null`. No copy.
 */
function inertInPlace(v: unknown, depth: number): Json {
  if (typeof v !== 'object' || v === null) return v as Json;
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = inertInPlace(v[i], depth + 1);
    return v as Json[];
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  Object.setPrototypeOf(o, null);
  for (const k of keys) o[k] = inertInPlace(o[k], depth + 1);
  return o as JsonObject;
}

/** `JSON.parse` with null-prototype objects (one parse, one in-place walk). Throws on invalid JSON. */
export function parseInert(text: string): Json {
  return inertInPlace(JSON.parse(text), 0);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The encoded inline maps of an index (stored or loaded form); kept so that a flush never serializes them again. */
const inlineBytes = new WeakMap<AssetIndex, Uint8Array>();

/**
 * Replaces `index.inlineMaps` by a property parsed from `bytes` (the stored JSON) on first read: a warm load that
 * never misses a map never parses them. Unparsable bytes read as no inline maps.
 */
export function deferInlineMaps(index: AssetIndex, bytes: Uint8Array): void {
  inlineBytes.set(index, bytes);
  const settle = (value: AssetIndex['inlineMaps']) => {
    Object.defineProperty(index, 'inlineMaps', { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(index, 'inlineMaps', {
    enumerable: true,
    configurable: true,
    get() {
      let maps: unknown = null;
      try {
        maps = parseInert(decoder.decode(bytes));
      } catch {}
      return settle(
        isObj(maps) ? (maps as AssetIndex['inlineMaps']) : (Object.create(null) as AssetIndex['inlineMaps']),
      );
    },
    set(value: AssetIndex['inlineMaps']) {
      inlineBytes.delete(index);
      settle(value);
    },
  });
}

/** The stored form of a state: the state without its inline maps, and the inline maps (already encoded when known). */
function encodeParts(state: CatalogState): { main: Uint8Array; inline: Uint8Array } {
  const idx = state.index;
  let inline = inlineBytes.get(idx);
  if (!inline) {
    inline = encoder.encode(JSON.stringify(idx.inlineMaps)); // never changed after the parse: encoded once
    inlineBytes.set(idx, inline);
  }
  // Copied key by key: a spread would read (and so parse) deferred inline maps.
  const index: Record<string, unknown> = {};
  for (const k of Object.keys(idx)) if (k !== 'inlineMaps') index[k] = idx[k as keyof AssetIndex];
  index.inlineMaps = inline.byteLength;
  const main = encoder.encode(JSON.stringify({ ...state, index }));
  return { main, inline };
}

/** Reads the stored form back; `null` when it is not one of ours or was written by another schema. */
function decodeParts(main: Uint8Array, inline: Uint8Array): CatalogState | null {
  if (inline.byteLength < 2 || inline[0] !== 0x7b || inline[inline.byteLength - 1] !== 0x7d) return null;
  const value = parseInert(decoder.decode(main));
  if (!isObj(value) || !isObj(value.index) || value.index.inlineMaps !== inline.byteLength) return null;
  value.index.inlineMaps = Object.create(null) as JsonObject; // checked below, then deferred
  const state = checkState(value);
  if (state) deferInlineMaps(state.index, inline);
  return state;
}

/** Checks the outer shape of a state. */
function checkState(value: unknown): CatalogState | null {
  if (!isObj(value) || value.schema !== SNAPSHOT_SCHEMA) return null;
  const { fingerprint, oneBase, index, i18n, menus, maps, transforms } = value;
  if (typeof fingerprint !== 'string' || typeof oneBase !== 'string') return null;
  if (!isObj(index) || typeof index.indexUrl !== 'string' || typeof index.indexName !== 'string') return null;
  if (!isObj(index.assets) || !isObj(index.menuMap) || !Array.isArray(index.i18nImports)) return null;
  if (!isObj(index.unitDescriptors) || !isObj(index.inlineMaps)) return null;
  if (!isObj(i18n) || !isObj(menus) || !isObj(maps) || !isObj(transforms)) return null;
  return value as unknown as CatalogState;
}

/**
 * Checks the outer shape of a snapshot object (from a user or a file) and returns an inert copy of it (the caller's
 * object is never aliased), or `null` when it is not one of ours or was written by another schema.
 */
export function readState(value: unknown): CatalogState | null {
  return checkState(value) ? (inert(value) as unknown as CatalogState) : null;
}

/**
 * A freshly parsed state and fallback detached from the index text: strings the parser kept are slices of the
 * (multi-megabyte) text and keep all of it alive. The state goes through its stored form once (the inline maps stay
 * encoded until first read); the fallback becomes JSON text for {@link unpackFallback}.
 */
export function detachParsed(state: CatalogState, fallback: InlineFallback): { state: CatalogState; fallback: string } {
  const { main, inline } = encodeParts(state);
  const fresh = decodeParts(main, inline) ?? state;
  return { state: fresh, fallback: packFallback(fallback) };
}

/** The fallback as JSON text (`root` as an index when it is one of the candidates, as {@link lookupInline} checks). */
export function packFallback(fb: InlineFallback): string {
  const at = fb.root === null ? -1 : fb.candidates.indexOf(fb.root);
  return JSON.stringify({ candidates: fb.candidates, rootAt: at, root: at >= 0 ? null : fb.root });
}

/** Reads {@link packFallback}'s text back (inert objects; nothing usable on a bad text). */
export function unpackFallback(text: string): InlineFallback {
  try {
    const v = parseInert(text);
    if (isObj(v) && Array.isArray(v.candidates)) {
      const candidates = v.candidates as Json[];
      const at = typeof v.rootAt === 'number' ? v.rootAt : -1;
      return { candidates, root: at >= 0 && at < candidates.length ? candidates[at]! : ((v.root ?? null) as Json) };
    }
  } catch {}
  return { candidates: [], root: null };
}

/** Cache key of the stored snapshot for one base (hashed by file adapters, so any text is fine). */
export function snapshotKey(oneBase: string): string {
  return `bragerone-catalog:v${SNAPSHOT_SCHEMA}:${oneBase}`;
}

/** Loads the stored snapshot; any failure is "nothing stored". */
export async function loadStoredState(
  adapter: CacheAdapter | undefined,
  oneBase: string,
): Promise<CatalogState | null> {
  if (!adapter) return null;
  try {
    const entry = await adapter.get(snapshotKey(oneBase));
    if (!entry) return null;
    const body = entry.body;
    const nl = body.indexOf(0x0a); // JSON.stringify never writes a raw line feed
    if (nl < 0) return null;
    return decodeParts(body.subarray(0, nl), body.slice(nl + 1));
  } catch {
    return null;
  }
}

/** Stores the snapshot; failures are reported to the caller's logger, never thrown. */
export async function storeState(adapter: CacheAdapter | undefined, state: CatalogState): Promise<void> {
  if (!adapter) return;
  const { main, inline } = encodeParts(state);
  const body = new Uint8Array(main.byteLength + 1 + inline.byteLength);
  body.set(main, 0);
  body[main.byteLength] = 0x0a;
  body.set(inline, main.byteLength + 1);
  await adapter.set(snapshotKey(state.oneBase), { etag: null, lastModified: null, body });
}
