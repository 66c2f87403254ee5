import { type UseStore, del, get, set } from 'idb-keyval';
import { type Token, type TokenStore, parseStoredToken, serializeToken } from '../auth/token.js';
import { BragerOneError } from '../errors.js';
import type { Logger } from '../log.js';
import { hasIndexedDb, openIdbStore } from '../internal/idb.js';
import { errorKind, isQuotaError } from '../internal/error-text.js';
import { LoggerSlot } from '../internal/logger.js';
import { unrefTimer } from '../internal/timers.js';

/** Options of {@link IndexedDbTokenStore}. */
export interface IndexedDbTokenStoreOptions {
  /** Record key. @default 'bragerone.token' */
  key?: string;
  /** Database name. @default 'bragerone' */
  dbName?: string;
  /** Object store name; added to an existing database by a version upgrade when missing. @default 'tokens' */
  storeName?: string;
  /** Receives warnings (corrupt value, IndexedDB unavailable); default the client's logger, else `console` at `warn`. */
  logger?: Logger;
}

type ChangeMessage = { readonly type: 'saved' | 'cleared' };

function isChangeMessage(v: unknown): v is ChangeMessage {
  const t = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
  return t === 'saved' || t === 'cleared';
}

function newChannel(name: string): BroadcastChannel | undefined {
  if (typeof BroadcastChannel !== 'function') return undefined;
  try {
    const ch = new BroadcastChannel(name);
    unrefTimer(ch); // Node: never keep the process alive
    return ch;
  } catch {
    return undefined;
  }
}

/** Default option values of {@link IndexedDbTokenStore}. */
const DEFAULTS = Object.freeze({ key: 'bragerone.token', dbName: 'bragerone', storeName: 'tokens' } as const);

/**
 * Token store over IndexedDB (via idb-keyval). The token is stored as a plain JSON object with the
 * {@link Token} field names, so any store can read what another wrote.
 *
 * - Nothing is opened until the first call; `load()` resolves `null` (with a warning) when IndexedDB is
 *   unavailable, fails, or holds a corrupt value; it never rejects.
 * - `save()` rejects with a {@link BragerOneError} when the write fails (quota, unavailable).
 * - `save()`/`clear()` announce the change on a `BroadcastChannel` named `bragerone.token:<db>/<store>/<key>`;
 *   `watch()` listens there and re-loads, so other tabs (and workers) of the origin pick changes up.
 */
export class IndexedDbTokenStore implements TokenStore {
  /** Record key holding the token. */
  readonly key: string;
  /** Database name. */
  readonly dbName: string;
  /** Object store name. */
  readonly storeName: string;
  /** Web Lock name guarding login for this record: `bragerone.token:indexeddb:<db>/<store>/<key>`. */
  readonly lockKey: string;
  readonly #channelName: string;
  readonly #log: LoggerSlot;
  #store: UseStore | undefined;
  #channel: BroadcastChannel | undefined;
  readonly #watchers = new Set<(msg: ChangeMessage) => void>();
  #warnedUnavailable = false;

  constructor(opts: IndexedDbTokenStoreOptions = {}) {
    this.key = opts.key ?? DEFAULTS.key;
    this.dbName = opts.dbName ?? DEFAULTS.dbName;
    this.storeName = opts.storeName ?? DEFAULTS.storeName;
    const id = `${this.dbName}/${this.storeName}/${this.key}`;
    this.lockKey = `bragerone.token:indexeddb:${id}`;
    this.#channelName = `bragerone.token:${id}`;
    this.#log = new LoggerSlot(opts.logger);
  }

  /** Routes warnings through the client's logger (an explicit `logger` option wins). */
  setLogger(logger: Logger): void {
    this.#log.set(logger);
  }

  #idb(): UseStore {
    this.#store ??= openIdbStore(this.dbName, this.storeName);
    return this.#store;
  }

  /** The stored token, or `null` when nothing usable is stored. Never rejects. */
  async load(): Promise<Token | null> {
    if (!hasIndexedDb()) {
      if (!this.#warnedUnavailable) {
        this.#warnedUnavailable = true;
        this.#log.warn('IndexedDbTokenStore: IndexedDB is not available; no token loaded');
      }
      return null;
    }
    let value: unknown;
    try {
      value = await get<unknown>(this.key, this.#idb());
    } catch (err) {
      this.#log.warn(
        `IndexedDbTokenStore: cannot read "${this.dbName}/${this.storeName}" (${errorKind(err)}); no token loaded`,
      );
      return null;
    }
    if (value === undefined || value === null) return null;
    const token = parseStoredToken(value);
    if (!token) this.#log.warn(`IndexedDbTokenStore: ignoring corrupt token record "${this.key}"`);
    return token;
  }

  /** Stores `token` and tells other tabs. Rejects with {@link BragerOneError} when the write fails. */
  async save(token: Token): Promise<void> {
    const record = JSON.parse(serializeToken(token)) as Record<string, unknown>;
    if (!hasIndexedDb()) throw new BragerOneError('IndexedDbTokenStore: IndexedDB is not available, token not saved');
    try {
      await set(this.key, record, this.#idb());
    } catch (err) {
      const why = isQuotaError(err) ? 'storage quota exceeded' : `write failed (${errorKind(err)})`;
      throw new BragerOneError(`IndexedDbTokenStore: ${why}, token not saved`, { cause: err });
    }
    this.#announce({ type: 'saved' });
  }

  /** Removes the stored token and tells other tabs. Resolves when IndexedDB is unavailable (nothing is stored). */
  async clear(): Promise<void> {
    if (!hasIndexedDb()) return;
    try {
      await del(this.key, this.#idb());
    } catch (err) {
      throw new BragerOneError(`IndexedDbTokenStore: cannot clear the token (${errorKind(err)})`, { cause: err });
    }
    this.#announce({ type: 'cleared' });
  }

  /**
   * Calls `cb` when another store instance (this or another tab, a worker) saved (`token`, re-loaded from
   * IndexedDB) or cleared (`null`) this record. Callbacks run in the order the changes were announced.
   */
  watch(cb: (token: Token | null) => void): () => void {
    let queue: Promise<void> = Promise.resolve();
    let active = true;
    const onMessage = (msg: ChangeMessage): void => {
      queue = queue
        .then(async () => {
          const token = msg.type === 'cleared' ? null : await this.load();
          if (active) cb(token);
        })
        .catch(() => {});
    };
    if (!this.#channel) {
      this.#channel = newChannel(this.#channelName);
      if (!this.#channel) return () => {};
      this.#channel.onmessage = (ev: MessageEvent) => {
        if (!isChangeMessage(ev.data)) return;
        for (const w of [...this.#watchers]) w(ev.data);
      };
    }
    this.#watchers.add(onMessage);
    return () => {
      if (!active) return;
      active = false;
      this.#watchers.delete(onMessage);
      if (this.#watchers.size === 0 && this.#channel) {
        this.#channel.close();
        this.#channel = undefined;
      }
    };
  }

  #announce(msg: ChangeMessage): void {
    try {
      if (this.#channel) {
        this.#channel.postMessage(msg); // not delivered back to this instance's own watchers
        return;
      }
      const ch = newChannel(this.#channelName);
      if (!ch) return;
      ch.postMessage(msg);
      ch.close();
    } catch {
      /* a lost notification only delays other tabs until their next load */
    }
  }
}
