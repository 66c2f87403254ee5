/** Terminal output of the CLI: streams, colours, aligned tables, a spinner and a redacting logger. */

import stringWidth from 'string-width';
import { redactText, scrubSecrets } from '../internal/redact.js';
import type { Logger } from '../log.js';

/** A writable text stream (process.stdout/stderr or a test double). */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** The readable side (only used for the password prompt). */
export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Everything the CLI touches of its process; injectable for tests. */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: Record<string, string | undefined>;
}

/** The real process streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin as InStream, env: process.env };
}

/** Colour functions; identity functions when colours are off. */
export interface Colors {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/**
 * Colours only on a TTY, never with `NO_COLOR` (any non-empty value) or `FORCE_COLOR=0`; a non-zero `FORCE_COLOR`
 * turns them on without a TTY. `TERM=dumb` turns them off.
 */
export function colorEnabled(stream: OutStream, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return false;
  if (force !== undefined && force !== '') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Colour set for a stream. */
export function colors(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/**
 * Printed width of a string in terminal columns: ANSI colour codes count 0, East Asian wide characters and emoji 2,
 * combining marks 0 (`string-width`; the CLI is Node-only, so this never reaches a browser bundle).
 */
export function visibleWidth(s: string): number {
  return stringWidth(s);
}

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Header cells; printed first (bold when `style` has colours). */
  head?: string[];
  /** Per-column alignment; default left. */
  align?: Array<'left' | 'right'>;
  /** Prefix of every line. Default `''`. */
  indent?: string;
  /** Gap between columns. Default two spaces. */
  gap?: string;
  style?: Colors;
}

/** Formats rows into aligned lines (no trailing spaces). Cells may contain ANSI colour codes. */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string>>, opts: TableOptions = {}): string[] {
  const all = opts.head ? [opts.head, ...rows] : [...rows];
  const cols = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(0, ...all.map((r) => visibleWidth(r[i] ?? ''))));
  const gap = opts.gap ?? '  ';
  const indent = opts.indent ?? '';
  const line = (r: ReadonlyArray<string>) => {
    const cells = widths.map((w, i) => {
      const cell = r[i] ?? '';
      const pad = ' '.repeat(w - visibleWidth(cell));
      return opts.align?.[i] === 'right' ? pad + cell : cell + pad;
    });
    return (indent + cells.join(gap)).replace(/\s+$/, '');
  };
  const out: string[] = [];
  if (opts.head) out.push(line(opts.head.map((h) => (opts.style ? opts.style.bold(h) : h))));
  for (const r of rows) out.push(line(r));
  return out;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Output of one CLI run: stdout for results, stderr for progress, warnings and errors. */
export class Output {
  /** Colours of stdout. */
  readonly c: Colors;
  /** Colours of stderr. */
  readonly ce: Colors;
  /** Secrets scrubbed from every stderr line (passwords, tokens). */
  readonly secrets = new Set<string>();
  /** More secrets known only at write time (the current tokens of the run's clients). */
  secretSource: (() => Iterable<string>) | null = null;
  readonly #io: CliIo;
  readonly #json: boolean;
  #spinLabel: string | null = null;
  #spinShown = false;
  #spinTimer: ReturnType<typeof setInterval> | null = null;
  #spinDelay: ReturnType<typeof setTimeout> | null = null;
  #frame = 0;

  constructor(io: CliIo, opts: { json: boolean }) {
    this.#io = io;
    this.#json = opts.json;
    this.c = colors(colorEnabled(io.stdout, io.env));
    this.ce = colors(colorEnabled(io.stderr, io.env));
  }

  /** `--json` mode. */
  get json(): boolean {
    return this.#json;
  }

  /** Whether stderr is a terminal (spinner, prompts). */
  get interactive(): boolean {
    return this.#io.stderr.isTTY === true;
  }

  /** One line on stdout. */
  print(line = ''): void {
    this.#clearSpinner();
    this.#io.stdout.write(`${line}\n`);
  }

