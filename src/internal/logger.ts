/** Internal (not public): logger resolution, the one path from `logger` + `logLevel` to a resolved logger. */
import type { LogLevel, Logger, ResolvedLogger } from '../log.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const noop = (): void => {};
const RESOLVED = Symbol.for('bragerone.resolvedLogger');

/** True for a logger this module resolved (any bundle copy). */
export function isResolvedLogger(logger: unknown): logger is ResolvedLogger {
  return typeof logger === 'object' && logger !== null && (logger as Record<symbol, unknown>)[RESOLVED] === true;
}

/**
 * Resolves `logger` + `logLevel` into a logger whose disabled levels are no-ops (they cost nothing), each line
 * prefixed `[bragerone]`, a throwing logger never breaking the SDK. Default: `console` at `'warn'`.
 * Idempotent: an already-resolved logger with no new `level` is returned as is (no second prefix, no second wrap).
 */
export function resolveLogger(logger: Logger | undefined, level?: LogLevel): ResolvedLogger {
  if (isResolvedLogger(logger) && (level === undefined || level === logger.level)) return logger;
  const base: Partial<Logger> = logger ?? (typeof console === 'undefined' ? {} : console);
  const lvl: LogLevel = level ?? 'warn';
  const at = (name: keyof Logger) => {
    const fn = base[name];
    if (RANK[name] < RANK[lvl] || typeof fn !== 'function') return noop;
    const prefix = isResolvedLogger(base) ? [] : ['[bragerone]'];
    return (...args: unknown[]) => {
      try {
        fn.apply(base, [...prefix, ...args]);
      } catch {
        /* a logger must never break the SDK */
      }
    };
  };
  const out = { level: lvl, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  Object.defineProperty(out, RESOLVED, { value: true });
  return out;
}

/**
 * The logger of a token store or cache adapter: the one given in its options wins; otherwise the one handed
 * over by the client through `setLogger()`; otherwise `console` at level `warn` (resolved on first use).
 */
export class LoggerSlot {
  readonly #explicit: Logger | undefined;
  #fromClient: Logger | undefined;
  #fallback: Logger | undefined;

  constructor(explicit?: Logger) {
    this.#explicit = explicit;
  }

  /** Takes the client's logger (used unless the options named one). */
  set(logger: Logger): void {
    this.#fromClient = logger;
  }

  /** The logger in effect. */
  get logger(): Logger {
    if (this.#explicit) return this.#explicit;
    if (this.#fromClient) return this.#fromClient;
    this.#fallback ??= resolveLogger(undefined, 'warn');
    return this.#fallback;
  }

  /** Logs at `warn`; never throws. */
  warn(message: string): void {
    try {
      this.logger.warn(message);
    } catch {
      /* a logger must never break a store */
    }
  }

  /** Logs at `debug`; never throws. */
  debug(message: string): void {
    try {
      this.logger.debug(message);
    } catch {
      /* a logger must never break a store */
    }
  }
}
