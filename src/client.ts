import * as v from 'valibot';
import { AuthSession, type Credentials } from './auth/session.js';
import { type Token, type TokenStore, tokenFromLoginPayload } from './auth/token.js';
import { MemoryTokenStore } from './stores/memory.js';
import { HttpCache } from './cache/http-cache.js';
import type { CacheAdapter } from './cache/types.js';
import {
  BragerOneError,
  NetworkError,
  NotAuthenticatedError,
  TimeoutError,
  errorForStatus,
  isApiError,
} from './errors.js';
import { type HttpRequest, type HttpResponse, HttpTransport, type RequestOptions } from './http/transport.js';
import { nodeFetch } from '#node-env';
import { isBrowserLike } from './internal/platform.js';
import { retry } from './internal/retry.js';
import { errorMessage } from './internal/error-text.js';
import type { LogLevel, Logger, ResolvedLogger } from './log.js';
import { resolveLogger } from './internal/logger.js';
import {
  type BragerObject,
  BragerObjectSchema,
  type Module,
  type ModuleCard,
  ModuleCardSchema,
  ModuleSchema,
  type ObjectDetails,
  ObjectDetailsSchema,
  type Permission,
  type SystemVersion,
  SystemVersionSchema,
  type User,
  UserSchema,
} from './schemas/index.js';
import { parseWith, toIssues, tryParse } from './schemas/parse.js';
import { parsePermissions, pickList, unwrap } from './schemas/wrappers.js';
import { type Verify, checkWriteValue, commandAddress, validateClientOptions } from './options.js';
import { BRAGERONE_SERVER, type ServerConfig, ioBaseFromApiBase, trimBase } from './server.js';

export type { Verify } from './options.js';

/**
 * Default option values of {@link BragerOneApiClient}: the one place they are written (the option docs name the
 * field here). Durations in milliseconds.
 */
export const CLIENT_DEFAULTS = /* @__PURE__ */ Object.freeze({
  /** Probe a stored token once with `GET /user` before trusting it. */
  validateOnStart: true,
  /** Log in again this many milliseconds before `expiresAt`. */
  refreshLeeway: 90_000,
  /** Per-request timeout, milliseconds. */
  timeout: 8_000,
  /** Requests in flight at most. */
  concurrency: 4,
  /** Mask `Authorization` in HTTP traces. */
  redactSecrets: true,
} as const);

/** Options of {@link BragerOneApiClient}. Every duration is in milliseconds; defaults in {@link CLIENT_DEFAULTS}. */
export interface ClientOptions {
  /** Cloud to talk to; overrides `apiBase`/`oneBase`/`ioBase`. Default {@link BRAGERONE_SERVER}. */
  server?: ServerConfig;
  /** REST base ending with the API version, e.g. `https://io.brager.pl/v1` (checked at construction). */
  apiBase?: string;
  /** Web-app origin: `Origin`/`Referer` value and asset base. */
  oneBase?: string;
  /** Socket.IO origin; default derived from `apiBase` by dropping its last segment. */
  ioBase?: string;
  /** Where tokens persist; default a {@link MemoryTokenStore}; `null` = no persistence. */
  tokenStore?: TokenStore | null;
  /** Backs {@link BragerOneApiClient.getBytes}; default an in-memory LRU. */
  cache?: CacheAdapter;
  /** Supplies credentials whenever a (re-)login is needed. */
  credsProvider?: () => Credentials | Promise<Credentials>;
  /** Probe a stored token once with `GET /user` before trusting it. @default CLIENT_DEFAULTS.validateOnStart */
  validateOnStart?: boolean;
  /** Log in again this long before `expiresAt`, in milliseconds. @default CLIENT_DEFAULTS.refreshLeeway */
  refreshLeeway?: number;
  /** Per-request timeout, in milliseconds. @default CLIENT_DEFAULTS.timeout */
  timeout?: number;
  /** Most requests in flight; the rest queue in order. @default CLIENT_DEFAULTS.concurrency */
  concurrency?: number;
  /** Log every request and response at `debug` (and lower `logLevel` to `debug` unless given). */
  enableHttpTrace?: boolean;
  /** Mask `Authorization` in traces (errors are always redacted). @default CLIENT_DEFAULTS.redactSecrets */
  redactSecrets?: boolean;
  /** Console-like logger; default `console`. */
  logger?: Logger;
  /** Default `'warn'` (`'debug'` with `enableHttpTrace`). */
  logLevel?: LogLevel;
  /** Custom fetch (proxies, TLS agents, instrumentation); it brings its own TLS settings (`verify` is not applied to it). */
  fetch?: typeof globalThis.fetch;
  /**
   * TLS verification, REST and socket alike. Node: `true` (default), `false` (accept any certificate; one warning
   * at construction), a path to a PEM CA bundle, or `{ ca, rejectUnauthorized }`. Browsers cannot change TLS:
   * anything but `true` throws a {@link BragerOneError} at construction.
   */
  verify?: Verify;
  /** Clock for expiry checks; default `Date.now`. */
  now?: () => number;
}

