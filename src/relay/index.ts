/**
 * `bragerone/relay` (Node): a small, locked-down reverse proxy that lets a browser app on another origin reach the
 * cloud. It forwards `/v1/*` REST, the Socket.IO path (long-polling and WebSocket upgrades) and read-only
 * `GET /assets/*` (+ `GET /` for index discovery) to the configured cloud only, sets the `Origin`/`Referer` the cloud
 * expects (and `x-appversion` on the Socket.IO path), and answers CORS for the listed origins only. The forwarding
 * itself is done by `httpxy` (docs/RELAY.md says why). See docs/RELAY.md for the security model.
 * @packageDocumentation
 */
import { timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { BRAGERONE_SERVER, type ServerConfig } from '../server.js';
import { BragerOneError } from '../errors.js';

export { relayServer } from '../server.js';

/** One log line of the relay: never a body, a query string, a cookie or an `Authorization` value. */
export interface RelayLogEntry {
  /** `request`, `upgrade`, `refused` or `upstream-error`. */
  readonly event: 'request' | 'upgrade' | 'refused' | 'upstream-error';
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** HTTP status sent (or refused with). */
  readonly status?: number;
  /** Why a request was refused or failed (a fixed phrase). */
  readonly reason?: string;
  /** The client's address as the relay sees it. */
  readonly ip: string;
}

/** Default option values of {@link createRelay}: bytes, requests per window, milliseconds. */
export const RELAY_DEFAULTS = /* @__PURE__ */ Object.freeze({
  /** Largest request body forwarded, bytes. */
  maxBodyBytes: 1_000_000,
  /** Requests and upgrades per client IP per window. */
  rateLimit: Object.freeze({ max: 600, windowMs: 60_000 }),
  /** Upstream response timeout, milliseconds. */
  timeout: 30_000,
} as const);

/** Options of {@link createRelay}. */
export interface RelayOptions {
  /** The cloud to forward to: `BRAGERONE_SERVER`, `TISCONNECT_SERVER` or a `defineServer(...)` result. */
  server: ServerConfig;
  /** Page origins allowed to call the relay, e.g. `['https://my.dashboard']`. Exact match; no wildcards. */
  allowOrigins: readonly string[];
  /**
   * Shared secret for internet-facing relays: every request must carry it in the `X-Relay-Key` header (REST, assets,
   * polling) or, where a browser cannot set headers (the WebSocket upgrade), the `relayKey` query parameter.
   */
  secret?: string;
  /** Largest request body forwarded, in bytes (Socket.IO's default `maxHttpBufferSize`). @default RELAY_DEFAULTS.maxBodyBytes */
  maxBodyBytes?: number;
  /** Per client IP: at most `max` requests and upgrades per `windowMs` milliseconds; `false` disables it. @default RELAY_DEFAULTS.rateLimit */
  rateLimit?: { max: number; windowMs: number } | false;
  /** Verify the cloud's TLS certificate (default `true`). `false` is for test clouds only. */
  verify?: boolean;
  /** Extra CA certificates (PEM) trusted for the upstream, e.g. a private test cloud's. */
  ca?: string | Buffer;
  /** `x-appversion` sent on the Socket.IO path when the client did not send one. Default: `server.appVersion` (PROTOCOL.md §6.2). */
  appVersion?: string;
  /** Take the client IP from the first `X-Forwarded-For` entry (only behind a proxy you run). Default `false`. */
  trustProxy?: boolean;
  /** Upstream response timeout, in milliseconds. @default RELAY_DEFAULTS.timeout */
  timeout?: number;
  /** Receives one entry per request; default: nothing is logged. */
  log?: (entry: RelayLogEntry) => void;
}

/** What {@link createRelay} returns: handlers for `node:http`'s `request` and `upgrade` events. */
export interface Relay {
  /**
   * `request` handler; also an Express/Connect middleware (`app.use(relay.handle)`): paths the relay does not serve
   * go to `next()` when one is given, else 404.
   */
  handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  /** `upgrade` handler (`server.on('upgrade', relay.upgrade)`): only the Socket.IO path is forwarded. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Stops the rate-limit sweeper. */
  close(): void;
}

const SECRET_HEADER = 'x-relay-key';
const SECRET_QUERY = 'relayKey';
/** Request headers never forwarded (hop-by-hop handled by the proxy library; these are ours to drop). */
const DROP_REQUEST = ['origin', 'referer', 'cookie', SECRET_HEADER, 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'proxy-authorization'];
const EXPOSE = 'ETag, Last-Modified, Date, Retry-After, Content-Length';

type Kind = 'api' | 'socket' | 'asset';
interface Route {
  kind: Kind;
  path: string;
}

type ProxyLib = typeof import('httpxy');
type Proxy = ReturnType<ProxyLib['createProxyServer']>;

/** Creates the relay's request and upgrade handlers. */
export function createRelay(options: RelayOptions): Relay {
  const o = checkOptions(options);
  const { server } = o;
  const allow = new Set(o.allowOrigins);
  const apiPrefix = `/${server.apiVersion}/`;
  const sockPrefix = `${(server.socketPath ?? server.sockPath).replace(/\/+$/, '')}/`;
  const oneBase = server.oneBase;
  // A ServerConfig written by hand before these fields existed falls back to BragerOne's values.
  const appVersion = o.appVersion ?? server.appVersion ?? BRAGERONE_SERVER.appVersion;
  const acceptLanguage = server.acceptLanguage ?? BRAGERONE_SERVER.acceptLanguage;
  const log = (e: RelayLogEntry): void => {
    try {
      o.log?.(e);
    } catch {
      /* a logger must never break the relay */
    }
  };
  const rate = o.rateLimit ?? RELAY_DEFAULTS.rateLimit;
  const limiter = rate === false ? null : new RateLimiter(rate.max, rate.windowMs);
  const maxBody = o.maxBodyBytes ?? RELAY_DEFAULTS.maxBodyBytes;
  const secret = o.secret === undefined ? null : Buffer.from(o.secret);

  // Loaded lazily with import(): httpxy is ESM-only, and this keeps the CJS build working too.
  let proxyPromise: Promise<Proxy> | null = null;
  const proxy = (): Promise<Proxy> => {
    proxyPromise ??= import('httpxy').then((lib) => {
      const p = lib.createProxyServer({
        changeOrigin: true,
        secure: o.verify !== false,
        ...(o.ca !== undefined ? { ca: o.ca.toString() } : {}),
        xfwd: false,
        proxyTimeout: o.timeout ?? RELAY_DEFAULTS.timeout,
        followRedirects: false,
      });
      p.on('proxyRes', (proxyRes) => {
        for (const h of Object.keys(proxyRes.headers)) {
          if (h.startsWith('access-control-') || h === 'set-cookie') delete proxyRes.headers[h];
        }
      });
      p.on('error', () => {
        /* each call handles its own errors */
      });
      return p;
    });
    return proxyPromise;
  };

  const route = (req: IncomingMessage): Route | null | 'bad' => {
    const raw = req.url ?? '/';
    // Only origin-form targets: an absolute URL (`GET http://other.host/...`) names a host, which the relay never uses.
    if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return 'bad';
    let u: URL;
    try {
      u = new URL(raw, 'http://relay.invalid');
    } catch {
      return 'bad';
    }
    if (u.host !== 'relay.invalid') return 'bad';
    const path = u.pathname; // dot segments (also %2e%2e) resolved here, before the prefix checks
    const search = stripSecret(u.searchParams);
    const full = search ? `${path}?${search}` : path;
    if (path.startsWith(apiPrefix)) return { kind: 'api', path: full };
    if (path.startsWith(sockPrefix)) return { kind: 'socket', path: full };
    if (path === '/' || (path.startsWith('/assets/') && path.length > '/assets/'.length) || path === '/assets/') return { kind: 'asset', path: full };
    return null;
  };

  const clientIp = (req: IncomingMessage): string => {
    if (o.trustProxy) {
      const xff = req.headers['x-forwarded-for'];
      const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? 'unknown';
  };

  const secretOk = (req: IncomingMessage): boolean => {
    if (!secret) return true;
    const h = req.headers[SECRET_HEADER];
    let given = typeof h === 'string' ? h : undefined;
    if (given === undefined) {
      try {
        given = new URL(req.url ?? '/', 'http://relay.invalid').searchParams.get(SECRET_QUERY) ?? undefined;
      } catch {
        given = undefined;
      }
    }
    if (given === undefined) return false;
    const g = Buffer.from(given);
    return g.length === secret.length && timingSafeEqual(g, secret);
  };

  /** Rewrites the request's headers in place to what the cloud expects. */
  const rewrite = (req: IncomingMessage, r: Route): void => {
    for (const h of DROP_REQUEST) delete req.headers[h];
    req.headers.origin = oneBase;
    req.headers.referer = `${oneBase}/`;
    if (r.kind === 'asset') {
      delete req.headers.authorization; // assets are public (PROTOCOL.md §8.1)
    }
    if (r.kind === 'socket') {
      if (typeof req.headers['x-appversion'] !== 'string' || !req.headers['x-appversion']) req.headers['x-appversion'] = appVersion;
      req.headers['accept-language'] ??= acceptLanguage;
    }
    req.url = r.path;
  };

  const corsHeaders = (origin: string): Record<string, string> => ({
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': EXPOSE,
    Vary: 'Origin',
  });

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string, ip: string, extra: Record<string, string> = {}): void => {
    log({ event: 'refused', method: req.method ?? '?', path: safePath(req.url), status, reason, ip });
    if (res.headersSent) return void res.destroy();
    const body = JSON.stringify({ message: `relay: ${reason}` });
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(body);
    // The body of a refused request is not read; drop it so the connection can be reused or closed cleanly.
    req.resume();
  };

  const handle = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void => {
    const ip = clientIp(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const r = route(req);
    if (r === 'bad') {
      refuse(req, res, 400, 'only relative paths of the cloud API are forwarded', ip);
      return;
    }
    if (r === null) {
      if (next) {
        next();
        return;
      }
      refuse(req, res, 404, 'path outside the API', ip);
      return;
    }
    if (limiter && !limiter.take(ip)) {
      refuse(req, res, 429, 'rate limit', ip, { 'Retry-After': String(limiter.retryAfterSeconds()) });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allow.has(origin)) {
      refuse(req, res, 403, 'origin not allowed', ip);
      return;
    }
    const cors = origin !== undefined ? corsHeaders(origin) : {};
    if (method === 'OPTIONS') {
      if (origin === undefined) {
        refuse(req, res, 403, 'preflight without Origin', ip);
        return;
      }
      log({ event: 'request', method, path: safePath(req.url), status: 204, ip });
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': r.kind === 'asset' ? 'GET, HEAD' : 'GET, POST, PUT, DELETE',
        'Access-Control-Allow-Headers': allowedRequestHeaders(req.headers['access-control-request-headers']),
        'Access-Control-Max-Age': '600',
        'Content-Length': '0',
      });
      res.end();
      req.resume();
      return;
    }
    if (!secretOk(req)) {
      refuse(req, res, 401, 'missing or wrong relay key', ip, cors);
      return;
    }
    if (r.kind === 'asset' && method !== 'GET' && method !== 'HEAD') {
      refuse(req, res, 405, 'assets are read-only', ip, { ...cors, Allow: 'GET, HEAD' });
      return;
    }
    if (!['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(method)) {
      refuse(req, res, 405, 'method not allowed', ip, cors);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > maxBody) {
      refuse(req, res, 413, 'body too large', ip, { ...cors, Connection: 'close' });
      return;
    }

    const target = r.kind === 'asset' ? oneBase : server.ioBase;
    const path = safePath(req.url);
    rewrite(req, r);
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
    res.on('finish', () => log({ event: 'request', method, path, status: res.statusCode, ip }));

    const forward = (buffer?: Readable): void => {
      void proxy().then(
        (p) =>
          p.web(req, res, { target, ...(buffer ? { buffer } : {}) }).catch(() => {
            log({ event: 'upstream-error', method, path, status: 502, reason: 'upstream unreachable', ip });
            if (!res.headersSent) {
              res.writeHead(502, { 'Content-Type': 'application/json' });
              res.end(JSON.stringify({ message: 'relay: upstream unreachable' }));
            } else res.destroy();
          }),
        () => refuse(req, res, 500, 'proxy library failed to load', ip),
      );
    };
    if (method === 'GET' || method === 'HEAD') {
      forward();
      return;
    }
    // Bodies are read here (capped) and handed on as a buffer, so a chunked body cannot exceed the cap either.
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > maxBody) {
        over = true;
        chunks.length = 0;
        refuse(req, res, 413, 'body too large', ip, { Connection: 'close' });
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      const body = Buffer.concat(chunks);
      req.headers['content-length'] = String(body.length);
      delete req.headers['transfer-encoding'];
      forward(Readable.from([body]));
    });
    req.on('error', () => res.destroy());
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const ip = clientIp(req);
    const method = req.method ?? 'GET';
    const deny = (status: number, reason: string): void => {
      log({ event: 'refused', method, path: safePath(req.url), status, reason, ip });
      const body = JSON.stringify({ message: `relay: ${reason}` });
      socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    socket.on('error', () => socket.destroy());
    const r = route(req);
    if (r === 'bad') {
      deny(400, 'only relative paths of the cloud API are forwarded');
      return;
    }
    if (r === null || r.kind !== 'socket') {
      deny(404, 'only the Socket.IO path is upgraded');
      return;
    }
    if (limiter && !limiter.take(ip)) {
      deny(429, 'rate limit');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allow.has(origin)) {
      deny(403, 'origin not allowed');
      return;
    }
    if (!secretOk(req)) {
      deny(401, 'missing or wrong relay key');
      return;
    }
    const path = safePath(req.url);
    rewrite(req, r);
    log({ event: 'upgrade', method, path, ip });
    void proxy().then(
      (p) =>
        p.ws(req, socket as import('node:net').Socket, { target: server.ioBase }, head).catch(() => {
          log({ event: 'upstream-error', method, path, status: 502, reason: 'upstream unreachable', ip });
          socket.destroy();
        }),
      () => socket.destroy(),
    );
  };

  return { handle, upgrade, close: () => limiter?.close() };
}

