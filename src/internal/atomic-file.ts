/** Internal (not public), Node only: atomic file replacement shared by FileTokenStore and FileCacheAdapter. */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Creates `dir` (and parents) when missing; a directory created here gets mode 0700 whatever the umask. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) await chmod(dir, 0o700).catch(() => {});
}

/**
 * Atomic replace: write `content` to a fresh temporary file next to `path` (created with `mode`), fsync, rename over
 * `path`, then fsync the directory (best effort). The parent directory is created with mode 0700 when missing.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  mode: number,
  sync = true,
): Promise<void> {
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    try {
      await fh.chmod(mode); // open() mode is filtered by the umask
      await fh.writeFile(content);
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  if (sync) {
    try {
      const d = await open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      /* some filesystems cannot fsync a directory */
    }
  }
}
