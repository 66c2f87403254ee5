/**
 * `bragerone/node` — everything of `bragerone` plus the Node-only file token store and cache adapter.
 * The list below repeats src/index.ts name by name (no `export *`); scripts/check-design.mjs keeps the two in step.
 * @packageDocumentation
 */
export {
  BragerOneError, ApiError, NotAuthenticatedError, ResponseValidationError, NetworkError, TimeoutError, CatalogError,
  isBragerOneError, isApiError, isNetworkError, isTimeoutError, isCatalogError, isExpectedUpstreamUnavailable,
  BRAGERONE_SERVER, TISCONNECT_SERVER, defineServer, relayServer, serverFor, tokenFromLoginPayload, isTokenExpired,
  parseStoredToken, serializeToken, MemoryTokenStore, LocalStorageTokenStore, IndexedDbTokenStore, HttpCache,
  isCacheEntry, MemoryCacheAdapter, IndexedDbCacheAdapter, BragerOneApiClient, CLIENT_DEFAULTS, UserSchema,
  PermissionSchema, BragerObjectSchema, ObjectDetailsSchema, ModuleGatewaySchema, ModuleSchema, ModuleCardSchema,
  SystemVersionSchema, AuthResponseSchema, RealtimeManager, REALTIME_DEFAULTS, loadSocketIoClient,
  MODULE_CONNECTION_STATUS_CHANGED, MODULE_MEMORY_UPDATED, EventBus, DEFAULT_ITERATOR_CAPACITY, ParamStore,
  flattenParamPayload, walkParamPayload, parseParamKey, normalizePool, BragerOneGateway, GATEWAY_DEFAULTS,
} from './index.js';
export type {
  ValidationIssue, CatalogErrorCode, ServerConfig, ServerInit, Platform, Logger, LogLevel, ResolvedLogger, Token,
  TokenStore, Credentials, LocalStorageTokenStoreOptions, IndexedDbTokenStoreOptions, CacheAdapter, CacheEntry,
  MemoryCacheOptions, IndexedDbCacheOptions, RequestOptions, ClientOptions, Verify, StatusAndData, ModuleCommandArgs,
  ModuleCommandRawArgs, ModuleCommandAutoArgs, PrimeOptions, WithData, WithoutData, User, Permission, BragerObject,
  ObjectDetails, ModuleGateway, Module, ModuleCard, SystemVersion, AuthResponse, RealtimeManagerOptions,
  RealtimeState, TokenRequest, ParamUpdate, ParamUpdateIterator, EventBusOptions, EventBusSubscribeOptions,
  ParamFamily, ParamStoreOptions, ParamChangeListener, ParamSnapshotListener, ParamEntry, ParamVisitor,
  GatewayOptions, GatewayFromCredentialsOptions, GatewayState, PollScheduler, CloudSessionConnectivity, ModuleConnectivity,
} from './index.js';
export { FileTokenStore, defaultTokenPath } from './stores/file.js';
export type { FileTokenStoreOptions } from './stores/file.js';
export { FileCacheAdapter } from './cache/file.js';
export type { FileCacheOptions } from './cache/file.js';
