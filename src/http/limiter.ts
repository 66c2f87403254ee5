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

/** One FIFO queue: an array with a moving head (dequeue and abort are O(1)). */
class Queue {
  items: Array<Waiter | undefined> = [];
  head = 0;

  /** The next live waiter (removed), or `undefined`. */
  shift(): Waiter | undefined {
    const q = this.items;
    while (this.head < q.length) {
      const w = q[this.head] as Waiter;
      q[this.head++] = undefined;
      if (!w.gone) return w;
    }
    return undefined;
  }

  compact(): void {
    const h = this.head;
    if (h === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (h >= COMPACT_AT && h * 2 >= this.items.length) {
      this.items = this.items.slice(h);
      this.head = 0;
    }
  }
}

/**
 * FIFO concurrency limiter: at most `limit` holders at once; waiting is abortable. Two queues: a freed slot goes
 * to the oldest normal waiter first, and to a `low` waiter (asset downloads) only when no normal one waits, so a
 * command never waits behind a catalog download.
 *
 * Each queue is an array with a moving head (dequeue and abort are O(1)), so thousands of queued calls cost no
 * more per call than a few; a waiter holds only its promise callbacks until its turn.
 */
export class Limiter {
  #active = 0;
  readonly #queues = [new Queue(), new Queue()] as const;
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
   * `low` waiters (asset downloads) get a slot only when no normal waiter is queued.
   */
  acquire(signal?: AbortSignal, low = false): Promise<() => void> {
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
      this.#queues[low ? 1 : 0].items.push(w);
      this.#waiting++;
    });
  }

  /** Rejects every waiting call with `reason` (used when the owner closes); holders keep their slots. */
  rejectAll(reason: unknown): void {
    for (const queue of this.#queues) {
      for (let w = queue.shift(); w; w = queue.shift()) {
        w.gone = true;
        this.#waiting--;
        if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
        w.reject(reason);
      }
      queue.compact();
    }
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
    for (const queue of this.#queues) {
      const w = queue.shift();
      queue.compact();
      if (!w) continue;
      w.gone = true;
      this.#waiting--;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve(this.#releaser());
      return;
    }
    this.#active--;
  }
}
