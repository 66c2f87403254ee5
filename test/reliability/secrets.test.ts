/**
 * Secrets never leak (API.md "Conventions"; SECURITY.md): the flows that handle credentials run with a capturing
 * logger at `debug` (HTTP trace on), with stdout/stderr/console captured; then everything captured, every error
 * message and every `JSON.stringify` / `util.inspect` of every thrown error (cause chains included) is scanned for
 * the password and for every token the simulator issued. Tokens never travel in URLs, never come back in
 * `ApiError.data`. The CLI is scanned too (`--verbose`), when it has been built.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Token } from '../../src/auth/token.js';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import { BragerOneApiClient } from '../../src/client.js';
import { isApiError } from '../../src/errors.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { RealtimeManager } from '../../src/realtime/manager.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { dumpError, secretHits, until } from './helpers.js';
import { captureLogger } from '../helpers/logger.js';

/** A password that cannot occur by accident in any other captured text. */
const PASSWORD = 'Pw-9f3c1e77-LeakCheck-Secret';
const EMAIL = 'leak@example.test';
const DEVID = 'LEAK000001';
const OBJECT_ID = 2001;

let s: Simulator;
const log = captureLogger();
const errors: unknown[] = [];
const captured: string[] = [];
const restore: Array<() => void> = [];

/** Records a rejection for the final scan and returns it. */
async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    errors.push(e);
    return e;
  }
  throw new Error('expected a rejection');
}

function client(extra: ConstructorParameters<typeof BragerOneApiClient>[0] = {}): BragerOneApiClient {
  return new BragerOneApiClient({
    server: s.server,
    logger: log,
    enableHttpTrace: true, // trace at debug: every request and response line is captured
    credsProvider: () => ({ email: EMAIL, password: PASSWORD }),
    ...extra,
  });
}

beforeAll(async () => {
  s = await startSimulator({
    port: 0,
    tickInterval: 0,
    includeDemo: false,
    accounts: [
      {
        email: EMAIL,
        password: PASSWORD,
        objects: [{ id: OBJECT_ID, name: 'Flat', modules: [{ devid: DEVID, plant: 'boiler' }] }],
      },
    ],
  });
  // capture the process streams and the console: anything the SDK prints without being asked ends up here
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = write;
    });
  }
  for (const level of ['debug', 'info', 'log', 'warn', 'error'] as const) {
    const orig = console[level];
    console[level] = (...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '));
      orig.apply(console, args);
    };
    restore.push(() => {
      console[level] = orig;
    });
  }
});

afterAll(async () => {
  for (const r of restore.splice(0)) r();
  await s.close();
});

