/**
 * Network shaping and faults: a TCP proxy on loopback in front of the simulator's REST + Socket.IO port that delays
 * every byte by a one-way latency (plus jitter) in both directions. A new connection also pays the TCP handshake: the
 * first client byte reaches the simulator no earlier than one round trip after the connect, plus its one-way delay.
 * Bytes keep their order (a later chunk never overtakes an earlier one). On top of the delay, run-time faults
 * (blackhole, reset, stall, bandwidth, refuse) act on every connection, on REST or Socket.IO ones, or on one
 * connection. See docs/SIMULATOR.md, "Network shaping" and "Network faults".
 */

import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { BragerOneError } from '../errors.js';
import { prng } from './plant.js';
import type { NetTarget, NetworkConnection, NetworkFault, NetworkSettings, NetworkStats, SimNetwork } from './types.js';

/** Most connections the proxy holds at once; more are refused. */
export const NETWORK_MAX_CONNECTIONS = 256;
/** Bytes a direction may hold (queued + unsent) before its source is paused. */
export const NETWORK_MAX_BUFFERED = 1 << 20;
/** Largest accepted latency or jitter (ms). */
export const NETWORK_MAX_DELAY = 60_000;
/** Longest accepted `stall` (ms). */
export const NETWORK_MAX_STALL = 3_600_000;
/** Closed connections `connections()` still lists. */
const KEEP_CLOSED = 200;
/** Pause between delivering the last byte before a delayed reset and the RST (lets the peer read them first). */
const RESET_GRACE = 10;

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

function checkTarget(t: unknown): NetTarget {
  if (t === undefined) return 'all';
  if (t === 'all' || t === 'rest' || t === 'socket') return t;
  if (t !== null && typeof t === 'object') {
    const id = (t as { connection?: unknown }).connection;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 1) return { connection: id };
  }
  throw new BragerOneError(`network fault target must be 'all', 'rest', 'socket' or { connection: <id ≥ 1> }`);
}

function checkCount(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new BragerOneError(`network fault ${name} must be a number in ${min}…${max}`);
  }
  return v;
}

/** Validates a fault; returns a copy with its target filled in. */
export function checkFault(f: unknown): NetworkFault & { target: NetTarget } {
  if (f === null || typeof f !== 'object') throw new BragerOneError('network fault must be an object with a `kind`');
  const o = f as Record<string, unknown>;
  switch (o.kind) {
    case 'blackhole':
      return { kind: 'blackhole', target: checkTarget(o.target) };
    case 'reset': {
      const afterBytes =
        o.afterBytes === undefined ? undefined : checkCount('afterBytes', o.afterBytes, 0, Number.MAX_SAFE_INTEGER);
      if (afterBytes !== undefined && !Number.isInteger(afterBytes))
        throw new BragerOneError('network fault afterBytes must be a whole number');
      return afterBytes === undefined
        ? { kind: 'reset', target: checkTarget(o.target) }
        : { kind: 'reset', target: checkTarget(o.target), afterBytes };
    }
    case 'stall':
      return { kind: 'stall', target: checkTarget(o.target), ms: checkCount('ms', o.ms, 0, NETWORK_MAX_STALL) };
    case 'bandwidth':
      return {
        kind: 'bandwidth',
        target: checkTarget(o.target),
        bytesPerSecond: checkCount('bytesPerSecond', o.bytesPerSecond, 1, 1e12),
      };
    case 'refuse':
      if (o.target !== undefined)
        throw new BragerOneError('network fault refuse takes no target (it acts on new connections)');
      return { kind: 'refuse', target: 'all' };
    default:
      throw new BragerOneError(`network fault kind must be 'blackhole', 'reset', 'stall', 'bandwidth' or 'refuse'`);
  }
}

/** An applied fault. */
interface ActiveFault {
  readonly f: NetworkFault & { target: NetTarget };
  /** `stall`: end of the pause (performance.now()). */
  until: number;
  /** `reset` with `afterBytes`: bytes already delivered downstream per connection open when the fault was applied. */
  readonly baseline: Map<number, number>;
  /** `bandwidth`: when each direction's link is free again (performance.now()). */
  readonly free: { up: number; down: number };
  timer: ReturnType<typeof setTimeout> | null;
}

