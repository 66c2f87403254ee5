/**
 * Network shaping: a TCP proxy on loopback in front of the simulator's REST + Socket.IO port that delays every
 * byte by a one-way latency (plus jitter) in both directions. A new connection also pays the TCP handshake: the
 * first client byte reaches the simulator no earlier than one round trip after the connect, plus its one-way delay.
 * Bytes keep their order (a later chunk never overtakes an earlier one). See docs/SIMULATOR.md, "Network shaping".
 */

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { BragerOneError } from '../errors.js';
import { prng } from './plant.js';
import type { NetworkSettings, NetworkStats, SimNetwork } from './types.js';

/** Most connections the proxy holds at once; more are refused. */
export const NETWORK_MAX_CONNECTIONS = 256;
/** Bytes a direction may hold (queued + unsent) before its source is paused. */
export const NETWORK_MAX_BUFFERED = 1 << 20;
/** Largest accepted latency or jitter (ms). */
export const NETWORK_MAX_DELAY = 60_000;

function checkDelay(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > NETWORK_MAX_DELAY) {
    throw new BragerOneError(`network.${name} must be a number of milliseconds in 0…${NETWORK_MAX_DELAY}`);
  }
  return v;
}

/** Validates a (partial) setting against the current one. */
export function resolveNetwork(next: Partial<NetworkSettings>, cur: NetworkSettings): NetworkSettings {
  return {
    latency: next.latency === undefined ? cur.latency : checkDelay('latency', next.latency),
    jitter: next.jitter === undefined ? cur.jitter : checkDelay('jitter', next.jitter),
  };
}

interface Chunk {
  at: number;
  buf: Buffer | null; // null = end of stream
}

/** One direction of a proxied connection: a FIFO of chunks, each released at its due time. */
class DelayPipe {
  readonly #queue: Chunk[] = [];
  #queuedBytes = 0;
  #lastAt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #paused = false;
  #ended = false;

  readonly #count: (n: number) => void;

  readonly #floor: number;

  readonly #shaper: NetworkShaper;

  readonly #dst: Socket;

  readonly #src: Socket;

