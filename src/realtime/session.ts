/**
 * One Socket.IO namespace session on its own socket.io-client `Manager` (never the shared `io()` cache), with the
 * library's reconnection off: {@link RealtimeManager} supervises and reconnects. socket.io-client itself is passed
 * in by the caller, who imports it lazily; this module only imports its types.
 */

import type { Manager, Socket } from 'socket.io-client';
import type { TlsOptions } from '../options.js';
import { BragerOneError } from '../errors.js';
import { unrefTimer } from '../internal/timers.js';
import { connectTimeoutError, handshakeStatus, toConnectError } from './connect-error.js';

/** The lazily imported `socket.io-client` module. */
export type IoModule = typeof import('socket.io-client');

/** Everything an {@link IoSession} needs. */
export interface SessionParams {
  /** The `socket.io-client` module (`await import('socket.io-client')`). */
  io: IoModule;
  /** Server origin. */
  ioBase: string;
  /** Socket.IO path. */
  path: string;
  /** Namespace to join. */
  namespace: string;
  /** Handshake headers (`extraHeaders`: on the WebSocket upgrade in Node, on polling requests in browsers). */
  headers: Record<string, string>;
  /** TLS options of the handshake (Node, from `verify`); `null` keeps the platform default. */
  tls?: TlsOptions | null;
  /** Node: the `http.Agent` of the WebSocket handshake (a connection opened early); `null` for a new connection. */
  agent?: object | null;
  /** Browser mode: polling first, then upgrade; `auth: {token}` on every namespace CONNECT. */
  browser: boolean;
  /** Current token (read at CONNECT time; also scrubbed from error messages). */
  token: () => string;
  /** Hard limit for handshake + join, ms. */
  connectTimeout: number;
  /** Every server event of the joined session, with its first argument. */
  onEvent: (name: string, payload: unknown) => void;
  /** The joined session ended (`io server disconnect`, `transport close`, `ping timeout`, …). */
  onDisconnect: (reason: string) => void;
}

type Transport = 'polling' | 'websocket';

/**
 * A session being opened: {@link ready} resolves once the namespace is joined and rejects with a typed, token-free
 * error (`ApiError` for a refused handshake, `TimeoutError`, `NetworkError`). Nothing is reported after {@link close}.
 *
 * Browsers start on long-polling (so `Authorization` can travel as a request header) and upgrade. A server that
 * refuses the polling handshake with HTTP 400 (a WebSocket-only server: Engine.IO's "Transport unknown") gets one
 * more try over a WebSocket directly, credentials in the `auth` payload (PROTOCOL §6.1, §6.2).
 */
export class IoSession {
  /** Joined, or the first failure. */
  readonly ready: Promise<void>;
  readonly #params: SessionParams;
  #manager: Manager | null = null;
  #socket: Socket | null = null;
  #closed = false;
  #settle: ((err?: Error) => void) | null = null;

  constructor(p: SessionParams) {
    this.#params = p;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(connectTimeoutError(p.namespace, p.connectTimeout)), p.connectTimeout);
      unrefTimer(timer);
      this.#settle = (err) => {
        this.#settle = null;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
    });
    this.#open(p.browser ? ['polling', 'websocket'] : ['websocket']);
  }

  /** True while the namespace is joined. */
  get connected(): boolean {
    return !this.#closed && this.#socket?.connected === true;
  }

  /** Namespace SID; `null` when the server sent none or the session is not joined. */
  get id(): string | null {
    return this.#socket?.id ?? null;
  }

  /** Engine.IO SID of the transport session; `null` when none. */
  get engineId(): string | null {
    return this.#manager?.engine?.id ?? null;
  }

  /** Name of the transport in use (`polling` or `websocket`); `null` before the handshake. */
  get transport(): string | null {
    return this.#manager?.engine?.transport?.name ?? null;
  }

  /** Sends one event (fire-and-forget); dropped when not joined. */
  emit(name: string, payload: unknown): void {
    if (this.connected) this.#socket?.emit(name, payload);
  }

  /** Settles a pending {@link ready} with `reason`, leaves the namespace and closes the transport. Idempotent. */
  close(reason: Error = new BragerOneError('RealtimeManager: connect attempt cancelled')): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fail(reason);
    this.#drop();
  }

  #fail(err: Error): void {
    this.#settle?.(err);
  }

  #open(transports: Transport[]): void {
    const p = this.#params;
    const manager = new p.io.Manager(p.ioBase, {
      path: p.path,
      reconnection: false,
      autoConnect: false,
      // Our own hard limit (a typed TimeoutError) fires first; the library's only backs it up.
      timeout: p.connectTimeout + 1_000,
      transports,
      extraHeaders: p.headers,
      ...p.tls,
      // engine.io-client types `agent` as string | boolean; in Node it is handed to `ws` as the handshake's http.Agent
      ...(p.agent ? { agent: p.agent as unknown as string } : {}),
    });
    // Node mimics the reference client (empty auth); browsers send the token, re-read on every CONNECT.
    const auth = p.browser ? (cb: (data: object) => void) => cb({ token: p.token() }) : {};
    const socket = manager.socket(p.namespace, { auth });
    this.#manager = manager;
    this.#socket = socket;
    socket.onAny((name: unknown, ...args: unknown[]) => {
      if (this.#socket === socket && !this.#closed) p.onEvent(String(name), args[0]);
    });
    socket.on('connect', () => this.#settle?.());
    socket.on('connect_error', (err: Error) => this.#connectError(err, transports));
    socket.on('disconnect', (reason: string) => {
      if (this.#socket === socket && !this.#closed && !this.#settle) p.onDisconnect(reason);
    });
    socket.connect();
  }

  #connectError(err: Error, transports: Transport[]): void {
    if (this.#closed || !this.#settle) return;
    const p = this.#params;
    if (transports[0] === 'polling' && this.engineId === null && handshakeStatus(err) === 400) {
      this.#drop();
      this.#open(['websocket']);
      return;
    }
    this.#fail(toConnectError(err, p.namespace, [p.token()]));
  }

  /** Detaches every listener, leaves politely and closes the engine (synchronous, never throws). */
  #drop(): void {
    const socket = this.#socket;
    const manager = this.#manager;
    this.#socket = null;
    this.#manager = null;
    try {
      socket?.offAny();
      socket?.removeAllListeners();
      socket?.disconnect();
    } catch {
      /* discard a socket that fails to close */
    }
    try {
      manager?.removeAllListeners();
      manager?.engine?.close();
    } catch {
      /* discard */
    }
  }
}
