import { BragerOneError } from './errors.js';

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
  /** Socket.IO path, `/socket.io`. */
  readonly sockPath: string;
  /** Socket.IO namespace, `/ws`. */
  readonly wsNamespace: string;
}

/** Fields accepted by {@link defineServer}; only `ioBase` is required. */
export interface ServerInit {
  ioBase: string;
  oneBase?: string;
  container?: string;
  apiVersion?: string;
  sockPath?: string;
  wsNamespace?: string;
}

/** Strips trailing slashes from a base URL. */
export function trimBase(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47 /* / */) end--;
  return url.slice(0, end);
}

const EXAMPLE = "defineServer({ ioBase: 'http://127.0.0.1:8080' })";

/** A base URL for a message: user-info dropped, at most 80 characters. */
function shown(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  const text = value.replace(/\/\/[^/@]*@/, '//');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** `http(s)://host[:port]` followed by an optional path (no `URL` needed: this runs at module load everywhere). */
const HTTP_URL = /^https?:\/\/[^\s/?#@]+(?::\d+)?(?:\/[^\s?#]*)?$/i;

function checkUrl(value: unknown, what: string): string {
  const ok = typeof value === 'string' && HTTP_URL.test(value.replace(/\/\/[^/@\s]*@/, '//'));
  if (!ok) throw new BragerOneError(`defineServer: \`${what}\` must be an http:// or https:// URL, e.g. ${EXAMPLE}; got ${shown(value)}`);
  return value as string;
}

/**
 * Builds a frozen {@link ServerConfig}; `oneBase` defaults to `ioBase`, `container` to `BragerOne`.
 * @throws {BragerOneError} for a missing or malformed `ioBase` (the origin, without `/v1`), `oneBase`, `apiVersion`
 *   (`v<N>`), `sockPath` or `wsNamespace` (leading `/`); the message shows an example.
 */
export function defineServer(init: ServerInit): ServerConfig {
  if (init === null || typeof init !== 'object') throw new BragerOneError(`defineServer needs an object, e.g. ${EXAMPLE}`);
  const given = init as ServerInit & { apiBase?: unknown };
  if (given.ioBase === undefined) {
    const api = typeof given.apiBase === 'string' ? given.apiBase : null;
    const hint = api ? ` (it takes the origin: ioBase: ${shown(ioBaseFromApiBase(api))}; apiBase is derived as ioBase + '/v1')` : '';
    throw new BragerOneError(`defineServer needs \`ioBase\`, the server's origin without /v1, e.g. ${EXAMPLE}${hint}`);
  }
  const ioBase = trimBase(checkUrl(init.ioBase, 'ioBase'));
  if (/\/v\d+$/.test(ioBase)) {
    throw new BragerOneError(
      `defineServer: \`ioBase\` is the origin without the API version; got ${shown(init.ioBase)}, use ioBase: ${shown(ioBaseFromApiBase(ioBase))} (apiBase becomes ioBase + '/v1')`,
    );
  }
  if (init.oneBase !== undefined) checkUrl(init.oneBase, 'oneBase');
  const apiVersion = init.apiVersion ?? 'v1';
  if (typeof apiVersion !== 'string' || !/^v\d+$/.test(apiVersion)) {
    throw new BragerOneError(`defineServer: \`apiVersion\` must look like 'v1'; got ${shown(apiVersion)}`);
  }
  for (const key of ['sockPath', 'wsNamespace'] as const) {
    const v = init[key];
    if (v !== undefined && (typeof v !== 'string' || !v.startsWith('/'))) {
      throw new BragerOneError(`defineServer: \`${key}\` must start with '/', e.g. ${key === 'sockPath' ? "'/socket.io'" : "'/ws'"}; got ${shown(v)}`);
    }
  }
  if (init.container !== undefined && typeof init.container !== 'string') {
    throw new BragerOneError(`defineServer: \`container\` must be a string such as 'BragerOne'; got ${typeof init.container}`);
  }
  return Object.freeze({
    ioBase,
    oneBase: trimBase(init.oneBase ?? ioBase),
    container: init.container ?? 'BragerOne',
    apiVersion,
    apiBase: `${ioBase}/${apiVersion}`,
    sockPath: init.sockPath ?? '/socket.io',
    wsNamespace: init.wsNamespace ?? '/ws',
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
  throw new Error(`Unknown platform "${String(platform).slice(0, 40)}": expected "bragerone" or "tisconnect"`);
}

/** Derives the io base from a REST base by dropping its last path segment (`https://h/v1` → `https://h`). */
export function ioBaseFromApiBase(apiBase: string): string {
  const base = trimBase(apiBase);
  const cut = base.lastIndexOf('/');
  const schemeEnd = base.indexOf('://');
  if (cut <= schemeEnd + 2) return base;
  return base.slice(0, cut);
}
