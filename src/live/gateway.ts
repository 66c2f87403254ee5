/**
 * Realtime gateway (docs/PROTOCOL.md §7): the lifecycle state machine (`GatewayState`, transitions checked against
 * `GATEWAY_TRANSITIONS`), the start-up choreography and the live parameter stores. Binding lives in `binder.ts`,
 * primes in `primer.ts`, module online state in `connectivity.ts`, the poll and self-heal in `self-heal.ts`.
 */

import { MemoryTokenStore } from '../stores/memory.js';
import { BragerOneApiClient } from '../client.js';
import { BragerOneError, isExpectedUpstreamUnavailable } from '../errors.js';
import { errorMessage } from '../internal/error-text.js';
import { resolveLogger } from '../internal/logger.js';
import { raceAbort } from '../internal/sleep.js';
import { nextTurn } from '../internal/timers.js';
import type { ResolvedLogger } from '../log.js';
import {
  MODULE_CONNECTION_STATUS_CHANGED,
  MODULE_MEMORY_UPDATED,
  RealtimeManager,
  type TokenRequest,
  loadSocketIoClient,
} from '../realtime/manager.js';
import { Binder, type BinderHost } from './binder.js';
import { ConnectivityTracker, type ModuleConnectivity } from './connectivity.js';
import {
  type CloudSessionConnectivity,
  GATEWAY_DEFAULTS,
  GATEWAY_TRANSITIONS,
  type GatewayFromCredentialsOptions,
  type GatewayOptions,
  type GatewayState,
} from './gateway-types.js';
import { EventBus } from './event-bus.js';
import { ListenerSet } from '../internal/listeners.js';
import { ParamStore } from './param-store.js';
import { PrimeLatch, type PrimeRequest, Primer } from './primer.js';
import { SelfHeal, type SelfHealHost } from './self-heal.js';
import { isRecord, metaOf, walkParamPayload } from './payload.js';

export {
  GATEWAY_DEFAULTS,
  type CloudSessionConnectivity,
  type GatewayFromCredentialsOptions,
  type GatewayOptions,
  type GatewayState,
} from './gateway-types.js';
export type { ModuleConnectivity } from './connectivity.js';
export type { PollScheduler } from './self-heal.js';

const PARAMS_CHANGE_SUFFIX = 'parameters:change';

/** Session up, by state: where a join leads (absent: nothing to report). */
const ON_SESSION_UP: Partial<Record<GatewayState, GatewayState>> = {
  connecting: 'binding',
  binding: 'binding',
  live: 'live',
  reconnecting: 'live',
};
/** Session down, by state: where a drop leads (absent: nothing to report). */
const ON_SESSION_DOWN: Partial<Record<GatewayState, GatewayState>> = {
  idle: 'idle',
  connecting: 'connecting',
  binding: 'connecting',
  live: 'reconnecting',
  reconnecting: 'reconnecting',
};

/** `p`, or a {@link BragerOneError} as soon as `signal` aborts (the shared work itself goes on). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return raceAbort(p, signal, () => new BragerOneError('BragerOneGateway stopped during start()'));
}

/**
 * Follows a set of modules in realtime: one socket session, REST prime, deltas, module online state and
 * self-healing (§7). `params(devid)` is a live {@link ParamStore} per module; `bus` carries every entry of
 * every prime, delta and snapshot as a `ParamUpdate`. {@link BragerOneGateway.state} tells where it is in its lifecycle.
 */
export class BragerOneGateway {
  /** Every parameter entry of primes, deltas and snapshots, in arrival order. */
  readonly bus: EventBus;
  /** The REST client. */
  readonly api: BragerOneApiClient;
  /** Object id. */
  readonly objectId: number;
  /** Followed modules (sorted, unique). */
  readonly modules: readonly string[];
  readonly #moduleSet: ReadonlySet<string>;
  readonly #now: () => number;
  readonly #log: ResolvedLogger;
  readonly #ownsApi: boolean;
  readonly #realtimeOpts: GatewayOptions['realtime'];
  readonly #stores = new Map<string, ParamStore>();
  readonly #connectivity: ConnectivityTracker;
  readonly #parametersChangeListeners: ListenerSet<[string, unknown]>;
  readonly #snapshotListeners: ListenerSet<[unknown]>;
  readonly #anyEventListeners: ListenerSet<[string, unknown]>;
  readonly #connectivityListeners: ListenerSet<[ModuleConnectivity]>;
  readonly #cloudSessionListeners: ListenerSet<[CloudSessionConnectivity]>;
  readonly #stateListeners: ListenerSet<[GatewayState, GatewayState]>;

