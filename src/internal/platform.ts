/** Internal (not public): platform detection. */

/** True in browsers and web workers (where `Origin`/`Referer` are forbidden request headers and TLS is fixed). */
export function isBrowserLike(): boolean {
  const g = globalThis as { document?: unknown; importScripts?: unknown; WorkerGlobalScope?: unknown };
  return (
    typeof g.document !== 'undefined' ||
    typeof g.importScripts === 'function' ||
    typeof g.WorkerGlobalScope !== 'undefined'
  );
}
