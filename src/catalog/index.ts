/**
 * `bragerone/catalog` — what the raw registers mean: parameter names, units, display values, enums, menus and safe
 * writes, parsed statically (never executed) from the official web app's JavaScript assets (API.md, Catalog).
 * Browser, Node and workers. The JS parser is bundled only by apps that import this entry.
 * @packageDocumentation
 */
export { loadCatalog } from './load.js';
export type { LoadCatalogOptions } from './load.js';
export { Catalog } from './catalog.js';
export type { CatalogChange, CatalogHealth, CatalogLanguage, CatalogPanel, CatalogValues } from './catalog.js';
export { CatalogError, isCatalogError } from '../errors.js';
export type { CatalogErrorCode } from '../errors.js';
export type {
  ParameterDescription,
  ResolvedParameter,
  ResolvedDetails,
  DescribedParameter,
  WriteRequest,
  TransformStatus,
} from './model/types.js';
export type { AddressSource } from './model/address.js';
export type { CommandRule, RuleCondition } from './model/param-map.js';
export type { LabelSource } from './model/i18n.js';
export type { Transform } from './model/transform.js';
export type { StatusFlags, VisibilityReason } from './model/status.js';
export type { MenuRoute, MenuParameters, MenuParam, MenuMeta } from './model/menu-model.js';
export type { Json, JsonObject } from './types.js';
export type { RuleContext } from './model/rules.js';
export { ModuleView, createModuleView } from './live.js';
export type {
  LiveParameter,
  LivePanel,
  LiveSource,
  ModuleViewOptions,
  ModuleViewSnapshot,
  WriteOutcome,
} from './live.js';