  #ws: RealtimeManager | null;
  #wsUnsubs: Array<() => void> = [];
  /** Lifecycle; changed only by {@link BragerOneGateway.#transition}. */
  #state: GatewayState = 'idle';
  /** The run of `start()` that callers share (idempotency); `null` in `idle`. */
  #startRun: Promise<void> | null = null;
  /** Binds each socket session to the modules (start-up, re-binds, bind retries). */
  readonly #binder: Binder;
  /** Opened by the first applied prime (`waitForPrime`). */
  readonly #firstPrime = new PrimeLatch();
  #lastUpdateAt: number | null = null;
  /** Connectivity poll, stale/zombie detection and hard restart. */
  readonly #heal: SelfHeal;
  readonly #lifetime = new AbortController();
  /** Prime runner; keeps in-flight primes from overwriting newer deltas. */
  readonly #primer: Primer;

  constructor(opts: GatewayOptions) {
    this.api = opts.api;
    this.objectId = opts.objectId;
    this.modules = [...new Set(opts.modules.filter((m) => typeof m === 'string' && m))].sort();
    this.#moduleSet = new Set(this.modules);
    this.#ws = opts.ws ?? null;
    this.#ownsApi = opts.ownsApi ?? false;
    this.#realtimeOpts = opts.realtime;
    this.#now = opts.now ?? Date.now;
    this.#log = resolveLogger(opts.logger ?? opts.api.logger);
    this.#primer = new Primer({
      api: this.api,
      attempts: Math.max(1, opts.primeAttempts ?? GATEWAY_DEFAULTS.primeAttempts),
      retryDelay: opts.primeRetryDelay ?? GATEWAY_DEFAULTS.primeRetryDelay,
      signal: this.#lifetime.signal,
      log: this.#log,
    });
    const onError = (err: unknown): void => this.#log.error('gateway callback failed:', errorMessage(err));
    this.bus = new EventBus({ onError });
    this.#parametersChangeListeners = new ListenerSet(onError);
    this.#snapshotListeners = new ListenerSet(onError);
    this.#anyEventListeners = new ListenerSet(onError);
    this.#connectivityListeners = new ListenerSet(onError);
    this.#cloudSessionListeners = new ListenerSet(onError);
    this.#stateListeners = new ListenerSet(onError);
    this.#binder = new Binder({
      api: this.api,
      objectId: this.objectId,
      modules: this.modules,
      bindDelay: Math.max(0, opts.bindDelay ?? GATEWAY_DEFAULTS.bindDelay),
      bindRetryDelay: Math.max(1, opts.bindRetryDelay ?? GATEWAY_DEFAULTS.bindRetryDelay),
      retryCap: GATEWAY_DEFAULTS.bindRetryCap,
      signal: this.#lifetime.signal,
      log: this.#log,
      host: this.#binderHost(),
    });
    this.#heal = new SelfHeal({
      host: this.#healHost(),
      pollInterval: opts.connectivityPollInterval ?? GATEWAY_DEFAULTS.connectivityPollInterval,
      stalePrimeAfter: opts.stalePrimeAfter ?? GATEWAY_DEFAULTS.stalePrimeAfter,
      zombieHardRestartAfter: opts.zombieHardRestartAfter ?? GATEWAY_DEFAULTS.zombieHardRestartAfter,
      now: this.#now,
      ...(opts.pollScheduler ? { scheduler: opts.pollScheduler } : {}),
      log: this.#log,
    });
    this.#connectivity = new ConnectivityTracker(
      this.#moduleSet,
      (c) => this.#connectivityListeners.emit(c),
      this.#now,
    );
    for (const m of this.modules) this.#stores.set(m, new ParamStore({ devid: m }));
  }

  /** Creates an authenticated client (MemoryTokenStore unless `tokenStore` is given) and a gateway owning it. Does not start it. */
  static async fromCredentials(opts: GatewayFromCredentialsOptions): Promise<BragerOneGateway> {
    const { email, password, server, tokenStore, clientOptions, ...rest } = opts;
    const api = new BragerOneApiClient({
      ...clientOptions,
      ...(server ? { server } : {}),
      tokenStore: tokenStore ?? new MemoryTokenStore(),
      credsProvider: () => ({ email, password }),
    });
    try {
      await api.ensureAuth(email, password);
    } catch (err) {
      await api.close();
      throw err;
    }
    return new BragerOneGateway({ ...rest, api, ownsApi: rest.ownsApi ?? true });
  }

  /**
   * Runs the startup choreography (§7.1), pipelined: with a held or stored unexpired token, its validation runs
   * alongside the socket handshake, the first prime (parameters + activity, applied as soon as it arrives) and the
   * module listing; then the listen emits, `/modules/connect` with the namespace SID (waiting `bindDelay` after the
   * join only when the first try is refused), the listen emits again, and a second prime that closes the
   * prime/listen race; then the connectivity poll. Rejects with a {@link BragerOneError} when no `/modules/connect`
   * variant binds the session (as the reference does). Idempotent; a failed start cleans up and may be retried.
   */
  start(): Promise<void> {
    if (this.#isStopped()) return Promise.reject(new BragerOneError('BragerOneGateway: start() after stop()'));
    if (this.#startRun) return this.#startRun;
    this.#transition('connecting');
    this.#startRun = this.#doStart().catch(async (err: unknown) => {
      this.#heal.stop();
      if (this.#ws) await this.#ws.disconnect();
      this.#binder.forget();
      this.#failStart();
      this.#startRun = null; // only now: a start() during the clean-up shares this failure instead of racing it
      throw err;
    });
    return this.#startRun;
  }

  /** Ends everything: poll, socket, pending waits; reports `{up:false, source:'stop'}`; closes the api if owned. */
  async stop(): Promise<void> {
    if (this.#isStopped()) return;
    const changed = this.#sessionIsUp();
    this.#transition('stopped');
    this.#heal.stop();
    this.#binder.stop();
    this.#lifetime.abort();
    for (const u of this.#wsUnsubs) u();
    this.#wsUnsubs = [];
    if (this.#ws) await this.#ws.disconnect();
    this.#cloudSessionListeners.emit({ up: false, source: 'stop', changed, ts: this.#now() });
    this.#firstPrime.release();
    if (this.#ownsApi) await this.api.close();
  }

  /** Lifecycle state (see {@link GatewayState}); `onStateChange` reports each change. */
  get state(): GatewayState {
    return this.#state;
  }

  /** Each lifecycle change, as `(state, previous)`, after it happened. Returns an unsubscribe function. */
  onStateChange(cb: (state: GatewayState, previous: GatewayState) => void): () => void {
    return this.#stateListeners.add(cb);
  }

  /** Resolves `true` once the first prime was applied, `false` on timeout (ms) or stop. */
  waitForPrime(timeout?: number): Promise<boolean> {
    if (this.#firstPrime.isOpen) return Promise.resolve(true);
    if (this.#isStopped()) return Promise.resolve(false);
    return this.#firstPrime.wait(timeout);
  }

  /** Raw parameter events (`*parameters:change`) after they were applied to stores and bus. */
  onParametersChange(cb: (event: string, payload: unknown) => void): () => void {
    return this.#parametersChangeListeners.add(cb);
  }

  /** `snapshot` events after they were applied. */
  onSnapshot(cb: (payload: unknown) => void): () => void {
    return this.#snapshotListeners.add(cb);
  }

  /** Every socket event (numeric task ids also under their names). */
  onAny(cb: (event: string, payload: unknown) => void): () => void {
    return this.#anyEventListeners.add(cb);
  }

  /** Module ↔ cloud online/metadata changes (§7.5). */
  onModuleConnectivity(cb: (c: ModuleConnectivity) => void): () => void {
    return this.#connectivityListeners.add(cb);
  }

  /** The client's own socket session up/down. */
  onCloudSession(cb: (c: CloudSessionConnectivity) => void): () => void {
    return this.#cloudSessionListeners.add(cb);
  }

  /** Last known online bit of a module; `null` when unknown. */
  moduleOnline(devid: string): boolean | null {
    return this.#connectivity.online(devid);
  }

  /** Last known `connectedAt` (epoch s, 0 = offline); `null` when unknown. */
  moduleConnectedAt(devid: string): number | null {
    return this.#connectivity.connectedAt(devid);
  }

  /** True while the socket session is connected and joined. */
  wsSessionUp(): boolean {
    return this.#sessionIsUp() && this.#ws?.connected === true;
  }

  /** Epoch ms of the last parameter update (socket delta or REST prime); `null` before the first. */
  lastUpdate(): number | null {
    return this.#lastUpdateAt;
  }

  /** The socket manager in use (after `start()`), for diagnostics. */
  realtime(): RealtimeManager | null {
    return this.#ws;
  }

  /** `GET /modules` → module online state. Rejects when the listing fails (state is kept). */
  async refreshModuleConnectivity(): Promise<void> {
    const rows = await this.api.getModules(this.objectId, { signal: this.#lifetime.signal });
    if (this.#isStopped()) return;
    this.#connectivity.applyRest(rows);
  }

  /** Live store of one module, fed by primes and deltas (created on first use for other devids). */
  params(devid: string): ParamStore {
    let s = this.#stores.get(devid);
    if (!s) {
      s = new ParamStore({ devid });
      this.#stores.set(devid, s);
    }
    return s;
  }

  // ——— lifecycle ———

  /** Moves to `to` when {@link GATEWAY_TRANSITIONS} allows it (to itself: no-op); an impossible one is logged and ignored. */
  #transition(to: GatewayState): void {
    const from = this.#state;
    if (from === to) return;
    if (!GATEWAY_TRANSITIONS[from].includes(to)) {
      this.#log.error(`BragerOneGateway: impossible state transition ${from} → ${to} (ignored; please report)`);
      return;
    }
    this.#state = to;
    this.#stateListeners.emit(to, from);
  }

  /** `stop()` was called. */
  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  /** The session is up as last reported (`binding`, `live`). */
  #sessionIsUp(): boolean {
    return this.#state === 'binding' || this.#state === 'live';
  }

  /** The socket session joined: `connecting → binding`, `reconnecting → live`; reports `{up:true, source:'connect'}`. */
  #markSessionUp(): void {
    this.#moveSession(ON_SESSION_UP, { up: true, source: 'connect' });
  }

  /** The socket session was lost: `binding → connecting`, `live → reconnecting`; reports `{up:false, source:'disconnect'}`. */
  #markSessionDown(): void {
    this.#moveSession(ON_SESSION_DOWN, { up: false, source: 'disconnect' });
  }

  /** Moves as `table` says for the current state and reports it (`changed` when the state moved); absent: nothing. */
  #moveSession(
    table: Partial<Record<GatewayState, GatewayState>>,
    report: Pick<CloudSessionConnectivity, 'up' | 'source'>,
  ): void {
    const from = this.#state;
    const to = table[from];
    if (!to) return;
    this.#transition(to);
    if (this.#state !== to) return; // a state listener stopped the gateway meanwhile: nothing more to report
    this.#cloudSessionListeners.emit({ ...report, changed: from !== to, ts: this.#now() });
  }

  /** A failed `start()` cleaned up: back to `idle` (a session that was up is reported down), unless stopped meanwhile. */
  #failStart(): void {
    if (this.#isStopped()) return;
    if (this.#sessionIsUp()) this.#markSessionDown();
    this.#transition('idle');
  }

  /** What {@link SelfHeal} observes and drives. */
  #healHost(): SelfHealHost {
    return {
      refreshConnectivity: () => this.refreshModuleConnectivity(),
      unbound: () => this.#ws?.connected === true && !this.#binder.isBound(),
      rebind: () => this.#binder.rebindIfUnbound(),
      sessionUp: () => this.wsSessionUp(),
      prime: () => this.#primeAll(),
      lastUpdate: () => this.#lastUpdateAt,
      forceReconnect: async () => this.#ws?.forceReconnect(),
      stopped: () => this.#isStopped(),
      logFailure: (what, err) => this.#logFailure(what, err),
    };
  }

  /** What {@link Binder} needs: the socket, the session report, and the primes around a re-bind. */
  #binderHost(): BinderHost {
    return {
      ws: () => this.#ws,
      stopped: () => this.#isStopped(),
      sessionJoined: () => {
        if (!this.#sessionIsUp()) this.#markSessionUp();
      },
      bound: async () => {
        try {
          await this.#primeAll();
          await this.refreshModuleConnectivity();
        } catch (err) {
          this.#heal.primeFailed();
          throw err;
        }
      },
      unbound: () => {
        this.#heal.primeFailed();
        return this.#primeAll().then(
          () => undefined,
          (err: unknown) => this.#logFailure('prime while unbound', err),
        );
      },
      logFailure: (what, err) => this.#logFailure(what, err),
    };
  }

  // ——— choreography ———

  /**
   * Pipelined start-up. `socket.io-client` starts loading at once. Independent steps run at once: with a held or
   * stored unexpired token, its validation (`GET /user`) runs alongside the socket handshake and the first
   * (parameters) prime (a 401 takes the client's normal path: drop the token, log in, retry; a socket refused with
   * the old token connects again with the new one). The first prime's values reach the stores as soon as they
   * arrive, before the socket is live. At the join: the listen emits and the bind (waiting out `bindDelay` only when
   * refused); the listen again after the bind (the reference's order); then the module listing and one more prime
   * (parameters + activity), which closes the prime/listen race: a value that changed after the first prime was answered
   * but before the listen reached the cloud was pushed to no one.
   */
  async #doStart(): Promise<void> {
    const signal = this.#lifetime.signal;
    if (!this.#ws) loadSocketIoClient().catch(() => {}); // connect() reports a missing module
    const { provisional, done, ready } = await this.api.beginAuth();
    done.catch(() => {}); // awaited below; a rejection must not go unhandled meanwhile
    ready.catch(() => {});
    const ws = this.#ensureWs();
    ws.groupId = this.objectId;
    if (!provisional) {
      // cold: the handshake carries the token, so it waits for the login; its TCP (+ TLS) connection need not (Node)
      ws.preconnect();
      const token = await abortable(ready, signal); // nothing else can go before the login (its save may go on)
      ws.setToken(token.accessToken);
      // one turn: undici hands the login's connection back to its pool in an immediate; the prime then reuses it
      await nextTurn();
    }
    this.#checkAlive();
    // what the first value and the socket need goes first (the client's `concurrency` is shared with the catalog)
    const firstPrime = this.#prime({ modules: this.modules });
    firstPrime.catch(() => {});
    // one turn, so the prime's request is on the wire before the socket's synchronous set-up runs (several ms of CPU
    // in a fresh process: socket.io-client, engine.io-client, ws and the HTTP upgrade request)
    await nextTurn();
    this.#checkAlive();
    const joined = this.#firstConnect(ws, provisional?.accessToken ?? null, done);
    joined.catch(() => {});
    await joined;
    this.#checkAlive();
    this.#markSessionUp();
    await this.#binder.bind(ws, 'at-join');
    this.#checkAlive();
    // after the bind: a listing sent alongside it could take the one idle connection and push the bind onto a new one
    const listing = this.refreshModuleConnectivity().catch((err: unknown) => this.#logFailure('module listing', err));
    await abortable(done, signal);
    await firstPrime;
    this.#checkAlive();
    await this.#primeAll(); // parameters (closing the race) + activity
    this.#checkAlive();
    await listing;
    if (this.#isStopped()) return;
    this.#transition(this.#state === 'binding' ? 'live' : 'reconnecting'); // `connecting`: it dropped meanwhile
    this.#heal.start();
    // the socket may have been replaced while starting: bind the new session too
    if (!this.#binder.isBound()) void this.#binder.rebind('later');
  }

  /** First socket connect; when the provisional token turns out dead, connects again with the fresh one. */
  async #firstConnect(
    ws: RealtimeManager,
    provisional: string | null,
    auth: Promise<{ accessToken: string }>,
  ): Promise<void> {
    try {
      await ws.connect();
    } catch (err) {
      if (provisional === null) throw err;
      const fresh = await abortable(auth, this.#lifetime.signal);
      if (fresh.accessToken === provisional) throw err;
      this.#checkAlive();
      ws.setToken(fresh.accessToken);
      await ws.connect();
    }
    this.#binder.joined();
  }

  #checkAlive(): void {
    if (this.#isStopped()) throw new BragerOneError('BragerOneGateway stopped during start()');
  }

  #ensureWs(): RealtimeManager {
    let ws = this.#ws;
    if (!ws) {
      const api = this.api;
      ws = new RealtimeManager({
        token: api.token?.accessToken ?? '', // cold start: set once the login answered
        tokenProvider: (hint?: TokenRequest) => this.#freshToken(hint),
        ioBase: api.ioBase,
        verify: api.verify,
        origin: api.oneBase,
        referer: `${api.oneBase}/`,
        socketPath: api.server.socketPath,
        namespace: api.server.wsNamespace,
        appVersion: api.server.appVersion,
        acceptLanguage: api.server.acceptLanguage,
        connectTimeout: this.#realtimeOpts?.connectTimeout,
        supervisorInterval: this.#realtimeOpts?.supervisorInterval,
        reconnectDelay: this.#realtimeOpts?.reconnectDelay,
        groupId: this.objectId,
        logger: this.#log,
      });
      this.#ws = ws;
    }
    if (this.#wsUnsubs.length === 0) {
      this.#wsUnsubs.push(
        ws.onEvent((name, payload) => this.#onWsEvent(name, payload)),
        ws.addOnConnected(() => this.#onReconnected()),
        ws.addOnDisconnected(() => this.#markSessionDown()),
      );
    }
    return ws;
  }

  /** Token for a reconnect: a refused handshake forces a re-login (via the client's 401 path). */
  async #freshToken(hint?: TokenRequest): Promise<string> {
    if (hint?.rejected) await this.api.getUser({ signal: this.#lifetime.signal });
    else await this.api.ensureAuth(undefined, undefined, { signal: this.#lifetime.signal });
    return this.api.accessToken;
  }

  #onReconnected(): Promise<void> | void {
    if (this.#state !== 'live' && this.#state !== 'reconnecting') return; // during start(), doStart() binds the final session itself
    this.#binder.joined();
    this.#markSessionUp();
    return this.#binder.rebind('at-join');
  }

  // ——— events and state ———

  #onWsEvent(name: string, payload: unknown): void {
    if (this.#isStopped()) return;
    this.#anyEventListeners.emit(name, payload);
    if (name === 'snapshot' || name.endsWith(PARAMS_CHANGE_SUFFIX)) {
      if (!isRecord(payload)) return;
      this.#heal.sawDelta();
      this.#lastUpdateAt = this.#now();
      this.#primer.record(payload);
      this.#applyParams(payload);
      if (name === 'snapshot') this.#snapshotListeners.emit(payload);
      else this.#parametersChangeListeners.emit(name, payload);
    } else if (name === MODULE_CONNECTION_STATUS_CHANGED) {
      this.#connectivity.applyWs(payload);
    } else if (name === MODULE_MEMORY_UPDATED) {
      const devid = isRecord(payload) ? payload.devid : undefined;
      if (typeof devid !== 'string' || !devid || !this.#moduleSet.has(devid)) return;
      this.#prime({ modules: [devid] }).catch((err: unknown) => {
        this.#heal.primeFailed();
        this.#logFailure(`re-prime of ${devid}`, err);
      });
    }
  }

  /** Feeds the stores, then publishes every entry on the bus. */
  #applyParams(payload: Record<string, unknown>): void {
    for (const devid in payload) this.#stores.get(devid)?.ingestPrimePayload(payload);
    const ts = this.#now();
    const bus = this.bus;
    walkParamPayload(payload, (devid, pool, _key, chan, idx, value, body) => {
      bus.publish({ devid, pool, chan, idx, value, meta: metaOf(body), ts });
    });
  }

  /** Primes every module, parameters and activity (§7.4), and applies the answer. */
  #primeAll(): Promise<boolean> {
    return this.#prime({ modules: this.modules, activity: true });
  }

  /** Prime with retry (§7.4) and apply; `false` when unusable. HTTP and network errors reject. */
  async #prime(request: PrimeRequest): Promise<boolean> {
    const data = await this.#primer.run(request);
    if (data === null || this.#isStopped()) return false;
    this.#lastUpdateAt = this.#now();
    if (request.modules.length === this.modules.length) this.#heal.primed();
    this.#applyParams(data);
    this.#firstPrime.open();
    return true;
  }

  /** Logs a failure as one compact line (no stack); upstream outages are flagged as expected. */
  #logFailure(what: string, err: unknown): void {
    if (this.#isStopped()) return; // aborted work after stop() is not a failure
    if (isExpectedUpstreamUnavailable(err))
      this.#log.warn(`${what}: upstream unavailable (${errorMessage(err)}); keeping last known state`);
    else this.#log.warn(`${what} failed: ${errorMessage(err)}`);
  }
}
