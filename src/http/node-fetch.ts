/**
 * `createNodeHttpFetch()` — a `fetch`-compatible function over `node:http` / `node:https` keep-alive agents, for the
 * client's `fetch` option in Node (`bragerone/node` only; browsers keep the platform `fetch`).
 *
 * Why: Node's built-in `fetch` (undici) spends far more CPU per request than `node:http` on small JSON calls — WHATWG
 * streams for every body, a `Request` object, and for a request with a `signal` an abort listener plus a
 * `FinalizationRegistry` entry. The SDK always passes a signal (every request has a timeout). `npm run bench` shows
 * the gap and what this transport closes.
 *
 * What it implements of `fetch`: string/URL input (a `Request` input is handed to `globalThis.fetch`), `method`,
 * `headers` (any `HeadersInit`), a string / `Uint8Array` / `ArrayBuffer` / `URLSearchParams` body (other bodies go to
 * `globalThis.fetch`), `signal` (rejects with its reason, also while the body is read), `redirect` (`follow` up to
 * 20 hops with fetch's method/body rules and `Authorization` dropped across origins, `manual`, `error`). The answer is
 * a `Response` (a subclass whose body is buffered: reading it skips the stream machinery); its `url` and `redirected`
 * are not set.
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** Options of {@link createNodeHttpFetch}. */
export interface NodeHttpFetchOptions {
  /** Agent for `http:` URLs. Default: a keep-alive agent owned by this fetch. */
  httpAgent?: http.Agent;
  /** Agent for `https:` URLs. Default: a keep-alive agent owned by this fetch. */
  httpsAgent?: https.Agent;
  /** Idle sockets are kept this long (ms) by the default agents. Default 4 000 (below common 5 s server timeouts). */
  keepAliveMsecs?: number;
}

