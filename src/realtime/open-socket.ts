/** Opens one Socket.IO namespace session on its own `Manager` (never the shared `io()` cache). */

import type { Manager, ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { connectTimeoutError, toConnectError } from './connect-error.js';

/** The lazily imported `socket.io-client` module. */
export type IoModule = typeof import('socket.io-client');

/** Everything {@link openSocket} needs. */
export interface OpenSocketParams {
  /** The `socket.io-client` module. */
  io: IoModule;
  /** Server origin. */
  ioBase: string;
  /** Socket.IO path. */
  path: string;
  /** Namespace to join. */
  namespace: string;
  /** Handshake headers (Node: on the WebSocket upgrade; browsers: on polling requests). */
  headers: Record<string, string>;
  /** Browser mode: polling first, then upgrade; `auth: {token}` on every namespace CONNECT. */
  browser: boolean;
  /** Current token (read at CONNECT time; also scrubbed from error messages). */
  token: () => string;
  /** Hard limit for handshake + join, ms. */
  connectTimeout: number;
  /** Every server event (installed before the join). */
  onEvent: (socket: Socket, name: string, payload: unknown) => void;
  /** The joined session ended. */
  onDisconnect: (socket: Socket, reason: string) => void;
}

/** A session being opened: `ready` resolves once joined, rejects with a typed, token-free error. */
export interface OpenedSocket {
  /** The session's own Manager. */
  manager: Manager;
  /** The namespace socket. */
  socket: Socket;
  /** Joined, or a typed error (`ApiError` for a refused handshake, `TimeoutError`, `NetworkError`). */
  ready: Promise<void>;
  /** Settles a pending `ready` with `reason` (the caller tore the socket down); no-op once settled. */
  cancel(reason: Error): void;
}

/** Creates a Manager + namespace socket with built-in reconnection off and starts connecting. */
export function openSocket(p: OpenSocketParams): OpenedSocket {
  const mopts: Partial<ManagerOptions> = {
    path: p.path,
    reconnection: false,
    autoConnect: false,
    timeout: p.connectTimeout,
    transports: p.browser ? ['polling', 'websocket'] : ['websocket'],
    extraHeaders: p.headers,
  };
  const manager = new p.io.Manager(p.ioBase, mopts);
  const sopts: Partial<SocketOptions> = {
    // Node mimics the reference client (empty auth); browsers send the token, re-read on every CONNECT.
    auth: p.browser ? (cb: (data: object) => void) => cb({ token: p.token() }) : {},
  };
  const socket = manager.socket(p.namespace, sopts);
  socket.onAny((name: string, ...args: unknown[]) => p.onEvent(socket, name, args[0]));
  socket.on('disconnect', (reason: string) => p.onDisconnect(socket, reason));
  const where = p.namespace;
  let cancel: (reason: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(connectTimeoutError(where, p.connectTimeout)), p.connectTimeout);
    (timer as { unref?: () => void }).unref?.();
    const done = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', fail);
    };
    function fail(err: unknown): void {
      done();
      reject(err instanceof Error && err.name === 'TimeoutError' ? err : toConnectError(err, where, [p.token()]));
    }
    function onConnect(): void {
      done();
      resolve();
    }
    cancel = (reason: Error): void => {
      done();
      reject(reason);
    };
    socket.on('connect', onConnect);
    socket.on('connect_error', fail);
  });
  socket.connect();
  return { manager, socket, ready, cancel: (reason) => cancel(reason) };
}
