/** Live state: event bus, parameter store, payload helpers and the realtime gateway. */
export { EventBus, DEFAULT_ITERATOR_CAPACITY } from './event-bus.js';
export type { ParamUpdate, ParamUpdateIterator, EventBusOptions, EventBusSubscribeOptions } from './event-bus.js';
export { ParamStore } from './param-store.js';
export type { ParamFamily, ParamStoreOptions, ParamChangeListener, ParamSnapshotListener } from './param-store.js';
export { flattenParamPayload, walkParamPayload, parseParamKey, parseChanIdx, normalizePool, metaOf } from './payload.js';
export type { ParamEntry, ParamVisitor } from './payload.js';
export { BragerOneGateway } from './gateway.js';
export type { GatewayOptions, GatewayFromCredentialsOptions, CloudSessionConnectivity } from './gateway.js';
export type { ModuleConnectivity } from './connectivity.js';
