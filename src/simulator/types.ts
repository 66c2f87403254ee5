/**
 * Public types of the local BragerOne cloud simulator (`bragerone/simulator`).
 * @module
 */

import type { ServerConfig } from '../server.js';
import type { WebAppBuild } from './webapp/generate.js';

/** A JSON value as served or accepted by the simulator. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * One parameter entry as it appears in a prime payload (docs/PROTOCOL.md §4.10): either an object with an
 * optional `value` plus meta keys (`storable`, `createdAt`, `updatedAt`, …) or a bare scalar value.
 */
export type ParamBody = JsonObject | string | number | boolean | null;

/** Parameter tree of one module: pool (`P4`) → `<chan><idx>` (`v1`) → body. */
export type PoolsInit = Record<string, Record<string, ParamBody>>;

/** Behaviour of the simulated plant attached to a module (see `plant.ts`). */
export type PlantKind = 'boiler' | 'mixer' | 'none';

/** The snake_case user record of docs/PROTOCOL.md §4.2. */
export interface SimUser {
  id: number;
  name: string;
  email: string;
  language: string;
  allow_email_type_informations: boolean;
  allow_email_type_alarms: boolean;
  allow_email_type_marketing: boolean;
  allow_email_type_warnings: boolean;
  activated_at: string;
  show_rate_us_modal: boolean;
}

/** Module card of docs/PROTOCOL.md §4.8 (without `moduleId`, which is taken from the module). */
export interface SimModuleCard {
  id: number;
  clientFullName: string;
  clientPhoneNumber: string;
  clientAddressStreetAndNumber: string;
  clientAddressPostalCode: string;
  clientAddressCity: string;
  createdAt: string;
  updatedAt: string;
}

/** Gateway description of a module row (docs/PROTOCOL.md §4.7). */
export interface SimGateway {
  address: string;
  interface: string;
  version: string;
}

/** A module to simulate. Only `devid` is required; the rest gets plausible defaults. */
export interface SimModuleInit {
  /** Module code, e.g. `DEMO0A1B2C`. */
  devid: string;
  /** Numeric module id; default: derived from the position. */
  id?: number;
  /** User-given name; default `Module <devid>`. */
  name?: string;
  /** Controller model title; default `Generic Controller`. */
  moduleTitle?: string;
  /** Initially connected to the cloud; default `true`. */
  online?: boolean;
  /** Gateway of the module. */
  gateway?: SimGateway;
  /** Permission names of the module row. */
  permissions?: string[];
  /** `deviceMenu` of the module row; default `0`. */
  deviceMenu?: number;
  /** Initial parameters; default: a copy of the demo boiler's parameters. */
  params?: PoolsInit;
  /** Plant behaviour; default `'none'` for custom modules. */
  plant?: PlantKind;
  /** Card fields (docs/PROTOCOL.md §4.8). */
  card?: Partial<SimModuleCard>;
}

/** An object (installation, "group") owned by an account. */
export interface SimObjectInit {
  id: number;
  name: string;
  addressCountry?: string;
  addressCity?: string | null;
  addressPostCode?: string | null;
  addressStreet?: string | null;
  addressHouseNumber?: string | null;
  /** Operational status string of `GET /v1/objects/:id`; default `SUCCESS`. */
  status?: string;
  /** Object permissions; default: the account permissions. */
  permissions?: string[];
  /** Modules of this object. */
  modules?: SimModuleInit[];
}

/** An account that can log in. */
export interface SimAccountInit {
  email: string;
  password: string;
  /** User record overrides; `id` defaults to a unique number, `email` to the account email. */
  user?: Partial<SimUser>;
  /** `GET /v1/user/permissions`; default: the demo permissions. */
  permissions?: string[];
  /** Objects owned by this account. */
  objects?: SimObjectInit[];
}

/** Who must have done what before a socket receives pushes for a module ([U], docs/PROTOCOL.md §6.4). */
export type PushRequirement = 'bind+listen' | 'bind' | 'listen';

