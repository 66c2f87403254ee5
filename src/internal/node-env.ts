/**
 * Node-only parts of the HTTP and socket layers: the Node request headers (`User-Agent`, `Origin`, `Referer`), TLS
 * settings from the `verify` option and a `fetch` over `node:https` that applies them. Imported as `#node-env`:
 * package.json `imports` maps it to this module's build in Node and, under the `browser` condition, to a stand-in
 * (dist/no-node-env.js: no headers, no TLS fetch), so no browser bundle carries this code or its `node:` imports.
 * The Vitest config points `#node-env` at this file; src/node-env-module.d.ts types it for TypeScript.
 * @module
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import type { TlsOptions, Verify } from '../options.js';
import { BragerOneError } from '../errors.js';
import type { ResolvedLogger } from '../log.js';
import { USER_AGENT } from '../version.js';
import { isBrowserLike } from './platform.js';

/** Headers every REST request carries in Node: `User-Agent`, and `Origin`/`Referer` when `origin` is set. */
export function nodeHeaders(origin: string | null): Record<string, string> {
  if (isBrowserLike()) return {};
  const h: Record<string, string> = { 'User-Agent': USER_AGENT };
  if (origin) {
    h.Origin = origin;
    h.Referer = `${origin}/`;
  }
  return h;
}

/** `null` for the platform default (`verify: true`); otherwise the options to apply. Reads a CA bundle path at once. */
export function tlsOptions(verify: Verify | undefined): TlsOptions | null {
  if (verify === undefined || verify === true) return null;
  if (verify === false) return { rejectUnauthorized: false };
  if (typeof verify === 'string') {
    try {
      return { ca: readFileSync(verify, 'utf8'), rejectUnauthorized: true };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw new BragerOneError(
        `BragerOneApiClient: \`verify\` names a CA bundle that cannot be read (${typeof code === 'string' ? code : 'error'})`,
      );
    }
  }
  const ca = verify.ca;
  return {
    ...(ca === undefined ? {} : { ca: typeof ca === 'string' ? ca : new TextDecoder().decode(ca) }),
    rejectUnauthorized: verify.rejectUnauthorized !== false,
  };
}

/**
 * The client's REST `fetch` for its `verify` option: `undefined` for the default (`true`), else a
 * {@link createTlsFetch}; `false` logs one warning. Throws a `BragerOneError` when a CA bundle path cannot be read.
 */
export function nodeFetch(verify: Verify | undefined, logger: ResolvedLogger): typeof globalThis.fetch | undefined {
  const tls = tlsOptions(verify);
  if (!tls) return undefined;
  if (verify === false)
    logger.warn('BragerOneApiClient: verify: false, TLS certificates are not checked (REST and socket)');
  return createTlsFetch(tls);
}

/** A connection opened ahead of its request: {@link preconnect}. */
export interface Preconnected {
  /** An agent whose first connection is the early one (when still open), later ones new. */
  readonly agent: http.Agent;
  /** Closes the early connection if it was not used. */
  close(): void;
}

/**
 * Opens the TCP (and, for `https:`, TLS) connection to `base` now, so a request that cannot be sent yet (a socket
 * handshake waiting for its token) finds it open. An early connection unused after `idle` ms is closed; one that
 * failed or was closed by the server is replaced by a new one. `null` in browsers and for other schemes.
 */
export function preconnect(base: string, tlsOpts: TlsOptions | null, idle: number): Preconnected | null {
  if (isBrowserLike()) return null;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (!secure && url.protocol !== 'http:' && url.protocol !== 'ws:') return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (secure ? 443 : 80);
  let early: net.Socket | null = secure
    ? tls.connect({ host, port, servername: net.isIP(host) ? '' : host, ...tlsOpts })
    : net.connect({ host, port });
  early.on('error', () => {}); // a failed early connection is simply not used
  early.unref(); // an idle early connection does not keep the process alive; the request that takes it does
  const close = (): void => {
    clearTimeout(timer);
    early?.destroy();
    early = null;
  };
  const timer = setTimeout(close, idle);
  timer.unref();
  const take = (): net.Socket | null => {
    const s = early;
    early = null;
    clearTimeout(timer);
    if (s && !s.destroyed && (s.connecting || s.readyState === 'open')) return s.ref();
    s?.destroy();
    return null;
  };
  const agent = secure
    ? new (class extends https.Agent {
        override createConnection(
          o: https.RequestOptions,
          cb?: (err: Error | null, stream: Duplex) => void,
        ): Duplex | null | undefined {
          return take() ?? super.createConnection(o, cb);
        }
      })({ ...tlsOpts })
    : new (class extends http.Agent {
        override createConnection(
          o: http.ClientRequestArgs,
          cb?: (err: Error | null, stream: Duplex) => void,
        ): Duplex | null | undefined {
          return take() ?? super.createConnection(o, cb);
        }
      })();
  return { agent, close };
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for `https:` URLs over a keep-alive `node:https` agent with `tls` (other URLs go to the platform
 * `fetch`). Streams the body (so the transport's per-stall timer sees every chunk); honours `signal` before and
 * during the body; no redirects are followed (the API does not redirect). String and byte bodies only.
 */
export function createTlsFetch(tls: TlsOptions): typeof globalThis.fetch {
  const agent = new https.Agent({ keepAlive: true, ...tls });
  return (input, init = {}) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href);
    if (url.protocol !== 'https:') return globalThis.fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const { signal } = init;
      if (signal?.aborted) return reject(signal.reason);
      const method = (init.method ?? 'GET').toUpperCase();
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => {
        headers[k] = v;
      });
      const req = https.request(url, { method, headers, agent });
      const onAbort = (): void => {
        req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        signal?.removeEventListener('abort', onAbort);
        // What fetch rejects with on a transport failure (the transport maps it to a NetworkError; never surfaced).
        reject(new TypeError('fetch failed', { cause: e }));
      });
      req.on('response', (res) => {
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const x of v) out.append(k, x);
          else if (v !== undefined) out.set(k, v);
        }
        const status = res.statusCode ?? 0;
        const empty = NULL_BODY.has(status) || method === 'HEAD';
        if (empty) res.resume();
        const body = empty ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
        resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: out }));
      });
      const b = init.body;
      if (b === undefined || b === null) req.end();
      else if (typeof b === 'string' || b instanceof Uint8Array) req.end(b);
      else if (b instanceof ArrayBuffer) req.end(Buffer.from(b));
      else req.end(String(b));
    });
  };
}
