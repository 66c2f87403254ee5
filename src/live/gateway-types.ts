/** Option and event types of the gateway, and its defaults table. */

import type { TokenStore } from '../auth/token.js';
import type { BragerOneApiClient, ClientOptions } from '../client.js';
import type { Logger } from '../log.js';
import type { RealtimeManager } from '../realtime/manager.js';
import type { ServerConfig } from '../server.js';
import type { PollScheduler } from './self-heal.js';

/**
 * Lifecycle state of a `BragerOneGateway`:
 * - `idle`: constructed, or a failed `start()` cleaned up (it may be retried);
 * - `connecting`: `start()` runs and the socket session is not up (token, handshake, first prime);
 * - `binding`: `start()` runs and the session is up (reported by `onCloudSession`): bind, listen, second prime;
 * - `live`: started and the session is up;
 * - `reconnecting`: started and the session is down (the manager reconnects; the poll primes over REST meanwhile);
 * - `stopped`: `stop()` was called (final).
 *
 * "Up" (`binding`, `live`) is what `onCloudSession` reported last; whether the session is bound to the modules is a
 * separate fact (the namespace SID it was bound with), healed by re-binds.
 */
export type GatewayState = 'idle' | 'connecting' | 'binding' | 'live' | 'reconnecting' | 'stopped';

/**
 * The transitions a gateway may make (any state → itself is a no-op). `connecting → reconnecting`: the start
 * finished while the session was down; `binding → connecting`: it dropped during the start.
 */
export const GATEWAY_TRANSITIONS: Readonly<Record<GatewayState, readonly GatewayState[]>> =
  /* @__PURE__ */ Object.freeze({
    idle: ['connecting', 'stopped'],
    connecting: ['binding', 'reconnecting', 'idle', 'stopped'],
    binding: ['connecting', 'live', 'idle', 'stopped'],
    live: ['reconnecting', 'stopped'],
    reconnecting: ['live', 'stopped'],
    stopped: [],
  });

/** The client's own Socket.IO session went up or down. */
export interface CloudSessionConnectivity {
  /** Session up (connected and joined). */
  up: boolean;
  /** What caused the report. */
  source: 'connect' | 'disconnect' | 'stop';
  /** `up` differs from the previous report. */
  changed: boolean;
  /** Local time, epoch ms. */
  ts: number;
}

/**
 * Default option values of `BragerOneGateway`: the one place they are written (the option docs name the field
 * here). Durations in milliseconds; 0 turns the poll and the self-heal checks off.
 */
export const GATEWAY_DEFAULTS = /* @__PURE__ */ Object.freeze({
  /** Module listing + self-heal cadence, milliseconds. */
  connectivityPollInterval: 60_000,
  /** Silence after which a session counts as stale, milliseconds. */
  stalePrimeAfter: 180_000,
  /** Stale (zombie) poll cycles before a hard reconnect. */
  zombieHardRestartAfter: 2,
  /** Wait after the namespace join before binding, milliseconds. */
  bindDelay: 100,
  /** First wait before retrying a failed bind, milliseconds (doubles up to `bindRetryCap`). */
  bindRetryDelay: 1_000,
  /** Longest wait between bind retries, milliseconds (not an option). */
  bindRetryCap: 30_000,
  /** Prime attempts when the answer is unusable. */
  primeAttempts: 3,
  /** First wait between prime attempts, milliseconds (doubles up to 2 000). */
  primeRetryDelay: 250,
} as const);

/** Options of `BragerOneGateway`. Durations in milliseconds; defaults in {@link GATEWAY_DEFAULTS}. */
export interface GatewayOptions {
  /** REST client (authenticated on `start()`). */
  api: BragerOneApiClient;
  /** Object (group) id of the modules. */
  objectId: number;
  /** Module codes to follow. */
  modules: string[];
  /** Socket session to use; default: one created from `api` on `start()`. */
  ws?: RealtimeManager;
  /** `stop()` also closes `api`. Default `false` (`true` for `BragerOneGateway.fromCredentials`). */
  ownsApi?: boolean;
  /** Module listing + self-heal cadence (§7.3), in milliseconds; 0 disables. @default GATEWAY_DEFAULTS.connectivityPollInterval */
  connectivityPollInterval?: number;
  /**
   * A session that is up but silent this long (milliseconds) is REST-primed and counted as a zombie cycle; 0 disables.
   * @default GATEWAY_DEFAULTS.stalePrimeAfter
   */
  stalePrimeAfter?: number;
  /** Zombie cycles before a hard reconnect; 0 disables. @default GATEWAY_DEFAULTS.zombieHardRestartAfter */
  zombieHardRestartAfter?: number;
  /** Passed to the RealtimeManager the gateway creates (milliseconds; defaults in `REALTIME_DEFAULTS`). */
  realtime?: { connectTimeout?: number; supervisorInterval?: number; reconnectDelay?: number };
  /**
   * Wait after the namespace join before `POST /modules/connect`: the server may register a new socket id
   * asynchronously (the reference waits 0.1 s). At start-up and after a reconnect the gateway binds at once and
   * waits out the rest of it (since the join) only when that first bind is refused; a bind retried later waits it
   * first. Milliseconds; 0 binds at once, without a second try.
   * @default GATEWAY_DEFAULTS.bindDelay
   */
  bindDelay?: number;
  /**
   * First wait (milliseconds) before retrying a bind that failed after a reconnect; doubles per failure, capped at
   * `GATEWAY_DEFAULTS.bindRetryCap`.
   * @default GATEWAY_DEFAULTS.bindRetryDelay
   */
  bindRetryDelay?: number;
  /** Prime attempts when the answer is unusable (§7.4). @default GATEWAY_DEFAULTS.primeAttempts */
  primeAttempts?: number;
  /** First wait between prime attempts in milliseconds, doubling, capped at 2 000. @default GATEWAY_DEFAULTS.primeRetryDelay */
  primeRetryDelay?: number;
  /** Clock (epoch ms) for `ts` fields and stale detection. Default `Date.now`. */
  now?: () => number;
  /**
   * Runs the connectivity poll (and with it the self-heal checks) every `connectivityPollInterval`. Default an
   * unref'd `setInterval`; inject one to drive the poll by hand, e.g. on injected time in tests.
   */
  pollScheduler?: PollScheduler;
  /** Logger; default `api.logger`. */
  logger?: Logger;
}

/** Arguments of `BragerOneGateway.fromCredentials`. */
export type GatewayFromCredentialsOptions = {
  /** Account email. */
  email: string;
  /** Account password (kept only inside the client's credentials provider for re-logins). */
  password: string;
  /** Object (group) id of the modules. */
  objectId: number;
  /** Module codes to follow. */
  modules: string[];
  /** Cloud to use; default BragerOne. */
  server?: ServerConfig;
  /** Token persistence; default a fresh `MemoryTokenStore`. */
  tokenStore?: TokenStore;
  /** Further options of the client created (e.g. `fetch`, `logLevel`). */
  clientOptions?: ClientOptions;
} & Partial<GatewayOptions>;