/** Options of {@link startSimulator}. Every duration is in milliseconds. */
export interface SimulatorOptions {
  /** Serve HTTPS (REST, assets and Socket.IO) with this PEM key and certificate; `url` then starts with `https://`. */
  tls?: { key: string | Uint8Array; cert: string | Uint8Array };
  /** Port to listen on; default `0` (a free port). */
  port?: number;
  /** Interface to bind; default `'127.0.0.1'`. */
  host?: string;
  /** Include the demo account (`demo@bragerone.local` / `demo`); default `true`. */
  includeDemo?: boolean;
  /** Extra accounts (e.g. a second account for isolation tests). */
  accounts?: SimAccountInit[];
  /** Token lifetime; default `3_600_000` (1 h). */
  tokenTtl?: number;
  /** Plant tick period; default `1000`; `0` disables drift. */
  tickInterval?: number;
  /** Delay before a command is applied and pushed; default `50`. */
  commandDelay?: number;
  /** How long `MODULE_RESTART` keeps a module offline; default `300`. */
  restartDowntime?: number;
  /** `POST /v1/modules/connect` rejects SIDs of no live socket with 400; default `true` ([U]). */
  connectRequiresKnownSid?: boolean;
  /** What a socket must do before it gets pushes; default `'bind+listen'` ([U]). */
  pushRequires?: PushRequirement;
  /** `POST /v1/modules/connect` answers 400 to every body variant, for the whole run; default `false` (see also `faults.refuseBinds`). */
  refuseBinds?: boolean;
  /**
   * A new socket's ids become known to `POST /v1/modules/connect` only this long after its `/ws` join (a server that
   * registers them asynchronously, the reason the reference waits 0.1 s before binding); default `0`.
   */
  sidRegistrationDelay?: number;
  /** Allowed CORS origins; default `'*'` (reflect any `Origin`). */
  corsOrigins?: string[] | '*';
  /**
   * Engine.IO transports the socket accepts; default both. Whether the real cloud accepts long-polling is unknown
   * (docs/PROTOCOL.md §6.1 [U]); `['websocket']` makes a polling handshake fail with HTTP 400, as a WebSocket-only server does.
   */
  socketTransports?: Array<'polling' | 'websocket'>;
  /**
   * HTTP status of a refused parameter write (a value outside the register family's `n`/`x` limits, or not a
   * number). The value is kept and nothing is pushed either way. Default `200` (`{"ok":true}`, as for an accepted
   * write); e.g. `400` answers `{"message":"Value out of range"}`. What the real cloud answers is unknown ([U]).
   */
  invalidWriteStatus?: number;
  /** Static directories by URL prefix, e.g. `{ '/dist': dir }`. */
  staticDirs?: Record<string, string>;
  /** The synthetic web app served at `/` and `/assets/` (docs/SIMULATOR.md, "Web app"). */
  webApp?: WebAppOptions;
  /** Size of the request log; default `2000`. */
  requestLogLimit?: number;
  /** Version string of `GET /v1/system/version`; default `1.0.2601010000`. */
  version?: string;
  /** Seed of the plant's pseudo-random noise; default `1`. */
  seed?: number;
  /**
   * Play a fussy cloud (docs/SIMULATOR.md): socket auth by the handshake `Authorization` header only (no `auth`
   * payload); REST calls and the socket handshake must carry an `Origin` (or `Referer`) of the simulator's own origin,
   * the handshake also `x-appversion` (else HTTP 403); the `/ws` namespace must be joined within 1 s of the engine
   * opening; CORS answers only the simulator's own origin (unless `corsOrigins` is given). Default `false`, or from
   * the `BRAGERONE_SIMULATOR` environment variable (`strict`).
   */
  strict?: boolean;
  /**
   * Serve every REST body and pushed event with the lax field forms the reference accepts (numeric strings for
   * integers, `0`/`1`/`"true"`/`"false"` for booleans, epoch seconds and zone-less strings for date-times), mixed at
   * random from `seed` (default: the `seed` option). Default off, or from `BRAGERONE_SIMULATOR` (`lax` or `lax=<seed>`).
   */
  laxData?: boolean | { seed?: number };
  /** Clock (ms since epoch); default `Date.now`. */
  now?: () => number;
  /**
   * Network shaping (docs/SIMULATOR.md, "Network shaping"): a TCP proxy on loopback in front of the REST +
   * Socket.IO port delays every byte in both directions by `latency` plus up to `jitter` ms; `url` and `server`
   * then point at the proxy. Changeable at run time through `sim.network.set()`. Default: off.
   */
  network?: Partial<NetworkSettings>;
  /**
   * Also listen on a second port, a separate origin for the web app (`webUrl`; `server.oneBase` points at it), as
   * the real cloud serves its web app apart from its API (`one.brager.pl` and `io.brager.pl`): Node and browsers
   * then keep separate connection pools for the catalog's downloads and the API, as they do against the cloud.
   * Both ports serve every route; with `network`, both are shaped alike and share its faults. `Origin`/`Referer`
   * name the web origin (what `strict` checks). Default: false (one origin).
   */
  webOrigin?: boolean;
  /**
   * Engine.IO heartbeat: the server pings every `pingInterval` ms and drops a socket whose pong is `pingTimeout` ms
   * late; a client that hears no ping for `pingInterval + pingTimeout` ms closes its side. Defaults: Engine.IO's
   * (25 000 / 20 000). Short values make a half-open socket (`sim.network.fault({ kind: 'blackhole' })`) show fast.
   */
  pingInterval?: number;
  /** See {@link SimulatorOptions.pingInterval}. */
  pingTimeout?: number;
}