  /** Several lines on stdout. */
  lines(lines: readonly string[]): void {
    for (const l of lines) this.print(l);
  }

  /** A section heading on stdout (human mode only). */
  heading(text: string): void {
    if (this.#json) return;
    this.print(this.c.bold(this.c.cyan(text)));
  }

  /** One JSON document on stdout. */
  printJson(doc: unknown): void {
    this.print(JSON.stringify(doc, null, 2));
  }

  /** One compact JSON line (NDJSON) on stdout. */
  printNdjson(doc: unknown): void {
    this.print(JSON.stringify(doc));
  }

  /** A line on stderr, redacted and scrubbed of known secrets. */
  err(line: string): void {
    this.#clearSpinner();
    this.#io.stderr.write(`${this.scrub(line)}\n`);
  }

  /** Removes bearer tokens, JWT-like strings and registered secrets from a line. */
  scrub(line: string): string {
    const extra = this.secretSource ? [...this.secretSource()] : [];
    return scrubSecrets(redactText(line), [...this.secrets, ...extra]);
  }

  /** Runs `work` with a spinner on stderr that appears after ~300 ms (TTY only, never in `--json` mode). */
  async spin<T>(label: string, work: Promise<T>): Promise<T> {
    this.#startSpinner(label);
    try {
      return await work;
    } finally {
      this.stopSpinner();
    }
  }

  /** A console-like logger writing `[level]` lines to stderr (used for the client's logs and HTTP traces). */
  logger(): Logger {
    const write =
      (level: string) =>
      (...args: unknown[]) => {
        const text = args.map(formatArg).join(' ');
        const tag =
          level === 'debug'
            ? this.ce.dim(level)
            : level === 'warn'
              ? this.ce.yellow(level)
              : level === 'error'
                ? this.ce.red(level)
                : level;
        this.err(`${tag} ${text}`);
      };
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  }

  #startSpinner(label: string): void {
    if (!this.interactive || this.#json || this.#spinLabel !== null) return;
    this.#spinLabel = label;
    this.#spinDelay = setTimeout(() => {
      this.#spinDelay = null;
      this.#spinTimer = setInterval(() => this.#drawSpinner(), 80);
      this.#spinTimer.unref?.();
      this.#drawSpinner();
    }, 300);
    this.#spinDelay.unref?.();
  }

  #drawSpinner(): void {
    if (this.#spinLabel === null) return;
    const f = FRAMES[this.#frame++ % FRAMES.length] as string;
    this.#io.stderr.write(`\r\x1b[K${this.ce.cyan(f)} ${this.#spinLabel}`);
    this.#spinShown = true;
  }

  #clearSpinner(): void {
    if (!this.#spinShown) return;
    this.#io.stderr.write('\r\x1b[K');
    this.#spinShown = false;
  }

  /** Hides the spinner (e.g. during a prompt); the returned function shows it again. */
  suspendSpinner(): () => void {
    const label = this.#spinLabel;
    this.stopSpinner();
    return () => {
      if (label !== null) this.#startSpinner(label);
    };
  }

  /** Removes the spinner. */
  stopSpinner(): void {
    if (this.#spinDelay) clearTimeout(this.#spinDelay);
    if (this.#spinTimer) clearInterval(this.#spinTimer);
    this.#spinDelay = null;
    this.#spinTimer = null;
    this.#clearSpinner();
    this.#spinLabel = null;
  }
}

function formatArg(a: unknown): string {
  if (typeof a === 'string') return a;
  if (a instanceof Error) return `${a.name}: ${a.message}`;
  try {
    return JSON.stringify(a);
  } catch {
    return String(a);
  }
}

/** A value for a table cell: strings as-is, other JSON compactly, `undefined` as empty. */
export function cell(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** Local wall-clock time `HH:MM:SS.mmm` of an epoch-ms instant. */
export function clock(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
