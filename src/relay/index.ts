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
const DROP_REQUEST = [
  'origin',
  'referer',
  'cookie',
  SECRET_HEADER,
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'proxy-authorization',
];
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
  const core = new RelayCore(checkOptions(options));
  return {
    handle: (req, res, next) => core.handle(req, res, next),
    upgrade: (req, socket, head) => core.upgrade(req, socket, head),
    close: () => core.close(),
  };
}

/** The relay's state and steps (one instance per {@link createRelay}). */
class RelayCore {
  readonly #o: RelayOptions;
  readonly #server: ServerConfig;
  readonly #allow: ReadonlySet<string>;
  readonly #apiPrefix: string;
  readonly #sockPrefix: string;
  readonly #appVersion: string;
  readonly #acceptLanguage: string;
  readonly #limiter: RateLimiter | null;
  readonly #maxBody: number;
  readonly #secret: Buffer | null;
  /** httpxy, loaded lazily with import(): it is ESM-only, and this keeps the CJS build working too. */
  #proxy: Promise<Proxy> | null = null;

  constructor(o: RelayOptions) {
    this.#o = o;
    const server = (this.#server = o.server);
    this.#allow = new Set(o.allowOrigins);
    this.#apiPrefix = `/${server.apiVersion}/`;
    this.#sockPrefix = `${(server.socketPath ?? server.sockPath).replace(/\/+$/, '')}/`;
    // A ServerConfig written by hand before these fields existed falls back to BragerOne's values.
    this.#appVersion = o.appVersion ?? server.appVersion ?? BRAGERONE_SERVER.appVersion;
    this.#acceptLanguage = server.acceptLanguage ?? BRAGERONE_SERVER.acceptLanguage;
    const rate = o.rateLimit ?? RELAY_DEFAULTS.rateLimit;
    this.#limiter = rate === false ? null : new RateLimiter(rate.max, rate.windowMs);
    this.#maxBody = o.maxBodyBytes ?? RELAY_DEFAULTS.maxBodyBytes;
    this.#secret = o.secret === undefined ? null : Buffer.from(o.secret);
  }

  close(): void {
    this.#limiter?.close();
  }

  #log(e: RelayLogEntry): void {
    try {
      this.#o.log?.(e);
    } catch {
      /* a logger must never break the relay */
    }
  }

