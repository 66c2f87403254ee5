import { ApiError, NetworkError, TimeoutError, redactText, scrubDeep } from '../errors.js';
import type { ResolvedLogger } from '../log.js';
import { Limiter } from './limiter.js';
import { isBrowserLike, unrefTimer } from './sleep.js';

/** Per-call options accepted by every network method. */
export interface RequestOptions {
  /** Cancels the call; it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds for this call; overrides the client's `timeout`. */
  timeout?: number;
}

/** How a response body is read. */
export type BodyKind = 'json' | 'text' | 'bytes';

/** One HTTP request as the transport sees it. */
export interface HttpRequest extends RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** JSON-serialised when not a string. */
  body?: unknown;
  /** Default `'json'`: parsed only when the content type says JSON (unparsable → `null`), else text. */
  read?: BodyKind;
  /** Short label for errors and traces, e.g. `GET /user`. */
  label: string;
  /** Strings scrubbed from error bodies (a server echoing a token or password). */
  secrets?: string[];
}

/** A response with status < 400. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
}

/** Settings of {@link HttpTransport}. */
export interface TransportOptions {
  timeout: number;
  concurrency: number;
  origin: string | null;
  logger: ResolvedLogger;
  trace: boolean;
  redactSecrets: boolean;
  fetch?: typeof globalThis.fetch;
}

const MAX_TEXT = 2048;
/** Methods whose body gets JSON default headers. */
const PAYLOAD_METHODS = new Set(['PATCH', 'POST', 'PUT', 'DELETE']);
/** Statuses that never carry a body: nothing is read. */
const NULL_BODY = new Set([101, 204, 205, 304]);

function hasHeader(h: Record<string, string>, lower: string): boolean {
  for (const k in h) if (k.toLowerCase() === lower) return true;
  return false;
}

