/** Node-only HTTP cache adapter (imported from the `bragerone/node` entry, never from the browser entry). */
import { createHash } from 'node:crypto';
import { readFile, readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import { writeFileAtomic } from '../internal/atomic-file.js';
import { errorKind } from '../internal/error-text.js';
import { LoggerSlot } from '../internal/logger.js';
import type { CacheAdapter, CacheEntry } from './types.js';
import { BragerOneError } from '../errors.js';

/** Options of {@link FileCacheAdapter}. */
export interface FileCacheOptions {
  /** Directory holding the cache files; created (mode 0700) on first write. */
  dir: string;
  /** Receives warnings about failed writes; default `console` at `warn`. */
  logger?: Logger;
}

const FORMAT = 'bragerone-cache/1';
const FILE_RE = /^[0-9a-f]{64}\.cache$/;

interface Header {
  f: string;
  url: string;
  etag: string | null;
  lastModified: string | null;
  size: number;
}

function isHeader(v: unknown): v is Header {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  const s = (x: unknown) => x === null || typeof x === 'string';
  return h.f === FORMAT && typeof h.url === 'string' && s(h.etag) && s(h.lastModified) && Number.isSafeInteger(h.size);
}

/**
 * HTTP cache adapter storing one file per URL in `dir` (Node). The file name is the SHA-256 hex of the URL plus
 * `.cache`; the file holds one JSON header line (`url`, `etag`, `lastModified`, body `size`) followed by the raw
 * body bytes. Files are replaced atomically (temporary file + rename); a truncated, foreign or unreadable file reads
 * as a miss. Writes are not fsynced: a file cut short by a crash fails the size check and is a miss.
 *
 * Best effort like every cache: `get()` resolves `undefined` on any problem; `set()`, `delete()` and `clear()` never
 * reject — failures are logged. `clear()` removes only this adapter's files, never the directory.
 */
export class FileCacheAdapter implements CacheAdapter {
  /** Absolute cache directory. */
  readonly dir: string;
  readonly #log: LoggerSlot;

  constructor(opts: FileCacheOptions) {
    if (!opts || typeof opts.dir !== 'string' || !opts.dir)
      throw new BragerOneError('FileCacheAdapter: `dir` is required');
    this.dir = resolve(opts.dir);
    this.#log = new LoggerSlot(opts.logger);
  }

  /** Routes warnings through the client's logger (an explicit `logger` option wins). */
  setLogger(logger: Logger): void {
    this.#log.set(logger);
  }

  /** Path of the file caching `url`. */
  fileFor(url: string): string {
    return join(this.dir, `${createHash('sha256').update(url).digest('hex')}.cache`);
  }

  /** The cached entry of `url`, or `undefined`. Never rejects. */
  async get(url: string): Promise<CacheEntry | undefined> {
    let buf: Buffer;
    try {
      buf = await readFile(this.fileFor(url));
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT')
        this.#log.debug(`FileCacheAdapter: read failed (${errorKind(err)})`);
      return undefined;
    }
    const nl = buf.indexOf(0x0a);
    if (nl < 0) return undefined;
    let header: unknown;
    try {
      header = JSON.parse(buf.subarray(0, nl).toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isHeader(header) || header.url !== url || buf.length - nl - 1 !== header.size) return undefined;
    const body = new Uint8Array(header.size);
    body.set(buf.subarray(nl + 1));
    return { etag: header.etag, lastModified: header.lastModified, body };
  }

  /** Caches `entry` for `url` (atomic replace). Never rejects; failures are logged. */
  async set(url: string, entry: CacheEntry): Promise<void> {
    const header: Header = {
      f: FORMAT,
      url,
      etag: entry.etag ?? null,
      lastModified: entry.lastModified ?? null,
      size: entry.body.byteLength,
    };
    const head = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
    const data = Buffer.concat([head, entry.body]);
    try {
      await writeFileAtomic(this.fileFor(url), data, 0o600, false);
    } catch (err) {
      this.#log.warn(`FileCacheAdapter: entry not cached (${errorKind(err)})`);
    }
  }

  /** Removes the entry of `url`. Never rejects. */
  async delete(url: string): Promise<void> {
    try {
      await unlink(this.fileFor(url));
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT')
        this.#log.debug(`FileCacheAdapter: delete failed (${errorKind(err)})`);
    }
  }

  /** Removes every cache file of this adapter in `dir` (other files are left alone). Never rejects. */
  async clear(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    await Promise.all(names.filter((n) => FILE_RE.test(n)).map((n) => unlink(join(this.dir, n)).catch(() => {})));
  }
}