/** Options of {@link startRelay}: {@link RelayOptions} plus where to listen. */
export interface StartRelayOptions extends RelayOptions {
  /** Port (default 8787; 0 picks a free one). */
  port?: number;
  /** Interface (default `127.0.0.1`; `0.0.0.0` to face the network — then set `secret`). */
  host?: string;
}

/** A listening relay. */
export interface RunningRelay {
  /** `http://host:port` of the relay: pass it to `relayServer(url)` in the app. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts a stand-alone relay on `node:http`. */
export async function startRelay(options: StartRelayOptions): Promise<RunningRelay> {
  const relay = createRelay(options);
  const server = createServer({ maxHeaderSize: 16_384 }, (req, res) => relay.handle(req, res));
  server.on('upgrade', (req, socket, head) => relay.upgrade(req, socket, head));
  // CONNECT (forward-proxy tunnels) is never served.
  server.on('connect', (_req, socket: Duplex) => socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\n\r\n'));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        relay.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

/** Request headers a page may send through the relay (what the SDK uses). */
const ALLOWED_REQUEST_HEADERS = new Set(['authorization', 'content-type', 'accept', 'x-requested-with', 'if-none-match', 'if-modified-since', 'accept-language', 'x-appversion', SECRET_HEADER]);

function allowedRequestHeaders(requested: string | string[] | undefined): string {
  const asked = (Array.isArray(requested) ? requested.join(',') : (requested ?? '')).split(',').map((h) => h.trim().toLowerCase());
  return [...new Set([...ALLOWED_REQUEST_HEADERS, ...asked.filter((h) => ALLOWED_REQUEST_HEADERS.has(h))])].join(', ');
}

/** Path of a request URL without its query string (which may carry the relay key), for logs. */
function safePath(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return (q === -1 ? u : u.slice(0, q)).slice(0, 200);
}

function stripSecret(params: URLSearchParams): string {
  params.delete(SECRET_QUERY);
  return params.toString();
}

function checkOptions(o: RelayOptions): RelayOptions {
  const fail = (msg: string): never => {
    throw new BragerOneError(`createRelay: ${msg}`);
  };
  if (!o || typeof o !== 'object') fail('options are required: createRelay({ server: BRAGERONE_SERVER, allowOrigins: [\'https://my.dashboard\'] })');
  const s = o.server as Partial<ServerConfig> | undefined;
  if (!s || typeof s.ioBase !== 'string' || typeof s.oneBase !== 'string' || typeof s.apiVersion !== 'string' || typeof s.sockPath !== 'string') {
    fail('`server` must be BRAGERONE_SERVER, TISCONNECT_SERVER or a defineServer(...) result');
  }
  if (!Array.isArray(o.allowOrigins)) fail('`allowOrigins` must be an array of origins, e.g. [\'https://my.dashboard\']');
  for (const a of o.allowOrigins) {
    let ok = false;
    try {
      const u = new URL(a);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === a;
    } catch {
      ok = false;
    }
    if (!ok) fail(`allowOrigins: "${String(a).slice(0, 80)}" is not an origin (scheme://host[:port], no path, no trailing slash, no "*")`);
  }
  if (o.secret !== undefined && (typeof o.secret !== 'string' || o.secret.length < 16)) fail('`secret` must be a string of at least 16 characters');
  if (o.maxBodyBytes !== undefined && !(Number.isInteger(o.maxBodyBytes) && o.maxBodyBytes > 0)) fail('`maxBodyBytes` must be a positive integer');
  if (o.rateLimit && !(Number.isInteger(o.rateLimit.max) && o.rateLimit.max > 0 && o.rateLimit.windowMs > 0)) fail('`rateLimit` must be { max: positive integer, windowMs: positive number } or false');
  return o;
}

/** Fixed-window counter per client IP. */
class RateLimiter {
  #counts = new Map<string, number>();
  #windowStart = Date.now();
  readonly #timer: ReturnType<typeof setInterval>;
  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {
    this.#timer = setInterval(() => this.#roll(), windowMs);
    this.#timer.unref();
  }
  #roll(): void {
    this.#counts.clear();
    this.#windowStart = Date.now();
  }
  take(ip: string): boolean {
    if (Date.now() - this.#windowStart >= this.windowMs) this.#roll();
    const n = (this.#counts.get(ip) ?? 0) + 1;
    this.#counts.set(ip, n);
    return n <= this.max;
  }
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.#windowStart + this.windowMs - Date.now()) / 1000));
  }
  close(): void {
    clearInterval(this.#timer);
  }
}
