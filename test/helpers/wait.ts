/** Polls `cond` every 10 ms until it is truthy or `timeout` ms passed; throws with `what` on timeout. */
export async function until<T>(cond: () => T | Promise<T>, what: string, timeout = 5_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sleeps; used only where a test stands a short real delay in for a long one, or proves something does NOT happen. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
