/** Internal helpers shared by the token stores and cache adapters (not exported from the package). */
import { type Logger, resolveLogger } from '../log.js';

/**
 * Holds the logger of a store: the one given in its options wins; otherwise the one handed over by the client
 * through `setLogger()`; otherwise `console` at level `warn` (resolved on first use, not at construction).
 */
export class LoggerSlot {
  readonly #explicit: Logger | undefined;
  #fromClient: Logger | undefined;
  #fallback: Logger | undefined;

  constructor(explicit?: Logger) {
    this.#explicit = explicit;
  }

  set(logger: Logger): void {
    this.#fromClient = logger;
  }

  get logger(): Logger {
    if (this.#explicit) return this.#explicit;
    if (this.#fromClient) return this.#fromClient;
    this.#fallback ??= resolveLogger(undefined, 'warn');
    return this.#fallback;
  }

  warn(message: string): void {
    try {
      this.logger.warn(message);
    } catch {
      /* a logger must never break a store */
    }
  }

  debug(message: string): void {
    try {
      this.logger.debug(message);
    } catch {
      /* a logger must never break a store */
    }
  }
}

/** `name`/`code` of an error for a log line; never the message, which may echo stored content. */
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

/** True for a DOMException / Error with the given `name` (works across realms, where `instanceof` does not). */
export function hasName(err: unknown, ...names: string[]): boolean {
  return typeof err === 'object' && err !== null && names.includes(String((err as { name?: unknown }).name));
}

/** True when a storage write failed because the quota is exhausted (all browser spellings). */
export function isQuotaError(err: unknown): boolean {
  if (hasName(err, 'QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED')) return true;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === 22 || code === 1014;
}
