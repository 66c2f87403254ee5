/** Internal (not public): timer helpers. */

/** Calls `unref()` on a Node timer so it never keeps the process alive; a no-op in browsers and workers. */
export function unrefTimer(timer: unknown): void {
  if (timer && typeof (timer as { unref?: unknown }).unref === 'function') (timer as { unref(): void }).unref();
}
