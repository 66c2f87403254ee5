/**
 * Opens one Socket.IO namespace session (a {@link WireSocket}) and turns its first outcome into a promise. The wire
 * module itself is passed in: it is the lazily loaded part, and it imports nothing back (no chunk cycle, so bundlers
 * keep tree-shaking the rest).
 */

import { isBrowserLike, unrefTimer } from '../http/sleep.js';
import { connectTimeoutError, toConnectError } from './connect-error.js';
import type { WireSocket, WsImpl } from './wire.js';

/** The lazily imported wire module. */
export type WireModule = typeof import('./wire.js');

/** Everything {@link openSocket} needs. */
export interface OpenSocketParams {
  /** The wire module (`await import('./wire.js')`). */
  wire: WireModule;
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
  /** WebSocket implementation (`null`: polling only). */
  ws: WsImpl | null;
  /** Current token (read at CONNECT time; also scrubbed from error messages). */
  token: () => string;
  /** Hard limit for handshake + join, ms. */
  connectTimeout: number;
  /** Every server event of the joined session. */
  onEvent: (socket: WireSocket, name: string, payload: unknown) => void;
  /** The joined session ended. */
  onDisconnect: (socket: WireSocket, reason: string) => void;
}

/** A session being opened: `ready` resolves once joined, rejects with a typed, token-free error. */
export interface OpenedSocket {
  /** The session. */
  socket: WireSocket;
  /** Joined, or a typed error (`ApiError` for a refused handshake, `TimeoutError`, `NetworkError`). */
  ready: Promise<void>;
  /** Settles a pending `ready` with `reason` (the caller tore the socket down); no-op once settled. */
  cancel(reason: Error): void;
}

/** The WebSocket to use: the global one in browsers and workers, `ws` in Node (it can send handshake headers). */
export async function webSocketImpl(): Promise<WsImpl | null> {
  if (isBrowserLike()) {
    const ctor = (globalThis as { WebSocket?: WsImpl['ctor'] }).WebSocket;
    return ctor ? { ctor, headers: false } : null;
  }
  const mod = await import('ws');
  return { ctor: mod.WebSocket as unknown as WsImpl['ctor'], headers: true };
}

/** Starts connecting a session; the caller owns closing it. */
export function openSocket(p: OpenSocketParams): OpenedSocket {
  const where = p.namespace;
  let settle: ((err?: Error) => void) | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => settle?.(connectTimeoutError(where, p.connectTimeout)), p.connectTimeout);
    unrefTimer(timer);
    settle = (err) => {
      settle = null;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
  });
  const socket: WireSocket = new p.wire.WireSocket(
    {
      url: `${p.ioBase}${p.path.replace(/\/*$/, '/')}`,
      namespace: p.namespace,
      headers: p.headers,
      polling: p.browser,
      ws: p.ws,
      // Node mimics the reference client (empty auth); browsers send the token, re-read on every CONNECT.
      auth: () => (p.browser ? { token: p.token() } : {}),
    },
    {
      connect: () => settle?.(),
      error: (err) => settle?.(toConnectError(err, where, [p.token()])),
      event: (name, payload) => p.onEvent(socket, name, payload),
      disconnect: (reason) => p.onDisconnect(socket, reason),
    },
  );
  return { socket, ready, cancel: (reason) => settle?.(reason) };
}
