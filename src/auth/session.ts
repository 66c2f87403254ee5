import { NotAuthenticatedError, isApiError } from '../errors.js';
import { errorSummary } from '../internal/error-text.js';
import { raceAbort } from '../internal/sleep.js';
import type { ResolvedLogger } from '../log.js';
import { type Token, type TokenStore, isTokenExpired, parseStoredToken } from './token.js';

/** Email and password of an account. */
export interface Credentials {
  email: string;
  password: string;
}

/** What the session needs from the HTTP side. */
export interface SessionDeps {
  /** Logs in (shared by every waiting caller, so no one caller's signal applies). */
  login(creds: Credentials): Promise<Token>;
  /** `GET /user` with the given token; rejects with ApiError on ≥ 400. */
  validate(token: Token): Promise<void>;
  logger: ResolvedLogger;
  refreshLeeway: number;
  validateOnStart: boolean;
  credsProvider?: () => Credentials | Promise<Credentials>;
  now: () => number;
}

interface LockManagerLike {
  request<T>(
    name: string,
    opts: { signal?: AbortSignal; ifAvailable?: boolean },
    cb: (lock: unknown) => Promise<T> | T,
  ): Promise<T>;
}

const LOCK_WAIT = 30_000;
/**
 * After waiting for the cross-tab lock, how long a tab whose store still shows no usable token waits for the peer's
 * token to arrive through the store's `watch` before it logs in itself. Chromium propagates a `localStorage` write to
 * other tabs' processes asynchronously, so the tab that gets the lock next can read the old value (no token) even
 * though the holder saved its fresh one before releasing the lock.
 */
const PEER_WAIT = 1_500;
/** {@link AuthSession.#withLock}: the lock was free, nothing to wait for. */
const NOT_AVAILABLE = Symbol('lock held');
const MAX_BAD = 64;

function lockManager(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null;
}

/**
 * Token state of one client: coalesced `ensureAuth`, validation, login, store persistence,
 * cross-tab lock and store change notifications.
 */
export class AuthSession {
  #token: Token | null = null;
  #validated = false;
  #store: TokenStore | null = null;
  #unwatch: (() => void) | null = null;
  #creds: Credentials | null = null;
  #pending: Promise<Token> | null = null;
  /** A stored, unexpired token is being validated in the background; calls may use it meanwhile ({@link begin}). */
  #optimistic = false;
  /** Told the token of the next login as soon as it is in memory (before the store saved it). */
  #onLogin: ((t: Token) => void) | null = null;
  /** Callers waiting for a token saved by another context ({@link #peerToken}). */
  #peerWaiters: Array<() => void> = [];
  /** Access tokens known to be dead (401 or revoked): never adopted again from a store. */
  readonly #bad = new Set<string>();
  readonly #deps: SessionDeps;
  /** Counts, for tests and diagnostics. */
  readonly counters = { storeLoads: 0, validations: 0, logins: 0 };

  constructor(deps: SessionDeps) {
    this.#deps = deps;
  }

  get token(): Token | null {
    return this.#token;
  }

