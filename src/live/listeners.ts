/** A tiny, allocation-light listener list whose `emit` never throws. */

/** Ordered listeners with safe emission: a throwing listener is reported and the others still run. */
export class Listeners<A extends unknown[]> {
  private list: ReadonlyArray<(...args: A) => void> = [];

  /** `onError` receives what a listener threw (e.g. to log it). */
  constructor(private readonly onError: (err: unknown) => void) {}

  /** Adds a listener; returns an idempotent remover. */
  add(fn: (...args: A) => void): () => void {
    this.list = [...this.list, fn];
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const i = this.list.indexOf(fn);
      if (i >= 0) this.list = [...this.list.slice(0, i), ...this.list.slice(i + 1)];
    };
  }

  /** Number of listeners. */
  get size(): number {
    return this.list.length;
  }

  /** Calls every listener registered now, in order. */
  emit(...args: A): void {
    const ls = this.list;
    for (let i = 0; i < ls.length; i++) {
      try {
        (ls[i] as (...a: A) => void)(...args);
      } catch (err) {
        try {
          this.onError(err);
        } catch {
          /* never let reporting break delivery */
        }
      }
    }
  }
}