/** `{ status, data }` returned by the `returnData: true` overloads. */
export interface StatusAndData {
  status: number;
  data: unknown;
}

/** Arguments of {@link BragerOneApiClient.moduleCommand}. */
export interface ModuleCommandArgs extends RequestOptions {
  devid: string;
  /** Pool, e.g. `"P4"`. */
  pool: string;
  /** Channel + index, e.g. `"v8"`; the full key `"P4.v8"` is accepted when its pool matches `pool` (`"v8"` is sent). */
  parameter: string;
  /** Raw register value: a finite number or a boolean (checked before sending unless `allowAnyValue`). */
  value: unknown;
  /** Send `value` even when it is not a finite number or boolean (a string, an object). Default `false`. */
  allowAnyValue?: boolean;
  /** Symbol from the web-app assets, e.g. `PARAM_66`. */
  parameterName?: string;
  /** Unit id some writes expect. */
  unit?: number;
  /** Extra keys merged into the body. */
  extraPayload?: Record<string, unknown>;
  /** Return `{ status, data }` instead of `true`/`false`. */
  returnData?: boolean;
}

/** `returnData: true` variant of a command's arguments (resolves `{ status, data }`). */
export type WithData<A> = A & { returnData: true };
/** Default variant of a command's arguments (resolves `boolean`). */
export type WithoutData<A> = A & { returnData?: false };

/** Arguments of {@link BragerOneApiClient.moduleCommandRaw}. */
export interface ModuleCommandRawArgs extends RequestOptions {
  devid: string;
  /** Symbolic command, e.g. `MODULE_RESTART`. */
  command: string;
  value?: unknown;
  extraPayload?: Record<string, unknown>;
  returnData?: boolean;
}

/** Arguments of {@link BragerOneApiClient.moduleCommandAuto}: either `command`, or `pool` + `parameter`. */
export interface ModuleCommandAutoArgs extends RequestOptions {
  devid: string;
  value?: unknown;
  /** Parameter route only: send a value that is not a finite number or boolean. Default `false`. */
  allowAnyValue?: boolean;
  command?: string;
  pool?: string;
  parameter?: string;
  parameterName?: string;
  unit?: number;
  extraPayload?: Record<string, unknown>;
  returnData?: boolean;
}

/** Options of the prime methods. */
export type PrimeOptions = RequestOptions & { returnData?: boolean };

const OK_CONNECT = [200, 204];
const OK_COMMAND = [200, 201, 202, 204];
const DUP_DELAYS = [200, 400, 800];
const DUP_RE = /duplicate entry|er_dup_entry/i;
const ACCEPT_JSON: Readonly<Record<string, string>> = Object.freeze({ Accept: 'application/json' });
const CONTENT_JSON: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json' });

interface CallOptions extends RequestOptions {
  method?: HttpRequest['method'];
  query?: HttpRequest['query'];
  body?: unknown;
  headers?: Record<string, string>;
  auth?: boolean;
}

/** HTTP client of the BragerOne cloud with coalesced login, token persistence and typed responses. */
export class BragerOneApiClient {
  /** The resolved logger (levels below `logLevel` are no-ops). */
  readonly logger: ResolvedLogger;
  /** The cloud in use. */
  readonly server: ServerConfig;
  /** The HTTP cache behind {@link getBytes}. */
  readonly httpCache: HttpCache;
  /** The `verify` option (the gateway's socket applies it too). */
  readonly verify: Verify | undefined;
  readonly #http: HttpTransport;
  readonly #session: AuthSession;
  #closed = false;
  #warnedNoExpiry = false;
  /** Shape (key order) of the `/modules/connect` body that worked last; re-filled with current SIDs. */
  #connectShape: 'wsid' | 'sid' | 'wsid+group' | null = null;
  /** Cache of {@link #authFor}. */
  #auth: { token: string; headers: Readonly<Record<string, string>>; secrets: string[] } | null = null;