  setStore(store: TokenStore | null): void {
    this.#unwatch?.();
    this.#unwatch = null;
    this.#store = store;
    if (!store) return;
    store.setLogger?.(this.#deps.logger);
    if (typeof store.watch === 'function') {
      this.#unwatch = store.watch((t) => this.#onExternal(t));
    }
  }

  /** Remembers credentials for later logins (kept in memory only). */
  setCredentials(email?: string, password?: string): void {
    if (email !== undefined && password !== undefined) this.#creds = { email, password };
  }

  /** Usable token without network or store I/O, or null. */
  usable(): Token | null {
    const t = this.#token;
    if (!t || !this.#validated || isTokenExpired(t, this.#deps.refreshLeeway, this.#deps.now())) return null;
    return t;
  }

  /**
   * Pipelined start: loads a stored token (no network) and starts {@link ensure} in the background. When the held
   * or stored token is unexpired, it is returned as `provisional`: {@link provisional} hands it to calls while
   * `GET /user` validates it (a 401 on any of them takes the normal path: drop it, log in, retry once).
   */
  async begin(): Promise<{ provisional: Token | null; done: Promise<Token>; ready: Promise<Token> }> {
    if (!this.#pending && !this.#fresh(this.#token)) {
      const stored = await this.#loadStored();
      if (stored && this.#fresh(stored)) {
        this.#token = stored;
        this.#validated = false;
      }
    }
    const t = this.#token;
    const provisional = this.#fresh(t) ? t : null;
    const done = this.ensure();
    // a login's token is usable once it is in memory; `done` also waits for the store to save it
    const ready = Promise.race([done, new Promise<Token>((r) => (this.#onLogin = r))]);
    this.#optimistic = provisional !== null && !this.#validated;
    const off = (): void => {
      this.#optimistic = false;
      this.#onLogin = null;
    };
    done.then(off, off);
    return { provisional, done, ready };
  }

  #fresh(t: Token | null): t is Token {
    return t !== null && !isTokenExpired(t, this.#deps.refreshLeeway, this.#deps.now());
  }

  /** The token under background validation (see {@link begin}), or null. */
  provisional(): Token | null {
    const t = this.#token;
    return this.#optimistic && this.#fresh(t) ? t : null;
  }

  /** Coalesced: concurrent callers share one store load, one validation and one login. */
  ensure(signal?: AbortSignal): Promise<Token> {
    const ready = this.usable();
    if (ready) return Promise.resolve(ready);
    if (!this.#pending) {
      // The shared work ignores any one caller's signal; each caller races its own.
      const run = this.#withLock((contended) => this.#acquire(contended)).finally(() => {
        if (this.#pending === run) this.#pending = null;
      });
      this.#pending = run;
    }
    return signal ? raceAbort(this.#pending, signal) : this.#pending;
  }

  /** Marks the token that got a 401 as dead (only if it is still the current one). */
  invalidate(accessToken: string): void {
    this.#markBad(accessToken);
    if (this.#token?.accessToken === accessToken) {
      this.#token = null;
      this.#validated = false;
    }
  }

  /** Drops the token in memory and in the store; the store copy is not re-adopted. */
  async drop(): Promise<void> {
    const t = this.#token;
    if (t) this.#markBad(t.accessToken);
    this.#token = null;
    this.#validated = false;
    if (this.#store) {
      try {
        await this.#store.clear();
      } catch (e) {
        this.#deps.logger.warn('token store clear failed:', errorSummary(e));
      }
    }
  }

  close(): void {
    this.#unwatch?.();
    this.#unwatch = null;
  }

  #markBad(access: string): void {
    this.#bad.add(access);
    if (this.#bad.size > MAX_BAD) this.#bad.delete(this.#bad.values().next().value as string);
  }

  #onExternal(t: Token | null): void {
    if (t === null) {
      if (this.#token) this.#markBad(this.#token.accessToken);
      this.#token = null;
      this.#validated = false;
      this.#deps.logger.debug('token cleared by another context');
      return;
    }
    const parsed = parseStoredToken(t);
    if (!parsed || this.#bad.has(parsed.accessToken) || parsed.accessToken === this.#token?.accessToken) return;
    this.#token = parsed;
    this.#validated = true; // a peer saved it right after its own login or validation
    this.#deps.logger.debug('token adopted from another context');
    for (const w of this.#peerWaiters.splice(0)) w();
  }

  /** Runs `fn` under the cross-tab lock; `contended`: another context held it first (it may just have logged in). */
  async #withLock<T>(fn: (contended: boolean) => Promise<T>): Promise<T> {
    const store = this.#store;
    if (store?.withLock) return store.withLock(() => fn(false));
    const key = store?.lockKey;
    const locks = key ? lockManager() : null;
    if (!locks || !key) return fn(false);
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), LOCK_WAIT);
    let entered = false;
    const enter = (contended: boolean) => () => {
      entered = true;
      clearTimeout(timer);
      return fn(contended);
    };
    try {
      const free = await locks.request<T | typeof NOT_AVAILABLE>(key, { ifAvailable: true }, (lock) =>
        lock ? enter(false)() : NOT_AVAILABLE,
      );
      if (free !== NOT_AVAILABLE) return free as T;
      return await locks.request(key, { signal: ctrl.signal }, enter(true));
    } catch (e) {
      if (entered) throw e;
      this.#deps.logger.warn('token lock not acquired in time; continuing without it');
      return fn(false);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A token another context saved, adopted through the store's `watch` within `ms`, or null (no watchable store,
   * nothing arrived, or what arrived is no longer fresh).
   */
  async #peerToken(ms: number): Promise<Token | null> {
    if (typeof this.#store?.watch !== 'function') return null;
    if (!this.#validated || !this.#fresh(this.#token)) {
      let done = (): void => {};
      const arrived = new Promise<void>((r) => {
        done = r;
        this.#peerWaiters.push(r);
      });
      const timer = setTimeout(done, ms);
      await arrived;
      clearTimeout(timer);
      this.#peerWaiters = this.#peerWaiters.filter((w) => w !== done);
    }
    const t = this.#token;
    return this.#validated && this.#fresh(t) ? t : null;
  }

  async #loadStored(): Promise<Token | null> {
    if (!this.#store) return null;
    this.counters.storeLoads++;
    try {
      const raw = await this.#store.load();
      const t = raw ? parseStoredToken(raw) : null;
      if (t && this.#bad.has(t.accessToken)) return null;
      return t;
    } catch (e) {
      this.#deps.logger.warn('token store load failed:', errorSummary(e));
      return null;
    }
  }

  async #acquire(contended = false): Promise<Token> {
    const now = this.#deps.now();
    let cand = this.#token;
    if (!cand || isTokenExpired(cand, this.#deps.refreshLeeway, now)) {
      // Re-read the store: another tab or process may have just saved a fresh token.
      const stored = await this.#loadStored();
      if (stored && stored.accessToken !== cand?.accessToken) {
        cand = stored;
        this.#validated = false;
      }
    }
    if (cand && !isTokenExpired(cand, this.#deps.refreshLeeway, now)) {
      this.#token = cand;
      if (this.#validated || !this.#deps.validateOnStart) {
        this.#validated = true;
        return cand;
      }
      try {
        this.counters.validations++;
        await this.#deps.validate(cand);
        this.#validated = true;
        return cand;
      } catch (e) {
        if (!(isApiError(e) && (e.status === 401 || e.status === 403))) throw e;
        this.#deps.logger.info('stored token rejected by the server; logging in again');
        this.invalidate(cand.accessToken);
      }
    }
    if (contended) {
      // the context that held the lock probably just logged in; its save may not be visible here yet
      const peer = await this.#peerToken(PEER_WAIT);
      if (peer) return peer;
    }
    return this.#login();
  }

  async #login(): Promise<Token> {
    let creds = this.#creds;
    if (!creds && this.#deps.credsProvider) creds = await this.#deps.credsProvider();
    if (!creds) {
      throw new NotAuthenticatedError();
    }
    this.counters.logins++;
    const token = await this.#deps.login(creds);
    this.#token = token;
    this.#validated = true;
    this.#onLogin?.(token);
    if (this.#store) {
      try {
        await this.#store.save(token);
      } catch (e) {
        this.#deps.logger.warn('token store save failed; the token stays in memory only:', errorSummary(e));
      }
    }
    return token;
  }
}