/** One proxied connection. */
class Conn {
  kind: NetworkConnection['kind'] = 'unknown';
  open = true;
  /** Bytes delivered simulator → client. */
  bytesDown = 0;
  resetting = false;
  up!: DelayPipe;
  down!: DelayPipe;
  constructor(
    readonly id: number,
    readonly client: Socket,
    readonly upstream: Socket,
  ) {}
}

const END = Symbol('end');
const CLOSE = Symbol('close');

interface Chunk {
  at: number;
  buf: Buffer | typeof END | typeof CLOSE;
}

/** One direction of a proxied connection: a FIFO of chunks, each released at its due time unless a fault holds it. */
class DelayPipe {
  readonly #queue: Chunk[] = [];
  #queuedBytes = 0;
  #lastAt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = 0;
  #paused = false;
  #ended = false;
  #stopped = false;
  /** A bandwidth slice reserved on the link: `n` bytes may go at `at`. */
  #slice: { n: number; at: number } | null = null;

  readonly #src: Socket;
  readonly #dst: Socket;
  readonly #shaper: NetworkShaper;
  readonly #conn: Conn;
  /** No byte is released before this time (the TCP handshake of the client → server direction). */
  readonly #floor: number;

  constructor(
    src: Socket,
    dst: Socket,
    shaper: NetworkShaper,
    conn: Conn,
    readonly dir: 'up' | 'down',
    floor: number,
  ) {
    this.#src = src;
    this.#dst = dst;
    this.#shaper = shaper;
    this.#conn = conn;
    this.#floor = floor;
    src.on('data', (buf: Buffer) => this.#push(buf));
    src.on('end', () => this.#push(END));
    dst.on('drain', () => this.#maybeResume());
  }

  #push(buf: Buffer | typeof END | typeof CLOSE): void {
    if (this.#stopped) return;
    if (buf === END) {
      if (this.#ended) return;
      this.#ended = true;
    }
    if (this.dir === 'up' && this.#conn.kind === 'unknown' && Buffer.isBuffer(buf))
      this.#shaper.classify(this.#conn, buf);
    if (this.#stopped) return; // classify may reset the connection
    const at = Math.max(Math.max(performance.now(), this.#floor) + this.#shaper.oneWay(), this.#lastAt);
    this.#lastAt = at;
    this.#queue.push({ at, buf });
    if (Buffer.isBuffer(buf)) {
      this.#queuedBytes += buf.length;
      if (this.#queuedBytes + this.#dst.writableLength > NETWORK_MAX_BUFFERED && !this.#paused) {
        this.#paused = true;
        this.#src.pause();
      }
    }
    this.#arm(at);
  }

  /** The source closed: the other side goes away once everything sent before has been delivered. */
  closeSource(): void {
    this.#push(CLOSE);
  }

  #arm(at: number): void {
    if (this.#stopped) return;
    if (this.#timer) {
      if (this.#timerAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#release(), Math.max(0, at - performance.now()));
    this.#timer.unref(); // the sockets keep the process alive, not the shaping
  }

  /** Re-examines the queue now (a fault changed). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#release();
  }

  #dequeue(): Chunk {
    const c = this.#queue.shift() as Chunk;
    if (Buffer.isBuffer(c.buf)) this.#queuedBytes -= c.buf.length;
    return c;
  }

  #release(): void {
    this.#timer = null;
    const shaper = this.#shaper;
    const conn = this.#conn;
    const dst = this.#dst;
    while (!this.#stopped && this.#queue.length > 0) {
      const head = this.#queue[0] as Chunk;
      const now = performance.now();
      if (head.at > now + 0.5) {
        this.#arm(head.at);
        return;
      }
      if (head.buf !== CLOSE && dst.destroyed) {
        this.#dequeue();
        continue;
      }
      if (shaper.blackholed(conn)) {
        // bytes vanish; an end or close waits for the blackhole to lift (kick)
        if (!Buffer.isBuffer(head.buf)) break;
        shaper.dropped(head.buf.length);
        this.#dequeue();
        continue;
      }
      const stall = shaper.stalledUntil(conn, now);
      if (stall > now) {
        this.#arm(stall);
        return;
      }
      if (head.buf === END) {
        this.#dequeue();
        dst.end();
        continue;
      }
      if (head.buf === CLOSE) {
        this.#dequeue();
        shaper.closed(conn, dst);
        return;
      }
      let n = head.buf.length;
      const budget = this.dir === 'down' ? shaper.resetBudget(conn) : null;
      if (budget !== null) {
        if (budget <= 0) {
          shaper.reset(conn, false);
          return;
        }
        n = Math.min(n, budget);
      }
      if (shaper.limited(conn)) {
        if (this.#slice === null) {
          const size = Math.min(n, shaper.sliceSize(conn));
          this.#slice = { n: size, at: shaper.reserve(conn, this.dir, size) };
        }
        if (this.#slice.at > now + 0.5) {
          this.#arm(this.#slice.at);
          return;
        }
        n = Math.min(n, this.#slice.n);
        this.#slice = null;
      } else this.#slice = null;
      const part = n === head.buf.length ? this.#dequeue().buf : head.buf.subarray(0, n);
      if (part !== head.buf) {
        head.buf = head.buf.subarray(n);
        this.#queuedBytes -= n;
      }
      shaper.delivered(conn, this.dir, n);
      if (budget !== null && n >= budget) {
        // the last byte before the reset: let the peer read it, then RST
        dst.write(part as Buffer, () => {
          const t = setTimeout(() => shaper.reset(conn, false), RESET_GRACE);
          t.unref();
        });
        shaper.reset(conn, true);
        return;
      }
      dst.write(part as Buffer);
    }
    this.#maybeResume();
  }

  #maybeResume(): void {
    if (this.#paused && !this.#stopped && this.#queuedBytes + this.#dst.writableLength <= NETWORK_MAX_BUFFERED / 2) {
      this.#paused = false;
      this.#src.resume();
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
  }
}

function matches(t: NetTarget, c: Conn): boolean {
  if (t === 'all') return true;
  if (typeof t === 'object') return t.connection === c.id;
  return t === c.kind;
}

/** Counters of a proxy that has carried nothing. */
function zeroStats(): NetworkStats {
  return { connections: 0, refused: 0, bytesUp: 0, bytesDown: 0, open: 0, droppedBytes: 0, resets: 0 };
}

/** The proxy and its run-time settings (`sim.network`). */
export class NetworkShaper implements SimNetwork {
  readonly enabled = true;
  #settings: NetworkSettings;
  readonly #rand: () => number;
  /** One listener per origin the proxy serves (the first is {@link url}). */
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #conns = new Map<number, Conn>();
  readonly #faults = new Set<ActiveFault>();
  readonly #counters: NetworkStats = zeroStats();
  #nextId = 1;
  #closedCount = 0;
  #closing: Promise<void> | null = null;
  /** The proxy's base URL (set once it listens). */
  url = '';

  readonly #upstreamPort: number;
  readonly #upstreamHost: string;

  constructor(initial: Partial<NetworkSettings>, seed: number, upstreamPort: number, upstreamHost: string) {
    this.#upstreamPort = upstreamPort;
    this.#upstreamHost = upstreamHost;
    this.#settings = resolveNetwork(initial, { latency: 0, jitter: 0 });
    this.#rand = prng(seed ^ 0x5eed);
  }

  /**
   * Listens on a free port of the loopback address it forwards to; resolves that listener's base URL. The first
   * call sets {@link url}; another call adds a second origin (`webOrigin`) with the same shaping and faults.
   */
  async listen(): Promise<string> {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.#accept(s));
    server.maxConnections = NETWORK_MAX_CONNECTIONS;
    server.on('drop', () => this.#counters.refused++);
    this.#servers.push(server);
    const url = baseUrl(await listenAt(server, 0, this.#upstreamHost));
    if (!this.url) this.url = url;
    return url;
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

  connections(): NetworkConnection[] {
    return [...this.#conns.values()].map((c) => ({ id: c.id, kind: c.kind, open: c.open }));
  }

  fault(f: NetworkFault): () => void {
    const checked = checkFault(f);
    if (this.#closing) return () => {};
    const a: ActiveFault = { f: checked, until: 0, baseline: new Map(), free: { up: 0, down: 0 }, timer: null };
    if (checked.kind === 'stall') {
      a.until = performance.now() + checked.ms;
      a.timer = setTimeout(() => lift(), checked.ms);
      a.timer.unref();
    }
    if (checked.kind === 'reset' && checked.afterBytes !== undefined) {
      for (const c of this.#conns.values()) if (c.open) a.baseline.set(c.id, c.bytesDown);
    }
    this.#faults.add(a);
    let lifted = false;
    const lift = (): void => {
      if (lifted) return;
      lifted = true;
      if (a.timer) clearTimeout(a.timer);
      this.#faults.delete(a);
      this.#kickAll();
    };
    if (checked.kind === 'reset' && checked.afterBytes === undefined) {
      for (const c of [...this.#conns.values()]) if (c.open && matches(checked.target, c)) this.reset(c, false);
    }
    this.#kickAll();
    return lift;
  }

  clearFaults(): void {
    for (const a of this.#faults) if (a.timer) clearTimeout(a.timer);
    this.#faults.clear();
    this.#kickAll();
  }

  #kickAll(): void {
    for (const c of [...this.#conns.values()]) {
      c.up.kick();
      c.down.kick();
    }
  }

  /** One one-way delay: `latency` plus a uniform draw in `[0, jitter]`. */
  oneWay(): number {
    const { latency, jitter } = this.#settings;
    return latency + (jitter > 0 ? this.#rand() * jitter : 0);
  }

  /** Sets a connection's kind from its first bytes; a pending `reset` for that kind fires now. */
  classify(c: Conn, first: Buffer): void {
    const line = first.subarray(0, 4096).toString('latin1').split('\r\n', 1)[0] ?? '';
    const m = /^[A-Z]+ (\S+) HTTP\/\d/.exec(line);
    if (!m) return; // not plain HTTP (e.g. TLS): stays 'unknown'
    c.kind = (m[1] ?? '').includes('/socket.io/') ? 'socket' : 'rest';
    for (const a of this.#faults) {
      if (
        a.f.kind === 'reset' &&
        a.f.afterBytes === undefined &&
        (a.f.target === 'rest' || a.f.target === 'socket') &&
        matches(a.f.target, c)
      ) {
        this.reset(c, false);
        return;
      }
    }
  }

  blackholed(c: Conn): boolean {
    for (const a of this.#faults) if (a.f.kind === 'blackhole' && matches(a.f.target, c)) return true;
    return false;
  }

  stalledUntil(c: Conn, now: number): number {
    let until = 0;
    for (const a of this.#faults)
      if (a.f.kind === 'stall' && a.until > now && matches(a.f.target, c)) until = Math.max(until, a.until);
    return until;
  }

  /** Bytes `c` may still deliver downstream before a `reset … afterBytes` fires, or `null`. */
  resetBudget(c: Conn): number | null {
    let budget: number | null = null;
    for (const a of this.#faults) {
      if (a.f.kind !== 'reset' || a.f.afterBytes === undefined || !matches(a.f.target, c)) continue;
      const left = (a.baseline.get(c.id) ?? 0) + a.f.afterBytes - c.bytesDown;
      budget = budget === null ? left : Math.min(budget, left);
    }
    return budget;
  }

  limited(c: Conn): boolean {
    for (const a of this.#faults) if (a.f.kind === 'bandwidth' && matches(a.f.target, c)) return true;
    return false;
  }

  /** Bytes one bandwidth slice carries: about 20 ms of the slowest matching link (64 B … 16 KiB). */
  sliceSize(c: Conn): number {
    let rate = Number.POSITIVE_INFINITY;
    for (const a of this.#faults)
      if (a.f.kind === 'bandwidth' && matches(a.f.target, c)) rate = Math.min(rate, a.f.bytesPerSecond);
    return Math.max(64, Math.min(16_384, Math.floor(rate / 50)));
  }

  /** Reserves `n` bytes on every matching link of `dir`; returns when the last of them has carried them. */
  reserve(c: Conn, dir: 'up' | 'down', n: number): number {
    const now = performance.now();
    let at = now;
    for (const a of this.#faults) {
      if (a.f.kind !== 'bandwidth' || !matches(a.f.target, c)) continue;
      const start = Math.max(now, a.free[dir]);
      a.free[dir] = start + (n * 1000) / a.f.bytesPerSecond;
      at = Math.max(at, a.free[dir]);
    }
    return at;
  }

  delivered(c: Conn, dir: 'up' | 'down', n: number): void {
    if (dir === 'up') this.#counters.bytesUp += n;
    else {
      this.#counters.bytesDown += n;
      c.bytesDown += n;
    }
  }

  dropped(n: number): void {
    this.#counters.droppedBytes += n;
  }

  /**
   * Resets `c` with a TCP RST on both sides. `deferClient`: the simulator side now, the client side later (a
   * second call) once the bytes written to it have been flushed.
   */
  reset(c: Conn, deferClient: boolean): void {
    if (!c.resetting) {
      c.resetting = true;
      this.#counters.resets++;
      c.up.stop();
      c.down.stop();
      rst(c.upstream);
    }
    if (!deferClient) rst(c.client);
  }

  /** A `CLOSE` reached the other side: end and drop it. */
  closed(c: Conn, dst: Socket): void {
    c.up.stop();
    c.down.stop();
    if (!dst.destroyed && dst.writableLength === 0) dst.end();
    dst.destroy();
    this.#sockets.delete(dst);
  }

  #refusing(): boolean {
    for (const a of this.#faults) if (a.f.kind === 'refuse') return true;
    return false;
  }

  #accept(client: Socket): void {
    if (this.#closing) {
      client.destroy();
      return;
    }
    client.on('error', () => {});
    if (this.#refusing()) {
      this.#counters.refused++;
      rst(client);
      return;
    }
    const id = this.#nextId++;
    this.#counters.connections++;
    this.#counters.open++;
    client.setNoDelay(true);
    const upstream = createConnection({
      port: this.#upstreamPort,
      host: this.#upstreamHost,
      allowHalfOpen: true,
      noDelay: true,
    });
    upstream.on('error', () => {});
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const c = new Conn(id, client, upstream);
    this.#conns.set(id, c);
    // SYN → SYN-ACK: the client's first byte leaves one round trip after the connect
    const handshake = performance.now() + 2 * this.oneWay();
    c.up = new DelayPipe(client, upstream, this, c, 'up', handshake);
    c.down = new DelayPipe(upstream, client, this, c, 'down', 0);
    const finish = (from: Socket, pipe: DelayPipe, other: Socket): void => {
      this.#sockets.delete(from);
      if (!c.open) return;
      c.open = false;
      this.#counters.open--;
      this.#forget();
      if (this.#closing) {
        c.up.stop();
        c.down.stop();
        other.destroy();
        this.#sockets.delete(other);
        return;
      }
      // a close travels too: the other side goes away once what was sent before it arrived
      pipe.closeSource();
    };
    client.on('close', () => finish(client, c.up, upstream));
    upstream.on('close', () => finish(upstream, c.down, client));
    for (const a of this.#faults) {
      if (
        a.f.kind === 'reset' &&
        a.f.afterBytes === undefined &&
        (a.f.target === 'all' || (typeof a.f.target === 'object' && a.f.target.connection === id))
      ) {
        this.reset(c, false);
        return;
      }
    }
  }

  /** Keeps at most {@link KEEP_CLOSED} closed connections in the list. */
  #forget(): void {
    this.#closedCount++;
    if (this.#closedCount <= KEEP_CLOSED) return;
    for (const [id, c] of this.#conns) {
      if (c.open) continue;
      this.#conns.delete(id);
      this.#closedCount--;
      if (this.#closedCount <= KEEP_CLOSED) return;
    }
  }

  /** Stops the proxy and drops every proxied connection; idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const a of this.#faults) if (a.timer) clearTimeout(a.timer);
      this.#faults.clear();
      for (const c of this.#conns.values()) {
        c.up.stop();
        c.down.stop();
      }
      for (const s of this.#sockets) s.destroy();
      this.#sockets.clear();
      let open = this.#servers.length;
      if (open === 0) resolve();
      for (const server of this.#servers) server.close(() => --open === 0 && resolve());
    });
    return this.#closing;
  }
}

/** Listens on `host:port` (0: a free port); resolves the bound address. */
export async function listenAt(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new BragerOneError('simulator: no TCP address');
  return addr;
}

/** `scheme://host:port` of a bound address (IPv6 hosts in brackets). */
export function baseUrl(addr: AddressInfo, scheme = 'http'): string {
  return `${scheme}://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

/** Sends a TCP RST (or just drops a socket that has no handle yet). */
function rst(s: Socket): void {
  if (s.destroyed) return;
  try {
    s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}

function off(): never {
  throw new BragerOneError(
    'network shaping is off: start the simulator with `network: { latency, jitter }` (or `network: {}` for faults only)',
  );
}

/** `sim.network` of a simulator started without `network`: shaping is off and cannot be switched on later. */
export const NETWORK_OFF: SimNetwork = Object.freeze({
  enabled: false,
  get: () => ({ latency: 0, jitter: 0 }),
  set: (): NetworkSettings => off(),
  stats: zeroStats,
  fault: (): (() => void) => off(),
  clearFaults: (): void => {},
  connections: (): NetworkConnection[] => [],
});
