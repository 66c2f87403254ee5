/**
 * `bragerone` — TypeScript SDK of the BragerOne / TiSConnect heating cloud.
 * Browser-safe entry: no `node:` imports, no side effects at import. Named exports only (nothing from src/internal).
 * @packageDocumentation
 */

// Errors (API.md "Errors"; `CatalogError` is thrown by `bragerone/catalog`, defined here so both share one tree).
export {
  BragerOneError,
  ApiError,
  NotAuthenticatedError,
  ResponseValidationError,
  NetworkError,
  TimeoutError,
  CatalogError,
  isBragerOneError,
  isApiError,
  isNetworkError,
  isTimeoutError,
  isCatalogError,
  isExpectedUpstreamUnavailable,
} from './errors.js';
export type { ValidationIssue, CatalogErrorCode } from './errors.js';

// Servers and logging
export { BRAGERONE_SERVER, TISCONNECT_SERVER, defineServer, relayServer, serverFor } from './server.js';
export type { ServerConfig, ServerInit, Platform } from './server.js';
export type { Logger, LogLevel, ResolvedLogger } from './log.js';

// Tokens and token stores
export { tokenFromLoginPayload, isTokenExpired, parseStoredToken, serializeToken } from './auth/token.js';
export type { Token, TokenStore } from './auth/token.js';
export type { Credentials } from './auth/session.js';
export { MemoryTokenStore } from './stores/memory.js';
export { LocalStorageTokenStore } from './stores/local-storage.js';
export type { LocalStorageTokenStoreOptions } from './stores/local-storage.js';
export { IndexedDbTokenStore } from './stores/indexeddb.js';
export type { IndexedDbTokenStoreOptions } from './stores/indexeddb.js';

// HTTP cache
export { HttpCache } from './cache/http-cache.js';
export { isCacheEntry } from './cache/types.js';
export type { CacheAdapter, CacheEntry } from './cache/types.js';
export { MemoryCacheAdapter } from './cache/memory.js';
export type { MemoryCacheOptions } from './cache/memory.js';
export { IndexedDbCacheAdapter } from './cache/indexeddb.js';
export type { IndexedDbCacheOptions } from './cache/indexeddb.js';

// REST client and response schemas
export type { RequestOptions } from './http/transport.js';
export { BragerOneApiClient, CLIENT_DEFAULTS } from './client.js';
export type {
  ClientOptions,
  Verify,
  StatusAndData,
  ModuleCommandArgs,
  ModuleCommandRawArgs,
  ModuleCommandAutoArgs,
  PrimeOptions,
  WithData,
  WithoutData,
} from './client.js';
export {
  UserSchema,
  PermissionSchema,
  BragerObjectSchema,
  ObjectDetailsSchema,
  ModuleGatewaySchema,
  ModuleSchema,
  ModuleCardSchema,
  SystemVersionSchema,
  AuthResponseSchema,
} from './schemas/index.js';
export type {
  User,
  Permission,
  BragerObject,
  ObjectDetails,
  ModuleGateway,
  Module,
  ModuleCard,
  SystemVersion,
  AuthResponse,
} from './schemas/index.js';

// Realtime
export {
  RealtimeManager,
  REALTIME_DEFAULTS,
  loadSocketIoClient,
  MODULE_CONNECTION_STATUS_CHANGED,
  MODULE_MEMORY_UPDATED,
} from './realtime/manager.js';
export type { RealtimeManagerOptions, RealtimeState, TokenRequest } from './realtime/manager.js';

// Live state: event bus, parameter store, payload helpers, gateway
export { EventBus, DEFAULT_ITERATOR_CAPACITY } from './live/event-bus.js';
export type { ParamUpdate, ParamUpdateIterator, EventBusOptions, EventBusSubscribeOptions } from './live/event-bus.js';
export { ParamStore } from './live/param-store.js';
export type { ParamFamily, ParamStoreOptions, ParamChangeListener, ParamSnapshotListener } from './live/param-store.js';
export { flattenParamPayload, walkParamPayload, parseParamKey, normalizePool } from './live/payload.js';
export type { ParamEntry, ParamVisitor } from './live/payload.js';
export { BragerOneGateway, GATEWAY_DEFAULTS } from './live/gateway.js';
export type {
  GatewayOptions,
  GatewayFromCredentialsOptions,
  GatewayState,
  PollScheduler,
  CloudSessionConnectivity,
} from './live/gateway.js';
export type { ModuleConnectivity } from './live/connectivity.js';
