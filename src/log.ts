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

/** A logger whose disabled levels are no-ops, resolved once (the client's `logger` property). */
export type ResolvedLogger = Logger & { readonly level: LogLevel };