  /** @throws {BragerOneError} when an option cannot work (e.g. `apiBase` without `/v1`); the message shows an example. */
  constructor(opts: ClientOptions = {}) {
    validateClientOptions(opts);
    const level = opts.logLevel ?? (opts.enableHttpTrace ? 'debug' : undefined);
    this.logger = resolveLogger(opts.logger, level);
    this.server = resolveServer(opts);
    opts.cache?.setLogger?.(this.logger);
    this.httpCache = new HttpCache(opts.cache);
    const verify = (this.verify = opts.verify);
    this.#http = new HttpTransport({
      timeout: opts.timeout ?? CLIENT_DEFAULTS.timeout,
      concurrency: opts.concurrency ?? CLIENT_DEFAULTS.concurrency,
      origin: this.server.oneBase,
      baseURL: this.server.apiBase,
      logger: this.logger,
      trace: opts.enableHttpTrace === true,
      redactSecrets: opts.redactSecrets ?? CLIENT_DEFAULTS.redactSecrets,
      // Node: a TLS fetch for `verify` ≠ true (browsers were refused by validateClientOptions).
      fetch: opts.fetch ?? nodeFetch(verify, this.logger),
    });
    this.#session = new AuthSession({
      login: (c) => this.#login(c),
      validate: async (t) => {
        await this.#request({ method: 'GET', url: '/user', headers: this.#authHeaders(t), label: 'GET /user' });
      },
      logger: this.logger,
      refreshLeeway: opts.refreshLeeway ?? CLIENT_DEFAULTS.refreshLeeway,
      validateOnStart: opts.validateOnStart ?? CLIENT_DEFAULTS.validateOnStart,
      credsProvider: opts.credsProvider,
      now: opts.now ?? Date.now,
    });
    this.#session.setStore(opts.tokenStore === undefined ? new MemoryTokenStore() : opts.tokenStore);
  }

  /** Current access token. @throws {NotAuthenticatedError} (an `Error`, status 401) before the first successful auth. */
  get accessToken(): string {
    const t = this.#session.token;
    if (!t) throw new NotAuthenticatedError('Not authenticated yet: call ensureAuth() first');
    return t.accessToken;
  }
  /** Current token, or `null`. */
  get token(): Token | null {
    return this.#session.token;
  }
  /** REST base, e.g. `https://io.brager.pl/v1`. */
  get apiBase(): string {
    return this.server.apiBase;
  }
  /** Web-app origin. */
  get oneBase(): string {
    return this.server.oneBase;
  }
  /** Socket.IO origin. */
  get ioBase(): string {
    return this.server.ioBase;
  }
  /** Requests in flight and waiting, and auth counters (diagnostics). */
  get stats(): { inFlight: number; queued: number; storeLoads: number; validations: number; logins: number } {
    return { inFlight: this.#http.limiter.active, queued: this.#http.limiter.waiting, ...this.#session.counters };
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Closes the client; idempotent. Queued and in-flight requests reject with a {@link BragerOneError} at once
   * (nothing keeps running against the network), store listeners are released, and later calls reject too.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#session.close();
    this.#http.close(new BragerOneError('BragerOneApiClient is closed'));
  }

  /** Switches token persistence (or turns it off with `null`). */
  setTokenStore(store: TokenStore | null): void {
    this.#session.setStore(store);
  }

  /**
   * Returns a usable token: the held one, a stored one (validated once with `GET /user`), or a new login
   * with the given credentials, remembered ones, or `credsProvider`. Concurrent callers share one attempt.
   */
  async ensureAuth(email?: string, password?: string, opts?: RequestOptions): Promise<Token> {
    this.#assertOpen();
    this.#session.setCredentials(email, password);
    return this.#session.ensure(opts?.signal);
  }

  /**
   * Pipelined start (used by `BragerOneGateway.start()`): starts {@link ensureAuth} in the background and, when a
   * held or stored token is unexpired, returns it as `provisional` — authenticated calls use it at once while
   * `GET /user` validates it; a 401 takes the normal path (drop the token, log in, retry once). `provisional` is
   * `null` when a login is needed (calls then wait for it). `done` is the `ensureAuth()` result; `ready` resolves
   * as soon as a token is usable (a login's before the token store saved it). An explicit `ensureAuth()` is
   * unchanged: it still resolves only after the validation or login (and the save).
   */
  async beginAuth(): Promise<{ provisional: Token | null; done: Promise<Token>; ready: Promise<Token> }> {
    this.#assertOpen();
    return this.#session.begin();
  }

  /** Server-side logout; always clears the token in memory and in the store. 401/403/404 are ignored. */
  async revoke(opts?: RequestOptions): Promise<void> {
    const t = this.#session.token;
    try {
      if (t) {
        await this.#request({
          method: 'POST',
          url: '/auth/revoke',
          headers: this.#authHeaders(t),
          ...opts,
          label: 'POST /auth/revoke',
        });
      }
    } catch (e) {
      if (!(isApiError(e) && [401, 403, 404].includes(e.status))) {
        await this.#session.drop();
        throw e;
      }
    }
    await this.#session.drop();
  }

  /** `GET /system/version` (no auth). */
  async getSystemVersion(opts?: RequestOptions): Promise<SystemVersion> {
    const query = { container: this.server.container, platform: 0 };
    const res = await this.#call('/system/version', { ...opts, auth: false, query }, 'GET /system/version');
    const body = res.data as { version?: unknown } | null;
    const inner = body && typeof body.version === 'object' ? body.version : body;
    return parseWith(SystemVersionSchema, inner, 'GET /system/version');
  }

  /** `GET /user`: the signed-in user. */
  async getUser(opts?: RequestOptions): Promise<User> {
    const res = await this.#call('/user', opts, 'GET /user');
    return parseWith(UserSchema, unwrap(res.data, 'user'), 'GET /user');
  }

  /** `GET /user/permissions`. */
  async getUserPermissions(opts?: RequestOptions): Promise<Permission[]> {
    const res = await this.#call('/user/permissions', opts, 'GET /user/permissions');
    return parsePermissions(res.data, 'GET /user/permissions');
  }

  /** `GET /objects`: the user's buildings. Tolerates `{data}`, `{objects}` and bare lists; other 2xx → `[]`. */
  async getObjects(opts?: RequestOptions): Promise<BragerObject[]> {
    const res = await this.#call('/objects', opts, 'GET /objects');
    if (res.status !== 200) return [];
    const list = pickList(res.data, ['data', 'objects']);
    if (!list) return [];
    return parseWith(v.array(BragerObjectSchema), list, 'GET /objects');
  }

  /** `GET /objects/{id}`. */
  async getObject(objectId: number, opts?: RequestOptions): Promise<ObjectDetails> {
    const res = await this.#call(`/objects/${encodeURIComponent(objectId)}`, opts, 'GET /objects/{id}');
    return parseWith(ObjectDetailsSchema, res.data, 'GET /objects/{id}');
  }

  /** `GET /objects/{id}/permissions`. */
  async getObjectPermissions(objectId: number, opts?: RequestOptions): Promise<Permission[]> {
    const label = 'GET /objects/{id}/permissions';
    const res = await this.#call(`/objects/${encodeURIComponent(objectId)}/permissions`, opts, label);
    return parsePermissions(res.data, label);
  }

  /** `GET /modules?page=1&limit=999&group_id=…`. Rows that fail validation are skipped (logged). */
  async getModules(objectId: number, opts?: RequestOptions): Promise<Module[]> {
    const label = 'GET /modules';
    const res = await this.#call('/modules', { ...opts, query: { page: 1, limit: 999, group_id: objectId } }, label);
    if (res.status !== 200) throw errorForStatus(res.status, res.data, {}, label);
    const list = pickList(res.data, ['data']);
    if (!list) {
      this.logger.warn(`${label}: response has no module list; treating as empty`);
      return [];
    }
    const out: Module[] = [];
    list.forEach((row, i) => {
      const m = tryParse(ModuleSchema, row);
      if (m) out.push(m);
      else {
        const issues = toIssues(v.safeParse(ModuleSchema, row).issues ?? []);
        this.logger.warn(
          `${label}: skipping row ${i}: ${issues
            .map((x) => `${x.path}: ${x.message}`)
            .slice(0, 3)
            .join('; ')}`,
        );
      }
    });
    return out;
  }

  /** `GET /modules/{devid}/card` (personal data: never log it). */
  async getModuleCard(code: string, opts?: RequestOptions): Promise<ModuleCard> {
    const res = await this.#call(`/modules/${encodeURIComponent(code)}/card`, opts, 'GET /modules/{devid}/card');
    return parseWith(ModuleCardSchema, res.data, 'GET /modules/{devid}/card');
  }

  /**
   * `POST /modules/connect`: binds a Socket.IO session to modules. Tries the body variants of the protocol in order
   * (remembering the shape that worked, always with the current SIDs); 400/404/422 moves to the next variant.
   * @returns `true` when bound, `false` when every variant was refused or answered oddly.
   */
  async modulesConnect(
    wsidNs: string,
    modules: string[],
    groupId?: number | null,
    engineSid?: string | null,
    opts?: RequestOptions & {
      /** Try only the first body variant (the remembered one, else `wsid`); the gateway's eager bind at start-up. */
      firstVariantOnly?: boolean;
    },
  ): Promise<boolean> {
    const mods = [...new Set(modules)].sort();
    if (mods.length === 0) return true;
    type Shape = 'wsid' | 'sid' | 'wsid+group';
    const shapes: Shape[] = ['wsid', 'sid'];
    if (groupId != null) shapes.push('wsid+group');
    const build = (shape: Shape, sid: string): Record<string, unknown> =>
      shape === 'sid'
        ? { sid, modules: mods }
        : shape === 'wsid'
          ? { wsid: sid, modules: mods }
          : { wsid: sid, group_id: String(groupId), modules: mods };
    const sids = [wsidNs, ...(engineSid && engineSid !== wsidNs ? [engineSid] : [])];
    const order: Array<[Shape, string]> = [];
    const seen = new Set<string>();
    const add = (shape: Shape, sid: string) => {
      const k = `${shape}|${sid}`;
      if (!seen.has(k)) {
        seen.add(k);
        order.push([shape, sid]);
      }
    };
    if (this.#connectShape && (this.#connectShape !== 'wsid+group' || groupId != null)) add(this.#connectShape, wsidNs);
    for (const sid of sids) for (const s of shapes) add(s, sid);
    const headers = { 'Content-Type': 'application/json;charset=UTF-8', 'X-Requested-With': 'XMLHttpRequest' };
    if (opts?.firstVariantOnly) order.length = 1;
    for (const [shape, sid] of order) {
      try {
        const res = await this.#call(
          '/modules/connect',
          { ...opts, method: 'POST', body: build(shape, sid), headers },
          'POST /modules/connect',
        );
        if (OK_CONNECT.includes(res.status)) {
          this.#connectShape = shape;
          return true;
        }
      } catch (e) {
        if (isApiError(e) && [400, 404, 422].includes(e.status)) continue;
        throw e;
      }
    }
    return false;
  }

  /** `POST /modules/parameters`: full current state. `true` on 200/204; with `returnData`, `{ status, data }`. */
  modulesParametersPrime(modules: string[], opts?: RequestOptions & { returnData?: false }): Promise<boolean>;
  modulesParametersPrime(modules: string[], opts: RequestOptions & { returnData: true }): Promise<StatusAndData>;
  modulesParametersPrime(modules: string[], opts?: PrimeOptions): Promise<boolean | StatusAndData>;
  async modulesParametersPrime(modules: string[], opts: PrimeOptions = {}): Promise<boolean | StatusAndData> {
    return this.#post('/modules/parameters', { modules }, OK_CONNECT, opts, 'POST /modules/parameters');
  }

  /** `POST /modules/activity/quantity`. Same overloads as {@link modulesParametersPrime}. */
  modulesActivityQuantityPrime(modules: string[], opts?: RequestOptions & { returnData?: false }): Promise<boolean>;
  modulesActivityQuantityPrime(modules: string[], opts: RequestOptions & { returnData: true }): Promise<StatusAndData>;
  modulesActivityQuantityPrime(modules: string[], opts?: PrimeOptions): Promise<boolean | StatusAndData>;
  async modulesActivityQuantityPrime(modules: string[], opts: PrimeOptions = {}): Promise<boolean | StatusAndData> {
    return this.#post('/modules/activity/quantity', { modules }, OK_CONNECT, opts, 'POST /modules/activity/quantity');
  }

  /**
   * `POST /module/command`: writes a raw register value to `pool`.`parameter`. Never retried automatically.
   *
   * Checked before anything is sent (rejecting with a {@link BragerOneError}): `parameter` may be the full key
   * (`'P4.v8'`) only when its pool is `pool`; `value` must be a finite number or a boolean unless `allowAnyValue`.
   * Ranges are not checked here (the module's `n`/`x` limits live in its parameters).
   *
   * @returns `true` when the cloud **accepted** the command (HTTP 200/201/202/204), `false` for another 2xx. It does
   *   not mean the controller applied it: the controller's confirmation arrives later as a pushed parameter change
   *   (`BragerOneGateway` / `ParamStore.on`), or not at all if the controller refuses the value.
   *   With `returnData: true`, `{ status, data }` instead.
   */
  moduleCommand(args: WithData<ModuleCommandArgs>): Promise<StatusAndData>;
  moduleCommand(args: WithoutData<ModuleCommandArgs>): Promise<boolean>;
  moduleCommand(args: ModuleCommandArgs): Promise<boolean | StatusAndData>;
  async moduleCommand(args: ModuleCommandArgs): Promise<boolean | StatusAndData> {
    const { pool, parameter } = commandAddress(args.pool, args.parameter);
    checkWriteValue(args.value, args.allowAnyValue);
    const { devid, value, parameterName, unit } = args;
    return this.#command('/module/command', args, {
      devid,
      pool,
      parameter,
      value,
      parameterName: parameterName ?? undefined,
      unit: unit ?? undefined,
    });
  }

  /**
   * `POST /module/command/raw`: a symbolic command such as `MODULE_RESTART` (its optional `value` is sent as given).
   * @returns `true` when the cloud accepted the command (HTTP 200/201/202/204); its effect shows up later as pushed
   *   events. With `returnData: true`, `{ status, data }`.
   */
  moduleCommandRaw(args: WithData<ModuleCommandRawArgs>): Promise<StatusAndData>;
  moduleCommandRaw(args: WithoutData<ModuleCommandRawArgs>): Promise<boolean>;
  moduleCommandRaw(args: ModuleCommandRawArgs): Promise<boolean | StatusAndData>;
  async moduleCommandRaw(args: ModuleCommandRawArgs): Promise<boolean | StatusAndData> {
    return this.#command('/module/command/raw', args, { devid: args.devid, command: args.command, value: args.value });
  }

  /**
   * Routes to {@link moduleCommandRaw} (`command`) or {@link moduleCommand} (`pool` + `parameter`, with its checks);
   * both or neither → rejects, nothing sent. Returns what the chosen method returns (`true` = accepted by the cloud).
   */
  moduleCommandAuto(args: WithData<ModuleCommandAutoArgs>): Promise<StatusAndData>;
  moduleCommandAuto(args: WithoutData<ModuleCommandAutoArgs>): Promise<boolean>;
  moduleCommandAuto(args: ModuleCommandAutoArgs): Promise<boolean | StatusAndData>;
  async moduleCommandAuto(args: ModuleCommandAutoArgs): Promise<boolean | StatusAndData> {
    const hasRaw = typeof args.command === 'string' && args.command.length > 0;
    const hasParam = args.pool != null && args.parameter != null;
    if (hasRaw && (hasParam || args.pool != null || args.parameter != null)) {
      throw new BragerOneError('moduleCommandAuto: give either `command` or `pool` + `parameter`, not both');
    }
    // both methods read only their own fields (the body is built field by field), so the caller's args pass through
    if (hasRaw) return this.moduleCommandRaw({ ...args, command: args.command as string });
    if (hasParam) {
      const { pool, parameter, value } = args;
      return this.moduleCommand({ ...args, pool: pool as string, parameter: parameter as string, value });
    }
    throw new BragerOneError('moduleCommandAuto: needs `command`, or both `pool` and `parameter`');
  }

  /** `GET {oneBase}/{path}` with the bearer token; body as text. */
  async fetchTextOne(path: string, opts?: RequestOptions): Promise<{ status: number; data: string }> {
    const res = await this.#oneCall(path, 'text', opts);
    return { status: res.status, data: res.data as string };
  }

  /** `GET {oneBase}/{path}` with the bearer token; `data` is the parsed JSON, or `null` when the body is not JSON. */
  async fetchJsonOne(path: string, opts?: RequestOptions): Promise<{ status: number; data: unknown }> {
    const res = await this.#oneCall(path, 'json', opts);
    const d = res.data;
    return { status: res.status, data: typeof d === 'string' ? null : d };
  }

  /**
   * Downloads bytes (assets) through the HTTP cache: conditional request, 304 → cached body (304 without one →
   * unconditional refetch); transport errors and 429/500/502/503/504 retried after ≈200 ms and ≈600 ms.
   */
  async getBytes(url: string, opts: RequestOptions = {}): Promise<Uint8Array> {
    this.#assertOpen();
    const cond = await this.httpCache.headersFor(url);
    // The transport (ofetch's retry) repeats transport errors and 429/500/502/503/504 after ≈200 ms and ≈600 ms.
    const req = (headers: Record<string, string>) =>
      this.#request<Uint8Array>({
        method: 'GET',
        url,
        headers,
        read: 'bytes',
        ...opts,
        label: 'GET asset',
        retries: 2,
        background: true,
      });
    let res = await req(cond);
    if (res.status === 304) {
      const body = await this.httpCache.getBody(url);
      if (body) return body;
      res = await req({});
    }
    if (res.status === 200) {
      try {
        await this.httpCache.update(url, res.headers, res.data);
      } catch (e) {
        this.logger.warn('HTTP cache write failed:', errorMessage(e));
      }
    }
    return res.data;
  }

  /** One warning per client: a login without a readable `expiresAt` gives a token that never expires locally. */
  #warnNoExpiry(payload: unknown): void {
    if (this.#warnedNoExpiry) return;
    this.#warnedNoExpiry = true;
    const raw = payload && typeof payload === 'object' ? (payload as Record<string, unknown>).expiresAt : undefined;
    const what =
      raw === undefined || raw === null
        ? 'no expiresAt'
        : raw === ''
          ? 'an empty expiresAt'
          : 'an unparsable expiresAt';
    this.logger.warn(
      `POST /auth/user: the login answer has ${what}; the token is treated as never expiring (a 401 still triggers a new login)`,
    );
  }

  /**
   * Every request goes through here. In a browser, a fetch that fails outright on a cross-origin URL is most often
   * the CORS policy (browsers hide the reason): the error says so, instead of a bare "Failed to fetch".
   */
  async #request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    try {
      return await this.#http.request<T>(req);
    } catch (e) {
      throw crossOriginHint(e, new URL(req.url, `${this.apiBase}/`).href);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new BragerOneError('BragerOneApiClient is closed');
  }

  #authHeaders(t: Token): Record<string, string> {
    return { Accept: 'application/json', Authorization: `Bearer ${t.accessToken}` };
  }

  /** `POST /auth/user`; a 500 "Duplicate entry" (a login race on the server) is retried with short backoff + jitter. */
  async #login(creds: Credentials): Promise<Token> {
    return retry(() => this.#loginOnce(creds), {
      delays: DUP_DELAYS,
      jitter: 150,
      shouldRetry: (e) => isApiError(e) && e.status === 500 && DUP_RE.test(messageOf(e.data)),
      onRetry: (attempt) => this.logger.info(`login raced (duplicate entry); retry ${attempt}`),
    });
  }

  async #loginOnce(creds: Credentials): Promise<Token> {
    const res = await this.#request({
      method: 'POST',
      url: '/auth/user',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: { email: creds.email, password: creds.password },
      label: 'POST /auth/user',
      secrets: [creds.password],
    });
    if (res.status !== 200) throw errorForStatus(res.status, null, {}, 'POST /auth/user');
    // Only a string access token is required (the payload holds it: errors never carry the payload).
    const token = tokenFromLoginPayload(res.data);
    if (token.expiresAt === null) this.#warnNoExpiry(res.data);
    return token;
  }

  /** Authenticated (or not) REST call with one re-login + replay on 401. */
  async #call(path: string, opts: CallOptions = {}, label: string): Promise<HttpResponse> {
    this.#assertOpen();
    if (opts.auth === false) return this.#send(path, opts, label, null);
    // A usable token is used directly (docs/BENCHMARKS.md, hot-path choices).
    const token = this.#session.usable() ?? this.#session.provisional() ?? (await this.#session.ensure(opts.signal));
    try {
      return await this.#send(path, opts, label, token);
    } catch (e) {
      if (!(isApiError(e) && e.status === 401)) throw e;
      this.logger.info(`${label}: 401, logging in again`);
      this.#session.invalidate(token.accessToken);
      const fresh = await this.#session.ensure(opts.signal);
      return this.#send(path, opts, label, fresh);
    }
  }

  #send(path: string, opts: CallOptions, label: string, t: Token | null): Promise<HttpResponse> {
    const { body, headers } = opts;
    const auth = t ? this.#authFor(t) : null;
    const base = auth ? auth.headers : ACCEPT_JSON;
    return this.#request({
      method: opts.method ?? 'GET',
      url: path,
      query: opts.query,
      // The transport copies these into its own record, so the shared objects are never mutated.
      headers:
        body === undefined && !headers
          ? base
          : { ...base, ...(body !== undefined ? CONTENT_JSON : undefined), ...headers },
      body,
      signal: opts.signal,
      timeout: opts.timeout,
      label,
      secrets: auth ? auth.secrets : undefined,
    });
  }

  /** Auth headers and secret list of a token, built once per token (docs/BENCHMARKS.md, hot-path choices). */
  #authFor(t: Token): { headers: Readonly<Record<string, string>>; secrets: string[] } {
    let a = this.#auth;
    if (!a || a.token !== t.accessToken) {
      a = { token: t.accessToken, headers: Object.freeze(this.#authHeaders(t)), secrets: [t.accessToken] };
      this.#auth = a;
    }
    return a;
  }

  /** One command (never retried): the defined `fields` in order, then `extraPayload`. */
  #command(
    path: string,
    args: RequestOptions & { extraPayload?: Record<string, unknown>; returnData?: boolean },
    fields: Record<string, unknown>,
  ): Promise<boolean | StatusAndData> {
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) body[k] = v;
    Object.assign(body, args.extraPayload);
    return this.#post(
      path,
      body,
      OK_COMMAND,
      { returnData: args.returnData, signal: args.signal, timeout: args.timeout },
      `POST ${path}`,
    );
  }

  async #post(
    path: string,
    body: unknown,
    ok: number[],
    opts: PrimeOptions,
    label: string,
  ): Promise<boolean | StatusAndData> {
    const res = await this.#call(path, { method: 'POST', body, signal: opts.signal, timeout: opts.timeout }, label);
    if (opts.returnData) return { status: res.status, data: res.data };
    return ok.includes(res.status);
  }

  async #oneCall(path: string, read: 'text' | 'json', opts: RequestOptions = {}): Promise<HttpResponse> {
    this.#assertOpen();
    const token = await this.#session.ensure(opts.signal);
    const url = `${this.oneBase}/${path.replace(/^\/+/, '')}`;
    return this.#request({
      method: 'GET',
      url,
      headers: this.#authHeaders(token),
      read,
      ...opts,
      label: `GET one:/${path.replace(/^\/+/, '').slice(0, 60)}`,
    });
  }
}

