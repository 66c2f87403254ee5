/**
 * REST prime with retry (docs/PROTOCOL.md §7.4), guarded against the prime/delta race: a socket delta that arrives
 * while a prime is in flight is at least as new as the snapshot (the socket delivers changes in order),
 * so the snapshot must not overwrite it.
 */

import type { BragerOneApiClient, StatusAndData } from '../client.js';
import type { ResolvedLogger } from '../log.js';
import { errorMessage } from '../internal/error-text.js';
import { retry } from '../internal/retry.js';
import { unrefTimer } from '../internal/timers.js';
import { isRecord, walkParamPayload } from './payload.js';

/** Longest wait between two prime attempts, in milliseconds. */
const PRIME_RETRY_CAP = 2_000;

/** One in-flight prime: the keys (`devid\0P4.v1`) that live deltas changed meanwhile. */
export type PrimeTicket = Set<string>;

/** Tracks in-flight primes and the values deltas changed during them. */
export class PrimeGuard {
  readonly #inflight = new Set<PrimeTicket>();

  /** Call before sending a prime request. */
  begin(): PrimeTicket {
    const t: PrimeTicket = new Set();
    this.#inflight.add(t);
    return t;
  }

  /** Call when the prime request settled (success or failure). */
  end(t: PrimeTicket): void {
    this.#inflight.delete(t);
  }

  /** Records the values of a live delta payload for every in-flight prime (cheap no-op when none). */
  record(payload: Record<string, unknown>): void {
    if (this.#inflight.size === 0) return;
    walkParamPayload(payload, (devid, pool, key, _chan, _idx, value) => {
      if (value === undefined) return; // meta-only deltas do not make the snapshot's value stale
      const k = `${devid}\u0000${pool}.${key}`;
      for (const t of this.#inflight) t.add(k);
    });
  }

  /** Removes from a prime answer (in place) every value a delta changed while it was in flight. */
  filter(data: Record<string, unknown>, t: PrimeTicket): void {
    for (const k of t) {
      const sep = k.indexOf('\u0000');
      const dot = k.indexOf('.', sep);
      const mod = data[k.slice(0, sep)];
      if (!isRecord(mod)) continue;
      const pool = k.slice(sep + 1, dot);
      const key = k.slice(dot + 1);
      for (const p of [pool, pool.slice(1)]) {
        const entries = mod[p];
        if (isRecord(entries)) delete entries[key];
      }
    }
  }
}

/** Options of {@link Primer}. */
export interface PrimerOptions {
  /** REST client. */
  api: Pick<BragerOneApiClient, 'modulesParametersPrime' | 'modulesActivityQuantityPrime'>;
  /** Attempts when the answer is unusable (not 200 + object). */
  attempts: number;
  /** First wait between attempts in milliseconds, doubling, capped at 2 000 ms. */
  retryDelay: number;
  /** Aborts requests and waits (the owner's lifetime). */
  signal: AbortSignal;
  /** Logger. */
  log: ResolvedLogger;
}

/** What one prime asks for. */
export interface PrimeRequest {
  /** Modules to prime. */
  modules: readonly string[];
  /** Also prime the activity counters (`POST /modules/activity/quantity`, answer only logged), alongside. */
  activity?: boolean;
}

/** Runs primes: parameters (retried while unusable) and, optionally, the activity counters alongside. */
export class Primer {
  /** Tracks in-flight primes; feed it every live delta through {@link Primer.record}. */
  readonly #guard = new PrimeGuard();

  /** Client, attempts, delays, lifetime signal and logger. */
  readonly #options: PrimerOptions;

  constructor(options: PrimerOptions) {
    this.#options = options;
  }

  /** Records a live delta so in-flight primes do not overwrite it. */
  record(payload: Record<string, unknown>): void {
    this.#guard.record(payload);
  }

  /**
   * Primes `modules`. Resolves the (race-filtered) payload, or `null` when every attempt was unusable or the
   * signal aborted. HTTP and network errors reject (they are not retried here).
   */
  async run({ modules, activity = false }: PrimeRequest): Promise<Record<string, unknown> | null> {
    const { api, signal, log } = this.#options;
    if (activity) {
      api
        .modulesActivityQuantityPrime([...modules], { returnData: true, signal })
        .then((r) => log.debug('activity quantity:', r.status))
        .catch((err: unknown) => log.debug('activity quantity prime failed:', errorMessage(err)));
    }
    const usable = (r: StatusAndData): r is { status: number; data: Record<string, unknown> } =>
      r.status === 200 && isRecord(r.data);
    let res: StatusAndData;
    try {
      res = await retry(() => this.#primeOnce(modules), {
        attempts: this.#options.attempts,
        backoff: { initial: this.#options.retryDelay, max: PRIME_RETRY_CAP },
        retryResult: (r) => !signal.aborted && !usable(r),
        signal,
      });
    } catch (err) {
      if (signal.aborted) return null; // stopped: a wait or a request cut short is not a failure
      throw err;
    }
    if (signal.aborted) return null;
    if (usable(res)) return res.data;
    log.warn(`parameter prime unusable after ${this.#options.attempts} attempts; keeping last state`);
    return null;
  }

  /** One prime request; the answer is race-filtered when usable. */
  async #primeOnce(modules: readonly string[]): Promise<StatusAndData> {
    const ticket = this.#guard.begin();
    let res: StatusAndData;
    try {
      res = await this.#options.api.modulesParametersPrime([...modules], {
        returnData: true,
        signal: this.#options.signal,
      });
    } finally {
      this.#guard.end(ticket);
    }
    if (res.status === 200 && isRecord(res.data)) this.#guard.filter(res.data, ticket);
    return res;
  }
}

/**
 * "The first prime was applied", as a latch: {@link wait} resolves `true` once it is {@link open}, `false` on its
 * timeout or when the owner {@link release}s the waiters (stop).
 */
export class PrimeLatch {
  /** Opened by the first applied prime; stays open. */
  #open = false;
  /** Pending waits. */
  readonly #waiters = new Set<(ok: boolean) => void>();

  /** True once a prime was applied. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** A prime was applied: resolves every wait with `true`, now and later. */
  open(): void {
    this.#open = true;
    this.#settle(true);
  }

  /** Resolves the pending waits with `false` (the latch stays as it is). */
  release(): void {
    this.#settle(false);
  }

  /** `true` once open; `false` after `timeout` milliseconds (none: no limit) or on {@link release}. */
  wait(timeout?: number): Promise<boolean> {
    if (this.#open) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (ok: boolean): void => {
        if (timer) clearTimeout(timer);
        this.#waiters.delete(done);
        resolve(ok);
      };
      this.#waiters.add(done);
      if (timeout !== undefined && Number.isFinite(timeout)) {
        timer = setTimeout(() => done(false), Math.max(0, timeout));
        unrefTimer(timer);
      }
    });
  }

  #settle(ok: boolean): void {
    for (const w of [...this.#waiters]) w(ok);
  }
}
