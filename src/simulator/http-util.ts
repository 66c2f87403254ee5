import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { FaultResponse, JsonValue } from './types.js';
import { BragerOneError } from '../errors.js';

/** JSON content type served by every REST route. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Headers a browser may send on CORS requests. */
export const CORS_ALLOW_HEADERS =
  'Authorization, Content-Type, X-Requested-With, If-None-Match, If-Modified-Since, x-appversion, Accept, Accept-Language';

/** Maximum accepted request body. */
const MAX_BODY = 1_048_576;

/** Thrown by {@link readJsonBody}; carries the HTTP status to answer. */
export class HttpError extends BragerOneError {
  /** Creates an error answered with `status` and `{"message": message}`. */
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the request body as parsed JSON; `undefined` for an empty body. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new HttpError(413, 'Payload too large');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Malformed JSON body');
  }
}

/** Computes CORS response headers for a request (empty when the origin is not allowed). */
export function corsHeaders(req: IncomingMessage, allowed: string[] | '*'): Record<string, string> {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '') return {};
  if (allowed !== '*' && !allowed.includes(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': 'ETag, Last-Modified, Content-Type',
    Vary: 'Origin',
  };
}

/**
 * Strict mode's check of a request's `Origin`/`Referer` (docs/PROTOCOL.md §2.1): at least one present, and each one
 * present naming `origin`. Returns the problem, or `null` when the request passes.
 */
export function originProblem(req: IncomingMessage, origin: string): string | null {
  const o = req.headers.origin;
  const r = req.headers.referer;
  if (typeof o !== 'string' && typeof r !== 'string') return 'Forbidden: no Origin or Referer';
  if (typeof o === 'string' && o !== origin) return 'Forbidden: Origin not allowed';
  if (typeof r === 'string' && r !== origin && !r.startsWith(`${origin}/`)) return 'Forbidden: Referer not allowed';
  return null;
}

/** Preflight-only CORS headers. */
export function preflightHeaders(): Record<string, string> {
  return {
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Max-Age': '600',
  };
}

/** Writes a complete response unless the socket is already gone. */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string | null,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const h: OutgoingHttpHeaders = { ...headers };
  if (contentType !== null) h['Content-Type'] = contentType;
  h['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, h);
  res.end(body);
}

/** Sends a JSON body with the JSON content type. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: JsonValue | object,
  headers: OutgoingHttpHeaders = {},
): void {
  send(res, status, JSON.stringify(body), JSON_TYPE, headers);
}

/** Sends a bodiless status (e.g. 204). */
export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end();
}

/** An HTML error page like the ones upstream proxies serve. */
export function htmlPage(status: number): string {
  const reason = STATUS_CODES[status] ?? 'Error';
  return `<!DOCTYPE html>\n<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center><hr><center>nginx</center></body></html>\n`;
}

/** Sends a scripted fault answer. */
export function sendFault(res: ServerResponse, fault: FaultResponse, extra: OutgoingHttpHeaders): void {
  const headers = { ...extra, ...fault.headers };
  if (fault.body === undefined) {
    if (fault.status >= 502 && fault.status <= 504) {
      send(res, fault.status, htmlPage(fault.status), fault.contentType ?? 'text/html; charset=utf-8', headers);
    } else {
      const message = STATUS_CODES[fault.status] ?? 'Error';
      send(res, fault.status, JSON.stringify({ message }), fault.contentType ?? JSON_TYPE, headers);
    }
    return;
  }
  if (typeof fault.body === 'string') {
    const type =
      fault.contentType ??
      (fault.body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8');
    send(res, fault.status, fault.body, type, headers);
    return;
  }
  send(res, fault.status, JSON.stringify(fault.body), fault.contentType ?? JSON_TYPE, headers);
}

/** Copies request headers to plain strings, replacing the `Authorization` value. */
export function redactHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = k === 'authorization' ? 'Bearer <redacted>' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Extracts the token of an `Authorization: Bearer <token>` header value. */
export function bearerToken(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string') return null;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1] ?? null;
}

/** Splits a URL path into decoded segments; `null` when a segment is not valid percent-encoding. */
export function pathSegments(pathname: string): string[] | null {
  const parts = pathname.split('/').filter((s) => s !== '');
  try {
    return parts.map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

/** A sleep that can be cancelled; the timer is unref'd so it never keeps the process alive. */
export function cancellableSleep(ms: number, timers: Set<NodeJS.Timeout>, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(t);
      timers.delete(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      timers.delete(t);
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    t.unref();
    timers.add(t);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
