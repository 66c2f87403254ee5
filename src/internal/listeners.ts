/** Internal (not public): the SDK's one listener list. */

/**
 * Ordered listeners with safe dispatch: `emit` calls every listener registered at that moment, in order; a
 * throwing listener is handed to `onError` (which may log it) and the others still run. The list is
 * copy-on-write, so a listener may add or remove listeners during `emit` (docs/BENCHMARKS.md, hot-path choices).
 */
export class ListenerSet<A extends unknown[]> {
  #list: ReadonlyArray<(...args: A) => void> = [];
  readonly #onError: ((err: unknown, args: A) => void) | undefined;

  /** `onError` receives what a listener threw and the emitted arguments (e.g. to log them); without it the error is dropped. */
  constructor(onError?: (err: unknown, args: A) => void) {
    this.#onError = onError;
  }

  /** Adds a listener; returns an idempotent remover. */
  add(fn: (...args: A) => void): () => void {
    this.#list = [...this.#list, fn];
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const i = this.#list.indexOf(fn);
      if (i >= 0) this.#list = [...this.#list.slice(0, i), ...this.#list.slice(i + 1)];
    };
  }

  /** Number of listeners. */
  get size(): number {
    return this.#list.length;
  }

  /** The listeners registered now (a stable copy-on-write array), for callers that await each one. */
  snapshot(): ReadonlyArray<(...args: A) => void> {
    return this.#list;
  }

  /** Calls every listener registered now, in order. Never throws. */
  emit(...args: A): void {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as (...a: A) => void)(...args);
      } catch (err) {
        this.#report(err, args);
      }
    }
  }

  /** Hands `err` to `onError`; never throws (reporting must not break delivery). */
  #report(err: unknown, args: A): void {
    if (!this.#onError) return;
    try {
      this.#onError(err, args);
    } catch {
      /* never let reporting break delivery */
    }
  }
}
