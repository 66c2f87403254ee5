/** Node-only token store (imported from the `bragerone/node` entry, never from the browser entry). */
import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type Token, type TokenStore, parseStoredToken, serializeToken } from '../auth/token.js';
import { BragerOneError } from '../errors.js';
import type { Logger } from '../log.js';
import { writeFileAtomic } from './atomic-file.js';
import { LoggerSlot, errorKind } from './internal.js';

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** Token file; default `$XDG_CONFIG_HOME` (or `~/.config`) `/bragerone/token-<email or 'default'>.json`. */
  path?: string;
  /** Account the default file name is derived from (lower-cased, unsafe characters replaced by `_`). */
  email?: string;
  /** Receives warnings (unreadable or corrupt file); default the client's logger, else `console` at `warn`. */
  logger?: Logger;
}

/** File-name-safe form of an email: lower case, `[a-z0-9._@+-]` kept, anything else `_`, at most 100 characters. */
export function safeTokenFileName(email?: string): string {
  const raw = (email ?? '').trim().toLowerCase();
  let safe = raw.replace(/[^a-z0-9._@+-]/g, '_').replace(/^\.+/, '_').slice(0, 100);
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

  constructor(opts: FileTokenStoreOptions = {}) {
    this.path = resolve(opts.path ?? defaultTokenPath(opts.email));
    this.lockKey = this.path;
    this.#log = new LoggerSlot(opts.logger);
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
        (timer as { unref?: () => void }).unref?.();
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
