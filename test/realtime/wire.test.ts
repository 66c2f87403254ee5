/**
 * The SDK's own Engine.IO v4 / Socket.IO v5 client, on its own:
 *  - against a real Socket.IO server (the `socket.io` package) for the polling → WebSocket upgrade, polling only,
 *    events, emits and a polite close;
 *  - against a scripted WebSocket server for what a real server does rarely: malformed packets, a refused join,
 *    a server-side disconnect, silence (ping timeout), pings, ack ids, other namespaces and binary frames.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WireError, WireSocket, type WireHandlers, type WireOptions, type WsImpl } from '../../src/realtime/wire.js';
import { until } from './helpers.js';

const WS: WsImpl = { ctor: WebSocket as unknown as WsImpl['ctor'], headers: true };

interface Log {
  connects: number;
  errors: Error[];
  events: Array<[string, unknown]>;
  drops: string[];
}

function open(opts: Partial<WireOptions> & { url: string }): { socket: WireSocket; log: Log } {
  const log: Log = { connects: 0, errors: [], events: [], drops: [] };
  const handlers: WireHandlers = {
    connect: () => log.connects++,
    error: (err) => log.errors.push(err),
    event: (name, payload) => log.events.push([name, payload]),
    disconnect: (reason) => log.drops.push(reason),
  };
  const socket = new WireSocket({ namespace: '/ws', headers: {}, polling: false, auth: () => ({}), ws: WS, ...opts }, handlers);
  return { socket, log };
}

describe('wire client against a Socket.IO server', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const conns: Array<{ socket: Socket; transports: string[]; emits: Array<[string, unknown]>; gone: string | null; auth: unknown; authz: unknown }> = [];

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { path: '/socket.io', pingInterval: 200, pingTimeout: 400 });
    io.of('/ws').on('connection', (socket: Socket) => {
      const rec = {
        socket,
        transports: [socket.conn.transport.name],
        emits: [] as Array<[string, unknown]>,
        gone: null as string | null,
        auth: socket.handshake.auth,
        authz: socket.handshake.headers.authorization,
      };
      conns.push(rec);
      socket.conn.on('upgrade', (t: { name: string }) => rec.transports.push(t.name));
      socket.onAny((name: string, payload: unknown) => rec.emits.push([name, payload]));
      socket.on('disconnect', (reason: string) => {
        rec.gone = reason;
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/`;
  });
  afterAll(async () => {
    await io.close();
  });

  it('WebSocket directly: both SIDs, events both ways, and a polite close the server sees as the client leaving', async () => {
    conns.length = 0;
    const { socket, log } = open({ url, headers: { Authorization: 'Bearer direct' } });
    await until(() => log.connects === 1, 'join');
    const rec = conns[0];
    expect(rec?.transports).toEqual(['websocket']);
    expect(rec?.authz).toBe('Bearer direct');
    expect(socket.id).toBe(rec?.socket.id);
    expect(socket.engineId).toBe((rec?.socket.conn as unknown as { id: string } | undefined)?.id);
    expect(socket.id).not.toBe(socket.engineId);
    rec?.socket.emit('app:modules:parameters:change', { A: { P4: { v1: { value: 1 } } } });
    socket.emit('hello', { n: 1 });
    await until(() => log.events.length === 1 && rec?.emits.length === 1, 'events both ways');
    expect(log.events[0]).toEqual(['app:modules:parameters:change', { A: { P4: { v1: { value: 1 } } } }]);
    expect(rec?.emits[0]).toEqual(['hello', { n: 1 }]);
    socket.close();
    await until(() => rec?.gone !== null, 'server-side disconnect');
    expect(rec?.gone).toBe('client namespace disconnect');
    expect(log.drops).toEqual([]); // nothing is reported after close()
    expect(socket.connected).toBe(false);
  });

  it('polling first with headers and auth, then the upgrade to WebSocket; pings keep it alive', async () => {
    conns.length = 0;
    const { socket, log } = open({ url, polling: true, headers: { Authorization: 'Bearer poll' }, auth: () => ({ token: 'poll' }) });
    await until(() => log.connects === 1, 'join');
    const rec = conns[0];
    expect(rec?.transports[0]).toBe('polling');
    expect(rec?.authz).toBe('Bearer poll');
    expect(rec?.auth).toEqual({ token: 'poll' });
    await until(() => rec?.transports.includes('websocket') === true, 'upgrade');
    // several ping periods (200 ms + 400 ms) later the session is still up, events still flow both ways
    await new Promise((r) => setTimeout(r, 1_000));
    expect(log.drops).toEqual([]);
    rec?.socket.emit('after-upgrade', 1);
    socket.emit('from-client', 2);
    await until(() => log.events.length === 1 && rec?.emits.length === 1, 'events after the upgrade');
    expect(log.events[0]).toEqual(['after-upgrade', 1]);
    socket.close();
    await until(() => rec?.gone !== null, 'server-side disconnect');
    expect(rec?.gone).toBe('client namespace disconnect');
  });

  it('polling only (no WebSocket available): events and emits travel over HTTP; close is a last POST', async () => {
    conns.length = 0;
    const { socket, log } = open({ url, polling: true, ws: null });
    await until(() => log.connects === 1, 'join');
    const rec = conns[0];
    for (let i = 0; i < 5; i++) rec?.socket.emit('tick', i);
    for (let i = 0; i < 5; i++) socket.emit('tock', i);
    await until(() => log.events.length === 5 && rec?.emits.length === 5, 'events over polling');
    expect(log.events.map(([, p]) => p)).toEqual([0, 1, 2, 3, 4]);
    expect(rec?.emits.map(([, p]) => p)).toEqual([0, 1, 2, 3, 4]);
    await new Promise((r) => setTimeout(r, 800)); // outlives a ping period on polling
    expect(log.drops).toEqual([]);
    expect(rec?.transports).toEqual(['polling']);
    socket.close();
    await until(() => rec?.gone !== null, 'server-side disconnect');
    expect(rec?.gone).toBe('client namespace disconnect');
  });

  it('an upgrade whose WebSocket cannot connect leaves the session on polling, working', async () => {
    conns.length = 0;
    let probes = 0;
    const broken: WsImpl = {
      // Same session id, but a port nobody listens on: the probe fails.
      ctor: class extends (WebSocket as unknown as new (url: string) => object) {
        constructor(url: string) {
          probes++;
          super(url.replace(/:\d+\//, ':1/'));
        }
      } as unknown as WsImpl['ctor'],
      headers: false,
    };
    const { socket, log } = open({ url, polling: true, ws: broken });
    await until(() => log.connects === 1, 'join');
    await until(() => probes === 1, 'probe attempted');
    await new Promise((r) => setTimeout(r, 300));
    const rec = conns[0];
    rec?.socket.emit('still-polling', 1);
    socket.emit('back', 2);
    await until(() => log.events.length === 1 && rec?.emits.length === 1, 'events over polling');
    expect(rec?.transports).toEqual(['polling']);
    expect(log.drops).toEqual([]);
    socket.close();
    await until(() => rec?.gone !== null, 'server-side disconnect');
    expect(rec?.gone).toBe('client namespace disconnect');
  });

  it('a server-side disconnect is reported once as "io server disconnect"', async () => {
    conns.length = 0;
    const { log } = open({ url });
    await until(() => log.connects === 1, 'join');
    conns[0]?.socket.disconnect(true);
    await until(() => log.drops.length === 1, 'drop');
    await new Promise((r) => setTimeout(r, 100));
    expect(log.drops).toEqual(['io server disconnect']);
  });
});

describe('wire client against a WebSocket-only Socket.IO server', () => {
  it('polling refused with 400 → a WebSocket directly, credentials in the CONNECT payload; without WebSocket a typed 400', async () => {
    const http = createServer();
    const io = new Server(http, { path: '/socket.io', transports: ['websocket'] });
    const seen: Array<{ transport: string; auth: unknown }> = [];
    io.of('/ws').on('connection', (socket: Socket) => {
      seen.push({ transport: socket.conn.transport.name, auth: socket.handshake.auth });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/`;
      const viaWs = open({ url, polling: true, auth: () => ({ token: 'ws-only' }), ws: { ...WS, headers: false } });
      await until(() => viaWs.log.connects === 1, 'join over the fallback');
      expect(seen).toEqual([{ transport: 'websocket', auth: { token: 'ws-only' } }]);
      viaWs.socket.close();

      const noWs = open({ url, polling: true, ws: null });
      await until(() => noWs.log.errors.length === 1, 'error');
      expect(noWs.log.errors[0]).toBeInstanceOf(WireError);
      expect((noWs.log.errors[0] as WireError).status).toBe(400);
    } finally {
      await io.close();
    }
  });
});

describe('wire client against a scripted WebSocket server', () => {
  let wss: WebSocketServer;
  let url: string;
  /** What the next connection does; receives the server side of the socket. */
  let script: (ws: WebSocket, got: string[]) => void = () => {};
  const received: string[][] = [];

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws: WebSocket) => {
      const got: string[] = [];
      received.push(got);
      ws.on('message', (data: Buffer) => got.push(data.toString()));
      script(ws, got);
    });
    await new Promise<void>((r) => wss.once('listening', r));
    url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}/socket.io/`;
  });
  afterAll(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });

  const OPEN = '0{"sid":"eio-1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

  it('a malformed OPEN packet fails the connect with a typed error', async () => {
    script = (ws) => ws.send('0{not json');
    const { log } = open({ url });
    await until(() => log.errors.length === 1, 'error');
    expect(log.errors[0]).toBeInstanceOf(WireError);
    expect(log.errors[0]?.message).toMatch(/malformed Engine\.IO OPEN/);
    expect(log.connects).toBe(0);
  });

  it('a refused join (CONNECT_ERROR) fails with the server message in `data`', async () => {
    script = (ws, got) => {
      ws.send(OPEN);
      const t = setInterval(() => {
        if (got.includes('40/ws,{}')) {
          clearInterval(t);
          ws.send('44/ws,{"message":"Unauthorized"}');
        }
      }, 5);
    };
    const { log } = open({ url });
    await until(() => log.errors.length === 1, 'error');
    const err = log.errors[0] as WireError;
    expect(err).toBeInstanceOf(WireError);
    expect(err.message).toBe('Unauthorized');
    expect(err.data).toEqual({ message: 'Unauthorized' });
  });

  it('joins without a namespace SID (id null, engine SID kept); answers pings; ack ids, other namespaces and binary frames', async () => {
    script = (ws) => {
      ws.send(OPEN);
      ws.send('40/ws,{}');
      ws.send('2');
      ws.send('42/other,["x",1]');
      ws.send(Buffer.from([1, 2, 3]));
      ws.send('42["root",1]');
      ws.send('42/ws,17["with-ack",{"a":1}]');
      ws.send('42/ws,["two-args",1,2]');
      ws.send('6');
    };
    const { socket, log } = open({ url });
    await until(() => log.events.length === 2, 'events');
    expect(log.connects).toBe(1);
    expect(socket.id).toBeNull();
    expect(socket.engineId).toBe('eio-1');
    expect(log.events).toEqual([
      ['with-ack', { a: 1 }],
      ['two-args', 1],
    ]);
    await until(() => received.at(-1)?.includes('3') === true, 'pong');
    socket.close();
    await until(() => received.at(-1)?.includes('1') === true, 'goodbye');
    expect(received.at(-1)).toEqual(['40/ws,{}', '3', '41/ws,', '1']);
  });

  it('a malformed event after the join drops the session with "parse error"', async () => {
    script = (ws) => {
      ws.send(OPEN);
      ws.send('40/ws,{"sid":"ns-1"}');
      setTimeout(() => ws.send('42/ws,["x",'), 20);
    };
    const { log } = open({ url });
    await until(() => log.drops.length === 1, 'drop');
    expect(log.drops).toEqual(['parse error']);
  });

  it('silence longer than pingInterval + pingTimeout drops the session with "ping timeout"', async () => {
    script = (ws) => {
      ws.send('0{"sid":"eio-2","upgrades":[],"pingInterval":100,"pingTimeout":100}');
      ws.send('40/ws,{"sid":"ns-2"}');
    };
    const t0 = Date.now();
    const { log } = open({ url });
    await until(() => log.drops.length === 1, 'drop');
    expect(log.drops).toEqual(['ping timeout']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('the server closing the socket is "transport close"; before the join it is a connect error', async () => {
    script = (ws) => {
      ws.send(OPEN);
      ws.send('40/ws,{"sid":"ns-3"}');
      setTimeout(() => ws.close(), 20);
    };
    const joined = open({ url });
    await until(() => joined.log.drops.length === 1, 'drop');
    expect(joined.log.drops).toEqual(['transport close']);

    script = (ws) => ws.close();
    const early = open({ url });
    await until(() => early.log.errors.length === 1, 'error');
    expect(early.log.errors[0]).toBeInstanceOf(WireError);
    expect(early.log.drops).toEqual([]);
  });

  it('a WebSocket constructor that throws is reported as a connect error, not thrown', async () => {
    const throwing: WsImpl = {
      ctor: class {
        constructor() {
          throw new SyntaxError('bad url');
        }
      } as unknown as WsImpl['ctor'],
      headers: false,
    };
    const { log } = open({ url, ws: throwing });
    await until(() => log.errors.length === 1, 'error');
    expect(log.errors[0]?.message).toBe('bad url');
  });

  it('an HTTP refusal of the WebSocket handshake carries the status in the message', async () => {
    const refusing = createServer((_req, res) => res.writeHead(503).end());
    refusing.on('upgrade', (_req, sock) => sock.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    try {
      const port = (refusing.address() as AddressInfo).port;
      const direct = open({ url: `http://127.0.0.1:${port}/socket.io/` });
      await until(() => direct.log.errors.length === 1, 'ws error');
      expect(direct.log.errors[0]?.message).toMatch(/503/);
      const polled = open({ url: `http://127.0.0.1:${port}/socket.io/`, polling: true });
      await until(() => polled.log.errors.length === 1, 'polling error');
      expect((polled.log.errors[0] as WireError).status).toBe(503);
    } finally {
      refusing.closeAllConnections();
      await new Promise<void>((r) => refusing.close(() => r()));
    }
  });
});

