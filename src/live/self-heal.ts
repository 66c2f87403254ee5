/**
 * The gateway's connectivity poll and self-heal (docs/PROTOCOL.md §7.3): module listing, re-bind of an unbound
 * session, REST primes while the socket is down or after a failed prime, stale (zombie) session detection and the
 * hard restart. Time comes from an injected clock and an injected poll scheduler, so it runs on injected time in tests.
 */

import { unrefTimer } from '../internal/timers.js';
import type { ResolvedLogger } from '../log.js';

/**
 * Runs `tick` every `interval` milliseconds until the returned function is called. `tick` resolves when its poll
 * cycle is over (a scheduler that drives the poll by hand can await it).
 */
export type PollScheduler = (interval: number, tick: () => Promise<void>) => () => void;

/** The default {@link PollScheduler}: an `unrefTimer()`'d `setInterval` (it never keeps a Node process alive). */
export const intervalScheduler: PollScheduler = (interval, tick) => {
  const timer = setInterval(() => void tick(), interval);
  unrefTimer(timer);
  return () => clearInterval(timer);
};

/** What the self-heal unit observes and drives: the gateway's session, primes and socket. */
export interface SelfHealHost {
  /** `GET /modules` → module connectivity; rejects when the listing fails. */
  refreshConnectivity(): Promise<void>;
  /** The socket is connected but its session is not bound to the modules. */
  unbound(): boolean;
  /** Binds the current session (waits for a re-bind already running; no-op once bound). */
  rebind(): Promise<void>;
  /** The socket session is up (connected and joined). */
  sessionUp(): boolean;
  /** Primes every module (parameters and activity); rejects on HTTP and network errors. */
  prime(): Promise<unknown>;
  /** Epoch ms of the last parameter update; `null` before the first. */
  lastUpdate(): number | null;
  /** Drops the socket session and reconnects with a fresh token. */
  forceReconnect(): Promise<void>;
  /** The owner stopped: a cycle in flight ends at its next step. */
  stopped(): boolean;
  /** Logs one failure line (the host decides how: an upstream outage is expected). */
  logFailure(what: string, err: unknown): void;
}

/** Options of {@link SelfHeal}. Durations in milliseconds; 0 turns a check off. */
export interface SelfHealOptions {
  /** The gateway's session, primes and socket. */
  host: SelfHealHost;
  /** Poll cadence; 0 never polls. */
  pollInterval: number;
  /** Silence after which an up session counts as stale (one zombie cycle per stale poll); 0 disables. */
  stalePrimeAfter: number;
  /** Zombie cycles before a hard reconnect; 0 disables. */
  zombieHardRestartAfter: number;
  /** Clock, epoch milliseconds. */
  now: () => number;
  /** Runs the poll; default {@link intervalScheduler}. */
  scheduler?: PollScheduler;
  /** Logger (the hard-restart warning). */
  log: ResolvedLogger;
}

/**
 * Polls and heals. Each cycle lists the modules, then does the first of: re-bind an unbound session; prime while the
 * socket is down; retry a prime that failed ({@link primeFailed}); prime a stale session and count a zombie cycle,
 * forcing a hard reconnect after `zombieHardRestartAfter` of them. At most one failure line per cycle; a tick while a
 * cycle runs joins it.
 */
export class SelfHeal {
  readonly #options: SelfHealOptions;
  /** Cancels the scheduled poll; `null` while not polling. */
  #cancel: (() => void) | null = null;
  /** The cycle in flight. */
  #cycle: Promise<void> | null = null;
  /** Stale poll cycles in a row without a live delta. */
  #zombieCycles = 0;
  /** A prime failed (after a re-bind or a memory update): the next cycle primes again. */
  #primeDue = false;

  constructor(options: SelfHealOptions) {
    this.#options = options;
  }

  /** True while the poll is scheduled. */
  get polling(): boolean {
    return this.#cancel !== null;
  }

  /** Stale cycles counted so far (reset by a live delta and by a hard restart). */
  get zombieCycles(): number {
    return this.#zombieCycles;
  }

  /** True when the next cycle primes because a prime failed. */
  get primeDue(): boolean {
    return this.#primeDue;
  }

  /** Schedules the poll (no-op when the interval is 0 or it already runs). */
  start(): void {
    const every = this.#options.pollInterval;
    if (every <= 0 || this.#cancel) return;
    this.#cancel = (this.#options.scheduler ?? intervalScheduler)(every, () => this.poll());
  }

  /** Cancels the poll; a cycle in flight ends at its next step once the host reports `stopped()`. */
  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  /** A live delta arrived: the session is not a zombie. */
  sawDelta(): void {
    this.#zombieCycles = 0;
  }

  /** A prime of the modules failed: the next cycle primes again. */
  primeFailed(): void {
    this.#primeDue = true;
  }

  /** A prime of every module was applied: no prime is due. */
  primed(): void {
    this.#primeDue = false;
  }

  /** Runs one poll cycle (or joins the one in flight). Never rejects: failures are logged, one line per cycle. */
  poll(): Promise<void> {
    if (this.#options.host.stopped()) return Promise.resolve();
    this.#cycle ??= this.#runCycle().finally(() => {
      this.#cycle = null;
    });
    return this.#cycle;
  }

  async #runCycle(): Promise<void> {
    const { host } = this.#options;
    let reported = false;
    const report =
      (what: string) =>
      (err: unknown): void => {
        if (reported) return;
        reported = true;
        host.logFailure(what, err);
      };
    await host.refreshConnectivity().catch(report('module listing'));
    if (host.stopped()) return;
    if (host.unbound()) return host.rebind().catch(report('re-bind'));
    if (!host.sessionUp()) return void (await host.prime().catch(report('prime while the socket is down')));
    if (this.#primeDue) return void (await host.prime().catch(report('prime retry')));
    if (!this.#stale()) return;
    this.#zombieCycles++;
    await host.prime().catch(report('stale-session prime'));
    const limit = this.#options.zombieHardRestartAfter;
    if (limit > 0 && this.#zombieCycles >= limit && !host.stopped()) {
      this.#zombieCycles = 0;
      this.#options.log.warn(`socket session silent for ${limit} poll cycles; forcing a hard reconnect`);
      await host.forceReconnect().catch(report('hard reconnect'));
    }
  }

  /** The session has been silent for `stalePrimeAfter` (never before the first update). */
  #stale(): boolean {
    const last = this.#options.host.lastUpdate();
    const after = this.#options.stalePrimeAfter;
    return after > 0 && last !== null && this.#options.now() - last >= after;
  }
}
