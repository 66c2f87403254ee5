/**
 * Fuzz / property tests of the token parsers and token stores: login payloads (`tokenFromLoginPayload` and the
 * client's login path), persisted records (`parseStoredToken`), and garbage in Web Storage and token files.
 * (Garbage in IndexedDB is covered by the browser suite, test/browser/stores.test.ts, against a real Chromium.)
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isTokenExpired, parseStoredToken, type Token, tokenFromLoginPayload } from '../../src/auth/token.js';
import { BragerOneApiClient } from '../../src/client.js';
import { FileTokenStore } from '../../src/stores/file.js';
import { LocalStorageTokenStore } from '../../src/stores/local-storage.js';
import { validLogin, validStoredToken } from './arbitraries.js';
import {
  RUNS,
  dumpError,
  fcParams,
  jsonValue,
  nearMiss,
  scalar,
  typedOrValue,
  typedOrValueAsync,
  viaJson,
} from './helpers.js';

function fail(what: string, detail?: unknown): never {
  throw new Error(`${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}

/** A {@link Token} as every consumer expects it: no field of the wrong type, `expiresAt` parsable or null. */
function wellFormed(t: Token): void {
  if (typeof t.accessToken !== 'string' || t.accessToken.length === 0) fail('accessToken', t);
  if (t.refreshToken !== null && (typeof t.refreshToken !== 'string' || t.refreshToken === '')) fail('refreshToken', t);
  if (typeof t.tokenType !== 'string' || t.tokenType === '') fail('tokenType', t);
  if (t.expiresAt !== null && (typeof t.expiresAt !== 'string' || !Number.isFinite(Date.parse(t.expiresAt))))
    fail('expiresAt', t);
  if (t.userId !== null && !Number.isInteger(t.userId)) fail('userId', t);
  if (!Array.isArray(t.objects)) fail('objects', t);
  // the expiry check never throws and answers a boolean for any well-formed token
  if (typeof isTokenExpired(t, 90_000, 0) !== 'boolean') fail('isTokenExpired');
}

/** Garbage of every kind a store may find: random text, truncated JSON, JSON of the wrong shape, near misses. */
const storedGarbage = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 2, arbitrary: jsonValue.map((x) => JSON.stringify(x) ?? 'undefined') },
  { weight: 3, arbitrary: nearMiss(validStoredToken).map((x) => JSON.stringify(x) ?? '') },
  {
    weight: 1,
    arbitrary: validStoredToken.chain((t) => fc.nat({ max: 200 }).map((n) => JSON.stringify(t).slice(0, n))),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'null',
      '[]',
      '{}',
      '""',
      '{"accessToken":""}',
      '{"accessToken":42}',
      '\u0000',
      '\uFEFF{}',
      'undefined',
      'NaN',
    ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')) },
);

describe('login payloads (§3.1)', () => {
  it('tokenFromLoginPayload: a well-formed Token or a ResponseValidationError, for any JSON and near misses', () => {
    fc.assert(
      fc.property(fc.oneof(validLogin.map(viaJson), nearMiss(validLogin), jsonValue), (payload) => {
        const r = typedOrValue(() => tokenFromLoginPayload(payload));
        if (r.ok) wellFormed(r.value);
        else if ((r.error as Error).name !== 'ResponseValidationError') fail('error class', (r.error as Error).name);
      }),
      fcParams(),
    );
  });

  it('the client login path: resolves a well-formed token or rejects with an SDK error that never echoes a token', async () => {
    let body: unknown = null;
    const fetch = async () =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    let client: BragerOneApiClient | undefined;
    await fc.assert(
      fc.asyncProperty(fc.oneof(validLogin, nearMiss(validLogin)), async (payload) => {
        body = payload;
        // a fresh client (and so a fresh login) every run
        const c = new BragerOneApiClient({
          apiBase: 'http://fuzz.invalid/v1',
          logLevel: 'silent',
          tokenStore: null,
          fetch,
        });
        client = c;
        const r = await typedOrValueAsync(() => c.ensureAuth('fuzz@example.test', 'fuzz-password'));
        if (r.ok) {
          wellFormed(r.value);
          return;
        }
        const p = payload as Record<string, unknown> | null;
        const secrets = [p?.accessToken, p?.refreshToken].filter(
          (s): s is string => typeof s === 'string' && s.length >= 8,
        );
        const text = dumpError(r.error);
        for (const s of secrets) {
          // a token that also appears as some other field's value may legitimately be quoted as that field
          const elsewhere = JSON.stringify({ ...p, accessToken: null, refreshToken: null }).includes(s);
          if (!elsewhere && text.includes(s))
            fail('login error echoes a token', { message: (r.error as Error).message });
        }
        if (text.includes('fuzz-password')) fail('login error echoes the password');
      }),
      // an integration path (client + transport per run); its pure parts get the full count above and in fuzz-schemas
      fcParams(RUNS / 5),
    );
    expect(client?.stats.inFlight).toBe(0);
  });
});

