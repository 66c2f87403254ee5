import { type $Fetch, createFetch } from 'ofetch';
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

/** The HTTP layer: ofetch with timeout + abort per attempt, a concurrency limit, error mapping and redacted traces. */
export class HttpTransport {
  readonly limiter: Limiter;
  readonly #fetch: $Fetch;
  readonly #o: TransportOptions;
  readonly #baseHeaders: Record<string, string>;

  constructor(opts: TransportOptions) {
    this.#o = opts;
    this.limiter = new Limiter(opts.concurrency);
    const f = opts.fetch;
    this.#fetch = createFetch({ fetch: f ? (input, init) => f(input, init) : (input, init) => globalThis.fetch(input, init) });
    this.#baseHeaders = {};
    if (opts.origin && !isBrowserLike()) {
      this.#baseHeaders.Origin = opts.origin;
      this.#baseHeaders.Referer = `${opts.origin}/`;
    }
  }

  /** Sends one request; rejects with ApiError (≥ 400), TimeoutError, NetworkError or the caller's abort reason. */
  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const { signal } = req;
    const release = await this.limiter.acquire(signal);
    const timeout = req.timeout ?? this.#o.timeout;
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = timeout > 0 && Number.isFinite(timeout)
      ? setTimeout(() => {
          timedOut = true;
          ctrl.abort(new TimeoutError(`${req.label}: timed out after ${timeout} ms`));
        }, timeout)
      : undefined;
    unrefTimer(timer);
    const onAbort = () => ctrl.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { ...this.#baseHeaders, ...req.headers };
    const started = this.#o.trace ? Date.now() : 0;
    if (this.#o.trace) this.#o.logger.debug(`→ ${req.method} ${req.url}`, this.#traceHeaders(headers));
    const read = req.read ?? 'json';
    try {
      const res = await this.#fetch.raw(req.url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
        signal: ctrl.signal,
        retry: false,
        redirect: 'follow',
        ignoreResponseError: true,
        responseType: read === 'bytes' ? 'arrayBuffer' : 'text',
      });
      const contentType = res.headers.get('content-type') ?? '';
      const data = decodeBody(read, contentType, res._data as ArrayBuffer | string | undefined);
      if (this.#o.trace) this.#o.logger.debug(`← ${res.status} ${req.method} ${req.url} ${Date.now() - started}ms`);
      if (res.status >= 400) {
        let body = typeof data === 'string' && data.length > MAX_TEXT ? `${data.slice(0, MAX_TEXT)}…` : data;
        if (req.secrets) body = scrubDeep(body, req.secrets);
        throw new ApiError(res.status, body, headersToRecord(res.headers), req.label);
      }
      return { status: res.status, headers: res.headers, data: data as T };
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (signal?.aborted) throw signal.reason;
      if (timedOut) {
        if (this.#o.trace) this.#o.logger.debug(`✕ timeout ${req.method} ${req.url}`);
        throw new TimeoutError(`${req.label}: timed out after ${timeout} ms`);
      }
      const cause = scrubCause(err);
      if (this.#o.trace) this.#o.logger.debug(`✕ ${req.method} ${req.url}: ${cause.message}`);
      throw new NetworkError(`${req.label}: network error: ${cause.message}`, { cause });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
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
