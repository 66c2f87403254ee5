import { ResponseValidationError } from '../errors.js';
import type { Logger } from '../log.js';
import { laxDateTime, laxInteger } from '../schemas/lax.js';

/** An access token and what the login response said about it. */
export interface Token {
  accessToken: string;
  /** Stored, never sent: renewal is always a new login. */
  refreshToken: string | null;
  /** Informational (`'bearer'`). */
  tokenType: string;
  /** ISO-8601 instant with a zone, or `null` for "never expires locally". */
  expiresAt: string | null;
  userId: number | null;
  objects: unknown[];
}

/** Where tokens persist between runs. `load()` returns `null` for missing or corrupt values and never throws. */
export interface TokenStore {
  /** The stored token, or `null`/`undefined` when missing, unreadable or corrupt. Never throws. */
  load(): Token | null | undefined | Promise<Token | null | undefined>;
  /** Persists a token; rejects (leaving the previous one intact) when storage is full or denied. */
  save(token: Token): void | Promise<void>;
  /** Removes the stored token. */
  clear(): void | Promise<void>;
  /**
   * Name of the cross-tab / cross-process lock that guards login for this store (e.g. `bragerone.token:<key>`).
   * Stores sharing a backing value share a lock key; without one the client only coalesces in-process.
   */
  readonly lockKey?: string;
  /**
   * Runs `fn` under the store's own cross-process lock; the client then uses it instead of Web Locks for
   * `lockKey`. `FileTokenStore` implements it with a lock file (Node has no Web Locks across processes).
   */
  withLock?<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Calls `cb` when another tab or process saved a token (`token`) or cleared it (`null`).
   * Changes made through this very store instance are not reported. Returns an unsubscribe function.
   */
  watch?(cb: (token: Token | null) => void): () => void;
  /** The client hands over its logger so the store's warnings (corrupt value, unreadable storage) go through it. */
  setLogger?(logger: Logger): void;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** `expiresAt` as a normalised ISO string (epoch seconds accepted, zone-less = UTC); `null` when missing or unreadable. */
function asExpiry(v: unknown): string | null {
  return laxDateTime(v) ?? null;
}

function asUserId(v: unknown): number | null {
  return laxInteger(v) ?? null;
}

/**
 * Builds a {@link Token} from a login response: `accessToken` (or `token`), `refreshToken`, `type`,
 * `expiresAt`, `user.id`, `objects`. Throws {@link ResponseValidationError} when no access token is present;
 * nothing else fails it: a missing, empty or unparsable `expiresAt` gives `null` (never expires locally), epoch
 * seconds and zone-less values (read as UTC) give a normalised ISO string, an odd `user` gives `userId: null`.
 */
export function tokenFromLoginPayload(payload: unknown): Token {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ResponseValidationError('POST /auth/user', [{ path: '', message: 'expected an object' }], undefined);
  }
  const p = payload as Record<string, unknown>;
  const accessToken = str(p.accessToken) ?? str(p.token) ?? str(p.access_token);
  if (!accessToken) {
    throw new ResponseValidationError(
      'POST /auth/user',
      [{ path: 'accessToken', message: 'missing or empty access token' }],
      undefined,
    );
  }
  const user = p.user;
  const uid = user && typeof user === 'object' ? (user as { id?: unknown }).id : undefined;
  return {
    accessToken,
    refreshToken: str(p.refreshToken) ?? str(p.refresh_token),
    tokenType: str(p.type) ?? str(p.tokenType) ?? 'bearer',
    expiresAt: asExpiry(p.expiresAt ?? p.expires_at),
    userId: asUserId(uid),
    objects: Array.isArray(p.objects) ? p.objects : [],
  };
}

/**
 * Reads a persisted token record (camelCase {@link Token} fields, or the reference client's snake_case
 * `access_token`/`token_type`/`refresh_token`/`expires_at`). Returns `null` when it is not a usable token.
 */
export function parseStoredToken(value: unknown): Token | null {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  const accessToken = r.accessToken ?? r.access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) return null;
  const uid = r.userId ?? r.user_id;
  return {
    accessToken,
    refreshToken: str(r.refreshToken) ?? str(r.refresh_token),
    tokenType: str(r.tokenType) ?? str(r.token_type) ?? str(r.type) ?? 'bearer',
    expiresAt: asExpiry(r.expiresAt ?? r.expires_at),
    userId: asUserId(uid),
    objects: Array.isArray(r.objects) ? r.objects : [],
  };
}

/** Serialises a token to the plain JSON record every store writes (the {@link Token} field names). */
export function serializeToken(token: Token): string {
  const { accessToken, refreshToken, tokenType, expiresAt, userId, objects } = token;
  return JSON.stringify({ accessToken, refreshToken, tokenType, expiresAt, userId, objects });
}

/**
 * True when `now + leeway >= expiresAt`. A token without `expiresAt` (or with an unparsable one) never expires locally.
 * @param leeway milliseconds, default 60 000
 */
export function isTokenExpired(token: Token, leeway = 60_000, now: number = Date.now()): boolean {
  if (!token.expiresAt) return false;
  const iso = laxDateTime(token.expiresAt);
  const at = iso === undefined ? Number.NaN : Date.parse(iso);
  if (!Number.isFinite(at)) return false;
  return now + leeway >= at;
}
