/** Socket.IO realtime session (socket.io-client is loaded lazily on the first connect). */
export {
  RealtimeManager,
  loadSocketIoClient,
  MODULE_CONNECTION_STATUS_CHANGED,
  MODULE_MEMORY_UPDATED,
} from './manager.js';
export type { RealtimeManagerOptions, RealtimeState, TokenRequest } from './manager.js';
