/** The error tree of the SDK (redaction lives in internal/redact.ts). */
import { describeBody } from './internal/redact.js';

const BRAND = Symbol.for('bragerone.error');

/** Base class of every error the SDK creates. Guards use a brand, so copies from two bundles interoperate. */
export class BragerOneError extends Error {
  /** Brand checked by the `is*` guards across bundle copies. */
  readonly [BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BragerOneError';
  }
}

/** Non-2xx HTTP response. `message` is `HTTP <status>: …`, short and redacted. */
export class ApiError extends BragerOneError {
  /** HTTP status. */
  readonly status: number;
  /** Parsed body (JSON) or text (truncated); never an echo of a secret. */
  readonly data: unknown;
  /** Response headers, lower-case names. */
  readonly headers: Record<string, string>;
  constructor(status: number, data: unknown, headers?: Record<string, string>, context?: string) {
    super(`HTTP ${status}: ${describeBody(data, context)}`);
    this.name = 'ApiError';
    this.status = status;
    this.data = data;
    this.headers = headers ?? {};
  }
}

/** One problem found while validating a response. */
export interface ValidationIssue {
  /** Dotted path inside the response, e.g. `data.0.devid`; empty for the root. */
  readonly path: string;
  readonly message: string;
}

/** A response the SDK cannot understand. */
export class ResponseValidationError extends BragerOneError {
  readonly issues: ReadonlyArray<ValidationIssue>;
  readonly data: unknown;
  constructor(context: string, issues: ReadonlyArray<ValidationIssue>, data: unknown) {
    const first = issues[0];
    const where = first ? ` at ${first.path || '<root>'}: ${first.message}` : '';
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
    super(`${context}: unexpected response${where}${more}`);
    this.name = 'ResponseValidationError';
    this.issues = issues;
    this.data = data;
  }
}

/** Transport failure (DNS, connection refused, reset); `cause` holds a scrubbed underlying error. */
export class NetworkError extends BragerOneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

/** A request that did not finish within its `timeout`. */
export class TimeoutError extends NetworkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimeoutError';
  }
}

function branded(err: unknown): err is BragerOneError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** True for any error created by the SDK (any bundle copy). */
export function isBragerOneError(err: unknown): err is BragerOneError {
  return err instanceof BragerOneError || branded(err);
}

/** True for an {@link ApiError} (any bundle copy). */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError || (branded(err) && (err as Error).name === 'ApiError');
}

/** True for a {@link NetworkError} or {@link TimeoutError}. */
export function isNetworkError(err: unknown): err is NetworkError {
  return err instanceof NetworkError || (branded(err) && /^(Network|Timeout)Error$/.test((err as Error).name));
}

/** True for a {@link TimeoutError}. */
export function isTimeoutError(err: unknown): err is TimeoutError {
  return err instanceof TimeoutError || (branded(err) && (err as Error).name === 'TimeoutError');
}

/**
 * True when the error (or anything in its `cause` / `AggregateError` chain) is a routine upstream outage:
 * HTTP 502/503/504, a request timeout, or 408 `E_DISPATCH_EVENT_TIMEOUT`.
 */
export function isExpectedUpstreamUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e) || depth > 16) return false;
    seen.add(e);
    const rec = e as { status?: unknown; statusCode?: unknown; data?: unknown; cause?: unknown; errors?: unknown; description?: unknown };
    const status = typeof rec.status === 'number' ? rec.status : typeof rec.statusCode === 'number' ? rec.statusCode : undefined;
    if (status === 502 || status === 503 || status === 504) return true;
    if (status === 408 && isDispatchTimeout(rec.data)) return true;
    if (isTimeoutError(e)) return true;
    if (typeof rec.description === 'number' && [502, 503, 504].includes(rec.description)) return true;
    if (Array.isArray(rec.errors) && rec.errors.some((x) => visit(x, depth + 1))) return true;
    return visit(rec.cause, depth + 1);
  };
  return visit(err, 0);
}

function isDispatchTimeout(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { status?: unknown }).status === 'E_DISPATCH_EVENT_TIMEOUT';
}
