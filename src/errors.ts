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

/**
 * No usable token and nothing to log in with (no stored token, no credentials, no `credsProvider`), or a token
 * read before the first successful auth. An {@link ApiError} with status 401, so `err.status === 401` checks and
 * `isApiError` hold; no request was sent.
 */
export class NotAuthenticatedError extends ApiError {
  constructor(message = 'Not authenticated: no token, credentials or credsProvider') {
    super(401, { message }, {}, 'auth');
    this.name = 'NotAuthenticatedError';
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

/** Why a catalog operation failed; `undefined` for failures without a finer code. */
export type CatalogErrorCode =
  | 'unknown-symbol'
  | 'not-writable'
  | 'out-of-range'
  | 'not-a-number'
  | 'invalid-value'
  | 'no-rule'
  | 'unavailable'
  | 'not-confirmed';

/** A catalog failure (`bragerone/catalog`, API.md Catalog): unknown symbol, a write that cannot be prepared, a catalog that cannot load. */
export class CatalogError extends BragerOneError {
  /** Finer reason, when known. */
  readonly code: CatalogErrorCode | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: CatalogErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CatalogError';
    this.code = options?.code;
  }
}

/** True for a {@link CatalogError} (any bundle copy). */
export function isCatalogError(err: unknown): err is CatalogError {
  return err instanceof CatalogError || brandedAs(err, ['CatalogError']);
}

function branded(err: unknown): err is BragerOneError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** A branded error (any bundle copy) whose `name` is one of `names`. */
function brandedAs(err: unknown, names: readonly string[]): boolean {
  return branded(err) && names.includes((err as Error).name);
}

/**
 * The one mapping from an HTTP answer to an error. 4xx/5xx → {@link ApiError}; a status the caller did not
 * expect but that is not an error (2xx/3xx, e.g. 204 where a list was due) → {@link ResponseValidationError},
 * because a 2xx is never an `ApiError`. `context` starts the message (`GET /modules`).
 */
export function errorForStatus(
  status: number,
  data: unknown,
  headers?: Record<string, string>,
  context?: string,
): BragerOneError {
  if (status >= 400) return new ApiError(status, data, headers, context);
  return new ResponseValidationError(context ?? 'response', [{ path: '', message: `unexpected HTTP ${status}` }], data);
}

/** True for any error created by the SDK (any bundle copy). */
export function isBragerOneError(err: unknown): err is BragerOneError {
  return err instanceof BragerOneError || branded(err);
}

/** True for an {@link ApiError} (any bundle copy). */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError || brandedAs(err, ['ApiError', 'NotAuthenticatedError']);
}

/** True for a {@link NetworkError} or {@link TimeoutError}. */
export function isNetworkError(err: unknown): err is NetworkError {
  return err instanceof NetworkError || brandedAs(err, ['NetworkError', 'TimeoutError']);
}

/** True for a {@link TimeoutError}. */
export function isTimeoutError(err: unknown): err is TimeoutError {
  return err instanceof TimeoutError || brandedAs(err, ['TimeoutError']);
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
    const rec = e as {
      status?: unknown;
      statusCode?: unknown;
      data?: unknown;
      cause?: unknown;
      errors?: unknown;
      description?: unknown;
    };
    const status =
      typeof rec.status === 'number' ? rec.status : typeof rec.statusCode === 'number' ? rec.statusCode : undefined;
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
  return (
    typeof data === 'object' && data !== null && (data as { status?: unknown }).status === 'E_DISPATCH_EVENT_TIMEOUT'
  );
}
