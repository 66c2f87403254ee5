/** Node-only token store (imported from the `bragerone/node` entry, never from the browser entry). */
import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type Token, type TokenStore, parseStoredToken, serializeToken } from '../auth/token.js';
import { BragerOneError } from '../errors.js';
import type { Logger } from '../log.js';
import { writeFileAtomic } from '../internal/atomic-file.js';
import { acquireFileLock } from './file-lock.js';
import { errorKind } from '../internal/error-text.js';
import { LoggerSlot } from '../internal/logger.js';
import { unrefTimer } from '../internal/timers.js';

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** Token file; default `$XDG_CONFIG_HOME` (or `~/.config`) `/bragerone/token-<email or 'default'>.json`. */
  path?: string;
  /** Account the default file name is derived from (lower-cased, unsafe characters replaced by `_`). */
  email?: string;
  /** Receives warnings (unreadable or corrupt file); default the client's logger, else `console` at `warn`. */
  logger?: Logger;
  /**
   * How long a login waits for another process's login on the same file, in milliseconds; after that it goes
   * ahead without the lock. `0` turns the cross-process lock off. See {@link FileTokenStore.withLock}.
   * @default 30_000
   */
  lockWait?: number;
}

/** Default option values of {@link FileTokenStore}, milliseconds. */
const DEFAULTS = Object.freeze({ lockWait: 30_000 } as const);

/** A lock file older than this belongs to a hung process (or a reused pid) and is taken over. */
const LOCK_STALE = 120_000;

/** File-name-safe form of an email: lower case, `[a-z0-9._@+-]` kept, anything else `_`, at most 100 characters. */
export function safeTokenFileName(email?: string): string {
  const raw = (email ?? '').trim().toLowerCase();
  let safe = raw
    .replace(/[^a-z0-9._@+-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 100);
  if (!safe) safe = 'default';
  return `token-${safe}.json`;
}

/** Default token file path for an account (see {@link FileTokenStoreOptions.path}). */
export function defaultTokenPath(email?: string): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(homedir(), '.config');
  return join(base, 'bragerone', safeTokenFileName(email));
}

/**
 * Token store in a JSON file (Node).
 *
 * - The directory is created with mode `0700`, the file is written with mode `0600`.
 * - Writes are atomic: a temporary file in the same directory is written, `fsync`ed and renamed over the
 *   target, so a reader (another process) sees the old or the new record, never a partial one.
 * - `load()` resolves `null` when the file is missing (debug log), unreadable or corrupt (warning); it never rejects.
 * - Logins are serialised across processes: {@link FileTokenStore.withLock} holds `<path>.lock` while a client
 *   loads, validates or replaces the token, so two CLIs started at once log in once (the second reads the first's
 *   token). A lock left by a process that died is taken over at once.
 * - `lockKey` is the absolute file path; `watch()` follows the directory with `fs.watch` and reports changes
 *   made by other processes (or other store instances) to this file.
 */
export class FileTokenStore implements TokenStore {
  /** Absolute path of the token file. */
  readonly path: string;
  /** Cross-process lock name: the absolute file path. */
  readonly lockKey: string;
  readonly #log: LoggerSlot;
  /** Last content this instance wrote (`null` after clear), so `watch()` skips its own changes. */
  #lastOwn: string | null | undefined;
  /** Saves and clears of this instance run one after another, in call order (a clear never loses to an older save). */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #lockWait: number;

  constructor(opts: FileTokenStoreOptions = {}) {
    this.path = resolve(opts.path ?? defaultTokenPath(opts.email));
    this.lockKey = this.path;
    this.#log = new LoggerSlot(opts.logger);
    this.#lockWait = Math.max(0, opts.lockWait ?? DEFAULTS.lockWait);
  }

  /**
   * Runs `fn` holding the cross-process lock file `<path>.lock` (the client wraps its token load, validation and
   * login in it). When the lock is not free within `lockWait` ms, or lock files cannot be created there, `fn` runs
   * without it after a warning.
   */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#lockWait === 0) return fn();
    const release = await acquireFileLock(`${this.path}.lock`, { wait: this.#lockWait, stale: LOCK_STALE });
    if (!release) this.#log.warn(`FileTokenStore: ${this.path}.lock not acquired; logging in without it`);
    try {
      return await fn();
    } finally {
      await release?.();
    }
  }

  /** Routes warnings through the client's logger (an explicit `logger` option wins). */
  setLogger(logger: Logger): void {
    this.#log.set(logger);
  }

  /** The stored token, or `null` when nothing usable is stored. Never rejects. */
  async load(): Promise<Token | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') {
        this.#log.debug(`FileTokenStore: no token file at ${this.path}`);
      } else {
        this.#log.warn(`FileTokenStore: cannot read ${this.path} (${errorKind(err)}); no token loaded`);
      }
      return null;
    }
    const token = text.trim() ? parseStoredToken(text) : null;
    if (!token) this.#log.warn(`FileTokenStore: ignoring corrupt token file ${this.path}`);
    return token;
  }

  /** Writes `token` atomically with mode 0600. Rejects with {@link BragerOneError} when the write fails. */
  async save(token: Token): Promise<void> {
    const content = `${serializeToken(token)}\n`;
    return this.#serial(async () => {
      try {
        await writeFileAtomic(this.path, content, 0o600);
      } catch (err) {
        throw new BragerOneError(`FileTokenStore: cannot write ${this.path} (${errorKind(err)})`, { cause: err });
      }
      this.#lastOwn = content;
    });
  }

  /** Deletes the token file (a missing file is fine). Rejects with {@link BragerOneError} when it cannot be removed. */
  async clear(): Promise<void> {
    return this.#serial(async () => {
      try {
        await unlink(this.path);
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'ENOENT') {
          throw new BragerOneError(`FileTokenStore: cannot remove ${this.path} (${errorKind(err)})`, { cause: err });
        }
      }
      this.#lastOwn = null;
    });
  }

  #serial(op: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * Calls `cb` with the re-loaded token (or `null` once the file is gone or corrupt) when the file changes and the
   * change was not made by this instance. Watches the directory (renames replace the file); events are debounced
   * (50 ms). When the directory does not exist or cannot be watched, the callback never fires. The watcher does
   * not keep the process alive.
   */
  watch(cb: (token: Token | null) => void): () => void {
    const dir = dirname(this.path);
    const name = basename(this.path);
    let watcher: FSWatcher | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let active = true;
    let lastSeen: string | null | undefined;
    const check = async (): Promise<void> => {
      let text: string | null;
      try {
        text = await readFile(this.path, 'utf8');
      } catch {
        text = null;
      }
      if (!active || text === lastSeen) return;
      lastSeen = text;
      if (text === this.#lastOwn) return;
      cb(text === null ? null : parseStoredToken(text));
    };
    try {
      watcher = fsWatch(dir, { persistent: false }, (_event, file) => {
        if (file !== null && file !== undefined && String(file) !== name) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void check().catch(() => {}), 50);
        unrefTimer(timer);
      });
      watcher.on('error', () => {});
      // Remember the current content so the first event only reports a real change.
      void readFile(this.path, 'utf8').then(
        (t) => {
          if (lastSeen === undefined) lastSeen = t;
        },
        () => {
          if (lastSeen === undefined) lastSeen = null;
        },
      );
    } catch (err) {
      this.#log.debug(`FileTokenStore: cannot watch ${dir} (${errorKind(err)})`);
    }
    return () => {
      if (!active) return;
      active = false;
      if (timer) clearTimeout(timer);
      watcher?.close();
    };
  }
}