describe('flows that handle credentials', () => {
  it('login, calls, 401 → re-login, revoke, with the HTTP trace on', async () => {
    const c = client();
    await c.ensureAuth(EMAIL, PASSWORD);
    await c.getUser();
    await c.getObjects();
    await c.getModules(OBJECT_ID);
    await c.modulesParametersPrime([DEVID]);
    await c.moduleCommand({ devid: DEVID, pool: 'P4', parameter: 'v8', value: 60 });
    s.expireTokens(); // next call: 401 → drop → login (credsProvider) → replay
    await c.getUser();
    s.revokeTokens();
    await c.getObjects();
    expect(c.stats.logins).toBe(3);
    await c.revoke();
    await c.close();
    expect(log.entries.some((l) => l.level === 'debug' && l.text.includes('→ POST'))).toBe(true);
    expect(log.text()).toContain('Bearer <redacted>');
  });

  it('errors whose bodies echo the token or the password are scrubbed (ApiError.data, message, cause)', async () => {
    const c = client();
    await c.ensureAuth(EMAIL, PASSWORD);
    const token = c.accessToken;
    s.faults.failNext('GET /v1/user', 1, {
      status: 400,
      body: { message: `bad token ${token}`, token, echo: { headers: { authorization: `Bearer ${token}` } } },
    });
    const e1 = await caught(c.getUser());
    expect(isApiError(e1) && e1.status).toBe(400);
    expect(JSON.stringify((e1 as { data: unknown }).data)).not.toContain(token);
    s.faults.failNext('GET /v1/objects', 1, { status: 502, body: `<html><body>upstream said ${token}</body></html>` });
    const e2 = await caught(c.getObjects());
    expect(JSON.stringify((e2 as { data: unknown }).data)).not.toContain(token);
    s.faults.failNext('POST /v1/auth/user', 1, {
      status: 401,
      body: { message: `Invalid password ${PASSWORD} for ${EMAIL}`, password: PASSWORD },
    });
    const fresh = client({ credsProvider: undefined });
    const e3 = await caught(fresh.ensureAuth(EMAIL, PASSWORD));
    expect(isApiError(e3) && e3.status).toBe(401);
    expect(JSON.stringify((e3 as { data: unknown }).data)).not.toContain(PASSWORD);
    // a wrong password
    await caught(client({ credsProvider: undefined }).ensureAuth(EMAIL, `${PASSWORD}-wrong`));
    // transport failures carry a cause: it must hold no request headers
    const dead = new BragerOneApiClient({
      apiBase: 'http://127.0.0.1:9/v1',
      logger: log,
      enableHttpTrace: true,
      tokenStore: new MemoryTokenStore({ ...(c.token as Token), expiresAt: null }),
      validateOnStart: false,
    });
    const e4 = await caught(dead.getUser());
    expect((e4 as Error).cause).toBeDefined();
    // a timeout
    s.faults.delay('GET /v1/user', 1_000, 1);
    await caught(c.getUser({ timeout: 50 }));
    // validation errors (odd bodies)
    s.faults.malformed('GET /v1/user', 1, 'textPlain');
    await caught(c.getUser());
    await c.close();
  });

  it('redactSecrets: false shows the header in the trace only — errors stay clean', async () => {
    const own = captureLogger();
    const c = new BragerOneApiClient({ server: s.server, logger: own, enableHttpTrace: true, redactSecrets: false });
    await c.ensureAuth(EMAIL, PASSWORD);
    await c.getUser();
    // the opt-in works: the trace (and only the trace) shows the bearer token
    expect(own.text()).toContain(c.accessToken);
    const token = c.accessToken;
    s.faults.failNext('GET /v1/user', 1, { status: 403, body: { message: `forbidden for ${token}` } });
    const e = await caught(c.getUser());
    expect(dumpError(e)).not.toContain(token);
    await c.close();
  });

  it('realtime handshake failures: refused join, HTTP 503, dead token', async () => {
    const c = client();
    await c.ensureAuth(EMAIL, PASSWORD);
    const mk = () =>
      new RealtimeManager({
        token: c.accessToken,
        ioBase: s.url,
        logger: log,
        logLevel: 'debug',
        connectTimeout: 2_000,
      });
    s.faults.refuseHandshakes(1);
    const m1 = mk();
    await caught(m1.connect());
    await m1.disconnect();
    s.faults.refuseHandshakes(1, { status: 503 });
    const m2 = mk();
    await caught(m2.connect());
    await m2.disconnect();
    s.revokeTokens();
    const m3 = mk();
    const e3 = await caught(m3.connect());
    expect(isApiError(e3) && e3.status).toBe(401);
    await m3.disconnect();
    await c.close();
  });

  it('gateway lifecycle with a drop, an expired token and a refused handshake on the way back', async () => {
    const gw = await BragerOneGateway.fromCredentials({
      email: EMAIL,
      password: PASSWORD,
      objectId: OBJECT_ID,
      modules: [DEVID],
      server: s.server,
      connectivityPollInterval: 200,
      realtime: { supervisorInterval: 200, reconnectDelay: 30, connectTimeout: 2_000 },
      clientOptions: { logger: log, logLevel: 'debug', enableHttpTrace: true },
    });
    await gw.start();
    s.expireTokens();
    s.faults.refuseHandshakes(1);
    s.faults.dropAllSockets();
    await until(() => !gw.wsSessionUp(), 'down');
    await until(() => gw.wsSessionUp(), 'up again', 5_000);
    s.setParam(DEVID, 'P4.v8', 64);
    await until(() => gw.params(DEVID).get('P4.v8') === 64, 'delta');
    await gw.stop();
  });
});