function resolveServer(opts: ClientOptions): ServerConfig {
  if (opts.server) return opts.server;
  if (!opts.apiBase && !opts.oneBase && !opts.ioBase) return BRAGERONE_SERVER;
  const apiBase = trimBase(opts.apiBase ?? BRAGERONE_SERVER.apiBase);
  const ioBase = trimBase(opts.ioBase ?? ioBaseFromApiBase(apiBase));
  const oneBase = trimBase(opts.oneBase ?? (opts.apiBase ? ioBase : BRAGERONE_SERVER.oneBase));
  const apiVersion = apiBase.slice(apiBase.lastIndexOf('/') + 1);
  return Object.freeze({ ...BRAGERONE_SERVER, ioBase, oneBase, apiBase, apiVersion });
}

/** Adds a CORS hint to a browser's transport failure on a cross-origin URL (docs/PROTOCOL.md §2.1); else `e`. */
function crossOriginHint(e: unknown, url: string): unknown {
  if (!(e instanceof NetworkError) || e instanceof TimeoutError || !isBrowserLike()) return e;
  const page = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  let target: string;
  try {
    target = new URL(url).origin;
  } catch {
    return e;
  }
  if (typeof page !== 'string' || page === target) return e;
  const hint = new NetworkError(
    `${e.message} (cross-origin request from ${page} to ${target}: the browser blocked it or the network failed; ` +
      `the server must allow this origin with CORS, and a cloud that accepts only its own web app's Origin never will: ` +
      'use a relay on an allowed origin)',
    { cause: e.cause },
  );
  return hint;
}

function messageOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') {
    const m = (data as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  }
  return '';
}
