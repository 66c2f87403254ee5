import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, BragerOneApiClient, BragerOneError, MemoryTokenStore, type Token } from '../../src/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { captureLogger } from '../helpers/logger.js';

const sim = useSimulator();

function client(extra: ConstructorParameters<typeof BragerOneApiClient>[0] = {}) {
  return new BragerOneApiClient({ server: sim().server, logLevel: 'silent', ...extra });
}

afterEach(() => {
  sim().faults.clear();
  sim().stats.reset();
});

describe('ensureAuth', () => {
  it('logs in once for 200 concurrent callers', async () => {
    const c = client({ credsProvider: () => DEMO });
    const before = sim().loginCount();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => c.ensureAuth()));
    expect(sim().loginCount() - before).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(c.stats.logins).toBe(1);
    expect(c.accessToken).toBe(tokens[0]?.accessToken);
    await c.close();
  });

  it('200 concurrent callers with a stored token: one store load, one validation, no login', async () => {
    const first = client();
    const token = await first.ensureAuth(DEMO.email, DEMO.password);
    let loads = 0;
    const store = new MemoryTokenStore(token);
    const counting = {
      load: () => {
        loads++;
        return store.load();
      },
      save: (t: Token) => store.save(t),
      clear: () => store.clear(),
    };
    const c = client({ tokenStore: counting });
    sim().stats.reset();
    const logins = sim().loginCount();
    await Promise.all(Array.from({ length: 200 }, () => c.getUser()));
    expect(loads).toBe(1);
    expect(sim().stats.count('GET /v1/user')).toBe(201); // 1 validation + 200 calls
    expect(sim().loginCount()).toBe(logins);
    expect(c.stats.validations).toBe(1);
  });

  it('drops a stored token the server rejects and logs in', async () => {
    const store = new MemoryTokenStore({
      accessToken: 'not-a-real-token',
      refreshToken: null,
      tokenType: 'bearer',
      expiresAt: null,
      userId: null,
      objects: [],
    });
    const c = client({ tokenStore: store, credsProvider: () => DEMO });
    const t = await c.ensureAuth();
    expect(t.accessToken).not.toBe('not-a-real-token');
    expect((store.load() as Token).accessToken).toBe(t.accessToken);
  });

  it('logs in again when the stored token is inside the refresh leeway, without validating it', async () => {
    const base = await client().ensureAuth(DEMO.email, DEMO.password);
    const soon = new Date(Date.now() + 30_000).toISOString();
    const c = client({ tokenStore: new MemoryTokenStore({ ...base, expiresAt: soon }), credsProvider: () => DEMO });
    sim().stats.reset();
    const t = await c.ensureAuth();
    expect(t.accessToken).not.toBe(base.accessToken);
    expect(sim().stats.count('GET /v1/user')).toBe(0);
    expect(sim().stats.count('POST /v1/auth/user')).toBe(1);
  });

  it('validateOnStart: false trusts a stored token without a probe', async () => {
    const base = await client().ensureAuth(DEMO.email, DEMO.password);
    const c = client({ tokenStore: new MemoryTokenStore(base), validateOnStart: false });
    sim().stats.reset();
    await c.ensureAuth();
    expect(sim().stats.count('GET /v1/user')).toBe(0);
  });

  it('rejects with ApiError(401) without token, credentials or provider, and sends nothing', async () => {
    const c = client();
    // NotAuthenticatedError is an ApiError with status 401 (a subclass, named for what happened).
    const err = await c.getUser().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ name: 'NotAuthenticatedError', status: 401 });
    expect(sim().stats.total()).toBe(0);
    expect(() => c.accessToken).toThrow(Error);
  });

  it('bad credentials reject with ApiError(401) from the server', async () => {
    const c = client();
    const err = await c.ensureAuth(DEMO.email, 'wrong').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(JSON.stringify(err)).not.toContain('wrong');
  });

  it('retries a duplicate-entry login and succeeds', async () => {
    sim().faults.duplicateEntryLogins(2);
    const c = client({ credsProvider: () => DEMO });
    const t = await c.ensureAuth();
    expect(t.accessToken.length).toBeGreaterThan(8);
    expect(sim().stats.count('POST /v1/auth/user')).toBe(3);
  });

  it('gives up on duplicate entry after 3 retries (4 attempts) and does not retry other 500s', async () => {
    sim().faults.duplicateEntryLogins(10);
    const c = client({ credsProvider: () => DEMO });
    await expect(c.ensureAuth()).rejects.toMatchObject({ status: 500 });
    expect(sim().stats.count('POST /v1/auth/user')).toBe(4);
    sim().faults.clear();
    sim().stats.reset();
    sim().faults.failNext('POST /v1/auth/user', 1, { status: 500, body: { message: 'boom' } });
    await expect(client({ credsProvider: () => DEMO }).ensureAuth()).rejects.toMatchObject({ status: 500 });
    expect(sim().stats.count('POST /v1/auth/user')).toBe(1);
  });
});

