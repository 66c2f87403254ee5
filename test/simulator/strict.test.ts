// The simulator's `strict` and `laxData` options (docs/SIMULATOR.md), seen from raw HTTP and raw sockets.
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import {
  DEMO_EMAIL,
  DEMO_MODULES,
  DEMO_OBJECT_ID,
  DEMO_PASSWORD,
  type Simulator,
  type SimulatorOptions,
  parseSimulatorProfile,
  startSimulator,
} from '../../src/simulator/index.js';
import { call, until } from './helpers.js';

const sims: Simulator[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function start(opts: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ tickInterval: 0, ...opts });
  sims.push(s);
  return s;
}

const own = (s: Simulator) => ({ Origin: s.url, Referer: `${s.url}/` });

async function token(s: Simulator): Promise<string> {
  const r = await call(s, 'POST', '/v1/auth/user', {
    body: { email: DEMO_EMAIL, password: DEMO_PASSWORD },
    headers: own(s),
  });
  expect(r.status).toBe(200);
  return (r.json as { accessToken: string }).accessToken;
}

function connect(s: Simulator, headers: Record<string, string>, auth: Record<string, string> = {}): Promise<Socket> {
  const socket = io(`${s.url}/ws`, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 3000,
    extraHeaders: headers,
    auth,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('strict', () => {
  it('REST needs an Origin or Referer of its own origin', async () => {
    const s = await start({ strict: true });
    const body = { email: DEMO_EMAIL, password: DEMO_PASSWORD };
    expect((await call(s, 'POST', '/v1/auth/user', { body })).status).toBe(403);
    const wrong = await call(s, 'POST', '/v1/auth/user', { body, headers: { Origin: 'http://elsewhere.invalid' } });
    expect(wrong).toMatchObject({ status: 403, json: { message: 'Forbidden: Origin not allowed' } });
    expect((await call(s, 'POST', '/v1/auth/user', { body, headers: { Referer: `${s.url}/app/page` } })).status).toBe(
      200,
    );
    expect((await call(s, 'POST', '/v1/auth/user', { body, headers: own(s) })).status).toBe(200);
    // a lenient simulator does not care
    const lenient = await start({ strict: false });
    expect((await call(lenient, 'POST', '/v1/auth/user', { body })).status).toBe(200);
  });

  it('CORS answers only its own origin', async () => {
    const s = await start({ strict: true });
    const preflight = (origin: string) =>
      fetch(`${s.url}/v1/auth/user`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
    expect((await preflight(s.url)).headers.get('access-control-allow-origin')).toBe(s.url);
    expect((await preflight('http://elsewhere.invalid')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the handshake needs the Authorization header, its own Origin and x-appversion', async () => {
    const s = await start({ strict: true });
    const t = await token(s);
    const full = { Authorization: `Bearer ${t}`, ...own(s), 'x-appversion': '1.1.78' };
    const { 'x-appversion': _, ...noVersion } = full;
    await expect(connect(s, noVersion)).rejects.toThrow();
    await expect(connect(s, { ...full, Origin: 'http://elsewhere.invalid' })).rejects.toThrow();
    const { Authorization: __, ...noAuth } = full;
    await expect(connect(s, noAuth, { token: t })).rejects.toThrow(); // the auth payload is not accepted
    expect(s.stats.count('WS refused')).toBe(3);
    const ok = await connect(s, full);
    expect(s.sockets().find((x) => x.nsSid === ok.id)?.authVia).toBe('header');
  });

  it('an engine that does not join the namespace within 1 s is dropped', async () => {
    const s = await start({ strict: true });
    const t = await token(s);
    const raw = new WebSocket(`${s.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      headers: { Authorization: `Bearer ${t}`, ...own(s), 'x-appversion': '1.1.78' },
    });
    let opened = false;
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    raw.on('message', (m) => {
      if (String(m).startsWith('0')) opened = true; // Engine.IO OPEN; we never send the namespace CONNECT
      if (String(m) === '2') raw.send('3'); // answer pings: only the join window may close it
    });
    await closed;
    expect(opened).toBe(true);
  });
});

describe('laxData', () => {
  it('REST bodies use lax forms (reproducible from the seed) that the SDK parses to the canonical values', async () => {
    // one frozen clock for every simulator here: times in the bodies (connectedAt …) must not differ by a second
    const t0 = Date.now();
    const now = () => t0;
    const canonical = await start({ now });
    const lax = await start({ laxData: { seed: 5 }, now });
    const again = await start({ laxData: { seed: 5 }, now });
    const read = async (s: Simulator) => {
      const c = new BragerOneApiClient({ server: s.server, logLevel: 'silent' });
      const t = await c.ensureAuth(DEMO_EMAIL, DEMO_PASSWORD);
      const out = {
        userId: t.userId,
        user: await c.getUser(),
        objects: await c.getObjects(),
        modules: (await c.getModules(DEMO_OBJECT_ID)).map((m) => ({ ...m, connectedAt: m.connectedAt !== 0 })),
        card: await c.getModuleCard(DEMO_MODULES[0] as string),
        version: await c.getSystemVersion(),
      };
      await c.close();
      return out;
    };
    expect(await read(lax)).toEqual(await read(canonical));
    const raw = async (s: Simulator) => {
      const t = await token(s);
      return (
        await call(s, 'GET', `/v1/modules?page=1&limit=999&group_id=${DEMO_OBJECT_ID}`, { token: t, headers: own(s) })
      ).text;
    };
    // the same seed and the same traffic give the same bytes
    const fresh = await start({ laxData: { seed: 5 }, now });
    const [a, b, plain] = [await raw(fresh), await raw(again), await raw(canonical)];
    expect(a).toBe(b);
    expect(a).not.toBe(plain);
    expect(a).toMatch(/"(id|deviceMenu|acceptedAt|connectedAt)":" ?\d+"|"isAcceptedAt":\d/);
  });

  it('pushed events use lax forms too', async () => {
    const s = await start({ laxData: { seed: 3 } });
    const t = await token(s);
    const socket = await connect(s, { Authorization: `Bearer ${t}` });
    const devid = DEMO_MODULES[0] as string;
    await call(s, 'POST', '/v1/modules/connect', { token: t, body: { wsid: socket.id, modules: [devid] } });
    socket.emit('app:modules:parameters:listen', { modules: [devid] });
    await until(() => s.sockets()[0]?.listening.length === 1, 'condition', 2000);
    const seen: unknown[] = [];
    socket.on('app:module:connection:status:changed', (p: unknown) => seen.push(p));
    for (let i = 0; i < 8; i++) s.setModuleOnline(devid, i % 2 === 1);
    await until(() => seen.length === 8, 'condition', 2000);
    const forms = seen.map((p) => typeof (p as Record<string, { connectedAt: unknown }>)[devid]?.connectedAt);
    expect(forms).toContain('string');
  });

  it('BRAGERONE_SIMULATOR profiles', () => {
    expect(parseSimulatorProfile('strict,lax=7')).toEqual({ strict: true, laxData: { seed: 7 } });
    expect(parseSimulatorProfile(' lax ')).toEqual({ laxData: true });
    expect(parseSimulatorProfile(undefined)).toEqual({});
    expect(parseSimulatorProfile('laxative strictly')).toEqual({});
  });
});
