/**
 * Local BragerOne-compatible cloud for tests, demos and benchmarks (Node only).
 * One `node:http` server speaks the REST API under `/v1`, Socket.IO at `/socket.io` (namespace `/ws`)
 * and serves a synthetic web app generated from `webapp/description.ts`. See `docs/SIMULATOR.md`.
 * @module
 */

import { type Server, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { BragerOneError } from '../errors.js';
import { defineServer } from '../server.js';
import { AssetServer } from './assets.js';
import { type ResolvedOptions, SimContext } from './context.js';
import { buildWorld, DEMO_EMAIL, DEMO_PASSWORD, demoAccount } from './data.js';
import { createRequestHandler } from './dispatch.js';
import { FaultBook, StatsBook } from './faults.js';
import { LaxMixer } from './lax.js';
import { NETWORK_OFF, NetworkShaper, baseUrl, listenAt } from './network.js';
import { Plant } from './plant.js';
import { Realtime, loadSocketIoServer } from './realtime.js';
export { SOCKET_IO_MISSING } from './realtime.js';
import { TokenBook } from './tokens.js';
import type { BurstResult, JsonValue, Simulator, SimulatorOptions } from './types.js';

export {
  BOILER_PARAMS,
  DEMO_EMAIL,
  DEMO_MODULES,
  DEMO_OBJECT_ID,
  DEMO_PASSWORD,
  DEMO_PERMISSIONS,
  DEMO_USER_ID,
  MIXER_PARAMS,
} from './data.js';
export { DUPLICATE_ENTRY_FAULT, FAULTS } from './faults.js';
export {
  DESCRIPTION as WEB_APP_DESCRIPTION,
  type GenerateOptions,
  generateWebApp,
  renderLandingPage,
  type WebAppAsset,
  type WebAppAssetKind,
  type WebAppBuild,
  type WebAppDescription,
  type LandingInput,
  type LandingLink,
} from './webapp/index.js';
/** Types of the web-app description (`WEB_APP_DESCRIPTION`), for callers that edit or extend it. */
export type * as WebAppModel from './webapp/description.js';
export type {
  JsonValue,
  JsonObject,
  ParamBody,
  PoolsInit,
  PlantKind,
  SimUser,
  SimModuleCard,
  SimGateway,
  SimModuleInit,
  SimObjectInit,
  SimAccountInit,
  PushRequirement,
  SimulatorOptions,
  NetworkSettings,
  NetworkStats,
  SimNetwork,
  NetTarget,
  NetworkFault,
  NetworkConnection,
  WebAppOptions,
  AssetCorruption,
  WebAppChanges,
  WebAppInfo,
  SimWebApp,
  RequestRecord,
  SimStats,
  FaultResponse,
  ShapeVariants,
  ShapeRoute,
  MalformedKind,
  SlowBody,
  SimFaults,
  SocketInfo,
  BurstResult,
  Simulator,
} from './types.js';

/** Default option values of {@link startSimulator}. */
export const SIMULATOR_DEFAULTS = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  tokenTtl: 3_600_000,
  tickInterval: 1000,
  commandDelay: 50,
  restartDowntime: 300,
  connectRequiresKnownSid: true,
  pushRequires: 'bind+listen',
  refuseBinds: false,
  sidRegistrationDelay: 0,
  corsOrigins: '*',
  socketTransports: ['polling', 'websocket'],
  invalidWriteStatus: 200,
  requestLogLimit: 2000,
  version: '1.0.2601010000',
  seed: 1,
  pingInterval: 25_000,
  pingTimeout: 20_000,
} as const);

/** Environment variable giving `strict`/`laxData` defaults to every simulator of a process (docs/SIMULATOR.md). */
export const SIMULATOR_PROFILE_ENV = 'BRAGERONE_SIMULATOR';

/**
 * Reads `strict` and `laxData` defaults from a profile such as `"strict,lax=7"` (`strict`, `lax`, `lax=<seed>`,
 * separated by commas or spaces; anything else is ignored).
 */
export function parseSimulatorProfile(profile: string | undefined): Pick<SimulatorOptions, 'strict' | 'laxData'> {
  const out: Pick<SimulatorOptions, 'strict' | 'laxData'> = {};
  for (const word of (profile ?? '').toLowerCase().split(/[\s,]+/)) {
    if (word === 'strict') out.strict = true;
    const lax = /^lax(?:=(\d+))?$/.exec(word);
    if (lax) out.laxData = lax[1] === undefined ? true : { seed: Number(lax[1]) };
  }
  return out;
}

function checkPing(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 3_600_000) {
    throw new BragerOneError(`${name} must be a whole number of milliseconds in 1…3600000`);
  }
  return v;
}

