/**
 * Binding the socket session to the modules (docs/PROTOCOL.md §7.1–§7.2): `POST /modules/connect` with the current
 * namespace SID and the listen emits, at start-up and after every reconnect, with the bind retry of an unbound session.
 */

import type { BragerOneApiClient } from '../client.js';
import { BragerOneError } from '../errors.js';
import { errorMessage } from '../internal/error-text.js';
import { backoffDelay } from '../internal/retry.js';
import { sleep } from '../internal/sleep.js';
import { unrefTimer } from '../internal/timers.js';
import type { ResolvedLogger } from '../log.js';
import type { RealtimeManager } from '../realtime/manager.js';

/**
 * When a bind runs: `at-join` right after the namespace join (start-up, reconnects: listen at once, the first body
 * variant at once, the rest of `bindDelay` only when refused); `later` (a retry: wait `bindDelay` first).
 */
export type BindTiming = 'at-join' | 'later';

/** No `/modules/connect` body variant bound the socket session (the cloud would push nothing to it). */
function notBoundError(): BragerOneError {
  return new BragerOneError(
    'POST /modules/connect: no body variant bound the socket session to the modules; the cloud would push no live data',
  );
}

/** What a re-bind needs from the gateway. */
export interface BinderHost {
  /** The socket in use. */
  ws(): RealtimeManager | null;
  /** The gateway stopped. */
  stopped(): boolean;
  /** A re-bind starts on a connected session: report the session up if it is not. */
  sessionJoined(): void;
  /** A re-bind bound the session: prime and list the modules (rejects on failure, which is logged). */
  bound(): Promise<void>;
  /** A re-bind failed (a retry is being scheduled): keep the state moving by REST meanwhile (never rejects). */
  unbound(): Promise<void>;
  /** Logs one failure line. */
  logFailure(what: string, err: unknown): void;
}

/** Options of {@link Binder}. Durations in milliseconds. */
export interface BinderOptions {
  /** REST client. */
  api: Pick<BragerOneApiClient, 'modulesConnect'>;
  /** Object (group) id. */
  objectId: number;
  /** Modules to bind (sorted, unique). */
  modules: readonly string[];
  /** Wait after the join before binding (see `GatewayOptions.bindDelay`). */
  bindDelay: number;
  /** First wait before retrying a failed re-bind, doubling up to `retryCap`. */
  bindRetryDelay: number;
  /** Longest wait between re-bind retries. */
  retryCap: number;
  /** The gateway's lifetime (aborts requests and waits). */
  signal: AbortSignal;
  /** Logger. */
  log: ResolvedLogger;
  /** The gateway. */
  host: BinderHost;
}

/** Binds socket sessions, one re-bind at a time, and remembers which session is bound. */
export class Binder {
  readonly #options: BinderOptions;
  /** Namespace SID the modules were last bound to; a different current SID means "re-bind needed". */
  #boundSid: string | null = null;
  /** When the current socket joined (`performance.now()`), for the bind wait. */
  #joinedAt = 0;
  /** Re-binds run one after the other. */
  #chain: Promise<void> = Promise.resolve();
  /** Pending retry after a failed re-bind, and how many failed in a row. */
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;

  constructor(options: BinderOptions) {
    this.#options = options;
  }

  /** The socket joined now (the bind wait counts from here). */
  joined(): void {
    this.#joinedAt = performance.now();
  }

  /** True when the current socket session is the one the modules were bound to. */
  isBound(): boolean {
    const sid = this.#options.host.ws()?.sid() ?? null;
    return sid !== null && sid === this.#boundSid;
  }

  /** Forgets the bound session (the socket was released). */
  forget(): void {
    this.#boundSid = null;
  }

  /** Cancels a scheduled retry (stop). */
  stop(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  /**
   * `/modules/connect` with the CURRENT namespace SID, then the listen emits. The server may register a new socket
   * id asynchronously after the join (the reference waits 0.1 s before binding): right after a join (`at-join`:
   * start-up and reconnects) it binds at once with the first body variant, the listen emits already sent, and only
   * when that is refused waits out the rest of `bindDelay` since the join and tries every variant; a later retry
   * waits `bindDelay` first. Rejects with a {@link BragerOneError} when no body variant binds.
   */
  async bind(ws: RealtimeManager, timing: BindTiming): Promise<void> {
    const { api, objectId, modules, bindDelay, signal, host } = this.#options;
    if (!ws.sid()) throw new BragerOneError('Socket.IO session has no namespace SID');
    ws.groupId = objectId;
    const eager = timing === 'at-join';
    if (eager) await ws.subscribe([...modules]);
    else if (bindDelay > 0) await sleep(bindDelay, signal);
    let sid = ws.sid();
    if (!sid) throw new BragerOneError('Socket.IO session ended before /modules/connect');
    // at start-up, one body variant at once: a server that registers the SID late refuses it cheaply
    const first = eager && bindDelay > 0;
    let ok = await api.modulesConnect(sid, [...modules], objectId, ws.engineSid(), { signal, firstVariantOnly: first });
    if (!ok && first) {
      const rest = bindDelay - (performance.now() - this.#joinedAt);
      if (rest > 0) await sleep(rest, signal);
      if (host.stopped()) throw new BragerOneError('BragerOneGateway stopped during start()');
      sid = ws.sid();
      if (!sid) throw new BragerOneError('Socket.IO session ended before /modules/connect');
      ok = await api.modulesConnect(sid, [...modules], objectId, ws.engineSid(), { signal });
    }
    if (!ok) throw notBoundError();
    ws.groupId = objectId;
    await ws.subscribe([...modules]);
    this.#boundSid = sid;
  }

  /** Queues a re-bind of the current session (after the ones queued already); never rejects. */
  rebind(timing: BindTiming): Promise<void> {
    this.#chain = this.#chain.then(() => this.#rebind(timing));
    return this.#chain;
  }

  /** Waits for a re-bind already running, then re-binds the session if it is still unbound. */
  async rebindIfUnbound(): Promise<void> {
    await this.#chain;
    if (!this.isBound()) await this.rebind('later');
  }

  /**
   * Re-bind after a reconnect (§7.2): connect with new SIDs, listen, then the host primes and lists. Right after
   * the join (`at-join`) it binds like the start-up does. A bind that fails (refused by every variant, or an error) is
   * logged as a warning and retried with backoff (`bindRetryDelay`, doubling, capped at `retryCap`) while the session
   * lasts; meanwhile the host keeps the state moving by REST primes.
   */
  async #rebind(timing: BindTiming): Promise<void> {
    const { host, log } = this.#options;
    const ws = host.ws();
    if (host.stopped() || !ws?.connected || this.isBound()) return;
    this.stop();
    host.sessionJoined();
    try {
      await this.bind(ws, timing);
    } catch (err) {
      if (host.stopped()) return;
      const meanwhile = host.unbound();
      this.#failures++;
      const wait = backoffDelay(
        { initial: this.#options.bindRetryDelay, max: this.#options.retryCap },
        this.#failures - 1,
      );
      log.warn(
        `re-bind after reconnect failed (attempt ${this.#failures}): ${errorMessage(err)}; retrying in ${wait} ms`,
      );
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        void this.rebind('later');
      }, wait);
      unrefTimer(this.#retryTimer);
      await meanwhile;
      return;
    }
    if (this.#failures > 0) log.info(`re-bind succeeded after ${this.#failures} failed attempt(s)`);
    this.#failures = 0;
    await host.bound().catch((err: unknown) => host.logFailure('re-bind after reconnect', err));
  }
}
