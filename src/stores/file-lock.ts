/** Internal, Node only: a cross-process mutex held as a lock file next to a path. */
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir } from '../internal/atomic-file.js';

/** How {@link acquireFileLock} waits. */
export interface FileLockOptions {
  /** Give up after this many ms (resolves `null`). */
  wait: number;
  /** A lock older than this (ms) is stale even when its process still runs (hung, or its pid was reused). */
  stale: number;
}

interface Holder {
  pid: number;
  at: number;
  id: string;
}

function parseHolder(text: string | null): Holder | null {
  if (text === null) return null;
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.at === 'number' && typeof h.id === 'string' ? (h as Holder) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: unknown }).code === 'EPERM'; // exists, owned by someone else
  }
}

const readOrNull = (p: string): Promise<string | null> => readFile(p, 'utf8').catch(() => null);
const quietUnlink = (p: string): Promise<void> => unlink(p).catch(() => {});

/**
 * Takes the lock file `path`: its content is written to a private file first and hard-linked into place, so the
 * lock appears atomically and complete (`link` fails with EEXIST while another holder has it). A lock whose process
 * is gone, that is older than `stale`, or that is unreadable garbage is taken over. Resolves a release function,
 * or `null` when the lock was not free within `wait` ms or the directory does not allow lock files.
 */
export async function acquireFileLock(path: string, opts: FileLockOptions): Promise<(() => Promise<void>) | null> {
  const dir = dirname(path);
  if (
    !(await ensurePrivateDir(dir).then(
      () => true,
      () => false,
    ))
  )
    return null;
  const me: Holder = { pid: process.pid, at: Date.now(), id: randomBytes(8).toString('hex') };
  const mine = JSON.stringify(me);
  const tmp = join(dir, `.${basename(path)}.${me.id}.tmp`);
  try {
    await writeFile(tmp, mine, { mode: 0o600, flag: 'wx' });
  } catch {
    return null;
  }
  const deadline = Date.now() + opts.wait;
  try {
    for (;;) {
      try {
        await link(tmp, path);
        return async () => {
          if ((await readOrNull(path)) === mine) await quietUnlink(path);
        };
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'EEXIST') return null;
      }
      const text = await readOrNull(path);
      const holder = parseHolder(text);
      if (text !== null && (!holder || !alive(holder.pid) || Date.now() - holder.at > opts.stale)) {
        await takeOver(path, text, me.id);
        continue;
      }
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 35));
    }
  } finally {
    await quietUnlink(tmp);
  }
}

/** Moves a stale lock aside; if another waiter replaced it meanwhile, puts that fresh lock back. */
async function takeOver(path: string, staleText: string, id: string): Promise<void> {
  const aside = `${path}.${id}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return; // gone already
  }
  if ((await readOrNull(aside)) !== staleText) await link(aside, path).catch(() => {});
  await quietUnlink(aside);
}
