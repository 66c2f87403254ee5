/**
 * One login across contexts (tabs) whose shared token store propagates writes late. Chromium applies a
 * `localStorage` write of one tab to another tab's process asynchronously: the tab that gets the login lock next can
 * still read "no token" although the holder saved its fresh one before releasing the lock. The browser tab-lifecycle
 * test (test/browser/tab-lifecycle.test.ts) hit this about once in 20 starts with the CPU throttled 6× — two logins
 * 0.36 s apart, no `GET /user` in between. Here the lag is made certain: two clients in one process, each with its
 * own view of a shared store whose writes reach the other view 300 ms later (and then fire its `watch`, like the
 * `storage` event), and a Web Locks `navigator.locks` (Node has none) serialising them. The simulator is real.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type Token, type TokenStore, parseStoredToken, serializeToken } from '../../src/auth/token.js';
import { BragerOneApiClient } from '../../src/client.js';
import type { Simulator } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { DEMO } from '../helpers/sim.js';

const LAG = 300;

/** The part of the Web Locks API the SDK uses: exclusive locks by name, FIFO, `ifAvailable` and `signal`. */
class WebLocks {
  readonly #held = new Set<string>();
  readonly #waiting = new Map<string, Array<() => void>>();

  async request<T>(
    name: string,
    opts: { ifAvailable?: boolean; signal?: AbortSignal },
    cb: (lock: unknown) => T | Promise<T>,
  ): Promise<T> {
    if (this.#held.has(name)) {
      if (opts.ifAvailable) return cb(null);
      await new Promise<void>((resolve, reject) => {
        const queue = this.#waiting.get(name) ?? [];
        queue.push(resolve);
        this.#waiting.set(name, queue);
        opts.signal?.addEventListener('abort', () => {
          this.#waiting.set(
            name,
            (this.#waiting.get(name) ?? []).filter((w) => w !== resolve),
          );
          reject(opts.signal?.reason);
        });
      });
    }
    this.#held.add(name); // a waiter is handed the lock still held
    try {
      return await cb({ name, mode: 'exclusive' });
    } finally {
      const next = this.#waiting.get(name)?.shift();
      if (next) next();
      else this.#held.delete(name);
    }
  }
}

/** A store shared by contexts: each sees its own writes at once and the others' `LAG` ms later. */
class SharedStore {
  readonly views: LaggingView[] = [];
  view(): LaggingView {
    const v = new LaggingView(this);
    this.views.push(v);
    return v;
  }
}

class LaggingView implements TokenStore {
  readonly lockKey = 'bragerone.token:test:shared';
  #seen: string | null = null;
  readonly #watchers = new Set<(t: Token | null) => void>();
  constructor(private readonly shared: SharedStore) {}

  load(): Token | null {
    return this.#seen === null ? null : parseStoredToken(this.#seen);
  }
  save(token: Token): void {
    this.#write(serializeToken(token));
  }
  clear(): void {
    this.#write(null);
  }
  watch(cb: (t: Token | null) => void): () => void {
    this.#watchers.add(cb);
    return () => this.#watchers.delete(cb);
  }
  #write(raw: string | null): void {
    this.#seen = raw;
    for (const v of this.shared.views) if (v !== this) setTimeout(() => v.apply(raw), LAG);
  }
  /** Another context's write arrives (the `storage` event). */
  apply(raw: string | null): void {
    this.#seen = raw;
    for (const cb of this.#watchers) cb(raw === null ? null : parseStoredToken(raw));
  }
}

let s: Simulator;
const g = globalThis as { navigator?: unknown };
const hadNavigator = Object.hasOwn(globalThis, 'navigator');
const originalNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
const clients: BragerOneApiClient[] = [];

beforeAll(async () => {
  s = await startSimulator({ tickInterval: 0 });
  Object.defineProperty(globalThis, 'navigator', {
    value: { locks: new WebLocks() },
    configurable: true,
    writable: true,
  });
});
afterEach(async () => {
  s.faults.clear();
  for (const c of clients.splice(0)) await c.close();
});
afterAll(async () => {
  if (hadNavigator && originalNavigator) Object.defineProperty(globalThis, 'navigator', originalNavigator);
  else delete g.navigator;
  await s.close();
});

function client(store: TokenStore): BragerOneApiClient {
  const c = new BragerOneApiClient({
    server: s.server,
    tokenStore: store,
    logLevel: 'silent',
    credsProvider: () => ({ ...DEMO }),
  });
  clients.push(c);
  return c;
}

it('two contexts needing a login at once make one login although the winner’s save reaches the other late', async () => {
  const shared = new SharedStore();
  const [a, b] = [client(shared.view()), client(shared.view())];
  s.stats.reset();
  const before = s.loginCount();
  const [ta, tb] = await Promise.all([a.ensureAuth(), b.ensureAuth()]);
  expect(s.loginCount() - before).toBe(1);
  expect(tb.accessToken).toBe(ta.accessToken);
  // the second context adopted the token as its peer saved it: no validation round trip of its own
  expect(s.stats.count('GET /v1/user')).toBe(0);
  await expect(b.getObjects()).resolves.toHaveLength(1);
  expect(s.loginCount() - before).toBe(1);
});

it('when the lock holder’s login fails, the waiting context logs in itself after a bounded wait', async () => {
  const shared = new SharedStore();
  const [a, b] = [client(shared.view()), client(shared.view())];
  s.faults.failNext('POST /v1/auth/user', 1, { status: 503 });
  s.stats.reset();
  const before = s.loginCount();
  const [ra, rb] = await Promise.allSettled([a.ensureAuth(), b.ensureAuth()]);
  const outcomes = [ra.status, rb.status].sort();
  expect(outcomes).toEqual(['fulfilled', 'rejected']);
  expect(s.loginCount() - before).toBe(1);
  expect(s.stats.count('POST /v1/auth/user')).toBeGreaterThanOrEqual(2);
});
