/** The one capture logger of the test suite. */
import { inspect } from 'node:util';
import type { Logger } from '../../src/log.js';

/** One logged call. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  /** The arguments as text: strings as they are, anything else through `util.inspect` (errors with stack and cause). */
  text: string;
}

/** A {@link Logger} that records every call. */
export interface CaptureLogger extends Logger {
  /** Every call, in order. */
  readonly entries: LogEntry[];
  /** Every call as `"<level> <text>"`, in order. */
  readonly lines: string[];
  /** Texts of the `warn` calls. */
  warnings(): string[];
  /** All lines, one per row. */
  text(): string;
  /** Forgets everything recorded so far. */
  clear(): void;
}

/** A logger that records every line (see {@link CaptureLogger}). */
export function captureLogger(): CaptureLogger {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const at =
    (level: LogEntry['level']) =>
    (...args: unknown[]) => {
      const text = args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' ');
      entries.push({ level, text });
      lines.push(`${level} ${text}`);
    };
  return {
    entries,
    lines,
    warnings: () => entries.filter((e) => e.level === 'warn').map((e) => e.text),
    text: () => lines.join('\n'),
    clear: () => {
      entries.length = 0;
      lines.length = 0;
    },
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
