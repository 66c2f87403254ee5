/** Redaction and the error tree of the SDK. */

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

const MAX_MESSAGE = 160;

/** Short, single-line summary of an error body: a JSON `message`, or the first words of text (HTML stripped). */
export function describeBody(data: unknown, context?: string): string {
  let text = '';
  if (typeof data === 'string') {
    text = data.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  } else if (data && typeof data === 'object') {
    const rec = data as { message?: unknown; status?: unknown; error?: unknown };
    const msg = rec.message ?? rec.error ?? rec.status;
    if (typeof msg === 'string') text = msg;
  }
  text = redactText(text.replace(/\s+/g, ' ').trim());
  if (text.length > MAX_MESSAGE) text = `${text.slice(0, MAX_MESSAGE)}…`;
  const prefix = context ? `${context}` : '';
  if (!text) return prefix || 'request failed';
  return prefix ? `${prefix}: ${text}` : text;
}

const BEARER_RE = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9._-]+/g;
const JSON_SECRET_RE = /("?(?:access_?token|refresh_?token|token|password|authorization)"?\s*[:=]\s*)("[^"]*"|[^\s,}&]+)/gi;

/** Masks bearer tokens, JWT-looking strings and `password`/`token` fields in free text. */
export function redactText(text: string): string {
  return text.replace(BEARER_RE, '$1<redacted>').replace(JWT_RE, '<redacted>').replace(JSON_SECRET_RE, '$1"<redacted>"');
}

/** Removes every occurrence of the given secrets from a string. */
export function scrubSecrets(text: string, secrets: Iterable<string | null | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('<redacted>');
  return out;
}

/** Returns `value` with every string occurrence of the secrets replaced (objects and arrays copied, depth-bounded). */
export function scrubDeep(value: unknown, secrets: ReadonlyArray<string>, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((x) => scrubDeep(x, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) out[k] = scrubDeep(x, secrets, depth + 1);
  return out;
}