/** One-way delay of the shaped network, in ms. */
export interface NetworkSettings {
  /** One-way latency (the floor of every delay); a round trip costs twice this. */
  latency: number;
  /** Extra one-way delay drawn uniformly from `[0, jitter]` per chunk (seeded; bytes never reorder). */
  jitter: number;
}

/** Counters of the shaping proxy. */
export interface NetworkStats {
  /** Connections accepted since start. */
  connections: number;
  /** Connections refused: the proxy held its maximum, or a `refuse` fault was on. */
  refused: number;
  /** Connections open now. */
  open: number;
  /** Bytes delivered client → simulator. */
  bytesUp: number;
  /** Bytes delivered simulator → client. */
  bytesDown: number;
  /** Bytes a `blackhole` fault dropped (both directions). */
  droppedBytes: number;
  /** Connections a `reset` fault reset (each counted once). */
  resets: number;
}

/**
 * Which proxied connections a network fault hits (docs/SIMULATOR.md, "Network faults"): every one (`'all'`, the
 * default), those whose first request line is a REST call (`'rest'`) or a Socket.IO / Engine.IO request, i.e. its
 * path contains `/socket.io/` (`'socket'`), or one connection by its {@link NetworkConnection.id}.
 */
export type NetTarget = 'all' | 'rest' | 'socket' | { connection: number };

/**
 * A fault of the simulated network, applied with {@link SimNetwork.fault} until lifted:
 * - `blackhole`: connections stay open but nothing is delivered in either direction; bytes are dropped, not queued;
 * - `reset`: matching connections get a TCP RST now and whenever they open later; with `afterBytes`, once that many
 *   bytes of the simulator → client direction have been delivered on a connection (once per connection);
 * - `stall`: delivery pauses for `ms` (bytes are queued), then resumes in order;
 * - `bandwidth`: each direction's delivery is limited to `bytesPerSecond`, shared by the matching connections;
 * - `refuse`: new connections get a TCP RST at once (open ones are untouched).
 */
export type NetworkFault =
  | { kind: 'blackhole'; target?: NetTarget }
  | { kind: 'reset'; target?: NetTarget; afterBytes?: number }
  | { kind: 'stall'; target?: NetTarget; ms: number }
  | { kind: 'bandwidth'; target?: NetTarget; bytesPerSecond: number }
  | { kind: 'refuse' };

/** A connection the proxy accepted (open or recently closed). */
export interface NetworkConnection {
  /** Sequence number, from 1 in accept order (the `{ connection }` of a {@link NetTarget}). */
  id: number;
  /** From its first request line; `'unknown'` until the client has sent a byte. */
  kind: 'rest' | 'socket' | 'unknown';
  /** False once either side closed or it was reset. */
  open: boolean;
}

