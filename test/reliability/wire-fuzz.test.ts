/**
 * Bad bytes on the wire (issue [chaos]): a raw TCP server on 127.0.0.1 answers the real client and the real realtime
 * manager with broken HTTP and broken WebSocket / Socket.IO frames. Each case must end in a typed error or a clean
 * reconnect: never a crash, a hang (every wait is bounded) or an unbounded buffer.
 */
import { createHash } from 'node:crypto';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { NetworkError, ResponseValidationError, TimeoutError, isBragerOneError } from '../../src/errors.js';
import { RealtimeManager } from '../../src/realtime/manager.js';
import { until, within } from './helpers.js';
import { captureLogger } from '../helpers/logger.js';

const servers: Server[] = [];
const conns = new Set<Socket>();
const cleanup: Array<() => Promise<void>> = [];
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
process.on('unhandledRejection', onUnhandled);

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  for (const c of conns) c.destroy();
  conns.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  expect(unhandled, 'no unhandled rejection').toEqual([]);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** A TCP server on 127.0.0.1 handing every connection to `onConn`; resolves its base URL. */
async function rawServer(onConn: (s: Socket) => void): Promise<string> {
  const server = createServer((s) => {
    conns.add(s);
    s.on('error', () => {});
    s.on('close', () => conns.delete(s));
    onConn(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Calls `onRequest` once the request head has arrived. */
function onHead(s: Socket, onRequest: (head: string) => void): void {
  let buf = '';
  const onData = (b: Buffer): void => {
    buf += b.toString('latin1');
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    s.off('data', onData);
    onRequest(buf.slice(0, end));
  };
  s.on('data', onData);
}

function client(base: string, timeout = 1_000): BragerOneApiClient {
  const c = new BragerOneApiClient({ apiBase: `${base}/v1`, oneBase: base, ioBase: base, logLevel: 'silent', timeout });
  cleanup.push(() => c.close());
  return c;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  const out = await within(
    p.then(
      () => new Error('resolved'),
      (e: unknown) => e,
    ),
    15_000,
    'the call',
  );
  expect(isBragerOneError(out), String(out)).toBe(true);
  return out;
}

const VERSION = JSON.stringify({ version: '1.0.1', devMode: false });
const valid = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${VERSION.length}\r\n\r\n${VERSION}`;

describe('broken HTTP answers', () => {
  it('a valid server answers (control: the harness itself works)', async () => {
    const base = await rawServer((s) => onHead(s, () => s.end(valid)));
    expect((await client(base).getSystemVersion()).version).toBe('1.0.1');
  });

  it('garbage before a valid response: NetworkError', async () => {
    const junk = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, ...Buffer.from('HTTP/9 ???\r\n')]);
    const base = await rawServer((s) => onHead(s, () => s.end(Buffer.concat([junk, Buffer.from(valid)]))));
    const err = await failure(client(base).getSystemVersion());
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(TimeoutError);
  });

  it('a truncated chunked body (connection closed): NetworkError; getBytes tries 3 times, then gives up', async () => {
    let requests = 0;
    const base = await rawServer((s) =>
      onHead(s, () => {
        requests++;
        s.end(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{"version":"1.0`,
        );
      }),
    );
    const c = client(base);
    expect(await failure(c.getSystemVersion())).toBeInstanceOf(NetworkError);
    expect(requests).toBe(1);
    expect(await failure(c.getBytes(`${base}/assets/x.js`))).toBeInstanceOf(NetworkError);
    expect(requests).toBe(4);
    // the same without a timeout for the call
    expect(await failure(c.getBytes(`${base}/assets/x.js`, { timeout: Number.POSITIVE_INFINITY }))).toBeInstanceOf(
      NetworkError,
    );
    expect(requests).toBe(7);
  });

  it('a truncated chunked body on a connection kept open: TimeoutError after `timeout` of silence', async () => {
    const base = await rawServer((s) =>
      onHead(s, () =>
        s.write(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{"version":"1.0`,
        ),
      ),
    );
    const err = await failure(client(base, 300).getSystemVersion());
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('a chunk size that is not hex, and one far beyond the body: NetworkError', async () => {
    for (const head of ['zz\r\n{}\r\n0\r\n\r\n', 'ffffffffffffffffff\r\n{}']) {
      const base = await rawServer((s) =>
        onHead(s, () =>
          s.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${head}`),
        ),
      );
      expect(await failure(client(base).getSystemVersion()), head).toBeInstanceOf(NetworkError);
    }
  });

  it('an oversized header that never ends: NetworkError, and the client stops reading early (bounded)', async () => {
    let written = 0;
    let closedAt = -1;
    const LIMIT = 64 << 20;
    const base = await rawServer((s) =>
      onHead(s, () => {
        s.write('HTTP/1.1 200 OK\r\nX-Padding: ');
        const chunk = Buffer.alloc(64 << 10, 0x61);
        s.on('close', () => {
          closedAt = written;
        });
        const pump = (): void => {
          while (!s.destroyed && written < LIMIT) {
            written += chunk.length;
            if (!s.write(chunk)) return void s.once('drain', pump);
          }
        };
        pump();
      }),
    );
    const err = await failure(client(base, 5_000).getSystemVersion());
    expect(err).toBeInstanceOf(NetworkError);
    await until(() => closedAt >= 0, 'the client dropped the connection');
    // loopback socket buffers take a few MB; a client reading on would have taken all 64 MB
    expect(closedAt).toBeLessThan(LIMIT / 4);
  });
});

// ——— a minimal Engine.IO v4 / Socket.IO v5 server over a hand-made WebSocket ———

/** One server → client WebSocket frame (unmasked). */
function frame(payload: Buffer, opcode = 0x1): Buffer {
  const n = payload.length;
  const head =
    n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65_536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]) : null;
  if (head) return Buffer.concat([head, payload]);
  const big = Buffer.alloc(10);
  big[0] = 0x80 | opcode;
  big[1] = 127;
  big.writeBigUInt64BE(BigInt(n), 2);
  return Buffer.concat([big, payload]);
}

/** Text of the client → server frames in `buf` (masked); returns them and the unparsed rest. */
function readFrames(buf: Buffer): { texts: string[]; rest: Buffer } {
  const texts: string[] = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    let len = (buf[off + 1] as number) & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length - off < 4) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - off < 10) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    if (buf.length < p + 4 + len) break;
    const mask = buf.subarray(p, p + 4);
    const data = Buffer.from(buf.subarray(p + 4, p + 4 + len));
    for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) ^ (mask[i % 4] as number);
    if (((buf[off] as number) & 0x0f) === 0x1) texts.push(data.toString('utf8'));
    off = p + 4 + len;
  }
  return { texts, rest: buf.subarray(off) };
}

/**
 * Accepts WebSocket upgrades on `/socket.io/`, opens an Engine.IO session, lets the client join `/ws`, then calls
 * `misbehave` with a frame writer (the n-th session, from 1). Counts handshakes.
 */
async function fakeSocketIo(
  misbehave: (send: (b: Buffer) => void, session: number, s: Socket) => void,
): Promise<{ url: string; sessions: () => number }> {
  let sessions = 0;
  const url = await rawServer((s) =>
    onHead(s, (head) => {
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1];
      if (!key || !head.includes('/socket.io/'))
        return void s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      s.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      const n = ++sessions;
      const send = (b: Buffer): void => {
        if (!s.destroyed) s.write(frame(b));
      };
      send(
        Buffer.from(
          `0${JSON.stringify({ sid: `e${n}`, upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000 })}`,
        ),
      );
      let pending: Buffer = Buffer.alloc(0);
      let joined = false;
      s.on('data', (b: Buffer) => {
        const { texts, rest } = readFrames(Buffer.concat([pending, b]));
        pending = rest;
        for (const t of texts) {
          if (!joined && t.startsWith('40/ws')) {
            joined = true;
            send(Buffer.from(`40/ws,${JSON.stringify({ sid: `ns${n}` })}`));
            setTimeout(() => misbehave((x) => (s.destroyed ? undefined : s.write(frame(x))), n, s), 50);
          }
        }
      });
    }),
  );
  return { url, sessions: () => sessions };
}

function manager(url: string): RealtimeManager {
  const m = new RealtimeManager({
    token: 'fuzz-token',
    ioBase: url,
    connectTimeout: 3_000,
    supervisorInterval: 500,
    reconnectDelay: 50,
    logger: captureLogger(),
    logLevel: 'error',
  });
  cleanup.push(() => m.disconnect());
  return m;
}

describe('broken WebSocket / Socket.IO frames', () => {
  it('control: the fake server is a Socket.IO server the manager joins and hears events from', async () => {
    const fake = await fakeSocketIo((send) => send(Buffer.from('42/ws,["app:modules:parameters:change",{"X":1}]')));
    const m = manager(fake.url);
    const got: unknown[] = [];
    m.onEvent((name, p) => got.push([name, p]));
    await within(m.connect(), 10_000, 'connect');
    await until(() => got.length === 1, 'the event');
    expect(got[0]).toEqual(['app:modules:parameters:change', { X: 1 }]);
    expect([fake.sessions(), m.connected]).toEqual([1, true]);
  });

  it('a text frame with invalid UTF-8: the session is closed and the manager reconnects cleanly', async () => {
    const fake = await fakeSocketIo((send, n) => {
      if (n === 1) send(Buffer.from([0x34, 0x32, 0x2f, 0x77, 0x73, 0x2c, 0x5b, 0xff, 0xfe, 0xc3, 0x28, 0x5d]));
    });
    const m = manager(fake.url);
    const downs: number[] = [];
    m.addOnDisconnected(() => void downs.push(Date.now()));
    const ups: number[] = [];
    m.addOnConnected(() => void ups.push(Date.now()));
    await within(m.connect(), 10_000, 'connect');
    await until(() => fake.sessions() >= 2 && m.connected && ups.length >= 2, 'a clean reconnect', 15_000);
    expect(downs.length).toBe(1);
  });

  it('a Socket.IO binary packet announcing a huge attachment count: parse error, clean reconnect, nothing buffered', async () => {
    const fake = await fakeSocketIo((send, n) => {
      if (n !== 1) return;
      send(Buffer.from('451000000000-/ws,["app:modules:parameters:change",{"_placeholder":true,"num":0}]'));
      // attachments that would pile up if the count were believed
      for (let i = 0; i < 50; i++) send(Buffer.concat([Buffer.from([0x04]), Buffer.alloc(1024, i)]));
    });
    const m = manager(fake.url);
    const got: unknown[] = [];
    m.onEvent((name) => got.push(name));
    const ups: number[] = [];
    m.addOnConnected(() => void ups.push(Date.now()));
    await within(m.connect(), 10_000, 'connect');
    await until(() => fake.sessions() >= 2 && m.connected && ups.length >= 2, 'a clean reconnect', 15_000);
    expect(got, 'no event was made of the broken packet').toEqual([]);
  });

  it('an HTTP answer instead of the upgrade, and garbage instead of frames: the first connect rejects with a typed error', async () => {
    const notWs = await rawServer((s) => onHead(s, () => s.end(valid)));
    const err1 = await failure(manager(notWs).connect());
    // a 2xx instead of the 101 upgrade is never an ApiError: a ResponseValidationError naming the status
    expect(err1).toBeInstanceOf(ResponseValidationError);
    expect((err1 as ResponseValidationError).message).toMatch(/Socket\.IO handshake.*unexpected HTTP 200/);
    const junk = await rawServer((s) =>
      onHead(s, (head) => {
        const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        s.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        s.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
      }),
    );
    const err2 = await failure(manager(junk).connect());
    expect(err2).toBeInstanceOf(NetworkError);
  });
});
