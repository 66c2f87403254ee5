/** Internal (not public): turning a caught value into text for a log line. */

/** The message of an `Error`, else `String(err)`: for log lines about failures whose message is safe to show. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

/** `Name: message` of an `Error` (no stack, no data), else `String(err)`. */
export function errorSummary(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** `name`/`code` of an error for a log line; never the message, which may echo stored content (stores, caches). */
export function errorKind(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown };
    const code = typeof e.code === 'string' ? e.code : undefined;
    const name = typeof e.name === 'string' ? e.name : undefined;
    if (code && name && name !== 'Error') return `${name} ${code}`;
    if (code) return code;
    if (name) return name;
  }
  return typeof err;
}

/** True for a DOMException / Error with one of the given `name`s (works across realms, where `instanceof` does not). */
export function hasName(err: unknown, ...names: string[]): boolean {
  return typeof err === 'object' && err !== null && names.includes(String((err as { name?: unknown }).name));
}

/** True when a storage write failed because the quota is exhausted (all browser spellings). */
export function isQuotaError(err: unknown): boolean {
  if (hasName(err, 'QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED')) return true;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === 22 || code === 1014;
}
