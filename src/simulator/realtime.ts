import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Namespace, Server, Socket } from 'socket.io';
import { BragerOneError } from '../errors.js';
import type { SimContext } from './context.js';
import type { AccountModel } from './data.js';
import {
  bearerToken,
  CORS_ALLOW_HEADERS,
  cancellableSleep,
  corsHeaders,
  htmlPage,
  originProblem,
  redactHeaders,
  send,
} from './http-util.js';
import type { SocketInfo } from './types.js';
import { errorMessage } from '../internal/error-text.js';

interface SocketRecord {
  socket: Socket;
  nsSid: string;
  engineSid: string;
  account: AccountModel;
  tokenTail: string;
  authVia: 'header' | 'auth';
  bound: Set<string>;
  listening: Set<string>;
}

function moduleList(payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const p = payload as Record<string, unknown>;
  const list = Array.isArray(p.modules) ? p.modules : Array.isArray(p.devids) ? p.devids : [];
  return list.filter((x): x is string => typeof x === 'string');
}

/** Message of the error `startSimulator` rejects with when the optional peer `socket.io` is not installed. */
export const SOCKET_IO_MISSING =
  'bragerone/simulator needs the Socket.IO server, an optional peer dependency: npm install socket.io';

/**
 * Loads the Socket.IO server (the optional peer `socket.io`) on demand. When it is not installed, rejects with a
 * {@link BragerOneError} that says how to install it; any other failure is rethrown as is.
 */
export async function loadSocketIoServer(): Promise<typeof Server> {
  try {
    const mod = await import('socket.io');
    return mod.Server;
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const msg = errorMessage(err);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]socket\.io['"]/.test(msg)) {
      throw new BragerOneError(SOCKET_IO_MISSING, { cause: err });
    }
    throw err;
  }
}

/** Engine.IO session id of a socket (typed private in engine.io, but stable and public at runtime). */
function engineSidOf(socket: Socket): string {
  return String((socket.conn as unknown as { id: unknown }).id);
}

/** Strict mode: how long an open engine may go without joining the namespace (docs/PROTOCOL.md §6.3). */
const STRICT_JOIN_WINDOW = 1_000;

/** Whether a Socket.IO request opens a new session (no `sid` query parameter yet). */
function isNewHandshake(req: IncomingMessage): boolean {
  return !new URL(req.url ?? '/', 'http://sim.invalid').searchParams.has('sid');
}

/** The Socket.IO half: `/socket.io`, namespace `/ws`, pushes, bindings and realtime faults. */
export class Realtime {
  readonly #io: Server;
  readonly #nsp: Namespace;
  readonly #records = new Map<string, SocketRecord>();
  readonly #admitted = new WeakMap<Socket, Pick<SocketRecord, 'account' | 'tokenTail' | 'authVia'>>();

  /**
   * Attaches Socket.IO to `http` and installs one dispatcher for `request`/`upgrade` that routes
   * Socket.IO traffic to the engine (after handshake faults) and everything else to `rest`.
   */
  readonly #ctx: SimContext;

