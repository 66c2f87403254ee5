import { type Token, type TokenStore, parseStoredToken, serializeToken } from '../auth/token.js';
import { BragerOneError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorKind, hasName, isQuotaError } from '../internal/error-text.js';
import { LoggerSlot } from '../internal/logger.js';

/** Options of {@link LocalStorageTokenStore}. */
export interface LocalStorageTokenStoreOptions {
  /** Storage key. @default 'bragerone.token' */
  key?: string;
  /**
   * Web Storage to use (e.g. `sessionStorage`, or an in-memory `Storage` in tests); default `globalThis.localStorage`,
   * looked up on first use, not at import or construction.
   */
  storage?: Storage;
  /** Receives warnings (corrupt value, storage unavailable); default the client's logger, else `console` at `warn`. */
  logger?: Logger;
}

/** Default option values of {@link LocalStorageTokenStore}. */
const DEFAULTS = Object.freeze({ key: 'bragerone.token' } as const);

/**
 * Token store over Web Storage (`localStorage` by default). The token is saved as the JSON record of
 * {@link serializeToken}; snake_case records written by other clients are read too.
 *
 * - `load()` resolves `null` (with a warning) when storage is unavailable, blocked (`SecurityError`) or holds a
 *   corrupt value; it never rejects.
 * - `save()` rejects with a {@link BragerOneError} when storage is unavailable or full (`QuotaExceededError`); the
 *   previously stored value is then left as it was.
 * - `watch()` follows the `storage` event, i.e. changes made by other tabs of the same origin.
 */
export class LocalStorageTokenStore implements TokenStore {
  /** Storage key holding the token. */
  readonly key: string;
  /** Web Lock name guarding login for this key: `bragerone.token:localStorage:<key>`. */
  readonly lockKey: string;
  readonly #explicitStorage: Storage | undefined;
  readonly #log: LoggerSlot;
  #warnedUnavailable = false;

  constructor(opts: LocalStorageTokenStoreOptions = {}) {
    this.key = opts.key ?? DEFAULTS.key;
    this.lockKey = `bragerone.token:localStorage:${this.key}`;
    this.#explicitStorage = opts.storage;
    this.#log = new LoggerSlot(opts.logger);
  }

  /** Routes warnings through the client's logger (an explicit `logger` option wins). */
  setLogger(logger: Logger): void {
    this.#log.set(logger);
  }

  /** The storage in use; throws when there is none or access to it is blocked. */
  #storage(): Storage {
    if (this.#explicitStorage) return this.#explicitStorage;
    const s = (globalThis as { localStorage?: Storage }).localStorage;
    if (!s) throw new BragerOneError('LocalStorageTokenStore: localStorage is not available in this environment');
    return s;
  }

  /** The stored token, or `null` when nothing usable is stored. Never rejects. */
  async load(): Promise<Token | null> {
    let raw: string | null;
    try {
      raw = this.#storage().getItem(this.key);
    } catch (err) {
      if (!this.#warnedUnavailable) {
        this.#warnedUnavailable = true;
        this.#log.warn(`LocalStorageTokenStore: storage unavailable (${errorKind(err)}); no token loaded`);
      }
      return null;
    }
    if (raw === null) return null;
    const token = parseStoredToken(raw);
    if (!token) this.#log.warn(`LocalStorageTokenStore: ignoring corrupt token record under key "${this.key}"`);
    return token;
  }

  /** Stores `token`. Rejects with {@link BragerOneError} when storage is unavailable or full. */
  async save(token: Token): Promise<void> {
    const value = serializeToken(token);
    let storage: Storage;
    try {
      storage = this.#storage();
    } catch (err) {
      throw unavailable('save', err);
    }
    try {
      storage.setItem(this.key, value);
    } catch (err) {
      if (isQuotaError(err)) {
        throw new BragerOneError(
          'LocalStorageTokenStore: storage quota exceeded, token not saved (previous value kept)',
          {
            cause: err,
          },
        );
      }
      throw unavailable('save', err);
    }
  }

  /**
   * Removes the stored token. Resolves when there is no usable storage (nothing can be stored there); rejects with
   * {@link BragerOneError} when the storage exists but refuses the removal.
   */
  async clear(): Promise<void> {
    let storage: Storage;
    try {
      storage = this.#storage();
    } catch {
      return;
    }
    try {
      storage.removeItem(this.key);
    } catch (err) {
      throw unavailable('clear', err);
    }
  }

  /**
   * Calls `cb` with the new token (or `null` when removed or corrupt) whenever another tab changes this key.
   * Outside a window (Node, workers) there is no `storage` event and the callback never fires.
   */
  watch(cb: (token: Token | null) => void): () => void {
    const target = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
    if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function')
      return () => {};
    const onStorage = (ev: Event): void => {
      const e = ev as StorageEvent;
      if (e.key !== null && e.key !== this.key) return;
      let storage: Storage | undefined;
      try {
        storage = this.#storage();
      } catch {
        return;
      }
      if (e.storageArea !== null && e.storageArea !== storage) return;
      if (e.key === null) {
        cb(null); // storage.clear() in another tab
        return;
      }
      cb(e.newValue === null ? null : parseStoredToken(e.newValue));
    };
    target.addEventListener('storage', onStorage);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      target.removeEventListener?.('storage', onStorage);
    };
  }
}

function unavailable(op: string, err: unknown): BragerOneError {
  if (hasName(err, 'BragerOneError')) return err as BragerOneError;
  return new BragerOneError(`LocalStorageTokenStore: cannot ${op} the token, storage unavailable (${errorKind(err)})`, {
    cause: err,
  });
}
