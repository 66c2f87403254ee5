/** Socket.IO session to the BragerOne `/ws` namespace, with its own supervisor-driven reconnection. */

import type { Verify } from '../options.js';
import { BragerOneError, TimeoutError, isApiError, isExpectedUpstreamUnavailable } from '../errors.js';
import { type Preconnected, preconnect, tlsOptions } from '#node-env';
import { USER_AGENT } from '../version.js';
import type { ResolvedLogger } from '../log.js';
import { resolveLogger } from '../internal/logger.js';
import { BRAGERONE_SERVER, trimBase } from '../server.js';
import { unrefTimer } from '../internal/timers.js';
import { backoffDelay } from '../internal/retry.js';
import { isBrowserLike } from '../internal/platform.js';
import { errorMessage } from '../internal/error-text.js';
import { ListenerSet } from '../internal/listeners.js';
import { type IoModule, IoSession } from './session.js';
import {
  NUMERIC_EVENT_ALIASES,
  REALTIME_DEFAULTS,
  type RealtimeManagerOptions,
  type RealtimeState,
  type TokenRequest,
} from './types.js';

export {
  MODULE_CONNECTION_STATUS_CHANGED,
  MODULE_MEMORY_UPDATED,
  REALTIME_DEFAULTS,
  type RealtimeManagerOptions,
  type RealtimeState,
  type TokenRequest,
} from './types.js';

type Cb = () => void | Promise<void>;

/**
 * Which connect attempt runs: the `first` (from `connect()` in `idle`/`closed`: the caller sees its failure, nothing
 * is retried) or a `reconnect` (fresh token first; a failure schedules the next attempt).
 */
type AttemptKind = 'first' | 'reconnect';

/** One run of an attempt: stale once `disconnect()` bumped the epoch or the `online` event abandoned it. */
interface Ticket {
  readonly epoch: number;
  abandoned: boolean;
}

const LISTEN_PARAMS = 'app:modules:parameters:listen';
const LISTEN_ACTIVITY = 'app:modules:activity:quantity:listen';

/** Longest reconnect backoff during which the next attempt's connection is opened early ({@link RealtimeManager.preconnect}). */
const PRECONNECT_MAX_WAIT = 5_000;
let ioModule: Promise<IoModule> | null = null;

/**
 * Loads `socket.io-client` (once per process; later calls share the promise). The gateway starts it at the top of
 * `start()`, so the module loads while the token is validated or a login runs, not after.
 */
export function loadSocketIoClient(): Promise<IoModule> {
  ioModule ??= import('socket.io-client').catch((err: unknown) => {
    ioModule = null;
    throw err;
  });
  return ioModule;
}

/**
 * One Socket.IO session on its own socket.io-client `Manager` (imported lazily on the first connect), with
 * supervisor-driven reconnection.
 *
 * **Reconnect policy.** Socket.IO's built-in reconnection is off. After an unexpected drop the manager
 * reconnects promptly: the first attempt after `reconnectDelay` (default 500 ms), then doubling per
 * failed attempt up to `supervisorInterval`, each delay with "equal jitter" (uniform in [d/2, d]).
 * Independently, a supervisor wakes every `supervisorInterval` and starts an attempt whenever the socket
 * is not connected and joined (also catching half-open sessions). Every attempt fetches a fresh token,
 * tears the old session down and connects with a hard `connectTimeout`. `addOnDisconnected` callbacks run
 * once per outage; `addOnConnected` callbacks after every successful connect. In Node, a backoff of up to 5 s opens
 * the next attempt's TCP (and TLS) connection while it waits. Timers are `unrefTimer()`'d. In browsers
 * and workers, the `online` event starts an attempt at once (a phone back from a tunnel does not wait out the backoff),
 * or replaces one not yet joined that began while the network was down (it would wait out `connectTimeout`).
 *
 * **Credentials.** Node: WebSocket only, `Authorization: Bearer …`, `Origin`, `Referer`, `Accept-Language`
 * and `x-appversion` as handshake headers, empty `auth` (what the reference client sends). Browsers and
 * workers: polling first (so `Authorization` can travel in `extraHeaders`), then upgrade, plus
 * `auth: { token }` re-evaluated on every (re)connect — an assumption, the real web app's method is unknown. A server
 * that refuses polling with HTTP 400 gets a WebSocket directly (token in the `auth` payload).
 */
