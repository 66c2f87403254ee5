/**
 * Browser-safe token stores. `FileTokenStore` (Node only) lives in `./file.js` and is exported from `bragerone/node`.
 * `MemoryTokenStore` is defined with the token model in `../auth/token.js` and re-exported here for convenience.
 */
export { MemoryTokenStore } from '../auth/token.js';
export { IndexedDbTokenStore, type IndexedDbTokenStoreOptions } from './indexeddb.js';
export { LocalStorageTokenStore, type LocalStorageTokenStoreOptions } from './local-storage.js';
