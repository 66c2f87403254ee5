import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isBragerOneError } from '../../src/errors.js';
import { FileTokenStore, defaultTokenPath, safeTokenFileName } from '../../src/stores/file.js';
import { runTokenStoreContract, sampleToken } from './contract.js';
import { bundleForChild } from './helpers.js';
import { captureLogger } from '../helpers/logger.js';
import { until } from '../helpers/wait.js';

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
let root: string;
let n = 0;
const fresh = () => join(root, `case-${++n}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bragerone-file-store-'));
});
afterAll(async () => {
  await chmod(root, 0o700).catch(() => {});
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

runTokenStoreContract(
  'FileTokenStore',
  () => new FileTokenStore({ path: join(fresh(), 'token.json'), logger: captureLogger() }),
  {
    reopen: (s) => new FileTokenStore({ path: (s as FileTokenStore).path, logger: captureLogger() }),
  },
);

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('FileTokenStore', () => {
  it('creates the directory 0700 and the file 0600, whatever the umask', async () => {
    const dir = join(fresh(), 'nested', 'bragerone');
    const path = join(dir, 'token.json');
    const old = process.umask(0o000);
    try {
      await new FileTokenStore({ path }).save(sampleToken());
    } finally {
      process.umask(old);
    }
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(path)).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(sampleToken());
    // replacing keeps 0600 and leaves no temporary files behind
    await new FileTokenStore({ path }).save(sampleToken({ accessToken: 'second' }));
    expect(await mode(path)).toBe(0o600);
    expect(await readdir(dir)).toEqual(['token.json']);
  });

  it('default path: $XDG_CONFIG_HOME/bragerone/token-<safe email>.json, else ~/.config', () => {
    vi.stubEnv('XDG_CONFIG_HOME', '/xdg-test');
    expect(new FileTokenStore({ email: 'Demo@BragerOne.local' }).path).toBe(
      '/xdg-test/bragerone/token-demo@bragerone.local.json',
    );
    expect(new FileTokenStore().path).toBe('/xdg-test/bragerone/token-default.json');
    expect(new FileTokenStore().lockKey).toBe('/xdg-test/bragerone/token-default.json');
    vi.stubEnv('XDG_CONFIG_HOME', '');
    expect(defaultTokenPath('a@b.c')).toMatch(/[\\/]\.config[\\/]bragerone[\\/]token-a@b\.c\.json$/);
  });

  it('the email part of the file name cannot escape the directory', () => {
    for (const evil of ['../../etc/passwd', '..', '/abs', 'a\u0000b', 'C:\\x']) {
      const name = safeTokenFileName(evil);
      expect(name).toMatch(/^token-[a-z0-9._@+-]+\.json$/);
      expect(name).not.toMatch(/[\\/]|^token-\./);
    }
    expect(safeTokenFileName('a/b\\c d')).toBe('token-a_b_c_d.json');
    expect(safeTokenFileName('')).toBe('token-default.json');
    expect(safeTokenFileName('   ')).toBe('token-default.json');
    expect(safeTokenFileName('x'.repeat(500)).length).toBeLessThan(120);
  });

  it('a missing file loads null without a warning', async () => {
    const logger = captureLogger();
    expect(await new FileTokenStore({ path: join(fresh(), 'none.json'), logger }).load()).toBeNull();
    expect(logger.warnings()).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['truncated JSON', '{"accessToken":"abc'],
    ['binary junk', '\u0000\u0001\u00ff'],
    ['wrong shape', '{"token":123}'],
    ['a list', '[]'],
  ])('a corrupt file (%s) loads null with a warning', async (_label, content) => {
    const dir = fresh();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'token.json');
    await writeFile(path, content);
    const logger = captureLogger();
    expect(await new FileTokenStore({ path, logger }).load()).toBeNull();
    expect(logger.warnings()).toHaveLength(1);
    expect(logger.warnings()[0]).toMatch(/corrupt/);
  });

  it('reads the snake_case record of PROTOCOL.md §3.6', async () => {
    const dir = fresh();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'token.json');
    await writeFile(
      path,
      JSON.stringify({
        access_token: 'py-token',
        token_type: 'bearer',
        refresh_token: null,
        expires_at: null,
        objects: [],
      }),
    );
    expect((await new FileTokenStore({ path }).load())?.accessToken).toBe('py-token');
  });

  it('unreadable location (parent is a regular file) → load null + warning; save rejects with BragerOneError', async () => {
    const dir = fresh();
    await mkdir(dir, { recursive: true });
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const logger = captureLogger();
    const store = new FileTokenStore({ path: join(blocker, 'token.json'), logger });
    expect(await store.load()).toBeNull();
    expect(logger.warnings()).toHaveLength(1);
    expect(logger.warnings()[0]).toMatch(/ENOTDIR/);
    const err = (await store.save(sampleToken()).then(
      () => null,
      (e: unknown) => e,
    )) as Error | null;
    expect(isBragerOneError(err)).toBe(true);
    expect(err?.message).not.toContain(sampleToken().accessToken);
  });

  it('a path that is a directory → load null + warning', async () => {
    const dir = fresh();
    await mkdir(join(dir, 'token.json'), { recursive: true });
    const logger = captureLogger();
    expect(await new FileTokenStore({ path: join(dir, 'token.json'), logger }).load()).toBeNull();
    expect(logger.warnings()[0]).toMatch(/EISDIR/);
  });

  // Root bypasses permission bits, so the EACCES half of this test only runs as a normal user.
  it('a directory without permissions → load null + warning (permission check skipped as root)', async () => {
    const dir = fresh();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'token.json');
    await new FileTokenStore({ path }).save(sampleToken());
    await chmod(dir, 0o000);
    try {
      const logger = captureLogger();
      const loaded = await new FileTokenStore({ path, logger }).load();
      if (!IS_ROOT) {
        expect(loaded).toBeNull();
        expect(logger.warnings()[0]).toMatch(/EACCES/);
      }
    } finally {
      await chmod(dir, 0o700);
    }
  });

  it('clear removes the file; clearing a missing file is fine', async () => {
    const path = join(fresh(), 'token.json');
    const store = new FileTokenStore({ path });
    await store.save(sampleToken());
    await store.clear();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.clear();
  });

  it('save and clear of one instance apply in call order', async () => {
    const path = join(fresh(), 'token.json');
    const store = new FileTokenStore({ path });
    const ops = [
      store.save(sampleToken({ accessToken: 'one' })),
      store.clear(),
      store.save(sampleToken({ accessToken: 'two' })),
      store.clear(),
    ];
    await Promise.all(ops);
    expect(await store.load()).toBeNull();
    await Promise.all([store.clear(), store.save(sampleToken({ accessToken: 'last' }))]);
    expect((await store.load())?.accessToken).toBe('last');
  });

  it('a failed write leaves the previous file and no temporary file', async () => {
    const dir = fresh();
    const path = join(dir, 'token.json');
    const store = new FileTokenStore({ path });
    await store.save(sampleToken({ accessToken: 'kept-token' }));
    // a token with a circular object cannot be serialised: the save fails before touching the file
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.save(sampleToken({ objects: [cyclic] }))).rejects.toThrow();
    expect((await store.load())?.accessToken).toBe('kept-token');
    expect(await readdir(dir)).toEqual(['token.json']);
  });

  it('watch reports saves and clears made by another instance, not its own', async () => {
    const path = join(fresh(), 'token.json');
    const mine = new FileTokenStore({ path });
    const other = new FileTokenStore({ path });
    await mine.save(sampleToken({ accessToken: 'initial' }));
    const seen: (string | null)[] = [];
    // Only the watcher's 50 ms debounce timer is fake: a pending timer shows that a file event came in, and the
    // test fires it instead of sleeping past it (fs.watch itself stays real).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const off = mine.watch((t) => seen.push(t ? t.accessToken : null));
    const debounce = async (): Promise<void> => {
      await until(() => vi.getTimerCount() > 0, 'a file event (the debounce timer armed)', 3000);
      await vi.runAllTimersAsync();
    };
    try {
      await mine.save(sampleToken({ accessToken: 'own-write' }));
      await debounce(); // the own write is checked (and must be skipped) before the other instance writes
      expect(seen).toEqual([]);
      await other.save(sampleToken({ accessToken: 'from-other-process' }));
      await debounce();
      await until(() => seen.length > 0, 'the other write reported', 3000);
      expect(seen).toEqual(['from-other-process']);
      await other.clear();
      await debounce();
      await until(() => seen.length > 1, 'the clear reported', 3000);
      expect(seen).toEqual(['from-other-process', null]);
    } finally {
      off();
      vi.useRealTimers();
    }
  });
});

describe('FileTokenStore atomic replace across processes', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleForChild('stores/file.ts', join(root, 'file-store.mjs'));
  });

  it('2 writers × 500 saves while a reader parses continuously: every read parses', async () => {
    const path = join(fresh(), 'token.json');
    const childCode = `
      const { FileTokenStore } = await import(process.argv[1]);
      const [path, id] = [process.argv[2], process.argv[3]];
      const store = new FileTokenStore({ path, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      for (let i = 0; i < 500; i++) {
        const pad = 'x'.repeat((i * 7919) % 20000);
        await store.save({ accessToken: 'w' + id + '-' + i + '-' + pad, refreshToken: null, tokenType: 'bearer',
          expiresAt: null, userId: i, objects: [{ id: i, writer: id, pad }] });
      }
    `;
    const run = (id: string) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', childCode, bundle, path, id], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 ? resolve(code) : reject(new Error(`writer ${id} exited ${code}: ${err}`)),
        );
      });
    const writers = Promise.all([run('A'), run('B')]);
    let done = false;
    void writers.finally(() => (done = true)).catch(() => {});
    let reads = 0;
    const failures: string[] = [];
    let sawFile = false;
    const reader = new FileTokenStore({ path, logger: captureLogger() });
    while (!done) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
        if (sawFile) failures.push('file vanished between writes');
        continue;
      }
      sawFile = true;
      reads++;
      try {
        const rec = JSON.parse(text) as { accessToken: string; objects: { pad: string }[] };
        const pad = rec.accessToken.split('-')[2] ?? '';
        if (rec.objects[0]?.pad !== pad) failures.push('mixed record');
      } catch {
        failures.push(`unparsable read of ${text.length} chars`);
      }
      if (reads % 10 === 0 && !(await reader.load())) failures.push('load() returned null');
    }
    await writers;
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(20);
    expect((await reader.load())?.accessToken).toMatch(/^w[AB]-499-/);
    expect((await readdir(join(path, '..'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
