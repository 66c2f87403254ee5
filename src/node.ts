/**
 * `bragerone/node` — everything of `bragerone` plus the Node-only file token store and cache adapter.
 * @packageDocumentation
 */
export * from './index.js';
export { FileTokenStore, defaultTokenPath } from './stores/file.js';
export type { FileTokenStoreOptions } from './stores/file.js';
export { FileCacheAdapter } from './cache/file.js';
export type { FileCacheOptions } from './cache/file.js';
