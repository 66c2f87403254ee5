/** Exit codes of the `bragerone` CLI and the mapping from errors to one stderr line. */

import {
  BragerOneError,
  isApiError,
  isBragerOneError,
  isExpectedUpstreamUnavailable,
  isNetworkError,
} from '../errors.js';
import { redactText, scrubSecrets } from '../internal/redact.js';
import { errorMessage } from '../internal/error-text.js';

/** Process exit codes (docs/CLI.md). 0–3 are the contract; 130 is the shell convention for Ctrl-C. */
export const EXIT = Object.freeze({
  ok: 0,
  /** Bad arguments, missing input, and every failure that is not auth or network (e.g. HTTP 404, a bad response). */
  usage: 1,
  /** Authentication or authorization failed (HTTP 401/403, or no credentials at all). */
  auth: 2,
  /** Network failure, timeout, or the upstream is unavailable (502/503/504, 408 dispatch timeout). */
  network: 3,
  /** Interrupted (Ctrl-C) while a one-shot command was running. */
  interrupted: 130,
});

/** An error the CLI raises itself, carrying its exit code and a ready-to-print message. */
export class CliError extends BragerOneError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Bad command line or missing input (exit 1). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** Abort reason of Ctrl-C (SIGINT): one-shot and long-running commands exit 130. */
export const INTERRUPTED = 'interrupted';
/** Abort reason of SIGTERM/SIGHUP or a parent that went away: long-running commands stop cleanly (exit 0). */
export const STOPPED = 'stopped';
/** Abort reason of a closed stdout (EPIPE, e.g. `| head -1`): the run ends quietly with exit 0. */
export const OUTPUT_CLOSED = 'output closed';

/** An abort reason of the CLI (a `DOMException` named `AbortError`, as fetch and the SDK expect). */
export function abortReason(kind: typeof INTERRUPTED | typeof STOPPED | typeof OUTPUT_CLOSED): DOMException {
  return new DOMException(kind, 'AbortError');
}

/** Which CLI abort reason `x` is, if any. */
export function abortKind(x: unknown): string | null {
  return isAbort(x) && typeof (x as { message?: unknown }).message === 'string'
    ? (x as { message: string }).message
    : null;
}

/**
 * Exit code of a long-running command (watch, demo, simulator) that ended normally or because `signal` aborted:
 * 130 after Ctrl-C, else 0 (duration over, SIGTERM/SIGHUP, parent gone, output closed).
 */
export function stopCode(signal: AbortSignal): number {
  return signal.aborted && abortKind(signal.reason) === INTERRUPTED ? EXIT.interrupted : EXIT.ok;
}

/** True for the abort reason of a cancelled call (Ctrl-C). */
export function isAbort(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

/** Exit code of an error (see {@link EXIT}). */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (isAbort(err)) return EXIT.interrupted;
  if (isExpectedUpstreamUnavailable(err) || isNetworkError(err)) return EXIT.network;
  if (isApiError(err) && (err.status === 401 || err.status === 403)) return EXIT.auth;
  return EXIT.usage;
}

/** The one line printed on stderr for a failure: short, redacted, with a hint of what kind of failure it was. */
export function describeError(err: unknown, secrets: Iterable<string | null | undefined> = []): string {
  const code = exitCodeOf(err);
  const raw = errorMessage(err);
  let msg: string;
  if (err instanceof CliError) msg = raw;
  else if (isAbort(err)) msg = 'interrupted';
  else if (code === EXIT.auth) msg = `authentication failed: ${raw}`;
  else if (code === EXIT.network) {
    msg = isExpectedUpstreamUnavailable(err)
      ? `upstream unavailable, try again later (${raw})`
      : `cannot reach the server (${raw})`;
  } else if (isBragerOneError(err)) msg = raw;
  else msg = `unexpected error: ${raw}`;
  const line = scrubSecrets(redactText(msg.replace(/\s+/g, ' ').trim()), secrets);
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
