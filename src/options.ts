/**
 * Construction-time checks of {@link ClientOptions} and of command arguments: a wrong option fails at once with a
 * {@link BragerOneError} that says what was expected and shows an example, instead of an HTTP 404 later.
 * (Kept compact: this module is in every HTTP-only browser bundle.)
 */
import { BragerOneError } from './errors.js';
import { isBrowserLike } from './internal/platform.js';

/** The `verify` option: TLS verification in Node (`true`, `false`, a PEM CA bundle path, or options). */
export type Verify = boolean | string | { ca?: string | Uint8Array; rejectUnauthorized?: boolean };

/** TLS options for `node:https` and socket.io-client (`ca`, `rejectUnauthorized`). */
export interface TlsOptions {
  /** PEM text. */
  ca?: string;
  rejectUnauthorized: boolean;
}

/** A value for a message: strings quoted (URL user-info dropped, at most 80 characters), others by type. */
export function shown(v: unknown): string {
  if (typeof v !== 'string') return v === null ? 'null' : typeof v === 'number' ? String(v) : typeof v;
  const t = v.replace(/\/\/[^/@\s]*@/, '//');
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t);
}

/** `http(s)://` + user-info? + host[:port] (group 1: origin without user-info), then an optional path (group 2). */
const HTTP_URL = /^(https?:\/\/)(?:[^/@\s]*@)?([^\s/?#@]+)(\/[^\s?#]*)?$/i;

/** Origin and path of an http(s) URL, or `null`. */
export function httpUrl(v: unknown): { origin: string; path: string } | null {
  const m = typeof v === 'string' ? HTTP_URL.exec(v) : null;
  return m ? { origin: `${(m[1] as string).toLowerCase()}${m[2]}`, path: m[3] ?? '/' } : null;
}

const fail = (msg: string): never => {
  throw new BragerOneError(`BragerOneApiClient: ${msg}`);
};

/** Option → check and what is expected (with an example). */
const RULES: Array<[string, (v: unknown) => unknown, string]> = [
  ['timeout', (v) => v === +(v as number) && v >= 1 && v < Infinity, 'ms ≥ 1, e.g. 8000'],
  ['concurrency', (v) => Number.isInteger(v) && (v as number) >= 1, 'an integer ≥ 1, e.g. 4'],
  ['credsProvider', (v) => typeof v === 'function', 'a function returning { email, password }'],
  ['fetch', (v) => typeof v === 'function', 'a function, e.g. fetch'],
  ['tokenStore', (v) => v === null || has(v, 'load', 'save', 'clear'), 'null or a TokenStore (load, save, clear)'],
  ['cache', (v) => has(v, 'get', 'set', 'delete'), 'a CacheAdapter (get, set, delete)'],
  ['server', (v) => typeof (v as { apiBase?: unknown })?.apiBase === 'string', 'a ServerConfig, e.g. sim.server'],
  ['verify', (v) => v === true || !isBrowserLike(), 'true in a browser (it cannot change TLS checks)'],
];

function has(v: unknown, ...names: string[]): boolean {
  return !!v && names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function');
}

/** Throws a {@link BragerOneError} for the first option of a `BragerOneApiClient` that cannot work. */
export function validateClientOptions(opts: unknown): void {
  const o = (opts ?? {}) as Record<string, unknown>;
  for (const [key, ok, expected] of RULES) {
    if (o[key] !== undefined && !ok(o[key])) fail(`\`${key}\` must be ${expected}; got ${shown(o[key])}`);
  }
  for (const key of ['apiBase', 'ioBase', 'oneBase']) {
    const v = o[key];
    const u = httpUrl(v);
    if (v !== undefined && !(u && (key !== 'apiBase' || /\/v\d+\/?$/.test(u.path)))) {
      fail(
        `\`${key}\` must be an http(s) URL${key === 'apiBase' ? ' ending with the API version' : ''}, e.g. '${u?.origin ?? 'http://127.0.0.1:8080'}${key === 'apiBase' ? '/v1' : ''}'; got ${shown(v)}`,
      );
    }
  }
}

/**
 * The `pool` and `parameter` a write sends. `parameter` may be the full key (`'P4.v8'`) when its pool matches
 * `pool` (`'P4'`, also written `'4'`; then the canonical `'P4'` is sent); a different pool is a mistake and throws
 * before anything is sent.
 */
export function commandAddress(pool: string, parameter: string): { pool: string; parameter: string } {
  const dot = typeof parameter === 'string' ? parameter.indexOf('.') : -1;
  if (dot < 0) return { pool, parameter };
  const norm = (p: unknown) => /^[Pp]?(\d{1,6})$/.exec(String(p).trim())?.[1];
  const want = norm(pool);
  const rest = parameter.slice(dot + 1);
  if (want === undefined || want !== norm(parameter.slice(0, dot)) || !rest) {
    throw new BragerOneError(`moduleCommand: parameter ${shown(parameter)} is not in pool ${shown(pool)}`);
  }
  return { pool: `P${want}`, parameter: rest };
}

/**
 * A parameter write's value must be a finite number or a boolean (raw register values), unless the caller opts out
 * with `allowAnyValue: true`. Throws a {@link BragerOneError} before anything is sent.
 */
export function checkWriteValue(value: unknown, allowAnyValue: boolean | undefined): void {
  if (allowAnyValue === true || typeof value === 'boolean' || Number.isFinite(value)) return;
  throw new BragerOneError(
    `moduleCommand: value must be a finite number or boolean, e.g. 55; got ${shown(value)} (allowAnyValue: true sends any)`,
  );
}
