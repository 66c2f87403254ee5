/**
 * The catalog's model layer: from parsed asset JSON to meaning (CATALOG.md §2, §3). Pure and synchronous.
 */
export * from './address.js';
export * from './context.js';
export * from './i18n.js';
export * from './json.js';
export * from './menu.js';
export * from './panels.js';
export * from './param-map.js';
export * from './regex.js';
export * from './resolve.js';
export * from './rules.js';
export * from './selectors.js';
export * from './status.js';
export * from './transform.js';
export * from './types.js';
export * from './units.js';
export * from './write.js';
