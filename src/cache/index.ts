/** Browser-safe HTTP cache pieces. `FileCacheAdapter` (Node only) lives in `./file.js` and is exported from `bragerone/node`. */
export { HttpCache } from './http-cache.js';
export { IndexedDbCacheAdapter, type IndexedDbCacheOptions } from './indexeddb.js';
export { MemoryCacheAdapter, type MemoryCacheOptions } from './memory.js';
export { type CacheAdapter, type CacheEntry, isCacheEntry } from './types.js';
