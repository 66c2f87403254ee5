import { type $Fetch, type FetchContext, type FetchOptions, createFetch } from 'ofetch';
import { type ApiError, NetworkError, TimeoutError, errorForStatus } from '../errors.js';
import { redactText, scrubDeep } from '../internal/redact.js';
import type { ResolvedLogger } from '../log.js';
import { Limiter } from './limiter.js';
import { nodeHeaders } from '#node-env';
import { scheduleDelay } from '../internal/retry.js';
import { unrefTimer } from '../internal/timers.js';

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
  /** Absolute URL, or a path under the transport's `baseURL`. */
  url: string;
  /** Query parameters appended to `url` (ofetch's `query`). */
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** JSON-serialised when not a string. */
  body?: unknown;
  /** Default `'json'`: parsed only when the content type says JSON (unparsable → `null`), else text. */
  read?: BodyKind;
  /** Short label for errors and traces, e.g. `GET /user`. */
  label: string;
  /** Strings scrubbed from error bodies (a server echoing a token or password). */
  secrets?: string[];
  /** Retries after a transport error, timeout or a 429/500/502/503/504 answer, ≈200 ms then ≈600 ms. Default 0. */
  retries?: 0 | 1 | 2;
  /** Waits behind every queued normal request for a slot (asset downloads). Default `false`. */
  background?: boolean;
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
  /** `Origin`/`Referer` value (Node only); `null` sends neither. */
  origin: string | null;
  /** Base of relative request URLs. */
  baseURL: string;
  logger: ResolvedLogger;
  trace: boolean;
  redactSecrets: boolean;
  fetch?: typeof globalThis.fetch;
}

const MAX_TEXT = 2048;
/** Retry schedule of {@link HttpRequest.retries} (PROTOCOL §8.1). */
const RETRY_DELAYS = [200, 600] as const;
const RETRY_STATUS = [429, 500, 502, 503, 504];

/** What one logical request carries through ofetch's hooks and attempts (an extra key of its options). */
interface Flight {
  req: HttpRequest;
  timeout: number;
  /** `timeout` is a finite number > 0 (else nothing is timed). */
  timed?: boolean;
  /** The last attempt hit its timeout (waiting for headers, or reading the body). */
  timedOut: boolean;
  /** Ends the current attempt's controller, listeners and body timer. */
  done: (() => void) | null;
  started: number;
  /** Retries so far. */
  retried: number;
}
type Options = FetchOptions<'text' | 'arrayBuffer'> & { flight: Flight };
type Ctx = FetchContext & { options: { flight?: Flight } };