  constructor(
    src: Socket,
    dst: Socket,
    shaper: NetworkShaper,
    /** No byte is released before this time (the TCP handshake of the client → server direction). */
    floor: number,
    count: (n: number) => void,
  ) {
    this.#count = count;
    this.#floor = floor;
    this.#shaper = shaper;
    this.#dst = dst;
    this.#src = src;
    src.on('data', (buf: Buffer) => this.#push(buf));
    src.on('end', () => this.#push(null));
    dst.on('drain', () => this.#maybeResume());
  }

  #push(buf: Buffer | null): void {
    if (this.#ended) return;
    if (buf === null) this.#ended = true;
    const at = Math.max(Math.max(performance.now(), this.#floor) + this.#shaper.oneWay(), this.#lastAt);
    this.#lastAt = at;
    this.#queue.push({ at, buf });
    if (buf) {
      this.#queuedBytes += buf.length;
      if (this.#queuedBytes + this.#dst.writableLength > NETWORK_MAX_BUFFERED && !this.#paused) {
        this.#paused = true;
        this.#src.pause();
      }
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer || this.#queue.length === 0) return;
    const head = this.#queue[0] as Chunk;
    this.#timer = setTimeout(() => this.#release(), Math.max(0, head.at - performance.now()));
    this.#timer.unref(); // the sockets keep the process alive, not the shaping
  }

  #release(): void {
    this.#timer = null;
    const now = performance.now();
    while (this.#queue.length > 0 && (this.#queue[0] as Chunk).at <= now + 0.5) {
      const c = this.#queue.shift() as Chunk;
      if (this.#dst.destroyed) continue;
      if (c.buf === null) this.#dst.end();
      else {
        this.#queuedBytes -= c.buf.length;
        this.#count(c.buf.length);
        this.#dst.write(c.buf);
      }
    }
    this.#maybeResume();
    this.#schedule();
  }

  #maybeResume(): void {
    if (this.#paused && this.#queuedBytes + this.#dst.writableLength <= NETWORK_MAX_BUFFERED / 2) {
      this.#paused = false;
      this.#src.resume();
    }
  }

  /** Time the last queued chunk is due (for a delayed reset). */
  drainedAt(): number {
    return this.#lastAt;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#queue.length = 0;
  }
}

/** The proxy and its run-time settings (`sim.network`). */
export class NetworkShaper implements SimNetwork {
  readonly enabled = true;
  #settings: NetworkSettings;
  readonly #rand: () => number;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #counters = { connections: 0, refused: 0, bytesUp: 0, bytesDown: 0, open: 0 };
  #closed: Promise<void> | null = null;
  /** The proxy's base URL (set once it listens). */
  url = '';

  readonly #upstreamHost: string;

  readonly #upstreamPort: number;

  constructor(
    initial: Partial<NetworkSettings>,
    seed: number,
    upstreamPort: number,
    upstreamHost: string,
  ) {
    this.#upstreamHost = upstreamHost;
    this.#upstreamPort = upstreamPort;
    this.#settings = resolveNetwork(initial, { latency: 0, jitter: 0 });
    this.#rand = prng(seed ^ 0x5eed);
    this.#server = createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.#accept(s));
    this.#server.maxConnections = NETWORK_MAX_CONNECTIONS;
    this.#server.on('drop', () => this.#counters.refused++);
  }

  /** Listens on `host` (a loopback address) and a free port; resolves the proxy's base URL. */
  async listen(host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const addr = this.#server.address();
    if (addr === null || typeof addr === 'string') throw new BragerOneError('network proxy: no TCP address');
    this.url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    return this.url;
  }

  get(): NetworkSettings {
    return { ...this.#settings };
  }

  set(next: Partial<NetworkSettings>): NetworkSettings {
    this.#settings = resolveNetwork(next, this.#settings);
    return this.get();
  }

  stats(): NetworkStats {
    return { ...this.#counters };
  }

  /** One one-way delay: `latency` plus a uniform draw in `[0, jitter]`. */
  oneWay(): number {
    const { latency, jitter } = this.#settings;
    return latency + (jitter > 0 ? this.#rand() * jitter : 0);
  }

  #accept(client: Socket): void {
    if (this.#closed) {
      client.destroy();
      return;
    }
    this.#counters.connections++;
    this.#counters.open++;
    client.setNoDelay(true);
    const upstream = createConnection({ port: this.#upstreamPort, host: this.#upstreamHost, allowHalfOpen: true, noDelay: true });
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    // SYN → SYN-ACK: the client's first byte leaves one round trip after the connect
    const handshake = performance.now() + 2 * this.oneWay();
    const up = new DelayPipe(client, upstream, this, handshake, (n) => (this.#counters.bytesUp += n));
    const down = new DelayPipe(upstream, client, this, 0, (n) => (this.#counters.bytesDown += n));
    let done = false;
    const finish = (from: Socket, to: Socket, pipe: DelayPipe): void => {
      this.#sockets.delete(from);
      if (done) return;
      done = true;
      this.#counters.open--;
      if (this.#closed) {
        up.stop();
        down.stop();
        to.destroy();
        this.#sockets.delete(to);
        return;
      }
      // a reset travels too: the other side goes away once what was sent before it arrived
      const t = setTimeout(
        () => {
          this.#timers.delete(t);
          up.stop();
          down.stop();
          if (!to.destroyed && to.writableLength === 0) to.end();
          to.destroy();
          this.#sockets.delete(to);
        },
        Math.max(0, pipe.drainedAt() - performance.now()) + this.#settings.latency,
      );
      t.unref();
      this.#timers.add(t);
    };
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => finish(client, upstream, up));
    upstream.on('close', () => finish(upstream, client, down));
  }

  /** Stops the proxy and drops every proxied connection; idempotent. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      for (const t of this.#timers) clearTimeout(t);
      this.#timers.clear();
      for (const s of this.#sockets) s.destroy();
      this.#sockets.clear();
      this.#server.close(() => resolve());
    });
    return this.#closed;
  }
}

/** `sim.network` of a simulator started without `network`: shaping is off and cannot be switched on later. */
export const NETWORK_OFF: SimNetwork = Object.freeze({
  enabled: false,
  get: () => ({ latency: 0, jitter: 0 }),
  set: (): NetworkSettings => {
    throw new BragerOneError('network shaping is off: start the simulator with `network: { latency, jitter }`');
  },
  stats: (): NetworkStats => ({ connections: 0, refused: 0, bytesUp: 0, bytesDown: 0, open: 0 }),
});