function resolveOptions(o: SimulatorOptions): ResolvedOptions {
  const d = SIMULATOR_DEFAULTS;
  const profile = parseSimulatorProfile(
    typeof process === 'undefined' ? undefined : process.env[SIMULATOR_PROFILE_ENV],
  );
  const strict = o.strict ?? profile.strict ?? false;
  const lax = o.laxData ?? profile.laxData ?? false;
  const seed = o.seed ?? d.seed;
  return {
    port: o.port ?? d.port,
    host: o.host ?? d.host,
    tokenTtl: o.tokenTtl ?? d.tokenTtl,
    tickInterval: o.tickInterval ?? d.tickInterval,
    commandDelay: o.commandDelay ?? d.commandDelay,
    restartDowntime: o.restartDowntime ?? d.restartDowntime,
    connectRequiresKnownSid: o.connectRequiresKnownSid ?? d.connectRequiresKnownSid,
    pushRequires: o.pushRequires ?? d.pushRequires,
    refuseBinds: o.refuseBinds ?? d.refuseBinds,
    sidRegistrationDelay: Math.max(0, o.sidRegistrationDelay ?? d.sidRegistrationDelay),
    // strict: only the simulator's own origin, filled in once it listens
    corsOrigins: o.corsOrigins ?? (strict ? [] : d.corsOrigins),
    socketTransports: [...(o.socketTransports ?? d.socketTransports)],
    invalidWriteStatus: o.invalidWriteStatus ?? d.invalidWriteStatus,
    requestLogLimit: o.requestLogLimit ?? d.requestLogLimit,
    version: o.version ?? d.version,
    pingInterval: checkPing('pingInterval', o.pingInterval ?? d.pingInterval),
    pingTimeout: checkPing('pingTimeout', o.pingTimeout ?? d.pingTimeout),
    seed,
    strict,
    laxSeed: lax === false ? null : lax === true ? seed : (lax.seed ?? seed),
    now: o.now ?? Date.now,
  };
}

/**
 * Starts a simulator on `host:port` (default `127.0.0.1`, a free port) and resolves once it listens. Needs the
 * optional peer dependency `socket.io`; without it, rejects with a `BragerOneError` that says `npm install socket.io`.
 */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const ServerCtor = await loadSocketIoServer();
  const o = resolveOptions(opts);
  const accounts = [...(opts.includeDemo === false ? [] : [demoAccount()]), ...(opts.accounts ?? [])];
  const world = buildWorld(accounts, o.now());
  const faults = new FaultBook(o.now);
  const stats = new StatsBook(o.requestLogLimit);
  const ctx = new SimContext(o, world, new TokenBook(o.tokenTtl, o.now), faults, stats);
  const demo = opts.includeDemo === false ? null : { email: DEMO_EMAIL, password: DEMO_PASSWORD };
  const assets = new AssetServer({ now: o.now, scale: opts.webApp?.scale ?? 0, demo });
  if (o.laxSeed !== null) ctx.lax = new LaxMixer(o.laxSeed);
  for (const [prefix, dir] of Object.entries(opts.staticDirs ?? {})) assets.addStatic(prefix, dir);

  const http = newHttpServer(opts.tls);
  const realtime = new Realtime(ctx, ServerCtor, http, createRequestHandler(ctx, assets), '/socket.io', '/ws');
  const plant = new Plant(ctx);

  const addr = await listenAt(http, o.port, o.host);
  const scheme = opts.tls ? 'https' : 'http';
  const directUrl = baseUrl(addr, scheme);
  const shaper = opts.network ? await shapeNetwork(opts.network, o.seed, http, addr) : null;
  // The proxy relays bytes, so TLS passes through it and the scheme stays the simulator's.
  const url = shaper ? shaper.url.replace(/^http:/, `${scheme}:`) : directUrl;
  const web = opts.webOrigin ? await listenWebOrigin(http, shaper, addr) : null;
  const webUrl = web ? web.url.replace(/^http:/, `${scheme}:`) : url;
  // the web app's origin: what `Origin` and `Referer` name (strict mode checks them against it)
  ctx.origin = webUrl;
  if (o.strict && opts.corsOrigins === undefined) o.corsOrigins = [webUrl];
  plant.start();

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      plant.stop();
      ctx.closing.abort();
      for (const t of ctx.timers) clearTimeout(t);
      ctx.timers.clear();
      const proxy = shaper?.close();
      const done = realtime.close();
      http.closeAllConnections();
      await Promise.all([done, proxy, web?.close()]);
    })();
    return closed;
  };

  return facade({ url, webUrl, directUrl, shaper, stats, faults, assets, ctx, plant, realtime, close });
}

/** The parts of a running simulator that its {@link Simulator} facade exposes. */
interface SimParts {
  url: string;
  webUrl: string;
  directUrl: string;
  shaper: NetworkShaper | null;
  stats: StatsBook;
  faults: FaultBook;
  assets: AssetServer;
  ctx: SimContext;
  plant: Plant;
  realtime: Realtime;
  close: () => Promise<void>;
}