/** The fetch function, plus `close()` that destroys the sockets of the agents it created. */
export type NodeHttpFetch = typeof globalThis.fetch & {
  /** Destroys the sockets of the agents this fetch created (agents passed in are left alone). */
  close(): void;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init) return out;
  if (init instanceof Headers || Array.isArray(init)) {
    for (const [k, v] of init as Iterable<[string, string]>) {
      const key = k.toLowerCase();
      out[key] = key in out ? `${out[key]}, ${v}` : v;
    }
    return out;
  }
  for (const k in init) {
    const v = (init as Record<string, string>)[k];
    if (v === undefined) continue;
    const key = k.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${v}` : String(v);
  }
  return out;
}

function bodyBytes(body: BodyInit | null | undefined, headers: Record<string, string>): Buffer | string | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
    return body;
  }
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return null; // streams, blobs, form data: not handled here
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

const utf8 = new TextDecoder(); // strips a BOM, like Response.text()

/**
 * A `Response` whose body is already in memory: `text()`, `json()` and `arrayBuffer()` read the buffer directly
 * instead of through a WHATWG stream (the bulk of `Response`'s cost on small bodies). `body` still yields a real
 * stream, created on first access; `bodyUsed` and `clone()` behave as for any `Response`.
 */
class BufferedResponse extends Response {
  #buf: Buffer | null;
  #used = false;
  #stream: Response['body'] = null;

  constructor(buf: Buffer | null, init: ResponseInit) {
    super(null, init);
    this.#buf = buf;
  }

  override get body(): Response['body'] {
    if (this.#buf === null) return null;
    this.#stream ??= new Response(this.#buf as unknown as BodyInit).body;
    return this.#stream;
  }

  override get bodyUsed(): boolean {
    return this.#used || (this.#stream !== null && (this.#stream.locked || super.bodyUsed));
  }

  #take(): Buffer {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#buf ?? Buffer.alloc(0);
  }

  /** Reads through the stream once someone has touched `body` (it may be partly consumed). */
  #viaStream(): Response | null {
    if (this.#stream === null) return null;
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return new Response(this.#stream, { headers: this.headers });
  }

  override async text(): Promise<string> {
    const r = this.#viaStream();
    return r ? r.text() : utf8.decode(this.#take());
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const r = this.#viaStream();
    if (r) return r.arrayBuffer();
    const b = this.#take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  override async blob(): Promise<Blob> {
    const r = this.#viaStream();
    if (r) return r.blob();
    return new Blob([this.#take() as unknown as BlobPart], { type: this.headers.get('content-type') ?? '' });
  }

  override async formData(): Promise<FormData> {
    return (this.#viaStream() ?? new Response(this.#take() as unknown as BodyInit, { headers: this.headers })).formData();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    if (this.#stream !== null) {
      const [a, b] = this.#stream.tee();
      this.#stream = a;
      return new Response(b, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) });
    }
    return new BufferedResponse(this.#buf, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) });
  }
}

/** Creates a keep-alive `fetch` over `node:http`/`node:https` (see the module docs for what it covers). */
export function createNodeHttpFetch(opts: NodeHttpFetchOptions = {}): NodeHttpFetch {
  const keepAliveMsecs = opts.keepAliveMsecs ?? 4_000;
  const own: Array<http.Agent> = [];
  const httpAgent = opts.httpAgent ?? own[own.push(new http.Agent({ keepAlive: true, keepAliveMsecs, timeout: keepAliveMsecs })) - 1];
  const httpsAgent = opts.httpsAgent ?? own[own.push(new https.Agent({ keepAlive: true, keepAliveMsecs, timeout: keepAliveMsecs })) - 1];

  const nodeFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) return globalThis.fetch(input, init);
    const headers = headerRecord(init.headers);
    const payload = bodyBytes(init.body, headers);
    if (payload === null) return globalThis.fetch(input, init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    let url = new URL(input);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = payload;
    for (let hop = 0; ; hop++) {
      const res = await send(url, method, headers, body, signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (!REDIRECTS.has(status) || !location || init.redirect === 'manual') return toResponse(res, method, signal);
      res.resume();
      if (init.redirect === 'error') throw new TypeError(`fetch failed: redirect to ${location} not allowed`);
      if (hop >= MAX_REDIRECTS) throw new TypeError('fetch failed: redirect count exceeded');
      const next = new URL(location, url);
      if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
        method = 'GET';
        body = undefined;
        for (const k of Object.keys(headers)) if (k.startsWith('content-')) delete headers[k];
      }
      if (next.origin !== url.origin) {
        delete headers.authorization;
        delete headers.cookie;
      }
      url = next;
    }
  };

  function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | string | undefined, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method, headers, agent: secure ? httpsAgent : httpAgent });
      let onAbort: (() => void) | undefined;
      if (signal) {
        onAbort = () => req.destroy(abortReason(signal) as Error);
        signal.addEventListener('abort', onAbort, { once: true });
      }
      const done = () => {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      };
      req.once('response', (res) => {
        done();
        resolve(res);
      });
      req.once('error', (err) => {
        done();
        reject(signal?.aborted ? abortReason(signal) : new TypeError('fetch failed', { cause: err }));
      });
      req.end(body);
    });
  }

  function toResponse(res: http.IncomingMessage, method: string, signal: AbortSignal | undefined): Promise<Response> {
    const status = res.statusCode ?? 0;
    const h = new Headers();
    const raw = res.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) h.append(raw[i] as string, raw[i + 1] as string);
    const init = { status, statusText: res.statusMessage ?? '', headers: h };
    if (method === 'HEAD' || status === 204 || status === 205 || status === 304) {
      res.resume();
      return Promise.resolve(new BufferedResponse(null, init));
    }
    // Nothing asks for compression, but a server may send it anyway: decode like fetch does.
    const enc = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
    const stream: Readable =
      enc === 'gzip' || enc === 'x-gzip' ? res.pipe(zlib.createGunzip()) : enc === 'deflate' ? res.pipe(zlib.createInflate()) : enc === 'br' ? res.pipe(zlib.createBrotliDecompress()) : res;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let onAbort: (() => void) | undefined;
      if (signal) {
        onAbort = () => res.destroy(abortReason(signal) as Error);
        signal.addEventListener('abort', onAbort, { once: true });
      }
      const done = () => {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      };
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('end', () => {
        done();
        const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        resolve(new BufferedResponse(buf, init));
      });
      if (stream !== res) {
        stream.once('error', (err) => {
          done();
          reject(new TypeError('fetch failed: body', { cause: err }));
        });
      }
      res.once('error', (err) => {
        done();
        reject(signal?.aborted ? abortReason(signal) : new TypeError('fetch failed: body', { cause: err }));
      });
      res.once('aborted', () => {
        done();
        reject(signal?.aborted ? abortReason(signal) : new TypeError('fetch failed: connection closed mid-body'));
      });
    });
  }

  return Object.assign(nodeFetch as typeof globalThis.fetch, {
    close(): void {
      for (const a of own) a.destroy();
    },
  });
}