describe('persisted token records (§3.6)', () => {
  it('parseStoredToken: null or a well-formed Token for any value or text, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(validStoredToken, nearMiss(validStoredToken), jsonValue, storedGarbage, scalar), (value) => {
        const t = parseStoredToken(value);
        if (t !== null) wellFormed(t);
      }),
      fcParams(),
    );
  });

  it('parseStoredToken: no record without a non-empty string access token is ever accepted', () => {
    fc.assert(
      fc.property(fc.oneof(jsonValue, nearMiss(validStoredToken)), (value) => {
        let r = value as Record<string, unknown> | null;
        if (typeof value === 'string') {
          try {
            r = JSON.parse(value);
          } catch {
            r = null;
          }
        }
        const access = r && typeof r === 'object' && !Array.isArray(r) ? (r.accessToken ?? r.access_token) : undefined;
        const t = parseStoredToken(value);
        if ((typeof access !== 'string' || access === '') && t !== null)
          fail('accepted a record without an access token', value);
        if (t !== null && t.accessToken !== access) fail('access token changed', value);
      }),
      fcParams(),
    );
  });
});

/** Minimal in-memory Web Storage; `broken` makes every access throw like a blocked storage (`SecurityError`). */
class MemoryStorage implements Storage {
  readonly map = new Map<string, string>();
  broken = false;
  get length(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
  getItem(key: string): string | null {
    if (this.broken) throw new DOMException('The operation is insecure.', 'SecurityError');
    return this.map.get(key) ?? null;
  }
  key(i: number): string | null {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.map.set(key, String(value));
  }
  [name: string]: unknown;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('token stores on garbage: load() resolves null (or a well-formed token) and never rejects', () => {
  it('LocalStorageTokenStore (in-memory Storage, incl. a storage that throws)', async () => {
    const storage = new MemoryStorage();
    const store = new LocalStorageTokenStore({ storage, key: 'bragerone.token', logger: silent });
    await fc.assert(
      fc.asyncProperty(
        storedGarbage,
        fc.boolean(),
        fc.integer({ min: 0, max: 9 }),
        async (raw, validTokenBefore, brokenDice) => {
          storage.broken = false;
          storage.map.clear();
          if (validTokenBefore) storage.setItem('other.key', '{"accessToken":"unrelated"}');
          storage.setItem('bragerone.token', raw);
          storage.broken = brokenDice === 0;
          let t: Token | null;
          try {
            t = await store.load();
          } catch (e) {
            fail('load() rejected', String(e));
          }
          if (storage.broken && t !== null) fail('a blocked storage yielded a token');
          if (t !== null) {
            wellFormed(t);
            if (parseStoredToken(raw) === null) fail('load() accepted what parseStoredToken rejects', raw);
          }
        },
      ),
      fcParams(),
    );
  });

  const dir = mkdtempSync(join(tmpdir(), 'bragerone-rel-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('FileTokenStore (random bytes, truncated JSON, wrong shapes)', async () => {
    const path = join(dir, 'token-fuzz.json');
    const store = new FileTokenStore({ path, logger: silent });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          storedGarbage.map((s) => Buffer.from(s, 'utf8')),
          fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
        ),
        async (bytes) => {
          writeFileSync(path, bytes);
          let t: Token | null;
          try {
            t = await store.load();
          } catch (e) {
            fail('load() rejected', String(e));
          }
          if (t !== null) {
            wellFormed(t);
            if (parseStoredToken(bytes.toString('utf8')) === null)
              fail('load() accepted what parseStoredToken rejects');
          }
        },
      ),
      // file I/O per run: a tenth of the count; the parsing it relies on (parseStoredToken) gets the full count above
      fcParams(RUNS / 10),
    );
  });

  it('FileTokenStore: a directory, a dangling symlink or a missing parent at the token path → null', async () => {
    const asDir = join(dir, 'is-a-dir');
    mkdirSync(asDir);
    await expect(new FileTokenStore({ path: asDir, logger: silent }).load()).resolves.toBeNull();
    const link = join(dir, 'dangling.json');
    symlinkSync(join(dir, 'nowhere.json'), link);
    await expect(new FileTokenStore({ path: link, logger: silent }).load()).resolves.toBeNull();
    await expect(
      new FileTokenStore({ path: join(dir, 'no', 'such', 'dir', 'token.json'), logger: silent }).load(),
    ).resolves.toBeNull();
  });
});