/** `sim.network`: run-time control of network shaping and faults. */
export interface SimNetwork {
  /** True when the simulator was started with `network` (the proxy runs). */
  readonly enabled: boolean;
  /** Current settings. */
  get(): NetworkSettings;
  /** Changes latency and/or jitter for every byte sent from now on; throws when shaping is off or a value is invalid. */
  set(next: Partial<NetworkSettings>): NetworkSettings;
  /** Proxy counters. */
  stats(): NetworkStats;
  /**
   * Applies a network fault from now on and returns a function that lifts it (idempotent). Throws a
   * `BragerOneError` when shaping is off or the fault is invalid.
   */
  fault(f: NetworkFault): () => void;
  /** Lifts every fault. */
  clearFaults(): void;
  /** The proxied connections, open ones and the last closed ones, in accept order. */
  connections(): NetworkConnection[];
}

/** Options of the synthetic web app. */
export interface WebAppOptions {
  /**
   * Benchmark padding: `n` adds `1400 × n` synthetic parameters (index maps and labels), a 45-route menu for
   * deviceMenu 2190 and synthetic component code, making the index about `3 MB × n`. Default `0`.
   */
  scale?: number;
}

/** How {@link SimWebApp.corrupt} breaks an asset (same URL, new body and ETag). */
export type AssetCorruption =
  /** the first half of the body */
  | 'truncate'
  /** 4 KiB of invalid UTF-8 and control bytes */
  | 'garbage'
  /** an empty 200 answer */
  | 'empty'
  /** `export default [[[[…]]]]` nested 50,000 deep */
  | 'deep'
  /** the body padded with a 20 MiB string literal */
  | 'huge'
  /** prototype-pollution keys, HTML/script injection in texts and code that sets `globalThis.__bragerCanary` */
  | 'hostile'
  /** an HTML page with status 200 (an SPA fallback) */
  | 'html'
  /** 404 */
  | 'missing';

/** Label changes for {@link SimWebApp.publish}: symbol → texts per language. */
export interface WebAppChanges {
  labels?: Record<string, { pl?: string; en?: string }>;
  /** Keep serving the previous build's files (like a CDN); default `false` (old hashed URLs answer 404). */
  keepOld?: boolean;
}

/** Summary of the current web-app build: the {@link WebAppBuild} with file names instead of assets. */
export interface WebAppInfo extends Omit<WebAppBuild, 'assets'> {
  /** Every asset file name under `/assets/` of this build. */
  assets: string[];
}

/** Control of the synthetic web app. */
export interface SimWebApp {
  /** Current index file name. */
  readonly indexName: string;
  /** Current build number (starts at 1). */
  readonly build: number;
  /** File names, maps and sizes of the current build. */
  info(): WebAppInfo;
  /** Text of a served asset (`index-….js`, `/` for the HTML page); corruption not applied. */
  text(file: string): string | undefined;
  /** Publishes a new build (new build number, changed texts → new hashes); returns the new index name. */
  publish(changes?: WebAppChanges): string;
  /**
   * Serves a broken body for every current asset whose file name or base name (`index`, `module.menu`, `units`,
   * `PARAM_CANARY`; `/` = the HTML page) equals `name`. Returns the affected file names.
   */
  corrupt(name: string, mode: AssetCorruption): string[];
  /** Undoes {@link corrupt} for `name`, or for everything. */
  restore(name?: string): void;
}

/** One entry of {@link SimStats.requests}. */
export interface RequestRecord {
  method: string;
  /** Path with query string, as received. */
  path: string;
  /** Route id such as `GET /v1/objects/:id`; `UNMATCHED` when no route matched. */
  routeId: string;
  /** Request headers (lower-case names); `authorization` is always `Bearer <redacted>`. */
  headers: Record<string, string>;
  /** Response status; `0` when the client went away before an answer. */
  status: number;
  /** Arrival time (ms since epoch). */
  at: number;
}