export class RealtimeManager {
  /** Object id sent as `group_id` (integer) in the listen emits; `null` omits it. */
  groupId: number | null;
  #token: string;
  readonly #tokenProvider: ((hint?: TokenRequest) => Promise<string>) | undefined;
  #authRejected = false;
  readonly #ioBase: string;
  readonly #verify: Verify | undefined;
  readonly #origin: string;
  readonly #referer: string;
  readonly #socketPath: string;
  readonly #appVersion: string;
  readonly #acceptLanguage: string;
  readonly #namespace: string;
  readonly #connectTimeout: number;
  readonly #supervisorInterval: number;
  readonly #reconnectDelay: number;
  readonly #browser: boolean;
  readonly #log: ResolvedLogger;

  #socket: IoSession | null = null;
  #state: RealtimeState = 'idle';
  #modules: string[] = [];
  /** `onEvent` handlers; a throwing one is logged with the event name. */
  readonly #eventHandlers: ListenerSet<[string, unknown]>;
  /** `addOnConnected` callbacks, awaited one after the other. */
  readonly #connectedCallbacks = new ListenerSet<[]>();
  /** `addOnDisconnected` callbacks, awaited one after the other. */
  readonly #disconnectedCallbacks = new ListenerSet<[]>();
  readonly #stateListeners: ListenerSet<[RealtimeState]>;
  #supervisor: ReturnType<typeof setInterval> | null = null;
  #backoffTimer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  /** Removes the `online` listener (browsers and workers). */
  #stopOnlineWatch: (() => void) | null = null;
  #inOutage = false;
  #attempt: Promise<void> | null = null;
  /** Abandons the run of {@link #attempt} not yet joined and starts a fresh one that settles the same promise. */
  #restartAttempt: (() => void) | null = null;
  /** True between opening a socket and confirming its join. */
  #joining = false;
  /** Bumped by disconnect(): attempts started before it must not install their socket. */
  #epoch = 0;
  /** Node: the next handshake's connection, opened early by {@link preconnect}. */
  #early: Preconnected | null = null;