/** The {@link Simulator} object over the running parts. */
function facade(parts: SimParts): Simulator {
  const { url, webUrl, directUrl, shaper, stats, faults, assets, ctx, plant, realtime, close } = parts;
  const sim: Simulator = {
    url,
    webUrl,
    directUrl,
    network: shaper ?? NETWORK_OFF,
    server: defineServer({ ioBase: url, oneBase: webUrl, container: 'BragerOne' }),
    stats,
    faults,
    serveStatic: (prefix, dir) => assets.addStatic(prefix, dir),
    webApp: assets.webApp,
    expireTokens: () => ctx.tokens.expireAll(),
    revokeTokens: () => ctx.tokens.revokeAll(),
    issuedTokens: () => ctx.tokens.all(),
    loginCount: () => ctx.tokens.loginCount(),
    refusedWrites: () => ctx.refusedWrites.map((w) => ({ ...w })),
    getParam: (devid, key) => ctx.module(devid).params.get(ctx.address(key)),
    setParam: (devid, key, value: JsonValue) => void ctx.applyValues(devid, [[ctx.address(key), value]], false, true),
    snapshot: (devid) => ({ [devid]: ctx.module(devid).params.toPayload() }),
    values: (devid) => ctx.module(devid).params.values(),
    setModuleOnline: (devid, online) => ctx.setOnline(devid, online),
    moduleOnline: (devid) => ctx.module(devid).connectedAt !== 0,
    memoryUpdated: (devid) => {
      plant.silentChange(devid);
      ctx.pusher.toModule(devid, '22', { devid });
    },
    emitRaw: (event, payload) => ctx.pusher.toAll(event, payload),
    snapshotPush: (devid) => ctx.pusher.toModule(devid, 'snapshot', sim.snapshot(devid)),
    burst: (n, bopts) => burst(ctx, n, bopts?.devid, bopts?.key ?? 'P4.v1'),
    tick: () => plant.tick(),
    sockets: () => realtime.list(),
    close,
  };
  return sim;
}

/** `tls`: an HTTPS server (the client's `verify` is tested against it); otherwise plain HTTP. */
function newHttpServer(tls: SimulatorOptions['tls']): Server {
  if (!tls) return createServer({ keepAliveTimeout: 5000 });
  const { key, cert } = tls;
  const https = createHttpsServer({
    key: typeof key === 'string' ? key : Buffer.from(key),
    cert: typeof cert === 'string' ? cert : Buffer.from(cert),
  });
  https.keepAliveTimeout = 5000;
  return https;
}

/** Starts the network-shaping proxy in front of the simulator (loopback only); closes `http` when that fails. */
async function shapeNetwork(
  network: NonNullable<SimulatorOptions['network']>,
  seed: number,
  http: Server,
  addr: AddressInfo,
): Promise<NetworkShaper> {
  // loopback only: the proxy listens on, and connects to, the loopback address of the simulator's family
  const loop = addr.family === 'IPv6' ? '::1' : '127.0.0.1';
  if (!isLoopbackOrAny(addr.address)) {
    await new Promise<void>((r) => http.close(() => r()));
    throw new BragerOneError('network shaping needs the simulator on a loopback (or wildcard) address');
  }
  const shaper = new NetworkShaper(network, seed, addr.port, loop);
  try {
    await shaper.listen();
  } catch (err) {
    await shaper.close();
    await new Promise<void>((r) => http.close(() => r()));
    throw err;
  }
  return shaper;
}

/**
 * The second origin (`webOrigin`): another port of the shaping proxy, or, unshaped, a listener that hands its
 * connections to the simulator's own server (plain or TLS alike).
 */
async function listenWebOrigin(
  http: Server,
  shaper: NetworkShaper | null,
  addr: AddressInfo,
): Promise<{ url: string; close(): Promise<void> | undefined }> {
  if (shaper) return { url: await shaper.listen(), close: () => undefined };
  const relay = createNetServer((socket) => http.emit('connection', socket));
  const url = baseUrl(await listenAt(relay, 0, addr.address));
  return { url, close: () => new Promise<void>((r) => relay.close(() => r())) };
}

function isLoopbackOrAny(a: string): boolean {
  return a === '0.0.0.0' || a === '::' || a === '::1' || a.startsWith('127.') || a === '::ffff:127.0.0.1';
}

async function burst(ctx: SimContext, n: number, devid: string | undefined, key: string): Promise<BurstResult> {
  const id = devid ?? ctx.world.modules.keys().next().value;
  if (id === undefined) return { sent: 0, ms: 0 };
  const addr = ctx.address(key);
  const m = ctx.module(id);
  const start = performance.now();
  const base = m.params.get(addr);
  const b = typeof base === 'number' ? base : 0;
  for (let i = 0; i < n; i++) {
    ctx.applyValues(id, [[addr, b + (i % 2 === 0 ? 1 : 0)]], false, true);
    if (i % 1000 === 999) await new Promise<void>((r) => setImmediate(r));
  }
  return { sent: n, ms: performance.now() - start };
}