function headersToRecord(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function decodeBody(kind: BodyKind, contentType: string, raw: unknown): unknown {
  if (kind === 'bytes') return raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array();
  const text = typeof raw === 'string' ? raw : '';
  if (kind === 'text' || !contentType.includes('application/json')) return text;
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
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
 * The HTTP layer, built on `ofetch.create`-style `createFetch`: ofetch resolves the base URL and query, serialises
 * JSON bodies (defaulting `content-type`/`accept`), arms the per-attempt `timeout` for the response headers, reads
 * the body (none for 101/204/205/304), runs the trace hooks, retries `getBytes` (`retry`/`retryDelay`/
 * `retryStatusCodes`) and raises `FetchError`, which is mapped here into {@link ApiError}, {@link TimeoutError} or
 * {@link NetworkError} with a scrubbed cause.
 *
 * Kept above it: the FIFO concurrency limit, the caller's abort and `close()` (one controller per attempt, so a
 * retry never reuses an aborted signal, and a caller's abort during a retry delay rejects at once), and an idle
 * timer on the body: after the headers, each stall between chunks may last `timeout`, so a hung body cannot hang the
 * call while a large body on a slow but moving link never times out.
 */
export class HttpTransport {
  readonly limiter: Limiter;
  readonly #options: TransportOptions;
  readonly #baseHeaders: Record<string, string>;
  readonly #fetch: $Fetch;
  /** Controllers of attempts on the wire, aborted by {@link close}. */
  readonly #live = new Set<AbortController>();
  #closed: { reason: unknown } | null = null;

  constructor(opts: TransportOptions) {
    this.#options = opts;
    this.limiter = new Limiter(opts.concurrency);
    // Node: User-Agent, Origin, Referer (none in browsers, where the module is a stand-in).
    this.#baseHeaders = nodeHeaders(opts.origin);
    const custom = opts.fetch;
    // Read at call time, so a fetch installed after construction (polyfills, tests' interceptors) is used.
    const base: typeof globalThis.fetch = custom ?? ((input, init) => globalThis.fetch(input, init));
    this.#fetch = createFetch({
      fetch: (input, init) => this.#attempt(base, input, init),
      defaults: {
        baseURL: opts.baseURL,
        retryStatusCodes: RETRY_STATUS,
        retryDelay: (ctx) => this.#retryDelay(ctx as Ctx),
        onRequest: (ctx) => this.#onRequest(ctx as Ctx),
        onRequestError: (ctx) => this.#onRequestError(ctx as Ctx),
        onResponse: (ctx) => this.#onResponse(ctx as Ctx),
      },
    });
  }

  /**
   * Rejects every queued request and aborts every request on the wire with `reason`; later requests reject with it
   * at once.
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
    // Fast path without a promise hop when a slot is free. A queued call holds only `req` until its turn; an
    // already-aborted call never reaches the network.
    const release = req.signal?.aborted ? null : this.limiter.tryAcquire();
    if (release) return this.#send<T>(req, release);
    return this.limiter.acquire(req.signal, req.background).then((rel) => this.#send<T>(req, rel));
  }

  async #send<T>(req: HttpRequest, release: () => void): Promise<HttpResponse<T>> {
    const { signal } = req;
    const flight: Flight = {
      req,
      timeout: req.timeout ?? this.#options.timeout,
      timedOut: false,
      done: null,
      started: 0,
      retried: 0,
    };
    let onAbort: (() => void) | undefined;
    try {
      if (signal?.aborted || this.#closed) throw signal?.aborted ? signal.reason : this.#closed?.reason;
      const read = req.read ?? 'json';
      const timed = (flight.timed = flight.timeout > 0 && Number.isFinite(flight.timeout));
      const opts: Options = {
        method: req.method,
        // Not `{ ...base, ...req.headers }`: V8 takes a slow path for a second spread (dictionary-mode object).
        headers: Object.assign({}, this.#baseHeaders, req.headers),
        body: req.body as Options['body'],
        query: req.query,
        responseType: read === 'bytes' ? 'arrayBuffer' : 'text',
        timeout: timed ? flight.timeout : undefined,
        retry: req.retries ?? 0,
        flight,
      };
      let pending = this.#fetch.raw(req.url, opts);
      if (signal) {
        // A caller's abort wins at once, even during a retry delay (the next attempt's onRequest then stops it).
        pending.catch(() => undefined);
        const aborted = new Promise<never>((_, reject) => {
          onAbort = () => reject(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
        });
        pending = Promise.race([pending, aborted]);
      }
      const res = await pending;
      return { status: res.status, headers: res.headers, data: res._data as T };
    } catch (err) {
      throw this.#mapError(err, flight);
    } finally {
      flight.done?.();
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      release();
    }
  }

  #mapError(err: unknown, flight: Flight): unknown {
    const { req } = flight;
    if (req.signal?.aborted) return req.signal.reason;
    const closed = this.#closedNow();
    if (closed) return closed.reason;
    const res = (err as { response?: Response & { _data?: unknown } } | null)?.response;
    if (err instanceof Error && err.name === 'FetchError' && res) {
      const data = res._data;
      let body = typeof data === 'string' && data.length > MAX_TEXT ? `${data.slice(0, MAX_TEXT)}…` : data;
      if (req.secrets) body = scrubDeep(body, req.secrets);
      return errorForStatus(res.status, body, headersToRecord(res.headers), req.label);
    }
    if (flight.timedOut) {
      if (this.#options.trace) this.#options.logger.debug(`✕ timeout ${req.method} ${req.url}`);
      return new TimeoutError(`${req.label}: timed out after ${flight.timeout} ms`);
    }
    const cause = scrubCause(err);
    if (this.#options.trace) this.#options.logger.debug(`✕ ${req.method} ${req.url}: ${cause.message}`);
    return new NetworkError(`${req.label}: network error: ${cause.message}`, { cause });
  }

  /**
   * One attempt on the wire: links ofetch's timeout signal, the caller's signal and {@link close} to a fresh
   * controller, and once the headers are in, re-arms `timeout` on every body chunk (a per-stall timer).
   */
  async #attempt(base: typeof globalThis.fetch, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const flight = (init as { flight?: Flight } | undefined)?.flight;
    if (!flight || !init) return base(input, init);
    // ofetch runs its hooks asynchronously: close() or an abort may have come after onRequest.
    const closed = this.#closedNow();
    if (closed) throw closed.reason;
    if (flight.req.signal?.aborted) throw flight.req.signal.reason;
    const ctrl = new AbortController();
    const timeoutSignal = init.signal;
    const caller = flight.req.signal;
    const onTimeout = (): void => {
      flight.timedOut = true;
      ctrl.abort(timeoutSignal?.reason);
    };
    const onCaller = (): void => ctrl.abort(caller?.reason);
    let bodyTimer: ReturnType<typeof setTimeout> | undefined;
    flight.done = () => {
      flight.done = null;
      if (bodyTimer !== undefined) clearTimeout(bodyTimer);
      timeoutSignal?.removeEventListener('abort', onTimeout);
      caller?.removeEventListener('abort', onCaller);
      this.#live.delete(ctrl);
    };
    timeoutSignal?.addEventListener('abort', onTimeout, { once: true });
    caller?.addEventListener('abort', onCaller, { once: true });
    this.#live.add(ctrl);
    init.signal = ctrl.signal;
    const res = await base(input, init);
    const t = flight.timeout;
    // Some browsers give a 304 an (empty) body stream; a null-body status cannot be rebuilt with one.
    if (!res.body || [101, 204, 205, 304].includes(res.status)) return res;
    // untimed: a retried request still reads its body inside the attempt (see below)
    if (!flight.timed) return flight.req.retries ? new Response(await res.arrayBuffer(), res) : res;
    const arm = (): void => {
      clearTimeout(bodyTimer);
      bodyTimer = setTimeout(() => {
        flight.timedOut = true;
        ctrl.abort(new TimeoutError(`${flight.req.label}: timed out after ${t} ms`));
      }, t);
      unrefTimer(bodyTimer);
    };
    arm();
    // The headers are in: the body timer alone runs now (ofetch's own timeout ends with fetch(), which now includes
    // the body). Every body is read here, in one loop: a retried request's (getBytes) body cut by a reset or stalled
    // past `timeout` then fails the attempt and is retried like a failed connect (ofetch retries only what fetch()
    // throws). No stream pipe: in Node a TransformStream pipe costs several ms on a fresh process's first request
    // and an Error with a stack trace on every request.
    timeoutSignal?.removeEventListener('abort', onTimeout);
    // `res` as the init: its status, statusText and headers.
    return new Response(await readBody(res.body, arm), res);
  }

  /**
   * Shared start of the request and request-error hooks: ends the previous attempt's timer, then throws the
   * caller's abort reason or the close() reason (both final, no retry). Returns the flight, if this is ours.
   */
  #settleAttempt(ctx: Ctx): Flight | undefined {
    const flight = ctx.options.flight;
    if (!flight) return undefined;
    flight.done?.();
    const { signal } = flight.req;
    if (signal?.aborted) throw signal.reason;
    const closed = this.#closedNow();
    if (closed) throw closed.reason;
    return flight;
  }

  /** Every attempt: stop when aborted or closed; a fresh timeout (never the previous attempt's signal); trace. */
  #onRequest(ctx: Ctx): void {
    const flight = this.#settleAttempt(ctx);
    if (!flight) return;
    flight.timedOut = false;
    ctx.options.signal = undefined;
    if (this.#options.trace) {
      flight.started = Date.now();
      this.#options.logger.debug(`→ ${flight.req.method} ${flight.req.url}`, this.#traceHeaders(ctx.options.headers));
    }
  }

  /** A transport failure: a caller's abort or close() is final (no retry). */
  #onRequestError(ctx: Ctx): void {
    const flight = this.#settleAttempt(ctx);
    if (!flight) return;
    if (this.#options.trace)
      this.#options.logger.debug(`✕ ${flight.req.method} ${flight.req.url}: ${scrubCause(ctx.error).message}`);
  }

  /** The body is in: decode JSON by content type, trace. */
  #onResponse(ctx: Ctx): void {
    const flight = ctx.options.flight;
    const res = ctx.response;
    if (!flight || !res) return;
    flight.done?.();
    res._data = decodeBody(flight.req.read ?? 'json', res.headers.get('content-type') ?? '', res._data);
    if (this.#options.trace)
      this.#options.logger.debug(
        `← ${res.status} ${flight.req.method} ${ctx.request} ${Date.now() - flight.started}ms`,
      );
  }

  #retryDelay(ctx: Ctx): number {
    const flight = ctx.options.flight;
    const n = flight ? flight.retried++ : 0;
    const delay = scheduleDelay(RETRY_DELAYS, n);
    this.#options.logger.debug(`${flight?.req.label ?? 'request'}: retry ${n + 1} in ${delay} ms`);
    return delay;
  }

  #traceHeaders(h: HeadersInit | undefined): Record<string, string> {
    const rec = h instanceof Headers ? headersToRecord(h) : { ...(h as Record<string, string> | undefined) };
    if (!this.#options.redactSecrets) return rec;
    for (const k of Object.keys(rec)) if (k.toLowerCase() === 'authorization') rec[k] = 'Bearer <redacted>';
    return rec;
  }
}

/** Reads a body to its end, calling `onChunk` per chunk (the per-stall timer); one buffer, no stream pipe. */
async function readBody(body: ReadableStream<Uint8Array>, onChunk: () => void): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onChunk();
    parts.push(value);
    size += value.byteLength;
  }
  if (parts.length === 1) return parts[0] as Uint8Array<ArrayBuffer>; // a view: Response copies just its bytes
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
