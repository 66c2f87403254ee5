/** Internal (not public): timer helpers. */

/** Calls `unref()` on a Node timer so it never keeps the process alive; a no-op in browsers and workers. */
export function unrefTimer(timer: unknown): void {
  if (timer && typeof (timer as { unref?: unknown }).unref === 'function') (timer as { unref(): void }).unref();
}

/**
 * Resolves after the event loop's next turn: `setImmediate` where there is one (Node: after the I/O callbacks and
 * immediates already queued, no 1 ms timer floor), else a zero-delay timer.
 */
export function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) =>
    typeof immediate === 'function' ? immediate(resolve) : setTimeout(resolve, 0),
  );
}
