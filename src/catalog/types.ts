/**
 * Shared data model of the catalog (CATALOG.md §2). Everything here is plain JSON after parsing:
 * the parse layer (`parse/`) produces it from asset text, the model layer (`model/`) reads it,
 * and a snapshot (`Catalog.toJSON()`) stores it. Objects built from asset text are created with
 * `Object.create(null)` (CATALOG.md §5, prototype pollution).
 */

/** A JSON value produced by the static evaluator: source text of anything not evaluated is a string. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A JSON object (null-prototype when built from asset text). */
export interface JsonObject {
  [key: string]: Json;
}

/** One chunk found in the index text (CATALOG.md §1.3). */
export interface AssetRef {
  /** Absolute URL, confined to the one base origin. */
  url: string;
  /** Basename: `module.menu`, `PARAM_66`, `units`, `0`. */
  base: string;
  /** Hash part: `B60xPU0K`. */
  hash: string;
}

/** One entry of the i18n import map (CATALOG.md §1.5). */
export interface I18nImport {
  /** Language directory as written in the path (lower-cased for lookup). */
  lang: string;
  /** Namespace as written in the path (`parameters`, `diodeState`). */
  namespace: string;
  /** The captured import file name without `./`, e.g. `parameters-ABC123.js`. */
  file: string;
}

/** The language configuration object of the index (CATALOG.md §1.6). */
export interface LanguageConfig {
  translations: JsonObject[];
  defaultTranslation: string;
}

/** Everything derived from the index (CATALOG.md §2.1). */
export interface AssetIndex {
  /** URL of the loaded index. */
  indexUrl: string;
  /** File name of the index, e.g. `index-Ab12Cd.js` (part of the fingerprint). */
  indexName: string;
  /** basename → assets, in registration order (lookup by basename takes the last). */
  assets: Record<string, AssetRef[]>;
  /** deviceMenu (decimal string) → `"<base>-<hash>"` (CATALOG.md §1.4). */
  menuMap: Record<string, string>;
  /** The i18n import map (CATALOG.md §1.5). */
  i18nImports: I18nImport[];
  /** The language configuration, or null when none was found. */
  languageConfig: LanguageConfig | null;
  /** Unit code (decimal string) → descriptor `{text?, value?, valuePrepare?, options?, colors?}` (CATALOG.md §1.7). */
  unitDescriptors: Record<string, JsonObject>;
  /** Symbol → raw param-map object from the index token walk (CATALOG.md §1.8 a). */
  inlineMaps: Record<string, JsonObject>;
}

/** Where a param map came from (CATALOG.md §1.8). */
export type MapOrigin =
  | `asset:${string}`
  | 'inline:index-token'
  | 'inline:index'
  | `inline:index[${number}]`
  | 'inline:index-full';
