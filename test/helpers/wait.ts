/** The real timer and clock, taken before any test can install `vi.useFakeTimers()`. */
const realSetTimeout = globalThis.setTimeout;
const realNow = Date.now;

/**
 * Polls `cond` every 10 ms until it is truthy or `timeout` ms passed; throws with `what` on timeout. Polls on the
 * real timer and clock, so it also waits for real I/O while a test has faked the timers.
 */
export async function until<T>(cond: () => T | Promise<T>, what: string, timeout = 5_000): Promise<T> {
  const end = realNow() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (realNow() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => realSetTimeout(r, 10));
  }
}

/** Sleeps; used only where a test stands a short real delay in for a long one, or proves something does NOT happen. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
