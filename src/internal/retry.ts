/** Internal (not public): the SDK's one retry loop and its one backoff computation. */
import { sleep } from './sleep.js';

/** Exponential backoff: `initial · factor^failures`, capped at `max`, optionally jittered. Milliseconds. */
export interface Backoff {
  /** First delay. */
  readonly initial: number;
  /** Largest delay. */
  readonly max: number;
  /** Growth per failure. Default 2. */
  readonly factor?: number;
  /** `'equal'`: uniform in [d/2, d]; `'none'` (default): exactly d. */
  readonly jitter?: 'none' | 'equal';
}

/** The delay after `failures` failures so far (0 → `initial`). `random` is injectable for tests. */
export function backoffDelay(b: Backoff, failures: number, random: () => number = Math.random): number {
  const d = Math.min(b.max, b.initial * (b.factor ?? 2) ** Math.min(Math.max(0, failures), 30));
  return b.jitter === 'equal' ? d / 2 + random() * (d / 2) : d;
}

/** The `n`-th delay (0-based) of a fixed schedule; the last one repeats. */
export function scheduleDelay(delays: readonly number[], n: number): number {
  return delays[Math.min(Math.max(0, n), delays.length - 1)] ?? 0;
}

/** Options of {@link retry}: give `delays` (a fixed schedule) or `backoff` (+ `attempts`). */
export interface RetryOptions<T> {
  /** Wait before retry 1, 2, …; the number of attempts is `delays.length + 1`. */
  readonly delays?: readonly number[];
  /** Exponential backoff between attempts; with `attempts`. */
  readonly backoff?: Backoff;
  /** Total attempts with `backoff` (at least 1). */
  readonly attempts?: number;
  /** Extra random wait added to each delay, uniform in [0, jitter) ms. Default 0. */
  readonly jitter?: number;
  /** Retry after this error? Default: never (errors reject at once). */
  readonly shouldRetry?: (err: unknown, attempt: number) => boolean;
  /** Retry after this result? Default: never. When attempts run out, the last result is returned. */
  readonly retryResult?: (value: T, attempt: number) => boolean;
  /** Called before each wait, e.g. to log. */
  readonly onRetry?: (attempt: number, delay: number) => void;
  /** Aborts the waits: the loop then rejects with `signal.reason` (see {@link sleep}). */
  readonly signal?: AbortSignal;
}

/**
 * Runs `fn(attempt)` (attempt 1, 2, …) until it returns a result `retryResult` accepts or throws an error
 * `shouldRetry` refuses, waiting between attempts as `delays` or `backoff` say. Writes never use this.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions<T>): Promise<T> {
  const attempts = opts.delays ? opts.delays.length + 1 : Math.max(1, opts.attempts ?? 1);
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    let value: T;
    try {
      value = await fn(attempt);
    } catch (err) {
      if (last || !opts.shouldRetry?.(err, attempt)) throw err;
      await wait(opts, attempt);
      continue;
    }
    if (last || !opts.retryResult?.(value, attempt)) return value;
    await wait(opts, attempt);
  }
}

function wait<T>(opts: RetryOptions<T>, attempt: number): Promise<void> {
  const base = opts.delays
    ? scheduleDelay(opts.delays, attempt - 1)
    : opts.backoff
      ? backoffDelay(opts.backoff, attempt - 1)
      : 0;
  const delay = base + (opts.jitter ? Math.random() * opts.jitter : 0);
  opts.onRetry?.(attempt, delay);
  return sleep(delay, opts.signal);
}
