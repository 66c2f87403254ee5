/** Abortable sleep; rejects with the signal's reason. Timers are unref'd where supported. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    unrefTimer(t);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Calls `unref()` on a Node timer so it never keeps the process alive; no-op elsewhere. */
export function unrefTimer(t: unknown): void {
  if (t && typeof (t as { unref?: unknown }).unref === 'function') (t as { unref(): void }).unref();
}

/** True in browsers and web workers (where `Origin`/`Referer` are forbidden request headers). */
export function isBrowserLike(): boolean {
  const g = globalThis as { document?: unknown; importScripts?: unknown; WorkerGlobalScope?: unknown };
  return typeof g.document !== 'undefined' || typeof g.importScripts === 'function' || typeof g.WorkerGlobalScope !== 'undefined';
}
