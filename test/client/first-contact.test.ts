// Issue #18 "first contact", SDK part: options are checked at construction with clear BragerOneErrors, the full
// parameter key is accepted in moduleCommand, and writes take only finite numbers or booleans unless opted out.
import { afterEach, describe, expect, it } from 'vitest';
import {
  BragerOneApiClient,
  BragerOneError,
  MemoryCacheAdapter,
  MemoryTokenStore,
  type StatusAndData,
  defineServer,
} from '../../src/index.js';
import { until } from '../helpers/wait.js';
import { DEMO, useSimulator } from '../helpers/sim.js';

const sim = useSimulator({ tickInterval: 0, commandDelay: 5 });
const BOILER = 'DEMO0A1B2C';

afterEach(() => sim().stats.reset());

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('option validation at construction', () => {
  it('apiBase without /v<N> fails at once, says what is expected and shows an example; nothing is sent', () => {
    const e = thrown(() => new BragerOneApiClient({ apiBase: sim().url }));
    expect(e).toBeInstanceOf(BragerOneError);
    expect(e.message).toMatch(/`apiBase` must be an http\(s\) URL ending with the API version/);
    expect(e.message).toContain(`e.g. '${sim().url}/v1'`);
    expect(sim().stats.total()).toBe(0);
    // With the version it works.
    expect(new BragerOneApiClient({ apiBase: `${sim().url}/v1` }).apiBase).toBe(`${sim().url}/v1`);
    expect(new BragerOneApiClient({ apiBase: `${sim().url}/v1/` }).apiBase).toBe(`${sim().url}/v1`);
  });

  it('names the bad option for malformed values, and never echoes URL credentials', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ apiBase: 'io.brager.pl/v1' }, /`apiBase` must be an http\(s\) URL.*e\.g\. 'http:\/\/127\.0\.0\.1:8080\/v1'/],
      [{ apiBase: 'ftp://h/v1' }, /apiBase.*http/],
      [{ ioBase: 42 }, /`ioBase` must be an http\(s\) URL.*got 42/],
      [{ oneBase: '' }, /oneBase/],
      [{ timeout: -1 }, /`timeout` must be ms ≥ 1, e\.g\. 8000; got -1/],
      [{ timeout: '8000' }, /timeout/],
      [{ timeout: Number.NaN }, /timeout/],
      [{ concurrency: 0 }, /`concurrency` must be an integer ≥ 1/],
      [{ concurrency: 1.5 }, /concurrency/],
      [{ tokenStore: {} }, /`tokenStore` must be null or a TokenStore \(load, save, clear\)/],
      [{ cache: { get() {} } }, /`cache` must be a CacheAdapter/],
      [
        { credsProvider: { email: 'a', password: 'b' } },
        /`credsProvider` must be a function returning \{ email, password \}/,
      ],
      [{ fetch: 'fetch' }, /`fetch` must be a function/],
      [{ server: { ioBase: 'http://h' } }, /`server` must be a ServerConfig/],
    ];
    for (const [opts, re] of cases) {
      const e = thrown(() => new BragerOneApiClient(opts as never));
      expect(e, JSON.stringify(opts)).toBeInstanceOf(BragerOneError);
      expect(e.message, JSON.stringify(opts)).toMatch(re);
    }
    const secret = thrown(() => new BragerOneApiClient({ apiBase: 'http://user:hunter2pass@127.0.0.1:9/' }));
    expect(secret.message).not.toContain('hunter2pass');
    expect(JSON.stringify(secret)).not.toContain('hunter2pass');
    // Valid options of every kind still construct.
    new BragerOneApiClient({
      server: sim().server,
      tokenStore: new MemoryTokenStore(),
      cache: new MemoryCacheAdapter(),
      timeout: 1000,
      concurrency: 2,
      refreshLeeway: 0,
      logLevel: 'silent',
      logger: console,
      fetch: globalThis.fetch,
      credsProvider: () => DEMO,
      validateOnStart: false,
    });
    new BragerOneApiClient({ tokenStore: null });
  });

  it('defineServer: apiBase instead of ioBase, a /v1 ioBase and bad URLs throw BragerOneErrors with an example', () => {
    const a = thrown(() => defineServer({ apiBase: `${sim().url}/v1` } as never));
    expect(a).toBeInstanceOf(BragerOneError);
    expect(a.message).toMatch(/`ioBase` must be an http\(s\) origin without \/v1/);
    expect(a.message).toContain(`e.g. defineServer({ ioBase: '${sim().url}' })`);
    const v1 = thrown(() => defineServer({ ioBase: `${sim().url}/v1` }));
    expect(v1).toBeInstanceOf(BragerOneError);
    expect(v1.message).toContain(`e.g. defineServer({ ioBase: '${sim().url}' })`);
    for (const [init, re] of [
      [
        { ioBase: 'localhost:8080' },
        /`ioBase`.*http.*e\.g\. defineServer\(\{ ioBase: 'http:\/\/127\.0\.0\.1:8080' \}\)/,
      ],
      [{ ioBase: sim().url, oneBase: 'nope' }, /`oneBase`/],
      [{ ioBase: 'ftp://u:hunter2pass@h:1' }, /`ioBase`/],
    ] as Array<[Record<string, unknown>, RegExp]>) {
      const e = thrown(() => defineServer(init as never));
      expect(e).toBeInstanceOf(BragerOneError);
      expect(e.message).toMatch(re);
      expect(e.message).not.toContain('hunter2pass');
    }
    expect(defineServer({ ioBase: `${sim().url}/` }).apiBase).toBe(`${sim().url}/v1`);
  });
});

