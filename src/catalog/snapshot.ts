/**
 * The serializable state of a catalog (CATALOG.md §3.11 [SIM]): the parsed index, the menus, i18n namespaces
 * and param maps loaded so far, and the compiled unit transforms. Plain JSON, no functions: `Catalog.toJSON()`
 * returns it and `loadCatalog({ snapshot })` / the client's `CacheAdapter` bring it back.
 */
import type { CacheAdapter } from '../cache/types.js';
import type { AssetIndex, Json, JsonObject, MapOrigin } from './types.js';

/** Bumped whenever the parser or the snapshot shape changes: older snapshots are then ignored. */
export const SNAPSHOT_SCHEMA = 1;

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

/** Re-creates a JSON tree with null-prototype objects, so keys such as `__proto__` stay plain data. */
export function inert(v: unknown, depth = 0): Json {
  if (depth > 400) return null;
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
 * Checks the outer shape of a snapshot (from a user, a file or IndexedDB) and returns it with inert objects,
 * or `null` when it is not one of ours or was written by another schema.
 */
export function readState(value: unknown): CatalogState | null {
  if (!isObj(value) || value.schema !== SNAPSHOT_SCHEMA) return null;
  const { fingerprint, oneBase, index, i18n, menus, maps, transforms } = value;
  if (typeof fingerprint !== 'string' || typeof oneBase !== 'string') return null;
  if (!isObj(index) || typeof index.indexUrl !== 'string' || typeof index.indexName !== 'string') return null;
  if (!isObj(index.assets) || !isObj(index.menuMap) || !Array.isArray(index.i18nImports)) return null;
  if (!isObj(index.unitDescriptors) || !isObj(index.inlineMaps)) return null;
  if (!isObj(i18n) || !isObj(menus) || !isObj(maps) || !isObj(transforms)) return null;
  const clean = inert(value) as unknown as CatalogState;
  return clean;
}

/** Cache key of the stored snapshot for one base (hashed by file adapters, so any text is fine). */
export function snapshotKey(oneBase: string): string {
  return `bragerone-catalog:v${SNAPSHOT_SCHEMA}:${oneBase}`;
}

/** Loads the stored snapshot; any failure is "nothing stored". */
export async function loadStoredState(adapter: CacheAdapter | undefined, oneBase: string): Promise<CatalogState | null> {
  if (!adapter) return null;
  try {
    const entry = await adapter.get(snapshotKey(oneBase));
    if (!entry) return null;
    return readState(JSON.parse(new TextDecoder().decode(entry.body)));
  } catch {
    return null;
  }
}

/** Stores the snapshot; failures are reported to the caller's logger, never thrown. */
export async function storeState(adapter: CacheAdapter | undefined, state: CatalogState): Promise<void> {
  if (!adapter) return;
  const body = new TextEncoder().encode(JSON.stringify(state));
  await adapter.set(snapshotKey(state.oneBase), { etag: null, lastModified: null, body });
}