  constructor(
    ctx: SimContext,
    /** The `Server` class of the optional peer `socket.io` (see {@link loadSocketIoServer}). */
    ServerCtor: typeof Server,
    http: HttpServer,
    rest: (req: IncomingMessage, res: ServerResponse) => void,
    path: string,
    namespace: string,
  ) {
    this.#ctx = ctx;
    // Read per request: in strict mode the allowed origin (the simulator's own) is known only once it listens.
    const allowOrigin = (origin: string | undefined, cb: (err: Error | null, allow?: boolean) => void): void => {
      const allowed = ctx.opts.corsOrigins;
      cb(null, allowed === '*' || (origin !== undefined && allowed.includes(origin)));
    };
    this.#io = new ServerCtor(http, {
      path,
      serveClient: false,
      transports: ctx.opts.socketTransports,
      pingInterval: ctx.opts.pingInterval,
      pingTimeout: ctx.opts.pingTimeout,
      cors: { origin: allowOrigin, credentials: true, allowedHeaders: CORS_ALLOW_HEADERS },
      ...(ctx.opts.strict ? { connectTimeout: STRICT_JOIN_WINDOW } : {}),
    });
    this.#routeHttp(http, rest, path);

    this.#nsp = this.#io.of(namespace);
    this.#nsp.use((socket, next) => {
      void this.#admit(socket).then(
        (err) => next(err),
        () => next(new Error('Unauthorized')),
      );
    });
    this.#nsp.on('connection', (socket) => this.#onConnection(socket));
    ctx.faults.hooks = { dropAllSockets: () => this.#nsp.disconnectSockets(true) };
    ctx.pusher = {
      toModule: (devid, event, payload) => this.toModule(devid, event, payload),
      toAll: (event, payload) => this.#nsp.emit(event, ctx.lax ? ctx.lax.event(event, payload) : payload),
      bind: (sid, account, devids) => this.bind(sid, account, devids),
    };
  }

  /**
   * Installs one dispatcher for `request`/`upgrade` on `http`: Socket.IO traffic (under `path`) goes to the engine
   * after the handshake faults and strict checks, everything else to `rest`.
   */
  #routeHttp(http: HttpServer, rest: (req: IncomingMessage, res: ServerResponse) => void, path: string): void {
    const engine = this.#io.engine;
    const prefix = `${path.replace(/\/+$/, '')}/`;
    const isIo = (req: IncomingMessage): boolean => (req.url ?? '').startsWith(prefix);
    http.removeAllListeners('request');
    http.removeAllListeners('upgrade');
    http.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!isIo(req)) return rest(req, res);
      if (req.method !== 'OPTIONS' && isNewHandshake(req) && this.#refuseRequest(req, res)) return;
      engine.handleRequest(req, res);
    });
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!isIo(req)) return void socket.destroy();
      if (isNewHandshake(req) && this.#refuseUpgrade(req, socket)) return;
      engine.handleUpgrade(req, socket, head);
    });
  }

  /**
   * A new HTTP (polling) handshake: logs it, then answers it when a refusal fault or a strict check refuses it.
   * Whether it was answered (refused).
   */
  #refuseRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const ctx = this.#ctx;
    this.#noteHandshake(req);
    if (this.#takeHttpRefusal()) {
      const status = ctx.faults.refuseHttp.status;
      send(res, status, htmlPage(status), 'text/html; charset=utf-8', corsHeaders(req, ctx.opts.corsOrigins));
      return true;
    }
    const strict = this.#strictProblem(req);
    if (strict) {
      send(res, 403, JSON.stringify({ message: strict }), 'application/json', corsHeaders(req, ctx.opts.corsOrigins));
      return true;
    }
    return false;
  }

  /**
   * A new WebSocket handshake: logs it, then ends the socket with an HTTP answer when a refusal fault or a strict
   * check refuses it. Whether it was refused.
   */
  #refuseUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    this.#noteHandshake(req);
    // a refused client may reset the connection while the answer is still going out: not an error of the simulator
    const ignoreReset = (): void => void socket.on('error', () => {});
    if (this.#takeHttpRefusal()) {
      ignoreReset();
      const status = this.#ctx.faults.refuseHttp.status;
      const body = htmlPage(status);
      socket.end(
        `HTTP/1.1 ${status} Refused\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return true;
    }
    const strict = this.#strictProblem(req);
    if (strict) {
      ignoreReset();
      const body = JSON.stringify({ message: strict });
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return true;
    }
    return false;
  }

  /** Logs a new Engine.IO handshake (HTTP or WebSocket) in `stats.requests` as `WS handshake`, headers redacted. */
  #noteHandshake(req: IncomingMessage): void {
    this.#ctx.stats.note({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      routeId: 'WS handshake',
      headers: redactHeaders(req),
      status: 0,
      at: this.#ctx.opts.now(),
    });
  }

  /** Strict mode: what is wrong with a new handshake (Origin/Referer, x-appversion), or `null`. */
  #strictProblem(req: IncomingMessage): string | null {
    if (!this.#ctx.opts.strict) return null;
    const origin = originProblem(req, this.#ctx.origin);
    if (origin) {
      this.#ctx.stats.bump('WS refused');
      return origin;
    }
    if (typeof req.headers['x-appversion'] !== 'string' || req.headers['x-appversion'] === '') {
      this.#ctx.stats.bump('WS refused');
      return 'Forbidden: x-appversion required';
    }
    return null;
  }

  #takeHttpRefusal(): boolean {
    const r = this.#ctx.faults.refuseHttp;
    if (r.n <= 0) return false;
    r.n--;
    this.#ctx.stats.bump('WS refused');
    return true;
  }

  /** Namespace middleware: join delay, refusal fault and token check. Rejects to refuse. */
  async #admit(socket: Socket): Promise<Error | undefined> {
    const { faults, stats, tokens } = this.#ctx;
    if (faults.ackDelay > 0) {
      stats.bump('WS join delayed');
      await cancellableSleep(faults.ackDelay, this.#ctx.timers, this.#ctx.closing.signal);
    }
    if (faults.refuseJoins > 0) {
      faults.refuseJoins--;
      stats.bump('WS refused');
      return new Error('Handshake refused');
    }
    const header = bearerToken(socket.handshake.headers.authorization);
    const auth: unknown = socket.handshake.auth;
    const payloadToken =
      typeof auth === 'object' && auth !== null && typeof (auth as Record<string, unknown>).token === 'string'
        ? ((auth as Record<string, unknown>).token as string).replace(/^Bearer\s+/i, '')
        : null;
    let account = tokens.verify(header);
    let via: 'header' | 'auth' = 'header';
    let token = header;
    // strict: the handshake header is the only way in (as the reference client authenticates)
    if (!account && !this.#ctx.opts.strict) {
      account = tokens.verify(payloadToken);
      via = 'auth';
      token = payloadToken;
    }
    if (!account || !token) {
      stats.bump('WS refused');
      return new Error('Unauthorized');
    }
    this.#admitted.set(socket, { account, tokenTail: token.slice(-4), authVia: via });
    return undefined;
  }

  #onConnection(socket: Socket): void {
    const who = this.#admitted.get(socket);
    if (!who) return void socket.disconnect(true);
    const rec: SocketRecord = {
      socket,
      nsSid: socket.id,
      engineSid: engineSidOf(socket),
      ...who,
      bound: new Set(),
      listening: new Set(),
    };
    // Known to /modules/connect (and to pushes) at once, or after `sidRegistrationDelay` like an asynchronous server.
    const delay = this.#ctx.opts.sidRegistrationDelay;
    if (delay > 0) this.#ctx.later(delay, () => void (socket.connected && this.#records.set(socket.id, rec)));
    else this.#records.set(socket.id, rec);
    this.#ctx.stats.bump('WS connect');
    socket.on('app:modules:parameters:listen', (payload: unknown) => {
      this.#ctx.stats.bump('WS listen');
      for (const d of moduleList(payload)) if (this.#ctx.ownedModule(rec.account, d)) rec.listening.add(d);
    });
    socket.on('app:modules:activity:quantity:listen', () => this.#ctx.stats.bump('WS activity listen'));
    socket.on('disconnect', () => {
      this.#records.delete(socket.id);
      this.#ctx.stats.bump('WS disconnect');
    });
  }

  #eligible(rec: SocketRecord, devid: string): boolean {
    switch (this.#ctx.opts.pushRequires) {
      case 'bind':
        return rec.bound.has(devid);
      case 'listen':
        return rec.listening.has(devid);
      default:
        return rec.bound.has(devid) && rec.listening.has(devid);
    }
  }

  /** Emits to every socket eligible for `devid` (nothing while the zombie fault is on). */
  toModule(devid: string, event: string, payload: unknown): number {
    if (this.#ctx.faults.zombieOn) return 0;
    const body = this.#ctx.lax ? this.#ctx.lax.event(event, payload) : payload;
    let n = 0;
    for (const rec of this.#records.values()) {
      if (rec.socket.connected && this.#eligible(rec, devid)) {
        rec.socket.emit(event, body);
        n++;
      }
    }
    return n;
  }

  /** Binds modules to the socket whose namespace or engine SID is `sid` and that belongs to `account`. */
  bind(sid: string, account: AccountModel, devids: string[]): boolean {
    for (const rec of this.#records.values()) {
      if ((rec.nsSid === sid || rec.engineSid === sid) && rec.account === account) {
        for (const d of devids) rec.bound.add(d);
        return true;
      }
    }
    return false;
  }

  /** Connected sockets. */
  list(): SocketInfo[] {
    return [...this.#records.values()].map((r) => ({
      nsSid: r.nsSid,
      engineSid: r.engineSid,
      bound: [...r.bound].sort(),
      listening: [...r.listening].sort(),
      tokenTail: r.tokenTail,
      authVia: r.authVia,
      email: r.account.email,
      transport: r.socket.conn.transport.name === 'polling' ? 'polling' : 'websocket',
    }));
  }

  /** Disconnects every socket and closes the Socket.IO server (and the HTTP server it is attached to). */
  close(): Promise<void> {
    return this.#io.close();
  }
}
