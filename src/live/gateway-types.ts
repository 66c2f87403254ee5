/** Option and event types of the gateway (type-only module). */

import type { TokenStore } from '../auth/token.js';
import type { BragerOneApiClient, ClientOptions } from '../client.js';
import type { Logger } from '../log.js';
import type { RealtimeManager } from '../realtime/manager.js';
import type { ServerConfig } from '../server.js';

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

/** Options of `BragerOneGateway`. Durations in milliseconds. */
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
  /** Module listing + self-heal cadence (§7.3). Default 60 000; 0 disables. */
  connectivityPollInterval?: number;
  /** A session that is up but silent this long is REST-primed and counted as a zombie cycle. Default 180 000; 0 disables. */
  stalePrimeAfter?: number;
  /** Zombie cycles before a hard reconnect. Default 2; 0 disables. */
  zombieHardRestartAfter?: number;
  /** Passed to the RealtimeManager the gateway creates (`reconnectDelay`: first prompt-reconnect delay, default 500). */
  realtime?: { connectTimeout?: number; supervisorInterval?: number; reconnectDelay?: number };
  /**
   * Wait after the namespace join before `POST /modules/connect`: the server may register a new socket id
   * asynchronously (the reference waits 0.1 s). At start-up and after a reconnect the gateway binds at once and
   * waits out the rest of it (since the join) only when that first bind is refused; a bind retried later waits it
   * first. Default 100; 0 binds at once, without a second try.
   */
  bindDelay?: number;
  /** First wait before retrying a bind that failed after a reconnect; doubles per failure, capped at 30 000. Default 1 000. */
  bindRetryDelay?: number;
  /** Prime attempts when the answer is unusable (§7.4). Default 3. */
  primeAttempts?: number;
  /** First wait between prime attempts, doubling, capped at 2 000. Default 250. */
  primeRetryDelay?: number;
  /** Clock (epoch ms) for `ts` fields and stale detection. Default `Date.now`. */
  now?: () => number;
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