function headersToRecord(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function decodeBody(kind: BodyKind, contentType: string, raw: ArrayBuffer | string | undefined): unknown {
  if (kind === 'bytes') return raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array();
  const text = typeof raw === 'string' ? raw : '';
  if (kind === 'text') return text;
  if (contentType.includes('application/json')) {
    if (text === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }
  return text;
}

/** Removes headers-bearing objects from a transport error: only name, message and code survive. */
function scrubCause(err: unknown): Error {
  let root: unknown = err;
  for (let i = 0; i < 4 && root && typeof root === 'object' && (root as { cause?: unknown }).cause; i++) {
    root = (root as { cause?: unknown }).cause;
  }
  const r = root as { message?: unknown; code?: unknown; name?: unknown } | null;
  const msg = redactText(typeof r?.message === 'string' ? r.message : String(root));
  const out = new Error(msg);
  if (typeof r?.name === 'string') out.name = r.name;
  if (typeof r?.code === 'string') (out as Error & { code?: string }).code = r.code;
  return out;
}

/**
 * The HTTP layer: `fetch` with timeout + abort per attempt, a concurrency limit, error mapping and redacted traces.
 *
 * It calls `fetch` directly (it used to go through ofetch, whose features it did not use: no retries, no base
 * URL, no query building, errors mapped here). Kept from that wrapper, so requests are byte-for-byte the same:
 * a payload method with a non-empty body defaults `content-type` and `accept` to `application/json`; no body is
 * read for 101/204/205/304.
 */
export class HttpTransport {
  readonly limiter: Limiter;
  readonly #fetch: typeof globalThis.fetch | undefined;
  readonly #o: TransportOptions;
  readonly #baseHeaders: Record<string, string>;

  constructor(opts: TransportOptions) {
    this.#o = opts;
    this.limiter = new Limiter(opts.concurrency);
    this.#fetch = opts.fetch;
    this.#baseHeaders = {};
    if (opts.origin && !isBrowserLike()) {
      this.#baseHeaders.Origin = opts.origin;
      this.#baseHeaders.Referer = `${opts.origin}/`;
    }
  }

  /** Controllers of requests on the wire, aborted by {@link close}. */
  readonly #live = new Set<AbortController>();
  #closed: { reason: unknown } | null = null;

  /**
   * Rejects every queued request and aborts every request on the wire with `reason`; later requests reject with it
   * at once. (A request with neither a timeout nor a signal has no controller and runs to completion.)
   */
  close(reason: unknown): void {
    if (this.#closed) return;
    this.#closed = { reason };
    this.limiter.rejectAll(reason);
    for (const c of this.#live) c.abort(reason);
    this.#live.clear();
  }

  // A method, so control-flow narrowing from an earlier check cannot hide a close() that happened meanwhile.
  #closedNow(): { reason: unknown } | null {
    return this.#closed;
  }

  /** Sends one request; rejects with ApiError (≥ 400), TimeoutError, NetworkError or the caller's abort reason. */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    if (this.#closed) return Promise.reject(this.#closed.reason);
    // Fast path without a promise hop when a slot is free. A queued call holds only `req` until its turn (no
    // timer, controller or headers yet); an already-aborted call never reaches the network.
    const release = req.signal?.aborted ? null : this.limiter.tryAcquire();
    if (release) return this.#send<T>(req, release);
    return this.limiter.acquire(req.signal).then((rel) => this.#send<T>(req, rel));
  }

  async #send<T>(req: HttpRequest, release: () => void): Promise<HttpResponse<T>> {
    const { signal } = req;
    if (signal?.aborted || this.#closed) {
      release();
      throw signal?.aborted ? signal.reason : this.#closed?.reason;
    }
    const timeout = req.timeout ?? this.#o.timeout;
    const timed = timeout > 0 && Number.isFinite(timeout);
    // Node's fetch spends ~20 µs of CPU per request following a signal (bench/, docs/BENCHMARKS.md): make one
    // only when something can abort the request.
    const ctrl = timed || signal ? new AbortController() : null;
    if (ctrl) this.#live.add(ctrl);
    let timedOut = false;
    const timer = timed
      ? setTimeout(() => {
          timedOut = true;
          ctrl?.abort(new TimeoutError(`${req.label}: timed out after ${timeout} ms`));
        }, timeout)
      : undefined;
    unrefTimer(timer);
    const onAbort = () => ctrl?.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const method = req.method;
    // Not `{ ...base, ...req.headers }`: V8 takes a slow runtime path for a second spread and returns a
    // dictionary-mode object, which also slows fetch's own header copy (≈ 3–5 µs per request in all).
    // Same own keys, order and values; the only difference, a key named `__proto__`, no SDK header has.
    const headers: Record<string, string> = Object.assign({}, this.#baseHeaders, req.headers);
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (body && PAYLOAD_METHODS.has(method)) {
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
      if (!hasHeader(headers, 'accept')) headers.accept = 'application/json';
    }
    const started = this.#o.trace ? Date.now() : 0;
    if (this.#o.trace) this.#o.logger.debug(`→ ${method} ${req.url}`, this.#traceHeaders(headers));
    const read = req.read ?? 'json';
    try {
      // `headers` is a plain record (a valid `HeadersInit`): fetch builds its own header list from it, so a
      // `Headers` object made here would only be copied once more.
      const init: RequestInit = { method, headers, body, signal: ctrl?.signal, redirect: 'follow' };
      const custom = this.#fetch;
      const res = await (custom ? custom(req.url, init) : globalThis.fetch(req.url, init));
      // A body-less status is not read. Other responses are read even when `body` is null: that yields '' or an
      // empty buffer, which decodes exactly like "nothing read" — and `body` itself is never touched (a buffered
      // Response, e.g. createNodeHttpFetch's, would have to build a stream just to answer it).
      const raw = NULL_BODY.has(res.status) ? undefined : read === 'bytes' ? await res.arrayBuffer() : await res.text();
      const contentType = res.headers.get('content-type') ?? '';
      const data = decodeBody(read, contentType, raw);
      if (this.#o.trace) this.#o.logger.debug(`← ${res.status} ${method} ${req.url} ${Date.now() - started}ms`);
      if (res.status >= 400) {
        let errBody = typeof data === 'string' && data.length > MAX_TEXT ? `${data.slice(0, MAX_TEXT)}…` : data;
        if (req.secrets) errBody = scrubDeep(errBody, req.secrets);
        throw new ApiError(res.status, errBody, headersToRecord(res.headers), req.label);
      }
      return { status: res.status, headers: res.headers, data: data as T };
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (signal?.aborted) throw signal.reason;
      const closed = this.#closedNow();
      if (closed && ctrl?.signal.aborted && ctrl.signal.reason === closed.reason) throw closed.reason;
      if (timedOut) {
        if (this.#o.trace) this.#o.logger.debug(`✕ timeout ${method} ${req.url}`);
        throw new TimeoutError(`${req.label}: timed out after ${timeout} ms`);
      }
      const cause = scrubCause(err);
      if (this.#o.trace) this.#o.logger.debug(`✕ ${method} ${req.url}: ${cause.message}`);
      throw new NetworkError(`${req.label}: network error: ${cause.message}`, { cause });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (ctrl) this.#live.delete(ctrl);
      release();
    }
  }

  #traceHeaders(h: Record<string, string>): Record<string, string> {
    if (!this.#o.redactSecrets) return h;
    const out: Record<string, string> = {};
    for (const k of Object.keys(h)) out[k] = k.toLowerCase() === 'authorization' ? 'Bearer <redacted>' : (h[k] as string);
    return out;
  }
}
