interface Waiter {
  resolve: (release: () => void) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Aborted while waiting: skipped when its turn comes. */
  gone: boolean;
}

/** Compact the queue array once this many granted entries sit before its head. */
const COMPACT_AT = 1024;

/**
 * FIFO concurrency limiter: at most `limit` holders at once; waiting is abortable. `low` waiters (asset downloads)
 * wait in a second queue that gets a freed slot only when no normal waiter is queued, so a command never waits
 * behind a catalog download.
 *
 * The queue is an array with a moving head: dequeue and abort are O(1) (docs/BENCHMARKS.md, hot-path choices).
 */
export class Limiter {
  #active = 0;
  #queue: Array<Waiter | undefined> = [];
  #head = 0;
  /** `low` waiters, oldest first (few: asset downloads). */
  #low: Waiter[] = [];
  #waiting = 0;
  readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit) || 1);
  }

  /** Requests currently holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#waiting;
  }

  /** A release function when a slot is free right now and nobody waits; `null` otherwise (then use {@link acquire}). */
  tryAcquire(): (() => void) | null {
    if (this.#active >= this.limit || this.#waiting > 0) return null;
    this.#active++;
    return this.#releaser();
  }

  /**
   * Resolves with a release function once a slot is free; rejects at once with the signal's reason when aborted.
   * A `low` call gets a slot only when no normal call waits.
   */
  acquire(signal?: AbortSignal, low?: boolean): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.limit && this.#waiting === 0) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: undefined, gone: false };
      if (signal) {
        w.onAbort = () => {
          if (w.gone) return;
          w.gone = true;
          this.#waiting--;
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      (low ? this.#low : this.#queue).push(w);
      this.#waiting++;
    });
  }

  /** Rejects every waiting call with `reason` (used when the owner closes); holders keep their slots. */
  rejectAll(reason: unknown): void {
    const q = [...this.#queue.slice(this.#head), ...this.#low];
    this.#queue = [];
    this.#low = [];
    for (const w of q) {
      if (!w || w.gone) continue;
      w.gone = true;
      this.#waiting--;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(reason);
    }
    this.#head = 0;
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#next();
    };
  }

  /** Hands the freed slot to the next live waiter (normal before low), or frees it. */
  #next(): void {
    const q = this.#queue;
    let w: Waiter | undefined;
    while (!w && this.#head < q.length) {
      const x = q[this.#head] as Waiter;
      q[this.#head++] = undefined;
      if (!x.gone) w = x;
    }
    this.#compact();
    while (!w && this.#low.length > 0) {
      const x = this.#low.shift() as Waiter;
      if (!x.gone) w = x;
    }
    if (!w) {
      this.#active--;
      return;
    }
    w.gone = true;
    this.#waiting--;
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
    w.resolve(this.#releaser());
  }

  #compact(): void {
    const h = this.#head;
    if (h === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (h >= COMPACT_AT && h * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(h);
      this.#head = 0;
    }
  }
}
