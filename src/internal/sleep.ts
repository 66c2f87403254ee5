/** Internal (not public): the SDK's one abortable sleep, and waiting on shared work with a caller's signal. */
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

/**
 * `work`, or a rejection as soon as `signal` aborts (with `signal.reason`, or what `reason()` returns); the shared
 * work itself goes on for its other waiters. Same abort semantics as {@link sleep}.
 */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal,
  reason: () => unknown = () => signal.reason,
): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