describe('the scan', () => {
  it('no password and no issued token in logs, streams, error messages, JSON or util.inspect of errors', () => {
    const secrets = [PASSWORD, ...s.issuedTokens()];
    // the scanner itself finds a planted secret (so an empty result means something)
    expect(secretHits(`x ${s.issuedTokens()[0]} y`, secrets)).toHaveLength(1);
    expect(secretHits(dumpError(new Error('e', { cause: { detail: PASSWORD } })), secrets)).toHaveLength(1);
    expect(s.issuedTokens().length).toBeGreaterThanOrEqual(10);
    expect(errors.length).toBeGreaterThanOrEqual(10);
    const hits = [
      ...secretHits(log.text(), secrets).map((h) => `logger: ${h}`),
      ...secretHits(captured.join('\n'), secrets).map((h) => `stdout/stderr/console: ${h}`),
      ...errors.flatMap((e, i) =>
        secretHits(dumpError(e), secrets).map((h) => `error #${i} (${(e as Error).name}): ${h}`),
      ),
    ];
    expect(hits).toEqual([]);
  });

  it('tokens never travel in a URL, and the simulator never saw one outside Authorization', () => {
    const secrets = s.issuedTokens();
    const reqs = s.stats.requests;
    expect(reqs.length).toBeGreaterThan(20);
    const inPaths = reqs.flatMap((r) => secretHits(r.path, secrets).map((h) => `${r.method} ${h}`));
    const inHeaders = reqs.flatMap((r) =>
      Object.entries(r.headers)
        .filter(([k]) => k !== 'authorization')
        .flatMap(([k, v]) => secretHits(String(v), secrets).map((h) => `${k}: ${h}`)),
    );
    expect(inPaths).toEqual([]);
    expect(inHeaders).toEqual([]);
    expect(reqs.some((r) => r.headers.authorization === 'Bearer <redacted>')).toBe(true);
  });
});

// ——— the CLI, when built ———

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin', 'bragerone.js');
const built = existsSync(join(root, 'dist', 'esm', 'cli.js'));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...env, NO_COLOR: '1' }, timeout: 20_000 },
      (error, out, err) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : -1
          : 0;
        done({ code, out: String(out), err: String(err) });
      },
    );
  });
}

describe.runIf(built)('the CLI with --verbose (built bin)', () => {
  const home = mkdtempSync(join(tmpdir(), 'bragerone-cli-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('login, whoami, params, an upstream outage and a failing login: no secret on stdout or stderr', async () => {
    const env = { XDG_CONFIG_HOME: home, HOME: home, BRAGERONE_PASSWORD: '' };
    const base = ['--server', s.url, '--email', EMAIL, '--verbose'];
    const runs = [
      await cli(['login', ...base, '--password', PASSWORD], env),
      await cli(['whoami', ...base], env),
      await cli(['params', DEVID, ...base, '--json'], env),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs[0]?.err).toMatch(/debug|→|←/); // --verbose really traced something
    s.faults.failFor('*', 60_000, { status: 503 });
    runs.push(await cli(['objects', ...base], env));
    s.faults.clear();
    expect(runs.at(-1)?.code).toBe(3);
    runs.push(await cli(['login', ...base, '--password', `${PASSWORD}-wrong`], env));
    expect(runs.at(-1)?.code).toBe(2);
    const secrets = [PASSWORD, ...s.issuedTokens()];
    const hits = runs.flatMap((r, i) =>
      [...secretHits(r.out, secrets), ...secretHits(r.err, secrets)].map((h) => `run ${i}: ${h}`),
    );
    expect(hits).toEqual([]);
  }, 60_000);
});
