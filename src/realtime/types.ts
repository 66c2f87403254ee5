import type { Verify } from '../options.js';
/** Public constants and types of the realtime layer (no runtime dependencies). */

import type { Logger, LogLevel } from '../log.js';

/** `app:module:connection:status:changed` — module ↔ cloud link changed (docs/PROTOCOL.md §6.5). */
export const MODULE_CONNECTION_STATUS_CHANGED = 'app:module:connection:status:changed';
/** `22` — module memory updated; re-prime that module (docs/PROTOCOL.md §6.5). */
export const MODULE_MEMORY_UPDATED = '22';
/** Numeric event ids forwarded under their names (each event reaches a handler once, under its name). */
export const NUMERIC_EVENT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  '60': 'app:module:task:status:changed',
  '61': 'app:module:task:created',
  '63': 'app:module:task:completed',
});

/** Lifecycle state of a `RealtimeManager`. */
export type RealtimeState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * Default option values of `RealtimeManager`: the one place they are written (the option docs name the field here).
 * Durations in milliseconds.
 */
export const REALTIME_DEFAULTS = /* @__PURE__ */ Object.freeze({
  /** Socket.IO path. */
  socketPath: '/socket.io',
  /** Socket.IO namespace. */
  namespace: '/ws',
  /** Hard limit of one connect attempt (handshake + namespace join), milliseconds. */
  connectTimeout: 20_000,
  /** Supervisor cadence and longest reconnect backoff, milliseconds. */
  supervisorInterval: 15_000,
  /** First delay of the prompt reconnect after a drop, milliseconds. */
  reconnectDelay: 500,
} as const);

/** Options of `RealtimeManager`. Durations in milliseconds; defaults in {@link REALTIME_DEFAULTS}. */
export interface RealtimeManagerOptions {
  /** Access token for the first connect. */
  token: string;
  /**
   * Returns a fresh token before every reconnect (bounded by `connectTimeout`; on failure the last token is
   * reused). The optional hint tells whether the server refused the last handshake as unauthorized, so the
   * provider should log in again instead of returning a cached token.
   */
  tokenProvider?: (hint?: { rejected: boolean }) => Promise<string>;
  /** io base. Default: BragerOne. */
  ioBase?: string;
  /** `Origin` handshake header (Node). Default: BragerOne's one base, or `ioBase` when that is given. */
  origin?: string;
  /** TLS verification of the handshake in Node (the client's `verify`): `false`, a CA bundle path or options. */
  verify?: Verify;
  /** `Referer` handshake header (Node). Default: `origin + '/'`. */
  referer?: string;
  /** Socket.IO path (`ServerConfig.socketPath`). @default REALTIME_DEFAULTS.socketPath */
  socketPath?: string;
  /** Namespace (`ServerConfig.wsNamespace`). @default REALTIME_DEFAULTS.namespace */
  namespace?: string;
  /** Hard limit of one connect attempt (handshake + namespace join), in milliseconds. @default REALTIME_DEFAULTS.connectTimeout */
  connectTimeout?: number;
  /** Supervisor cadence, in milliseconds. @default REALTIME_DEFAULTS.supervisorInterval */
  supervisorInterval?: number;
  /**
   * First delay of the prompt reconnect after a drop, in milliseconds (doubles per failure, capped at `supervisorInterval`).
   * @default REALTIME_DEFAULTS.reconnectDelay
   */
  reconnectDelay?: number;
  /** `x-appversion` handshake header (Node). Default: `BRAGERONE_SERVER.appVersion` (the gateway passes its server's). */
  appVersion?: string;
  /** `Accept-Language` handshake header (Node). Default: `BRAGERONE_SERVER.acceptLanguage` (the gateway passes its server's). */
  acceptLanguage?: string;
  /** Object id sent as `group_id` in the listen emits. Default `null`. */
  groupId?: number | null;
  /** `'auto'` (default) detects a browser/worker; `'browser'` forces polling-first + `auth` payload. */
  environment?: 'auto' | 'node' | 'browser';
  /** Console-like logger; default `console`. A resolved SDK logger (e.g. `api.logger`) is used as is. */
  logger?: Logger;
  /** Minimum level logged; default `'warn'`. */
  logLevel?: LogLevel;
}

/** Hint passed to {@link RealtimeManagerOptions.tokenProvider}. */
export interface TokenRequest {
  /** The last handshake was refused with 401/403: the current token is not accepted any more. */
  rejected: boolean;
}
