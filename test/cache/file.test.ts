import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCacheAdapter } from '../../src/cache/file.js';
import { BragerOneError } from '../../src/errors.js';
import { runCacheAdapterContract } from './contract.js';
import { captureLogger } from '../helpers/logger.js';

let root: string;
let n = 0;
const fresh = () => join(root, `cache-${++n}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bragerone-file-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

runCacheAdapterContract('FileCacheAdapter', () => new FileCacheAdapter({ dir: fresh() }), {
  reopen: (a) => new FileCacheAdapter({ dir: (a as FileCacheAdapter).dir }),
});

const URL1 = 'https://one.example.test/assets/index-abc.js';
const entry = { etag: '"e1"', lastModified: null, body: Uint8Array.from([1, 10, 13, 0, 255]) };

describe('FileCacheAdapter', () => {
  it('requires a dir', () => {
    expect(() => new FileCacheAdapter({} as { dir: string })).toThrow(BragerOneError);
  });

  it('one file per URL named by the SHA-256 hex of the URL, mode 0600 in a 0700 dir', async () => {
    const dir = join(fresh(), 'sub');
    const a = new FileCacheAdapter({ dir });
    await a.set(URL1, entry);
    const name = `${createHash('sha256').update(URL1).digest('hex')}.cache`;
    expect(await readdir(dir)).toEqual([name]);
    expect(a.fileFor(URL1)).toBe(join(dir, name));
    expect((await stat(join(dir, name))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const raw = await readFile(join(dir, name));
    const nl = raw.indexOf(10);
    expect(JSON.parse(raw.subarray(0, nl).toString())).toMatchObject({
      url: URL1,
      etag: '"e1"',
      lastModified: null,
      size: 5,
    });
    expect(Array.from(raw.subarray(nl + 1))).toEqual([1, 10, 13, 0, 255]);
  });

  const corruptions: [string, (raw: Buffer) => Buffer | string][] = [
    ['truncated body', (raw) => raw.subarray(0, raw.length - 2)],
    ['extra bytes', (raw) => Buffer.concat([raw, Buffer.from([1])])],
    ['no header line', () => 'just some bytes without a newline'],
    ['header not JSON', (raw) => Buffer.concat([Buffer.from('{oops\n'), raw.subarray(raw.indexOf(10) + 1)])],
    ['header of another URL', (raw) => Buffer.from(raw.toString('latin1').replace(URL1, `${URL1}?other`), 'latin1')],
    ['wrong format tag', (raw) => Buffer.from(raw.toString('latin1').replace('bragerone-cache/1', 'x/9'), 'latin1')],
    ['empty file', () => ''],
  ];
  it.each(corruptions)('a corrupt file (%s) reads as a miss', async (_label, corrupt) => {
    const a = new FileCacheAdapter({ dir: fresh(), logger: captureLogger() });
    await a.set(URL1, entry);
    const file = a.fileFor(URL1);
    await writeFile(file, corrupt(await readFile(file)));
    expect(await a.get(URL1)).toBeUndefined();
  });

  it('clear removes only cache files, keeps the directory and foreign files', async () => {
    const dir = fresh();
    const a = new FileCacheAdapter({ dir });
    await a.set(URL1, entry);
    await a.set(`${URL1}?2`, entry);
    await writeFile(join(dir, 'README.txt'), 'mine');
    await a.clear();
    expect(await readdir(dir)).toEqual(['README.txt']);
  });

  it('operations on a missing or unusable directory never reject', async () => {
    const base = fresh();
    await mkdir(base, { recursive: true });
    await writeFile(join(base, 'file'), 'x');
    const logger = captureLogger();
    const a = new FileCacheAdapter({ dir: join(base, 'file', 'cache'), logger });
    expect(await a.get(URL1)).toBeUndefined();
    await expect(a.set(URL1, entry)).resolves.toBeUndefined();
    expect(logger.warnings()).toHaveLength(1);
    await expect(a.delete(URL1)).resolves.toBeUndefined();
    await expect(a.clear()).resolves.toBeUndefined();
    await expect(new FileCacheAdapter({ dir: join(base, 'nope') }).clear()).resolves.toBeUndefined();
  });

  it('concurrent sets of one URL leave one complete entry', async () => {
    const a = new FileCacheAdapter({ dir: fresh() });
    const bodies = Array.from({ length: 20 }, (_, i) => new Uint8Array(1000 + i * 100).fill(i));
    await Promise.all(bodies.map((body, i) => a.set(URL1, { etag: `"${i}"`, lastModified: null, body })));
    const got = await a.get(URL1);
    const i = Number(got?.etag?.replaceAll('"', ''));
    expect(got?.body.byteLength).toBe(1000 + i * 100);
    expect(got?.body.every((b) => b === i)).toBe(true);
  });
});
