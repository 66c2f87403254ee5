/**
 * `bragerone` — TypeScript SDK of the BragerOne / TiSConnect heating cloud.
 * Browser-safe entry: no `node:` imports, no side effects at import.
 * @packageDocumentation
 */
export {
  BragerOneError, ApiError, ResponseValidationError, NetworkError, TimeoutError,
  isBragerOneError, isApiError, isNetworkError, isTimeoutError, isExpectedUpstreamUnavailable,
} from './errors.js';
export type { ValidationIssue } from './errors.js';
export { BRAGERONE_SERVER, TISCONNECT_SERVER, defineServer, relayServer, serverFor } from './server.js';
export type { ServerConfig, ServerInit, Platform } from './server.js';
export type { Logger, LogLevel, ResolvedLogger } from './log.js';
export { MemoryTokenStore, tokenFromLoginPayload, isTokenExpired, parseStoredToken, serializeToken } from './auth/token.js';
export type { Token, TokenStore } from './auth/token.js';
export type { Credentials } from './auth/session.js';
export { MemoryCacheAdapter } from './cache/memory.js';
export type { MemoryCacheOptions } from './cache/memory.js';
export { HttpCache } from './cache/http-cache.js';
export type { CacheAdapter, CacheEntry } from './cache/types.js';
export type { RequestOptions } from './http/transport.js';
export * from './schemas/index.js';
export { BragerOneApiClient } from './client.js';
export type {
  ClientOptions, Verify, StatusAndData, ModuleCommandArgs, ModuleCommandRawArgs, ModuleCommandAutoArgs, PrimeOptions, WithData, WithoutData,
} from './client.js';
export { LocalStorageTokenStore, IndexedDbTokenStore } from './stores/index.js';
export type { LocalStorageTokenStoreOptions, IndexedDbTokenStoreOptions } from './stores/index.js';
export { IndexedDbCacheAdapter } from './cache/indexeddb.js';
export type { IndexedDbCacheOptions } from './cache/indexeddb.js';
export * from './live/index.js';
export * from './realtime/index.js';
