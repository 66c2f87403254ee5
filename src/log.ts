/** Console-like logger injected through options. */
export interface Logger {
  /** Traces (HTTP trace lines with `enableHttpTrace`). */
  debug(...args: unknown[]): void;
  /** Noteworthy events (re-login, reconnect). */
  info(...args: unknown[]): void;
  /** Recoverable problems (corrupt stored token, expected outage). */
  warn(...args: unknown[]): void;
  /** Failures the SDK could not recover from. */
  error(...args: unknown[]): void;
}

/** Minimum level that is emitted; `'silent'` emits nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const noop = (): void => {};

/** A logger whose disabled levels are no-ops, resolved once. */
export type ResolvedLogger = Logger & { readonly level: LogLevel };

/** Resolves `logger` + `logLevel` into a logger whose disabled levels cost nothing. Default: `console` at `'warn'`. */
export function resolveLogger(logger: Logger | undefined, level: LogLevel | undefined): ResolvedLogger {
  const base: Partial<Logger> = logger ?? (typeof console === 'undefined' ? {} : console);
  const lvl: LogLevel = level ?? 'warn';
  const at = (name: keyof Logger) => {
    const fn = base[name];
    if (RANK[name] < RANK[lvl] || typeof fn !== 'function') return noop;
    return (...args: unknown[]) => {
      try {
        fn.apply(base, ['[bragerone]', ...args]);
      } catch {
        /* a logger must never break the SDK */
      }
    };
  };
  return { level: lvl, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that drops everything. */
export const SILENT_LOGGER: ResolvedLogger = /* @__PURE__ */ resolveLogger(undefined, 'silent');