describe('moduleCommand parameter key and value checks', () => {
  const client = () => new BragerOneApiClient({ server: sim().server, credsProvider: () => DEMO, logLevel: 'silent' });

  it("accepts parameter 'P4.v8' with pool 'P4' (sends v8) and rejects a mismatched pool before sending", async () => {
    const c = client();
    const target = sim().getParam(BOILER, 'P4.v8') === 60 ? 61 : 60;
    const ok: boolean = await c.moduleCommand({ devid: BOILER, pool: 'P4', parameter: 'P4.v8', value: target });
    expect(ok).toBe(true);
    await until(
      () => sim().getParam(BOILER, 'P4.v8') === target,
      'the write applied (after the simulator commandDelay)',
    );
    expect(sim().stats.count('POST /v1/module/command')).toBe(1);

    const sent = sim().stats.count('POST /v1/module/command');
    for (const [pool, parameter] of [
      ['P5', 'P4.v8'],
      ['P4', 'P40.v8'],
      ['P4', 'P4.'],
      ['P4', 'x.v8'],
    ]) {
      const e = await c
        .moduleCommand({ devid: BOILER, pool: pool as string, parameter: parameter as string, value: 60 })
        .catch((x: unknown) => x);
      expect(e, `${pool} ${parameter}`).toBeInstanceOf(BragerOneError);
      expect((e as Error).message).toMatch(/is not in pool/);
    }
    // '4' and 'P4' name the same pool.
    expect(await c.moduleCommand({ devid: BOILER, pool: '4', parameter: 'P4.v8', value: 60 })).toBe(true);
    expect(sim().stats.count('POST /v1/module/command')).toBe(sent + 1);
    await c.close();
  });

  it('rejects a value that is not a finite number or boolean, unless allowAnyValue; nothing is sent', async () => {
    const c = client();
    await c.ensureAuth();
    for (const value of ['hot', '55', Number.NaN, Number.POSITIVE_INFINITY, null, undefined, { v: 1 }, [55]]) {
      const e = await c.moduleCommand({ devid: BOILER, pool: 'P4', parameter: 'v8', value }).catch((x: unknown) => x);
      expect(e, String(value)).toBeInstanceOf(BragerOneError);
      expect((e as Error).message).toMatch(/finite number or boolean, e\.g\. 55.*allowAnyValue/);
      const auto = await c
        .moduleCommandAuto({ devid: BOILER, pool: 'P4', parameter: 'v8', value })
        .catch((x: unknown) => x);
      expect(auto).toBeInstanceOf(BragerOneError);
    }
    expect(sim().stats.count('POST /v1/module/command')).toBe(0);
    // Opting out sends it (the simulator then refuses it like a controller and keeps the value).
    const before = sim().getParam(BOILER, 'P4.v8');
    expect(
      await c.moduleCommand({ devid: BOILER, pool: 'P4', parameter: 'v8', value: 'hot', allowAnyValue: true }),
    ).toBe(true);
    expect(
      await c.moduleCommandAuto({ devid: BOILER, pool: 'P4', parameter: 'v8', value: 'hot', allowAnyValue: true }),
    ).toBe(true);
    expect(sim().stats.count('POST /v1/module/command')).toBe(2);
    expect(sim().getParam(BOILER, 'P4.v8')).toBe(before);
    // Booleans pass the check; symbolic commands take their values as given.
    expect(await c.moduleCommandRaw({ devid: BOILER, command: 'NOOP', value: 'ONLINE' })).toBe(true);
    await c.close();
  });

  it('returnData: true is typed and returned as { status, data }; the default as boolean', async () => {
    const c = client();
    const withData: StatusAndData = await c.moduleCommand({
      devid: BOILER,
      pool: 'P4',
      parameter: 'v9',
      value: 50,
      returnData: true,
    });
    expect(withData).toEqual({ status: 200, data: { ok: true } });
    const raw: StatusAndData = await c.moduleCommandRaw({ devid: BOILER, command: 'NOOP', returnData: true });
    expect(raw.status).toBe(200);
    const auto: StatusAndData = await c.moduleCommandAuto({ devid: BOILER, command: 'NOOP', returnData: true });
    expect(auto.status).toBe(200);
    const plain: boolean = await c.moduleCommandAuto({ devid: BOILER, pool: 'P4', parameter: 'v9', value: 51 });
    expect(plain).toBe(true);
    const rawPlain: boolean = await c.moduleCommandRaw({ devid: BOILER, command: 'NOOP' });
    expect(rawPlain).toBe(true);
    await c.close();
  });
});
