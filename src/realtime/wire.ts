/**
 * A small Engine.IO v4 / Socket.IO v5 client for one namespace: exactly what {@link RealtimeManager} needs.
 *
 * Text packets only (the cloud sends JSON), no acknowledgements, no built-in reconnection (the manager's
 * supervisor owns that), one namespace per session. Two ways in:
 *  - WebSocket directly (Node, through `ws`, with the handshake headers of docs/PROTOCOL.md §6.2);
 *  - HTTP long-polling first, with the headers, then an upgrade to WebSocket when the server offers one
 *    (browsers, which cannot put headers on a WebSocket handshake). A server that refuses polling (HTTP 400)
 *    gets a WebSocket directly instead.
 *
 * It replaces `socket.io-client` (≈13 KB gz in a browser bundle, against ≈2 KB for this file); the packet
 * formats and the upgrade handshake follow the Engine.IO v4 and Socket.IO v5 protocol documents. Loaded lazily.
 *
 * @module
 */

/** The subset of the WHATWG `WebSocket` (browsers, workers) and `ws` (Node) APIs used here. */
export interface WsLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: { message?: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

/** A WebSocket constructor; `headers` says whether it takes `{ headers }` as its second argument (`ws`). */
export interface WsImpl {
  ctor: new (url: string, opts?: { headers: Record<string, string> }) => WsLike;
  headers: boolean;
}

/** A failed handshake, join or transport: `status` is the HTTP status when known, `data` what the server sent. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** Where and how to connect. */
export interface WireOptions {
  /** Engine.IO endpoint: io base + path + `/`, e.g. `https://io.example/socket.io/`. */
  url: string;
  /** Namespace to join, e.g. `/ws`. */
  namespace: string;
  /** Handshake headers: on the WebSocket upgrade (`ws`) or on every polling request. */
  headers: Record<string, string>;
  /** Start with long-polling (then upgrade); otherwise open a WebSocket directly. */
  polling: boolean;
  /** The Socket.IO CONNECT payload, read when the engine opens. */
  auth: () => object;
  /** WebSocket implementation; `null` keeps a polling session on polling. */
  ws: WsImpl | null;
}

/** What a session reports. Exactly one of `error` (before the join) or `disconnect` (after it) ends a session. */
export interface WireHandlers {
  /** The namespace is joined. */
  connect(): void;
  /** The session ended before the join: handshake refused, join refused, transport failed. */
  error(err: Error): void;
  /** A server event: its name and first argument. */
  event(name: string, payload: unknown): void;
  /** The joined session ended: `io server disconnect`, `transport close`, `transport error`, `ping timeout`, `parse error`. */
  disconnect(reason: string): void;
}

const SEP = '\x1e';
const noop = (): void => {};
let stamp = 0;

/** Like `unrefTimer` in http/sleep.ts; repeated because this lazily loaded module imports nothing (no chunk cycle). */
function unref(t: unknown): void {
  (t as { unref?: () => void }).unref?.();
}

/** Detaches every handler (keeping a no-op error listener: `ws` throws on an unheard 'error') and closes. */
function dropWs(ws: WsLike): void {
  ws.onopen = ws.onmessage = ws.onclose = null;
  ws.onerror = noop;
  try {
    ws.close();
  } catch {
    /* already closed */
  }
}

/** A decoded Socket.IO packet (`<type>[<attachments>-][<ns>,][<ack id>][<json>]`). */
export interface SioPacket {
  /** 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5/6 binary (any other value: unknown). */
  type: number;
  /** Namespace; `/` when the packet names none. */
  ns: string;
  /** Acknowledgement id, when the packet carries one. */
  ack: number | null;
  /** Parsed JSON payload; `undefined` when the packet has none. */
  data: unknown;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Decodes one Socket.IO packet; `null` when its payload is not JSON. Never throws. */
export function decodeSio(s: string): SioPacket | null {
  const type = s.charCodeAt(0) - 48;
  let i = 1;
  if (type === 5 || type === 6) {
    const dash = s.indexOf('-', i);
    if (dash > i && [...s.slice(i, dash)].every((c) => isDigit(c.charCodeAt(0)))) i = dash + 1;
  }
  let ns = '/';
  if (s[i] === '/') {
    const comma = s.indexOf(',', i);
    const end = comma < 0 ? s.length : comma;
    ns = s.slice(i, end);
    i = end + 1;
  }
  const idStart = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  const ack = i > idStart ? Number(s.slice(idStart, i)) : null;
  let data: unknown;
  if (i < s.length) {
    try {
      data = JSON.parse(s.slice(i));
    } catch {
      return null;
    }
  }
  return { type, ns, ack, data };
}

/** One Engine.IO session with one joined namespace. Nothing is reported after {@link WireSocket.close}. */
export class WireSocket {
  /** Engine.IO session id (from the OPEN packet). */
  engineId: string | null = null;
  /** Namespace session id (from the CONNECT acknowledgement; `null` when the server sent none). */
  id: string | null = null;
  /** True while the namespace is joined. */
  connected = false;

