/** Exact handshake and emit payloads, observed on a bare Socket.IO server (the simulator hides these details). */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeManager } from '../../src/realtime/manager.js';
import { until } from './helpers.js';

interface Seen {
  headers: Record<string, string | string[] | undefined>;
  auth: unknown;
  transport: string;
  emits: Array<[string, unknown]>;
}

let http: HttpServer;
let io: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  http = createServer();
  io = new Server(http, { path: '/socket.io' });
  io.of('/ws').on('connection', (socket: Socket) => {
    const rec: Seen = {
      headers: socket.handshake.headers,
      auth: socket.handshake.auth,
      transport: socket.conn.transport.name,
      emits: [],
    };
    seen.push(rec);
    socket.onAny((name: string, payload: unknown) => rec.emits.push([name, payload]));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await io.close();
});

describe('handshake credentials and listen emits', () => {
  it('Node: WebSocket only, Bearer + Origin/Referer/Accept-Language/x-appversion headers, empty auth', async () => {
    seen.length = 0;
    const m = new RealtimeManager({
      token: 'tok-node-1234',
      ioBase: base,
      origin: 'https://one.example',
      logLevel: 'silent',
    });
    try {
      await m.connect();
      await until(() => seen.length === 1, 'connection');
      const h = seen[0] as Seen;
      expect(h.transport).toBe('websocket');
      expect(h.headers.authorization).toBe('Bearer tok-node-1234');
      expect(h.headers.origin).toBe('https://one.example');
      expect(h.headers.referer).toBe('https://one.example/');
      expect(h.headers['accept-language']).toBe('pl-PL,pl;q=0.9');
      expect(h.headers['x-appversion']).toBe('1.1.78');
      expect(h.auth).toEqual({});
    } finally {
      await m.disconnect();
    }
  });

  it('emits the four listen events with an integer group_id, in order', async () => {
    seen.length = 0;
    const m = new RealtimeManager({ token: 't', ioBase: base, logLevel: 'silent' });
    try {
      await m.connect();
      m.groupId = 1201;
      await m.subscribe(['B2', 'A1', 'B2']);
      await until(() => (seen[0]?.emits.length ?? 0) === 4, 'four emits');
      const mods = ['A1', 'B2'];
      expect(seen[0]?.emits).toEqual([
        ['app:modules:parameters:listen', { modules: mods, group_id: 1201 }],
        ['app:modules:parameters:listen', { devids: mods, group_id: 1201 }],
        ['app:modules:activity:quantity:listen', { modules: mods, group_id: 1201 }],
        ['app:modules:activity:quantity:listen', { devids: mods, group_id: 1201 }],
      ]);
      m.groupId = null;
      await m.resubscribe();
      await until(() => (seen[0]?.emits.length ?? 0) === 8, 'four more emits');
      expect(seen[0]?.emits[4]).toEqual(['app:modules:parameters:listen', { modules: mods }]);
    } finally {
      await m.disconnect();
    }
  });

  it('browser mode: polling first with the Authorization header, plus auth {token} re-evaluated per connect', async () => {
    seen.length = 0;
    let n = 0;
    const m = new RealtimeManager({
      token: 'tok-browser-0',
      tokenProvider: async () => `tok-browser-${++n}`,
      ioBase: base,
      environment: 'browser',
      logLevel: 'silent',
      supervisorInterval: 60_000,
    });
    try {
      await m.connect();
      await until(() => seen.length === 1, 'connection');
      expect(seen[0]?.transport).toBe('polling');
      expect(seen[0]?.headers.authorization).toBe('Bearer tok-browser-0');
      expect(seen[0]?.auth).toEqual({ token: 'tok-browser-0' });
      await m.forceReconnect();
      await until(() => seen.length === 2, 'second connection');
      expect(seen[1]?.auth).toEqual({ token: 'tok-browser-1' });
      expect(seen[1]?.headers.authorization).toBe('Bearer tok-browser-1');
    } finally {
      await m.disconnect();
    }
  });
});