/** Request counters and log. */
export interface SimStats {
  /** Requests (or WS events such as `WS connect`, `WS listen`) seen for a route id since the last reset. */
  count(routeId: string): number;
  /** All HTTP requests since the last reset. */
  total(): number;
  /** HTTP requests currently being answered. */
  readonly inFlight: number;
  /** Peak of `inFlight` since the last reset. */
  readonly maxInFlight: number;
  /** The last requests (bounded), oldest first; new Socket.IO handshakes appear as `WS handshake` (not counted in {@link total}). */
  readonly requests: readonly RequestRecord[];
  /** Clears counters, peak and log. */
  reset(): void;
}

/** A scripted HTTP answer. `body` objects are sent as JSON; strings as-is. */
export interface FaultResponse {
  status: number;
  /** Default: an HTML page for 502/503/504, otherwise `{"message": <reason>}`. */
  body?: JsonValue;
  /** Default: `text/html` for string bodies starting with `<`, else JSON. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Response shape variants selectable per route (docs/PROTOCOL.md §4, §9.3). */
export interface ShapeVariants {
  'GET /v1/objects': 'data' | 'objects' | 'bare' | 'odd' | 'status201';
  'GET /v1/modules': 'data' | 'bare' | 'odd' | 'corruptRow' | 'degradedRow';
  'GET /v1/user': 'wrapped' | 'bare';
  'GET /v1/system/version': 'wrapped' | 'bare';
  'GET /v1/user/permissions': 'wrapped' | 'bare' | 'objects';
  'GET /v1/objects/:id/permissions': 'wrapped' | 'bare' | 'objects';
  'POST /v1/modules/parameters': 'normal' | '204' | 'nonObject';
  'POST /v1/modules/activity/quantity': 'normal' | '204';
  'POST /v1/modules/connect': 'normal' | 'status201' | 'status201All';
  'POST /v1/auth/user': 'normal' | 'noUser' | 'nullExpiry';
}

/** Route ids that accept a shape variant. */
export type ShapeRoute = keyof ShapeVariants;

/** Kinds of broken bodies served by {@link SimFaults.malformed}. */
export type MalformedKind = 'invalidJson' | 'textPlain';

/** How {@link SimFaults.slowBody} sends a body. */
export interface SlowBody {
  /** Bytes per write (≥ 1). */
  chunkBytes: number;
  /** Pause before each write after the first. */
  intervalMs: number;
}

/** Fault injection (HTTP and realtime). A route id is `METHOD /pattern` or `'*'` (every route but preflights). */
export interface SimFaults {
  /** The next `times` matching requests get `response`. */
  failNext(routeId: string, times: number, response: FaultResponse): void;
  /** Every matching request gets `response` for the next `ms` milliseconds. */
  failFor(routeId: string, ms: number, response: FaultResponse): void;
  /** Delays matching responses by `ms` (the next `times`, or all until cleared). */
  delay(routeId: string, ms: number, times?: number): void;
  /**
   * Trickles the body of matching responses (the next `times`, or all until cleared): the headers go at once, then
   * `chunkBytes` of the body every `intervalMs` (an interval beyond the client's `timeout` is a stalled body).
   */
  slowBody(routeId: string, opts: SlowBody, times?: number): void;
  /** The next `n` logins answer 500 `ER_DUP_ENTRY`. */
  duplicateEntryLogins(n: number): void;
  /** Serve a tolerated/odd response shape on a route until cleared. */
  shape<R extends ShapeRoute>(routeId: R, variant: ShapeVariants[R]): void;
  /** The next `times` matching JSON answers are broken (`invalidJson` by default). */
  malformed(routeId: string, times: number, kind?: MalformedKind): void;
  /** Server-side disconnect of every socket. */
  dropAllSockets(): void;
  /** Keep sockets connected but deliver no pushes while on. */
  zombie(on: boolean): void;
  /** Refuse the next `n` socket handshakes: at the `/ws` join (default) or with an HTTP `status`. */
  refuseHandshakes(n: number, opts?: { status?: number }): void;
  /** Delay every `/ws` join acknowledgement by `ms` (0 = off). */
  delayAcks(ms: number): void;
  /** While on, `POST /v1/modules/connect` answers 400 to every body variant (a cloud that binds nothing). */
  refuseBinds(on: boolean): void;
  /**
   * Runs `hook` right after the answer to each of the next `times` (default 1) matching requests was written —
   * e.g. change a value between a prime and the socket's listen to test the prime/listen race.
   */
  afterAnswer(routeId: string, hook: () => void, times?: number): void;
  /** Removes every HTTP and realtime fault and shape. */
  clear(): void;
}

/** A connected socket, as seen by {@link Simulator.sockets}. */
export interface SocketInfo {
  nsSid: string;
  engineSid: string;
  /** Modules bound through `POST /v1/modules/connect`. */
  bound: string[];
  /** Modules named in `app:modules:parameters:listen` emits. */
  listening: string[];
  /** Last 4 characters of the handshake token. */
  tokenTail: string;
  /** How the token arrived. */
  authVia: 'header' | 'auth';
  /** Account email. */
  email: string;
  /** The session's current Engine.IO transport (`polling` until an upgrade). */
  transport: 'polling' | 'websocket';
}

/** Result of {@link Simulator.burst}. */
export interface BurstResult {
  sent: number;
  ms: number;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:40123` (the shaping proxy's when `network` is on). */
  readonly url: string;
  /** The web app's origin (`webOrigin`; equals `url` without it): `server.oneBase`. */
  readonly webUrl: string;
  /** The simulator's own port, never shaped (equals `url` when `network` is off). */
  readonly directUrl: string;
  /** Network shaping (off unless started with `network`). */
  readonly network: SimNetwork;
  /** Server config: `ioBase` is {@link url}, `oneBase` is {@link webUrl}. */
  readonly server: ServerConfig;
  /** Request counters and log. */
  readonly stats: SimStats;
  /** Fault injection. */
  readonly faults: SimFaults;
  /** Serve files of `dir` under URL `prefix` (e.g. `'/dist'`); the landing page links it. */
  serveStatic(prefix: string, dir: string): void;
  /** The synthetic web app (publish new builds, corrupt assets). */
  readonly webApp: SimWebApp;
  /** Marks every issued token as expired server-side. */
  expireTokens(): void;
  /** Revokes every issued token. */
  revokeTokens(): void;
  /** Every token ever issued (for secret-leak scans). */
  issuedTokens(): string[];
  /** Successful logins since start. */
  loginCount(): number;
  /**
   * Parameter writes refused like a controller would (value outside the family's `n`/`x` limits, or not a number):
   * the old value was kept and nothing pushed. Newest last, at most 100.
   */
  refusedWrites(): Array<{ devid: string; key: string; value: JsonValue; reason: string }>;
  /** Current value of `key` (`'P4.v1'`); `undefined` when absent or meta-only. */
  getParam(devid: string, key: string): unknown;
  /** Sets a value and pushes a delta. */
  setParam(devid: string, key: string, value: JsonValue): void;
  /** Prime payload `{devid: {pool: {chanIdx: body}}}` of one module. */
  snapshot(devid: string): Record<string, PoolsInit>;
  /** Flat values `{ 'P4.v1': 612, … }` of one module (meta-only entries omitted). */
  values(devid: string): Record<string, JsonValue>;
  /** Changes the module↔cloud link and pushes `app:module:connection:status:changed`. */
  setModuleOnline(devid: string, online: boolean): void;
  /** Whether a module is connected to the cloud. */
  moduleOnline(devid: string): boolean;
  /** Silently changes several parameters, then pushes `22` `{devid}`. */
  memoryUpdated(devid: string): void;
  /** Emits `event` with `payload` to every connected socket. */
  emitRaw(event: string, payload: unknown): void;
  /** Pushes a `snapshot` event with the module's full state to eligible sockets. */
  snapshotPush(devid: string): void;
  /** Emits `n` parameter deltas as fast as possible (default module: the first one, key `P4.v1`). */
  burst(n: number, opts?: { devid?: string; key?: string }): Promise<BurstResult>;
  /** Runs one plant tick now (also when `tickInterval` is 0). */
  tick(): void;
  /** Connected sockets. */
  sockets(): SocketInfo[];
  /** Stops everything; idempotent. */
  close(): Promise<void>;
}