  #proxyServer(): Promise<Proxy> {
    const o = this.#o;
    this.#proxy ??= import('httpxy').then((lib) => {
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
    return this.#proxy;
  }

  #route(req: IncomingMessage): Route | null | 'bad' {
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
    if (path.startsWith(this.#apiPrefix)) return { kind: 'api', path: full };
    if (path.startsWith(this.#sockPrefix)) return { kind: 'socket', path: full };
    if (path === '/' || (path.startsWith('/assets/') && path.length > '/assets/'.length) || path === '/assets/')
      return { kind: 'asset', path: full };
    return null;
  }

  #clientIp(req: IncomingMessage): string {
    if (this.#o.trustProxy) {
      const xff = req.headers['x-forwarded-for'];
      const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? 'unknown';
  }

  #secretOk(req: IncomingMessage): boolean {
    const secret = this.#secret;
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
  }

  /** Rewrites the request's headers in place to what the cloud expects. */
  #rewrite(req: IncomingMessage, r: Route): void {
    const oneBase = this.#server.oneBase;
    for (const h of DROP_REQUEST) delete req.headers[h];
    req.headers.origin = oneBase;
    req.headers.referer = `${oneBase}/`;
    if (r.kind === 'asset') {
      delete req.headers.authorization; // assets are public (PROTOCOL.md §8.1)
    }
    if (r.kind === 'socket') {
      if (typeof req.headers['x-appversion'] !== 'string' || !req.headers['x-appversion'])
        req.headers['x-appversion'] = this.#appVersion;
      req.headers['accept-language'] ??= this.#acceptLanguage;
    }
    req.url = r.path;
  }

  #refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    reason: string,
    ip: string,
    extra: Record<string, string> = {},
  ): void {
    this.#log({ event: 'refused', method: req.method ?? '?', path: safePath(req.url), status, reason, ip });
    if (res.headersSent) return void res.destroy();
    const body = JSON.stringify({ message: `relay: ${reason}` });
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(body);
    // The body of a refused request is not read; drop it so the connection can be reused or closed cleanly.
    req.resume();
  }

  /** The checks every request passes before it is forwarded; a refusal answers it. Returns the route, or null when done. */
  #admit(
    req: IncomingMessage,
    res: ServerResponse,
    ip: string,
    method: string,
    next?: (err?: unknown) => void,
  ): { r: Route; cors: Record<string, string> } | null {
    const refuse = (status: number, reason: string, extra?: Record<string, string>): null => {
      this.#refuse(req, res, status, reason, ip, extra);
      return null;
    };
    const r = this.#route(req);
    if (r === 'bad') return refuse(400, 'only relative paths of the cloud API are forwarded');
    if (r === null) {
      if (next) next();
      else refuse(404, 'path outside the API');
      return null;
    }
    const limiter = this.#limiter;
    if (limiter && !limiter.take(ip))
      return refuse(429, 'rate limit', { 'Retry-After': String(limiter.retryAfterSeconds()) });
    const origin = req.headers.origin;
    if (origin !== undefined && !this.#allow.has(origin)) return refuse(403, 'origin not allowed');
    const cors = origin !== undefined ? corsHeaders(origin) : {};
    if (method === 'OPTIONS') {
      this.#preflight(req, res, r, ip, cors);
      return null;
    }
    if (!this.#secretOk(req)) return refuse(401, 'missing or wrong relay key', cors);
    if (r.kind === 'asset' && method !== 'GET' && method !== 'HEAD')
      return refuse(405, 'assets are read-only', { ...cors, Allow: 'GET, HEAD' });
    if (!['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(method))
      return refuse(405, 'method not allowed', cors);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > this.#maxBody)
      return refuse(413, 'body too large', { ...cors, Connection: 'close' });
    return { r, cors };
  }

  #preflight(req: IncomingMessage, res: ServerResponse, r: Route, ip: string, cors: Record<string, string>): void {
    if (req.headers.origin === undefined) {
      this.#refuse(req, res, 403, 'preflight without Origin', ip);
      return;
    }
    this.#log({ event: 'request', method: 'OPTIONS', path: safePath(req.url), status: 204, ip });
    res.writeHead(204, {
      ...cors,
      'Access-Control-Allow-Methods': r.kind === 'asset' ? 'GET, HEAD' : 'GET, POST, PUT, DELETE',
      'Access-Control-Allow-Headers': allowedRequestHeaders(req.headers['access-control-request-headers']),
      'Access-Control-Max-Age': '600',
      'Content-Length': '0',
    });
    res.end();
    req.resume();
  }

  handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void {
    const ip = this.#clientIp(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const admitted = this.#admit(req, res, ip, method, next);
    if (!admitted) return;
    const { r, cors } = admitted;
    const target = r.kind === 'asset' ? this.#server.oneBase : this.#server.ioBase;
    const path = safePath(req.url);
    this.#rewrite(req, r);
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
    res.on('finish', () => this.#log({ event: 'request', method, path, status: res.statusCode, ip }));
    const forward = (buffer?: Readable): void => {
      void this.#proxyServer().then(
        (p) =>
          p.web(req, res, { target, ...(buffer ? { buffer } : {}) }).catch(() => {
            this.#log({ event: 'upstream-error', method, path, status: 502, reason: 'upstream unreachable', ip });
            if (!res.headersSent) {
              res.writeHead(502, { 'Content-Type': 'application/json' });
              res.end(JSON.stringify({ message: 'relay: upstream unreachable' }));
            } else res.destroy();
          }),
        () => this.#refuse(req, res, 500, 'proxy library failed to load', ip),
      );
    };
    if (method === 'GET' || method === 'HEAD') forward();
    else this.#readBody(req, res, ip, forward);
  }

  /** Reads a body (capped) and hands it on as a buffer, so a chunked body cannot exceed the cap either. */
  #readBody(req: IncomingMessage, res: ServerResponse, ip: string, forward: (buffer: Readable) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > this.#maxBody) {
        over = true;
        chunks.length = 0;
        this.#refuse(req, res, 413, 'body too large', ip, { Connection: 'close' });
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
  }

  /** Why an upgrade is refused (status, reason), or `null` to forward it. */
  #upgradeRefusal(req: IncomingMessage, r: Route | null | 'bad', ip: string): [number, string] | null {
    if (r === 'bad') return [400, 'only relative paths of the cloud API are forwarded'];
    if (r === null || r.kind !== 'socket') return [404, 'only the Socket.IO path is upgraded'];
    if (this.#limiter && !this.#limiter.take(ip)) return [429, 'rate limit'];
    const origin = req.headers.origin;
    if (origin !== undefined && !this.#allow.has(origin)) return [403, 'origin not allowed'];
    if (!this.#secretOk(req)) return [401, 'missing or wrong relay key'];
    return null;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ip = this.#clientIp(req);
    const method = req.method ?? 'GET';
    socket.on('error', () => socket.destroy());
    const r = this.#route(req);
    const refusal = this.#upgradeRefusal(req, r, ip);
    if (refusal || r === null || r === 'bad') {
      const [status, reason] = refusal ?? [404, 'only the Socket.IO path is upgraded'];
      this.#log({ event: 'refused', method, path: safePath(req.url), status, reason, ip });
      const body = JSON.stringify({ message: `relay: ${reason}` });
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const path = safePath(req.url);
    this.#rewrite(req, r);
    this.#log({ event: 'upgrade', method, path, ip });
    void this.#proxyServer().then(
      (p) =>
        p.ws(req, socket as import('node:net').Socket, { target: this.#server.ioBase }, head).catch(() => {
          this.#log({ event: 'upstream-error', method, path, status: 502, reason: 'upstream unreachable', ip });
          socket.destroy();
        }),
      () => socket.destroy(),
    );
  }
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': EXPOSE,
    Vary: 'Origin',
  };
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
  server.on('connect', (_req, socket: Duplex) =>
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\n\r\n'),
  );
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

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
};

/** Request headers a page may send through the relay (what the SDK uses). */
const ALLOWED_REQUEST_HEADERS = new Set([
  'authorization',
  'content-type',
  'accept',
  'x-requested-with',
  'if-none-match',
  'if-modified-since',
  'accept-language',
  'x-appversion',
  SECRET_HEADER,
]);

function allowedRequestHeaders(requested: string | string[] | undefined): string {
  const asked = (Array.isArray(requested) ? requested.join(',') : (requested ?? ''))
    .split(',')
    .map((h) => h.trim().toLowerCase());
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
  if (!o || typeof o !== 'object')
    fail("options are required: createRelay({ server: BRAGERONE_SERVER, allowOrigins: ['https://my.dashboard'] })");
  const s = o.server as Partial<ServerConfig> | undefined;
  if (
    !s ||
    typeof s.ioBase !== 'string' ||
    typeof s.oneBase !== 'string' ||
    typeof s.apiVersion !== 'string' ||
    typeof s.sockPath !== 'string'
  ) {
    fail('`server` must be BRAGERONE_SERVER, TISCONNECT_SERVER or a defineServer(...) result');
  }
  if (!Array.isArray(o.allowOrigins)) fail("`allowOrigins` must be an array of origins, e.g. ['https://my.dashboard']");
  for (const a of o.allowOrigins) {
    let ok = false;
    try {
      const u = new URL(a);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === a;
    } catch {
      ok = false;
    }
    if (!ok)
      fail(
        `allowOrigins: "${String(a).slice(0, 80)}" is not an origin (scheme://host[:port], no path, no trailing slash, no "*")`,
      );
  }
  if (o.secret !== undefined && (typeof o.secret !== 'string' || o.secret.length < 16))
    fail('`secret` must be a string of at least 16 characters');
  if (o.maxBodyBytes !== undefined && !(Number.isInteger(o.maxBodyBytes) && o.maxBodyBytes > 0))
    fail('`maxBodyBytes` must be a positive integer');
  if (o.rateLimit && !(Number.isInteger(o.rateLimit.max) && o.rateLimit.max > 0 && o.rateLimit.windowMs > 0))
    fail('`rateLimit` must be { max: positive integer, windowMs: positive number } or false');
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
