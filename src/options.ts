/**
 * Construction-time checks of {@link ClientOptions} and of command arguments: a wrong option fails at once with a
 * {@link BragerOneError} that says what was expected and shows an example, instead of an HTTP 404 later.
 */
import { BragerOneError } from './errors.js';
import { normalizePool } from './live/payload.js';

/** A URL for a message: user-info dropped (it could hold a password), at most 80 characters. */
export function shownUrl(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  const text = value.replace(/\/\/[^/@\s]*@/, '//');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** `http(s)://` + user-info? + host[:port], then an optional path. */
const HTTP_URL = /^(https?:\/\/)(?:[^/@\s]*@)?([^\s/?#@]+)(\/[^\s?#]*)?$/i;

/** Splits an http(s) URL into origin (without user-info) and path, or throws a {@link BragerOneError}. */
export function requireHttpUrl(value: unknown, what: string, example: string): { origin: string; pathname: string } {
  const m = typeof value === 'string' ? HTTP_URL.exec(value) : null;
  if (!m) throw new BragerOneError(`${what} must be an http:// or https:// URL, e.g. ${example}; got ${shownUrl(value)}`);
  return { origin: `${(m[1] as string).toLowerCase()}${m[2]}`, pathname: m[3] ?? '/' };
}

const VERSION_SEGMENT = /\/v\d+\/?$/;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];
const SERVER_KEYS = ['ioBase', 'oneBase', 'container', 'apiVersion', 'apiBase', 'sockPath', 'wsNamespace'];

/** Throws a {@link BragerOneError} for the first option of a `BragerOneApiClient` that cannot work. */
export function validateClientOptions(opts: unknown): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new BragerOneError('BragerOneApiClient options must be an object, e.g. new BragerOneApiClient({ server: BRAGERONE_SERVER })');
  }
  const o = opts as Record<string, unknown>;
  const fail = (msg: string): never => {
    throw new BragerOneError(`BragerOneApiClient: ${msg}`);
  };
  if (o.server !== undefined) {
    const s = o.server as Record<string, unknown> | null;
    // A hand-written { apiBase, ioBase, oneBase } works too; only the REST base is indispensable.
    if (!s || typeof s !== 'object' || typeof s.apiBase !== 'string' || SERVER_KEYS.some((k) => s[k] !== undefined && typeof s[k] !== 'string')) {
      fail('`server` must be a ServerConfig: BRAGERONE_SERVER, TISCONNECT_SERVER, serverFor(name), defineServer({ ioBase }) or sim.server');
    }
  }
  if (o.apiBase !== undefined) {
    const u = requireHttpUrl(o.apiBase, 'BragerOneApiClient: `apiBase`', "'http://127.0.0.1:8080/v1'");
    if (!VERSION_SEGMENT.test(u.pathname)) {
      fail(
        `\`apiBase\` is the REST base and ends with the API version /v<N>, e.g. '${u.origin}/v1'; got ${shownUrl(o.apiBase)}. ` +
          `Or pass the server: { server: defineServer({ ioBase: '${u.origin}' }) } (a simulator: { server: sim.server })`,
      );
    }
  }
  if (o.ioBase !== undefined) requireHttpUrl(o.ioBase, 'BragerOneApiClient: `ioBase`', "'http://127.0.0.1:8080'");
  if (o.oneBase !== undefined) requireHttpUrl(o.oneBase, 'BragerOneApiClient: `oneBase`', "'https://one.brager.pl'");
  const ms = (key: string, min: number, example: string) => {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < min)) {
      fail(`\`${key}\` must be a number of milliseconds ≥ ${min}, e.g. { ${key}: ${example} }; got ${JSON.stringify(v) ?? typeof v}`);
    }
  };
  ms('timeout', 1, '8_000');
  ms('refreshLeeway', 0, '90_000');
  const c = o.concurrency;
  if (c !== undefined && (typeof c !== 'number' || !Number.isInteger(c) || c < 1)) {
    fail(`\`concurrency\` must be a whole number ≥ 1, e.g. { concurrency: 4 }; got ${JSON.stringify(c) ?? typeof c}`);
  }
  for (const key of ['validateOnStart', 'enableHttpTrace', 'redactSecrets']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') fail(`\`${key}\` must be true or false; got ${typeof o[key]}`);
  }
  for (const key of ['credsProvider', 'fetch', 'now']) {
    if (o[key] !== undefined && typeof o[key] !== 'function') {
      fail(`\`${key}\` must be a function, e.g. { ${key === 'credsProvider' ? 'credsProvider: () => ({ email, password })' : key === 'fetch' ? 'fetch: globalThis.fetch' : 'now: Date.now'} }; got ${typeof o[key]}`);
    }
  }
  if (o.logLevel !== undefined && !LOG_LEVELS.includes(o.logLevel as string)) {
    fail(`\`logLevel\` must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')}; got ${JSON.stringify(o.logLevel) ?? typeof o.logLevel}`);
  }
  if (o.logger !== undefined && (o.logger === null || typeof o.logger !== 'object')) {
    fail('`logger` must be a console-like object, e.g. { logger: console }');
  }
  const hasMethods = (v: unknown, names: string[]) =>
    !!v && typeof v === 'object' && names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function');
  if (o.tokenStore !== undefined && o.tokenStore !== null && !hasMethods(o.tokenStore, ['load', 'save', 'clear'])) {
    fail('`tokenStore` must have load(), save() and clear() (e.g. new MemoryTokenStore()), or be null for no persistence');
  }
  if (o.cache !== undefined && !hasMethods(o.cache, ['get', 'set', 'delete'])) {
    fail('`cache` must be a CacheAdapter with get(), set() and delete(), e.g. new MemoryCacheAdapter()');
  }
}