describe('wire client against a scripted polling server', () => {
  it('close() on polling sends the goodbye, and cuts it and the long poll after a second when the server hangs', async () => {
    const pending = new Set<string>();
    const closedAt: Record<string, number> = {};
    let getWaiter: ((body: string) => void) | null = null;
    const http = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && !u.searchParams.has('sid')) {
        res.end('0{"sid":"eio-p","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        if (req.method === 'GET') {
          getWaiter = (b) => res.end(b); // long poll: answered when there is something to say
          pending.add('GET');
          res.on('close', () => {
            pending.delete('GET');
            closedAt.GET = Date.now();
          });
        } else if (body === '40/ws,{}') {
          res.end('ok');
          setTimeout(() => getWaiter?.('40/ws,{"sid":"ns-p"}'), 10);
        } else {
          pending.add(`POST ${body}`); // the goodbye: never answered
          res.on('close', () => {
            pending.delete(`POST ${body}`);
            closedAt.POST = Date.now();
          });
        }
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/`;
      const { socket, log } = open({ url, polling: true, ws: null });
      await until(() => log.connects === 1, 'join');
      await until(() => pending.has('GET'), 'long poll');
      const t0 = Date.now();
      socket.close();
      await until(() => pending.has('POST 41/ws,'), 'goodbye POST');
      expect(pending.has('GET')).toBe(true); // the long poll outlives the unanswered goodbye for now
      await until(() => pending.size === 0, 'both requests cut', 5_000);
      expect((closedAt.POST ?? 0) - t0).toBeGreaterThanOrEqual(900);
      expect((closedAt.GET ?? 0) - t0).toBeGreaterThanOrEqual(900);
      expect(log.drops).toEqual([]);
      expect(log.errors).toEqual([]);
    } finally {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});