  readonly #o: WireOptions;
  readonly #h: WireHandlers;
  readonly #prefix: string;
  #closed = false;
  /** Current transport's writer; `null` while none can take packets (opening, upgrading). */
  #writer: ((packets: string[]) => void) | null = null;
  /** The WebSocket's writer once one is in use. */
  #wsWriter: ((packets: string[]) => void) | null = null;
  #queue: string[] = [];
  /** Closers of everything opened (sockets); run once by {@link #shutdown}. */
  #stops: Array<() => void> = [];
  readonly #ctrl = new AbortController();
  #beatTimer: ReturnType<typeof setTimeout> | undefined;
  #beatMs = 45_000;
  // Polling state.
  #pausing = false;
  #pollLoop: Promise<void> = Promise.resolve();
  #postLoop: Promise<void> = Promise.resolve();
  #posts: string[] = [];
  #posting = false;

  constructor(opts: WireOptions, handlers: WireHandlers) {
    this.#o = opts;
    this.#h = handlers;
    this.#prefix = opts.namespace === '/' ? '' : `${opts.namespace},`;
    try {
      if (opts.polling) this.#pollLoop = this.#poll();
      else this.#direct();
    } catch (err) {
      // e.g. a URL the WebSocket constructor rejects: reported like any other failed connect, never thrown
      queueMicrotask(() => this.#end('transport error', err));
    }
  }

  /** Sends one event (`42<ns>,["name",payload]`); dropped when not joined. */
  emit(name: string, payload: unknown): void {
    if (this.connected) this.#write(`42${this.#prefix}${JSON.stringify([name, payload])}`);
  }

  /** Leaves politely (DISCONNECT + CLOSE when joined), then closes every transport, request and timer. */
  close(): void {
    if (this.#closed) return;
    const leave = `41${this.#prefix}`;
    const bye = new AbortController();
    let lastPost: Promise<void> | null = null;
    if (this.connected) {
      if (this.#writer && this.#writer === this.#wsWriter) this.#writer([leave, '1']);
      // Still on polling (or upgrading): two last POSTs, since a server handles a DISCONNECT on the next tick and
      // a CLOSE in the same payload would win.
      else lastPost = this.#post([leave], bye.signal).then(() => this.#post(['1'], bye.signal));
    }
    this.connected = false;
    if (!lastPost) {
      this.#shutdown();
      return;
    }
    // Polling: the long-poll GET is cut only once the goodbye is through (or after a second, which also cuts the
    // goodbye), else the server would see the transport close before it reads the goodbye.
    this.#shutdown(false);
    const cut = setTimeout(() => bye.abort(), 1_000);
    unref(cut);
    lastPost.catch(noop).finally(() => {
      clearTimeout(cut);
      this.#ctrl.abort();
    });
  }

  #shutdown(abort = true): void {
    this.#closed = true;
    this.#writer = null;
    clearTimeout(this.#beatTimer);
    if (abort) this.#ctrl.abort();
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** Ends the session once, reporting `reason` (joined) or `err` (not joined yet). */
  #end(reason: string, err?: unknown): void {
    if (this.#closed) return;
    const joined = this.connected;
    this.connected = false;
    this.#shutdown();
    if (joined) this.#h.disconnect(reason);
    else this.#h.error(err instanceof Error ? err : new WireError(reason));
  }

  #write(...packets: string[]): void {
    if (this.#writer) this.#writer(packets);
    else this.#queue.push(...packets);
  }

  // ——— Engine.IO packets ———

  #packet(p: string): void {
    if (this.#closed) return;
    const type = p[0];
    if (type === '4') this.#onSio(p.slice(1));
    else if (type === '2') {
      // ping → pong
      this.#beat();
      this.#write(`3${p.slice(1)}`);
    } else if (type === '0') this.#onOpen(p.slice(1));
    else if (type === '1') this.#end('transport close');
    // 3 pong, 5 upgrade, 6 noop, b… binary: nothing to do
  }

  #onOpen(raw: string): void {
    let open: { sid?: unknown; pingInterval?: unknown; pingTimeout?: unknown; upgrades?: unknown };
    try {
      open = JSON.parse(raw);
    } catch {
      this.#end('parse error', new WireError('malformed Engine.IO OPEN packet'));
      return;
    }
    if (this.engineId) return;
    this.engineId = typeof open.sid === 'string' ? open.sid : null;
    const ms = Number(open.pingInterval) + Number(open.pingTimeout);
    if (ms > 0) this.#beatMs = ms;
    this.#beat();
    const polling = !this.#wsWriter;
    if (polling && !this.#writer) this.#writer = (packets) => this.#enqueuePost(packets);
    this.#write(`40${this.#prefix}${JSON.stringify(this.#o.auth())}`);
    if (polling && this.#o.ws && Array.isArray(open.upgrades) && open.upgrades.includes('websocket')) this.#probe();
  }

  /** The server pings every `pingInterval`; silence for `pingInterval + pingTimeout` ends the session. */
  #beat(): void {
    clearTimeout(this.#beatTimer);
    this.#beatTimer = setTimeout(() => this.#end('ping timeout', new WireError('ping timeout')), this.#beatMs);
    unref(this.#beatTimer);
  }

  // ——— Socket.IO packets: <type>[<ns>,][<ack id>][<json>] ———

  #onSio(s: string): void {
    const pkt = decodeSio(s);
    if (!pkt) {
      this.#end('parse error', new WireError('malformed Socket.IO packet'));
      return;
    }
    const { type, data } = pkt;
    if (pkt.ns !== this.#o.namespace) return; // another namespace
    if (type === 0) {
      if (this.connected) return;
      const sid = (data as { sid?: unknown } | undefined)?.sid;
      this.id = typeof sid === 'string' ? sid : null;
      this.connected = true;
      this.#h.connect();
    } else if (type === 1) {
      this.#end('io server disconnect');
    } else if (type === 2) {
      if (this.connected && Array.isArray(data) && data.length > 0) this.#h.event(String(data[0]), data[1]);
    } else if (type === 4) {
      const msg = (data as { message?: unknown } | undefined)?.message;
      this.#end('io server disconnect', new WireError(typeof msg === 'string' ? msg : 'namespace join refused', undefined, data));
    }
    // 3 ACK: none requested; 5/6 binary: unsupported (the cloud sends JSON)
  }

  // ——— WebSocket ———

  #openWs(sid: string | null): WsLike {
    const impl = this.#o.ws as WsImpl;
    const url = `${this.#o.url.replace(/^http/i, 'ws')}?EIO=4&transport=websocket${sid ? `&sid=${encodeURIComponent(sid)}` : ''}`;
    const ws = impl.headers ? new impl.ctor(url, { headers: this.#o.headers }) : new impl.ctor(url);
    this.#stops.push(() => dropWs(ws));
    return ws;
  }

  #useWs(ws: WsLike): void {
    const writer = (packets: string[]): void => {
      for (const p of packets) ws.send(p);
    };
    this.#wsWriter = writer;
    this.#writer = writer;
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.#packet(ev.data);
    };
    this.#watchWs(ws);
    const queued = this.#queue.splice(0);
    if (queued.length) writer(queued);
  }

  #direct(): void {
    const ws = this.#openWs(null);
    ws.onopen = () => this.#useWs(ws);
    this.#watchWs(ws);
  }

  /** A WebSocket in use: its error (e.g. `Unexpected server response: 401` from `ws`) or close ends the session. */
  #watchWs(ws: WsLike): void {
    ws.onerror = (ev) => {
      const msg = typeof ev?.message === 'string' && ev.message ? ev.message : 'websocket error';
      this.#end('transport error', new WireError(msg));
    };
    ws.onclose = () => this.#end('transport close');
  }

  /** Upgrade: probe a WebSocket on the same session; on `3probe`, drain polling, send `5` and switch. */
  #probe(): void {
    const ws = this.#openWs(this.engineId);
    const giveUp = (): void => {
      dropWs(ws);
      if (this.#pausing && !this.#closed) this.#resumePolling();
    };
    ws.onopen = () => ws.send('2probe');
    ws.onerror = giveUp;
    ws.onclose = giveUp;
    ws.onmessage = (ev) => {
      if (ev.data !== '3probe') return giveUp();
      ws.onmessage = null;
      this.#pausing = true;
      this.#writer = null;
      void Promise.all([this.#pollLoop, this.#postLoop]).then(() => {
        if (this.#closed || !this.#pausing) return;
        ws.send('5');
        this.#useWs(ws);
      });
    };
  }

  #resumePolling(): void {
    this.#pausing = false;
    this.#writer = (packets) => this.#enqueuePost(packets);
    this.#pollLoop = this.#poll();
    const queued = this.#queue.splice(0);
    if (queued.length) this.#enqueuePost(queued);
  }

  // ——— Long-polling ———

  #pollUrl(): string {
    const sid = this.engineId ? `&sid=${encodeURIComponent(this.engineId)}` : '';
    return `${this.#o.url}?EIO=4&transport=polling${sid}&t=${Date.now().toString(36)}.${(++stamp).toString(36)}`;
  }

  async #poll(): Promise<void> {
    while (!this.#closed && !this.#pausing) {
      let text: string;
      try {
        const res = await fetch(this.#pollUrl(), { headers: this.#o.headers, signal: this.#ctrl.signal });
        text = await res.text();
        if (!res.ok) throw new WireError(`polling request failed: HTTP ${res.status}`, res.status);
      } catch (err) {
        // A server that does not take long-polling (Engine.IO answers 400 "Transport unknown") may still take a
        // WebSocket: try one directly, credentials in the CONNECT payload (a browser cannot send headers on it).
        if (this.engineId === null && !this.#closed && this.#o.ws && err instanceof WireError && err.status === 400) {
          this.#direct();
          return;
        }
        return this.#end('transport error', err);
      }
      for (const p of text.split(SEP)) this.#packet(p);
    }
  }

  #enqueuePost(packets: string[]): void {
    this.#posts.push(...packets);
    if (!this.#posting) this.#postLoop = this.#drainPosts();
  }

  async #drainPosts(): Promise<void> {
    this.#posting = true;
    try {
      while (this.#posts.length > 0 && !this.#closed) await this.#post(this.#posts.splice(0), this.#ctrl.signal);
    } catch (err) {
      this.#end('transport error', err);
    } finally {
      this.#posting = false;
    }
  }

  async #post(packets: string[], signal: AbortSignal): Promise<void> {
    const res = await fetch(this.#pollUrl(), {
      method: 'POST',
      headers: { ...this.#o.headers, 'content-type': 'text/plain;charset=UTF-8' },
      body: packets.join(SEP),
      signal,
    });
    await res.text();
    if (!res.ok) throw new WireError(`polling request failed: HTTP ${res.status}`, res.status);
  }
}
