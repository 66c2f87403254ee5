import { BragerOneError } from './errors.js';
import { httpUrl, shown } from './options.js';

/** Base URLs and Socket.IO coordinates of one BragerOne-compatible cloud. */
export interface ServerConfig {
  /** REST + Socket.IO origin, e.g. `https://io.brager.pl`. */
  readonly ioBase: string;
  /** Web-app origin, used for `Origin`/`Referer` and assets, e.g. `https://one.brager.pl`. */
  readonly oneBase: string;
  /** `container` query value of the system-version route (`BragerOne` / `TisConnect`). */
  readonly container: string;
  /** API version segment, `v1`. */
  readonly apiVersion: string;
  /** REST base: `ioBase + '/' + apiVersion`. */
  readonly apiBase: string;
  /** Socket.IO path, `/socket.io` (the manager's `socketPath` option takes it). */
  readonly socketPath: string;
  /** @deprecated The same value as {@link ServerConfig.socketPath}; kept for existing callers. */
  readonly sockPath: string;
  /** Socket.IO namespace, `/ws`. */
  readonly wsNamespace: string;
  /** `x-appversion` handshake header in Node: the web-app version the cloud expects (PROTOCOL.md §6.2), `1.1.78`. */
  readonly appVersion: string;
  /** `Accept-Language` handshake header in Node, as the web app sends it: `pl-PL,pl;q=0.9`. */
  readonly acceptLanguage: string;
}

/** Fields accepted by {@link defineServer}; only `ioBase` is required. */
export interface ServerInit {
  ioBase: string;
  oneBase?: string;
  container?: string;
  apiVersion?: string;
  /** Socket.IO path; default `/socket.io`. */
  socketPath?: string;
  /** @deprecated Use `socketPath`. */
  sockPath?: string;
  wsNamespace?: string;
  /** Default `1.1.78`. */
  appVersion?: string;
  /** Default `pl-PL,pl;q=0.9`. */
  acceptLanguage?: string;
}

/** Strips trailing slashes from a base URL. */
export function trimBase(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47 /* / */) end--;
  return url.slice(0, end);
}

/**
 * Builds a frozen {@link ServerConfig}; `oneBase` defaults to `ioBase`, `container` to `BragerOne`.
 * @throws {BragerOneError} for a missing or malformed `ioBase` (the origin, without `/v1`) or `oneBase`; the message
 *   shows an example.
 */
export function defineServer(init: ServerInit): ServerConfig {
  // `ioBase` (required) is the origin without /v1; a REST base passed as `apiBase` or `ioBase` names its origin.
  const given = (init ?? {}) as ServerInit & { apiBase?: unknown };
  const u = httpUrl(given.ioBase ?? given.apiBase);
  const ioBase = trimBase(String(given.ioBase));
  const bad = (key: string, v: unknown): never => {
    throw new BragerOneError(
      `defineServer: \`${key}\` must be an http(s) origin without /v1, e.g. defineServer({ ioBase: '${u?.origin ?? 'http://127.0.0.1:8080'}' }); got ${shown(v)}`,
    );
  };
  if (!httpUrl(given.ioBase) || /\/v\d+$/.test(ioBase)) bad('ioBase', given.ioBase);
  if (given.oneBase !== undefined && !httpUrl(given.oneBase)) bad('oneBase', given.oneBase);
  const apiVersion = init.apiVersion ?? 'v1';
  const socketPath = init.socketPath ?? init.sockPath ?? '/socket.io';
  return Object.freeze({
    ioBase,
    oneBase: trimBase(init.oneBase ?? ioBase),
    container: init.container ?? 'BragerOne',
    apiVersion,
    apiBase: `${ioBase}/${apiVersion}`,
    socketPath,
    sockPath: socketPath,
    wsNamespace: init.wsNamespace ?? '/ws',
    appVersion: init.appVersion ?? '1.1.78',
    acceptLanguage: init.acceptLanguage ?? 'pl-PL,pl;q=0.9',
  });
}

/** The BragerOne cloud. */
export const BRAGERONE_SERVER: ServerConfig = /* @__PURE__ */ defineServer({
  ioBase: 'https://io.brager.pl',
  oneBase: 'https://one.brager.pl',
  container: 'BragerOne',
});

/** The TiSConnect cloud (same software, other hosts). */
export const TISCONNECT_SERVER: ServerConfig = /* @__PURE__ */ defineServer({
  ioBase: 'https://io.tisconnect.info',
  oneBase: 'https://www.tisconnect.info',
  container: 'TisConnect',
});

/** Platform ids accepted by {@link serverFor}. */
export type Platform = 'bragerone' | 'tisconnect';

/** Server of a platform id (`'bragerone'` or `'tisconnect'`, trimmed, case-insensitive); throws on others. */
export function serverFor(platform: string): ServerConfig {
  const id = String(platform).trim().toLowerCase();
  if (id === 'bragerone') return BRAGERONE_SERVER;
  if (id === 'tisconnect') return TISCONNECT_SERVER;
  throw new BragerOneError(`Unknown platform "${String(platform).slice(0, 40)}": expected "bragerone" or "tisconnect"`);
}

/** Derives the io base from a REST base by dropping its last path segment (`https://h/v1` → `https://h`). */
export function ioBaseFromApiBase(apiBase: string): string {
  const base = trimBase(apiBase);
  const cut = base.lastIndexOf('/');
  const schemeEnd = base.indexOf('://');
  if (cut <= schemeEnd + 2) return base;
  return base.slice(0, cut);
}

/**
 * Server of a relay (`bragerone/relay`) at `url`: REST, Socket.IO and assets all go through it, e.g.
 * `relayServer('https://relay.example')`; `base` (default BragerOne) gives the `container` value.
 */
export function relayServer(url: string, base: ServerConfig = BRAGERONE_SERVER): ServerConfig {
  return defineServer({ ioBase: url, oneBase: url, container: base.container });
}
