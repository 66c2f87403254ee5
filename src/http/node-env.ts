/**
 * Node-only parts of the HTTP and socket layers: TLS settings from the `verify` option and a `fetch` over
 * `node:https` that applies them. Loaded lazily as `import('#node-env')` and only in Node: package.json `imports`
 * maps `#node-env` to this module's build for Node and to an empty module under the `browser` condition, so no
 * browser bundle carries it (or its `node:` imports). The Vitest config points it at this file;
 * callers write `import('#node-env' as string)` (typed as this module) so TypeScript does not resolve it.
 * @module
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { Verify } from '../client.js';
import { BragerOneError } from '../errors.js';


/** TLS options for `node:https` and socket.io-client (`ca`, `rejectUnauthorized`). */
export interface TlsOptions {
  /** PEM text. */
  ca?: string;
  rejectUnauthorized: boolean;
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
      throw new BragerOneError(`BragerOneApiClient: \`verify\` names a CA bundle that cannot be read (${typeof code === 'string' ? code : 'error'})`);
    }
  }
  const ca = verify.ca;
  return {
    ...(ca === undefined ? {} : { ca: typeof ca === 'string' ? ca : new TextDecoder().decode(ca) }),
    rejectUnauthorized: verify.rejectUnauthorized !== false,
  };
}

/** The client's REST `fetch` for a `verify` other than `true`: {@link createTlsFetch} with {@link tlsOptions}. */
export function tlsFetch(verify: Verify): typeof globalThis.fetch {
  return createTlsFetch(tlsOptions(verify) ?? { rejectUnauthorized: true });
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
