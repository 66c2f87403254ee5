/** Internal (not public): the SDK's one abortable sleep. */
import { unrefTimer } from './timers.js';

/**
 * Waits `ms` milliseconds on an unref'd timer.
 *
 * Abort semantics (the only ones in the SDK): when `signal` aborts — before or during the wait — the promise
 * **rejects with `signal.reason`** and the timer is cleared. A caller that wants "stop quietly" checks
 * `signal.aborted` in its `catch`.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    unrefTimer(timer);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