  constructor(opts: RealtimeManagerOptions) {
    this.#token = opts.token;
    this.#tokenProvider = opts.tokenProvider;
    this.#ioBase = trimBase(opts.ioBase ?? BRAGERONE_SERVER.ioBase);
    this.#origin = trimBase(opts.origin ?? (opts.ioBase === undefined ? BRAGERONE_SERVER.oneBase : this.#ioBase));
    this.#referer = opts.referer ?? `${this.#origin}/`;
    this.#socketPath = opts.socketPath ?? REALTIME_DEFAULTS.socketPath;
    this.#namespace = opts.namespace ?? REALTIME_DEFAULTS.namespace;
    this.#appVersion = opts.appVersion ?? BRAGERONE_SERVER.appVersion;
    this.#acceptLanguage = opts.acceptLanguage ?? BRAGERONE_SERVER.acceptLanguage;
    this.#verify = opts.verify;
    this.#connectTimeout = opts.connectTimeout ?? REALTIME_DEFAULTS.connectTimeout;
    this.#supervisorInterval = opts.supervisorInterval ?? REALTIME_DEFAULTS.supervisorInterval;
    this.#reconnectDelay = opts.reconnectDelay ?? REALTIME_DEFAULTS.reconnectDelay;
    this.groupId = opts.groupId ?? null;
    const env = opts.environment ?? 'auto';
    this.#browser = env === 'browser' || (env === 'auto' && isBrowserLike());
    this.#log = resolveLogger(opts.logger, opts.logLevel);
    this.#eventHandlers = new ListenerSet((err, [name]) =>
      this.#log.warn(`event handler for "${name}" failed:`, errorMessage(err)),
    );
    this.#stateListeners = new ListenerSet((err) => this.#log.warn('state listener failed:', errorMessage(err)));
  }

  /** True while the namespace is joined. */
  get connected(): boolean {
    return this.#socket?.connected === true;
  }

  /** Current lifecycle state. */
  get state(): RealtimeState {
    return this.#state;
  }

  /** Namespace SID (falls back to the engine SID when the server sent none); `null` when not connected. */
  sid(): string | null {
    if (!this.connected) return null;
    return this.#socket?.id ?? this.engineSid();
  }

  /** Engine.IO SID of the current transport session; `null` when none. */
  engineSid(): string | null {
    return this.#socket?.engineId ?? null;
  }

  /** Replaces the token the next connect attempt presents (e.g. after the provisional one was refused). */
  setToken(token: string): void {
    if (typeof token === 'string' && token) this.#token = token;
  }

  /**
   * Node: opens the TCP (and TLS) connection of the next handshake now, e.g. while the login that yields its token
   * is in flight; the handshake itself, which carries the token, waits for {@link connect}. Unused, it is closed
   * after `connectTimeout` (at most 10 s). No-op in browsers and while connected.
   */
  preconnect(): void {
    if (this.#browser || this.#early || this.connected) return;
    const v = this.#verify;
    let tls: ReturnType<typeof tlsOptions> = null;
    try {
      tls = v === undefined || v === true ? null : tlsOptions(v);
    } catch {
      return; // the connect reports an unreadable CA bundle
    }
    this.#early = preconnect(this.#ioBase, tls, Math.min(this.#connectTimeout, 10_000));
  }

  /** Modules of the last {@link subscribe} call (sorted, unique). */
  subscribedModules(): readonly string[] {
    return this.#modules;
  }

  /**
   * Connects and joins the namespace; resolves when joined. Idempotent while connected; concurrent calls share
   * one attempt. The first connect failing rejects (ApiError for a refused handshake, TimeoutError, NetworkError);
   * later drops are handled by the supervisor.
   */
  async connect(): Promise<void> {
    if (this.#state === 'connected' && this.connected) return;
    if (this.#attempt) return this.#attempt;
    const first = this.#state === 'idle' || this.#state === 'closed';
    if (!first) return this.#runAttempt('reconnect');
    this.#setState('connecting');
    try {
      await this.#runAttempt('first');
    } catch (err) {
      if (this.#state === 'connecting') this.#setState('idle');
      throw err;
    }
    this.#startSupervisor();
  }

  /** Closes the socket and releases every timer and socket listener. Registered callbacks stay registered. */
  async disconnect(): Promise<void> {
    this.#epoch++;
    this.#early?.close();
    this.#early = null;
    this.#stopTimers();
    this.#teardown();
    this.#inOutage = false;
    this.#failures = 0;
    this.#attempt = null;
    this.#restartAttempt = null;
    if (this.#state !== 'closed') this.#setState('closed');
  }

  /** Drops the current socket and reconnects now (fresh token, full `addOnConnected` cycle). Rejects if that attempt fails (retries continue). */
  async forceReconnect(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'idle') return this.connect();
    if (this.#attempt) await this.#attempt.catch(() => undefined);
    this.#teardown();
    this.#markOutage();
    return this.#runAttempt('reconnect');
  }

  /**
   * Receives every server event once, with its first argument; the numeric task ids `60/61/63` arrive under their
   * names (`app:module:task:status:changed`, …). Returns an unsubscribe function.
   */
  onEvent(handler: (name: string, payload: unknown) => void): () => void {
    return this.#eventHandlers.add(handler);
  }

  /** Runs after every successful connect, first one included. Returns an unsubscribe function. */
  addOnConnected(cb: () => void | Promise<void>): () => void {
    return this.#connectedCallbacks.add(cb);
  }

  /** Runs once per outage, when a lost session is first noticed. Returns an unsubscribe function. */
  addOnDisconnected(cb: () => void | Promise<void>): () => void {
    return this.#disconnectedCallbacks.add(cb);
  }

  /** Observes {@link state} transitions. Returns an unsubscribe function. */
  onStateChange(cb: (state: RealtimeState) => void): () => void {
    return this.#stateListeners.add(cb);
  }

  /** Number of registered handlers and callbacks (diagnostics; constant across reconnects). */
  listenerCount(): number {
    return (
      this.#eventHandlers.size +
      this.#connectedCallbacks.size +
      this.#disconnectedCallbacks.size +
      this.#stateListeners.size
    );
  }

  /** Remembers `modules` (sorted, unique) and, when connected, sends the four listen emits of docs/PROTOCOL.md §6.4. */
  async subscribe(modules: string[]): Promise<void> {
    this.#modules = [...new Set(modules.filter((m) => typeof m === 'string' && m))].sort();
    this.#emitListen();
  }

  /** Repeats the listen emits for the last modules (after a reconnect and re-bind). */
  async resubscribe(): Promise<void> {
    this.#emitListen();
  }

  #emitListen(): void {
    const s = this.#socket;
    if (!s?.connected || this.#modules.length === 0) return;
    const group = this.groupId === null || this.groupId === undefined ? null : Math.trunc(Number(this.groupId));
    const extra = group === null || !Number.isFinite(group) ? {} : { group_id: group };
    const emits: Array<[string, Record<string, unknown>]> = [
      [LISTEN_PARAMS, { modules: [...this.#modules], ...extra }],
      [LISTEN_PARAMS, { devids: [...this.#modules], ...extra }],
      [LISTEN_ACTIVITY, { modules: [...this.#modules], ...extra }],
      [LISTEN_ACTIVITY, { devids: [...this.#modules], ...extra }],
    ];
    for (const [name, body] of emits) {
      try {
        s.emit(name, body);
      } catch (err) {
        this.#log.warn(`listen emit ${name} failed:`, errorMessage(err));
      }
    }
  }

  #setState(s: RealtimeState): void {
    if (this.#state === s) return;
    this.#state = s;
    this.#stateListeners.emit(s);
  }

  /**
   * Serializes attempts: one connect in flight at a time. Its promise settles with the last run's result: a run
   * abandoned by {@link #restartAttempt} loses its socket and its late result is ignored.
   */
  #runAttempt(kind: AttemptKind): Promise<void> {
    if (this.#attempt) return this.#attempt;
    const p = new Promise<void>((resolve, reject) => {
      const run = (): void => {
        const ticket: Ticket = { epoch: this.#epoch, abandoned: false };
        this.#restartAttempt = () => {
          ticket.abandoned = true;
          this.#joining = false;
          this.#teardown();
          run();
        };
        this.#attemptOnce(kind, ticket).then(
          () => {
            if (!ticket.abandoned) resolve();
          },
          (err: unknown) => {
            if (!ticket.abandoned) reject(err);
          },
        );
      };
      run();
    }).finally(() => {
      if (this.#attempt !== p) return;
      this.#attempt = null;
      this.#restartAttempt = null;
    });
    this.#attempt = p;
    return p;
  }

  #stale(ticket: Ticket): boolean {
    return ticket.abandoned || ticket.epoch !== this.#epoch;
  }

  #throwIfStale(ticket: Ticket): void {
    if (ticket.abandoned) throw new BragerOneError('RealtimeManager: connect attempt abandoned');
    if (ticket.epoch !== this.#epoch) throw new BragerOneError('RealtimeManager disconnected');
  }

  async #attemptOnce(kind: AttemptKind, ticket: Ticket): Promise<void> {
    this.#clearBackoff();
    if (kind === 'reconnect') {
      this.#setState('reconnecting');
      await this.#refreshToken();
      this.#throwIfStale(ticket);
    }
    this.#teardown();
    try {
      const io: IoModule = await loadSocketIoClient();
      this.#throwIfStale(ticket);
      await this.#open(io, ticket);
    } catch (err) {
      if (ticket.abandoned) throw err; // its successor counts, not this run
      this.#authRejected = isApiError(err) && (err.status === 401 || err.status === 403);
      if (ticket.epoch === this.#epoch && kind === 'reconnect') {
        this.#failures++;
        this.#logFailure(err);
        this.#scheduleReconnect();
      }
      throw err;
    }
    this.#failures = 0;
    this.#authRejected = false;
    this.#inOutage = false;
    this.#setState('connected');
    void this.#runCallbacks(this.#connectedCallbacks, 'onConnected');
  }

  async #refreshToken(): Promise<void> {
    if (!this.#tokenProvider) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const fresh = await Promise.race([
        this.#tokenProvider({ rejected: this.#authRejected }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimeoutError('token refresh timed out')), this.#connectTimeout);
          unrefTimer(timer);
        }),
      ]);
      if (typeof fresh === 'string' && fresh) this.#token = fresh;
    } catch (err) {
      const msg = isExpectedUpstreamUnavailable(err) ? 'upstream unavailable' : errorMessage(err);
      this.#log.warn(`token refresh before reconnect failed (${msg}); using the last token`);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async #open(io: IoModule, ticket: Ticket): Promise<void> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#token}` };
    if (!this.#browser) {
      headers.Origin = this.#origin;
      headers.Referer = this.#referer;
      headers['Accept-Language'] = this.#acceptLanguage;
      headers['x-appversion'] = this.#appVersion;
      headers['User-Agent'] = USER_AGENT;
    }
    const v = this.#verify;
    // Node only: TLS options for the socket (`#node-env` is a stand-in without TLS in browsers).
    const tls = this.#browser || v === undefined || v === true ? null : tlsOptions(v);
    const early = this.#early;
    this.#early = null;
    const session: IoSession = new IoSession({
      agent: early?.agent ?? null,
      io,
      ioBase: this.#ioBase,
      path: this.#socketPath,
      namespace: this.#namespace,
      headers,
      tls,
      browser: this.#browser,
      token: () => this.#token,
      connectTimeout: this.#connectTimeout,
      onEvent: (name, payload) => this.#dispatch(session, name, payload),
      onDisconnect: (reason) => this.#onDrop(session, reason),
    });
    this.#socket = session;
    this.#joining = true;
    try {
      await session.ready;
      if (this.#stale(ticket) || this.#socket !== session || !session.connected) {
        throw new BragerOneError('RealtimeManager: session ended while joining');
      }
    } catch (err) {
      if (this.#socket === session) this.#teardown();
      throw err;
    } finally {
      if (!ticket.abandoned) this.#joining = false;
    }
  }

  #dispatch(socket: IoSession, name: string, payload: unknown): void {
    if (socket !== this.#socket) return;
    const event = (Object.hasOwn(NUMERIC_EVENT_ALIASES, name) && NUMERIC_EVENT_ALIASES[name]) || name;
    this.#eventHandlers.emit(event, payload);
  }

  #onDrop(socket: IoSession, reason: string): void {
    if (socket !== this.#socket || this.#state === 'closed') return;
    if (this.#joining) return void this.#teardown(); // the attempt in flight sees it and fails
    this.#log.info(`socket dropped (${reason}); reconnecting`);
    this.#teardown();
    this.#markOutage();
    this.#setState('reconnecting');
    this.#scheduleReconnect();
  }

  #markOutage(): void {
    if (this.#inOutage) return;
    this.#inOutage = true;
    void this.#runCallbacks(this.#disconnectedCallbacks, 'onDisconnected');
  }

  #scheduleReconnect(): void {
    if (this.#state === 'closed' || this.#backoffTimer) return;
    // Not `retry()`: this is a long-lived supervisor (timers, the `online` event and forceReconnect all start
    // attempts), not one awaited loop; it shares the backoff computation.
    const delay = backoffDelay(
      { initial: this.#reconnectDelay, max: this.#supervisorInterval, jitter: 'equal' },
      this.#failures,
    );
    // Node: a short wait opens the attempt's TCP (+ TLS) connection meanwhile (the handshake still waits for the timer)
    if (delay <= PRECONNECT_MAX_WAIT) this.preconnect();
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = null;
      if (this.#state === 'closed' || this.connected || this.#attempt) return;
      this.#runAttempt('reconnect').catch(() => undefined);
    }, delay);
    unrefTimer(this.#backoffTimer);
  }

  #startSupervisor(): void {
    if (this.#supervisor) return;
    this.#supervisor = setInterval(() => this.#tick(), this.#supervisorInterval);
    unrefTimer(this.#supervisor);
    this.#watchOnline();
  }

  /** Browsers and workers: when the network comes back, reconnect now instead of after the current backoff. */
  #watchOnline(): void {
    const g = globalThis as {
      addEventListener?: (type: string, cb: () => void) => void;
      removeEventListener?: (type: string, cb: () => void) => void;
    };
    if (this.#stopOnlineWatch || typeof g.addEventListener !== 'function') return;
    const onOnline = (): void => {
      if (this.#state === 'closed' || this.#state === 'idle' || this.connected) return;
      this.#failures = 0;
      // An attempt still hanging (begun while the network was dead) would wait out `connectTimeout`: start afresh
      const restart = this.#attempt ? this.#restartAttempt : null;
      this.#log.info(`network back online; ${restart ? 'restarting the connect attempt' : 'reconnecting now'}`);
      if (restart) restart();
      else this.#runAttempt('reconnect').catch(() => undefined);
    };
    g.addEventListener('online', onOnline);
    this.#stopOnlineWatch = () => g.removeEventListener?.('online', onOnline);
  }

  #tick(): void {
    if (this.#state === 'closed' || this.#attempt || this.connected) return;
    this.#markOutage();
    this.#runAttempt('reconnect').catch(() => undefined);
  }

  #logFailure(err: unknown): void {
    const msg = errorMessage(err);
    if (isExpectedUpstreamUnavailable(err))
      this.#log.warn(`realtime reconnect: upstream unavailable (${msg}); retrying`);
    else this.#log.info(`realtime reconnect failed (${msg}); retrying`);
  }

  /** Awaits each callback in turn (a slow one delays the next); a failing one is logged. */
  async #runCallbacks(callbacks: ListenerSet<[]>, what: string): Promise<void> {
    for (const cb of callbacks.snapshot() as ReadonlyArray<Cb>) {
      try {
        await cb();
      } catch (err) {
        this.#log.warn(`${what} callback failed:`, errorMessage(err));
      }
    }
  }

  #clearBackoff(): void {
    if (this.#backoffTimer) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = null;
  }

  #stopTimers(): void {
    this.#stopOnlineWatch?.();
    this.#stopOnlineWatch = null;
    this.#clearBackoff();
    if (this.#supervisor) clearInterval(this.#supervisor);
    this.#supervisor = null;
  }

  /** Detaches and closes the current session (synchronous, never throws). */
  #teardown(): void {
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(new BragerOneError('RealtimeManager: connect attempt cancelled'));
  }
}