describe('401 handling', () => {
  it('a revoked token: one re-login, one replay, success', async () => {
    const c = client({ credsProvider: () => DEMO });
    await c.ensureAuth();
    const old = c.accessToken;
    sim().revokeTokens();
    sim().stats.reset();
    const user = await c.getUser();
    expect(user.email).toBe(DEMO.email);
    expect(c.accessToken).not.toBe(old);
    expect(sim().stats.count('GET /v1/user')).toBe(2);
    expect(sim().stats.count('POST /v1/auth/user')).toBe(1);
  });

  it('concurrent 401s share one re-login', async () => {
    const c = client({ credsProvider: () => DEMO });
    await c.ensureAuth();
    sim().expireTokens();
    sim().stats.reset();
    await Promise.all(Array.from({ length: 20 }, () => c.getObjects()));
    expect(sim().stats.count('POST /v1/auth/user')).toBe(1);
  });

  it('an always-401 route rejects with ApiError(401) after a bounded number of requests', async () => {
    const c = client({ credsProvider: () => DEMO });
    await c.ensureAuth();
    sim().stats.reset();
    sim().faults.failFor('GET /v1/user/permissions', 60_000, { status: 401, body: { message: 'Unauthorized' } });
    await expect(c.getUserPermissions()).rejects.toMatchObject({ status: 401 });
    expect(sim().stats.count('GET /v1/user/permissions')).toBe(2);
    expect(sim().stats.count('POST /v1/auth/user')).toBe(1);
  });
});

describe('revoke', () => {
  it('revokes server-side, clears memory and store, and does not reload the old token', async () => {
    const store = new MemoryTokenStore();
    const c = client({ tokenStore: store, credsProvider: () => DEMO });
    const t = await c.ensureAuth();
    await c.revoke();
    expect(store.load()).toBeNull();
    expect(c.token).toBeNull();
    expect(sim().stats.count('POST /v1/auth/revoke')).toBe(1);
    const t2 = await c.ensureAuth();
    expect(t2.accessToken).not.toBe(t.accessToken);
  });

  it.each([401, 403, 404])('swallows %i and still clears', async (status) => {
    const store = new MemoryTokenStore();
    const c = client({ tokenStore: store, credsProvider: () => DEMO });
    await c.ensureAuth();
    sim().faults.failNext('POST /v1/auth/revoke', 1, { status });
    await expect(c.revoke()).resolves.toBeUndefined();
    expect(store.load()).toBeNull();
    expect(c.token).toBeNull();
  });

  it('other errors are re-thrown after the cleanup', async () => {
    const store = new MemoryTokenStore();
    const c = client({ tokenStore: store, credsProvider: () => DEMO });
    await c.ensureAuth();
    sim().faults.failNext('POST /v1/auth/revoke', 1, { status: 500 });
    await expect(c.revoke()).rejects.toMatchObject({ status: 500 });
    expect(store.load()).toBeNull();
  });

  it('a revoked token saved elsewhere into the same store is not re-adopted', async () => {
    const store = new MemoryTokenStore();
    const c = client({ tokenStore: store });
    const t = await c.ensureAuth(DEMO.email, DEMO.password);
    await c.revoke();
    store.save(t); // e.g. a stale writer
    const t2 = await c.ensureAuth();
    expect(t2.accessToken).not.toBe(t.accessToken);
  });
});

describe('lifecycle', () => {
  it('close() is idempotent and a closed client rejects with BragerOneError', async () => {
    const c = client({ credsProvider: () => DEMO });
    await c.close();
    await c.close();
    await expect(c.getUser()).rejects.toBeInstanceOf(BragerOneError);
    await expect(c.ensureAuth()).rejects.toBeInstanceOf(BragerOneError);
  });

  it('setTokenStore switches persistence', async () => {
    const c = client({ credsProvider: () => DEMO, tokenStore: null });
    const s = new MemoryTokenStore();
    c.setTokenStore(s);
    const t = await c.ensureAuth();
    expect(s.load()?.accessToken).toBe(t.accessToken);
  });

  it('a store that throws on load is treated as empty and logged', async () => {
    const log = captureLogger();
    const broken = {
      load: () => {
        throw new Error('disk on fire');
      },
      save: () => {},
      clear: () => {},
    };
    const c = client({ tokenStore: broken, credsProvider: () => DEMO, logger: log, logLevel: 'warn' });
    await expect(c.ensureAuth()).resolves.toMatchObject({ tokenType: 'bearer' });
    expect(log.lines.some((l) => l.includes('disk on fire'))).toBe(true);
  });
});