/**
 * The `pool` and `parameter` a write sends. `parameter` may be the full key (`'P4.v8'`) when its pool matches
 * `pool` (`'P4'`, also written `'4'`; then the canonical `'P4'` is sent); a different pool is a mistake and throws
 * before anything is sent.
 */
export function commandAddress(method: string, pool: string, parameter: string): { pool: string; parameter: string } {
  if (typeof pool !== 'string' || pool.trim() === '') throw new BragerOneError(`${method}: \`pool\` must be a pool name such as 'P4'`);
  if (typeof parameter !== 'string' || parameter.trim() === '') {
    throw new BragerOneError(`${method}: \`parameter\` must be a channel and index such as 'v8' (or the full key 'P4.v8')`);
  }
  const dot = parameter.indexOf('.');
  if (dot < 0) return { pool, parameter };
  const keyPool = parameter.slice(0, dot);
  const rest = parameter.slice(dot + 1);
  const a = normalizePool(pool.trim());
  const b = normalizePool(keyPool.trim());
  if (a === null || b === null || a !== b || rest === '') {
    throw new BragerOneError(
      `${method}: parameter ${JSON.stringify(parameter.slice(0, 40))} does not belong to pool ${JSON.stringify(pool.slice(0, 20))}; ` +
        `pass { pool: '${b ?? keyPool.slice(0, 20)}', parameter: '${rest.slice(0, 20) || 'v8'}' } or the matching full key`,
    );
  }
  return { pool: a, parameter: rest };
}

/**
 * A parameter write's value must be a finite number or a boolean (raw register values), unless the caller opts out
 * with `allowAnyValue: true`. Throws a {@link BragerOneError} before anything is sent.
 */
export function checkWriteValue(method: string, value: unknown, allowAnyValue: boolean | undefined): void {
  if (allowAnyValue === true) return;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 20)) : typeof value === 'number' ? String(value) : typeof value;
  throw new BragerOneError(
    `${method}: value must be a finite number or a boolean (the raw register value, e.g. 55); got ${shown}. ` +
      'Pass allowAnyValue: true to send it anyway',
  );
}
