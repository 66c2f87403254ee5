import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { BragerOneApiClient, BragerOneError, BragerOneGateway, NetworkError } from '../../src/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { DEMO_MODULES, DEMO_OBJECT_ID as OBJECT_ID } from '../realtime/helpers.js';
import { captureLogger } from '../helpers/logger.js';

const UA = `bragerone/${pkg.version}`;

async function gatewayRoundTrip(api: BragerOneApiClient): Promise<void> {
  const modules = (await api.getModules(OBJECT_ID)).map((m) => m.devid);
  const gw = new BragerOneGateway({ api, objectId: OBJECT_ID, modules, connectivityPollInterval: 0 });
  try {
    await gw.start();
    expect(gw.wsSessionUp()).toBe(true);
  } finally {
    await gw.stop();
  }
}

describe('User-Agent (Node)', () => {
  const sim = useSimulator();

  it(`REST requests and the Socket.IO handshake carry ${UA}`, async () => {
    const api = new BragerOneApiClient({ server: sim().server, credsProvider: () => DEMO, logLevel: 'silent' });
    await gatewayRoundTrip(api);
    const reqs = sim().stats.requests;
    const rest = reqs.filter((r) => r.routeId.startsWith('GET /v1/') || r.routeId.startsWith('POST /v1/'));
    expect(rest.length).toBeGreaterThan(2);
    for (const r of rest) expect(r.headers['user-agent'], r.routeId).toBe(UA);
    const handshakes = reqs.filter((r) => r.routeId === 'WS handshake');
    expect(handshakes.length).toBeGreaterThan(0);
    for (const r of handshakes) expect(r.headers['user-agent']).toBe(UA);
    expect(JSON.stringify(handshakes)).not.toContain(api.accessToken);
  });
});

describe('TLS: verify against an HTTPS simulator', () => {
  let dir = '';
  let caPath = '';
  let sim: Simulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bragerone-tls-'));
    const key = join(dir, 'key.pem');
    caPath = join(dir, 'cert.pem');
    // A self-signed certificate for 127.0.0.1 (it is its own CA).
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        caPath,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    sim = await startSimulator({
      tickInterval: 0,
      tls: { key: readFileSync(key), cert: readFileSync(caPath, 'utf8') },
    });
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const client = (
    verify: ConstructorParameters<typeof BragerOneApiClient>[0] extends infer O
      ? O extends { verify?: infer V }
        ? V
        : never
      : never,
    logger = captureLogger(),
  ) => new BragerOneApiClient({ server: sim.server, credsProvider: () => DEMO, logger, logLevel: 'debug', verify });

  it('the simulator serves HTTPS', () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('default (verify: true): a NetworkError that names the certificate problem, with no secret in it', async () => {
    const api = client(true);
    const err = await api.ensureAuth().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(String((err as Error).message)).toMatch(/certificate/i);
    const dump = `${String(err)} ${JSON.stringify(err)} ${String((err as Error).cause)} ${JSON.stringify((err as Error).cause)}`;
    expect(dump).not.toContain(DEMO.password);
    expect(dump).not.toContain(DEMO.email);
    expect(sim.stats.count('POST /v1/auth/user')).toBe(0);
  });

  it('verify: false: REST and the gateway work; one warning at construction', async () => {
    const logger = captureLogger();
    const api = client(false, logger);
    const warnings = () => logger.lines.filter((l) => l.startsWith('warn') && /verify/.test(l));
    expect(warnings()).toHaveLength(1);
    await api.ensureAuth();
    await expect(api.getUser()).resolves.toHaveProperty('email');
    await gatewayRoundTrip(api);
    expect(warnings()).toHaveLength(1);
    expect(logger.lines.join('\n')).not.toContain(api.accessToken);
  });

  it('verify: a CA bundle path: REST and the gateway work; so does { ca }', async () => {
    const api = client(caPath);
    await expect(api.getObjects()).resolves.toBeInstanceOf(Array);
    await gatewayRoundTrip(api);
    const api2 = client({ ca: readFileSync(caPath) });
    await expect(api2.getObjects()).resolves.toBeInstanceOf(Array);
  });

  it('verify: { rejectUnauthorized: true } without the CA fails like the default; an unreadable CA path throws at construction', async () => {
    const err = await client({ rejectUnauthorized: true })
      .getSystemVersion()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(String(err)).toMatch(/certificate/i);
    const missing = join(dir, 'missing.pem');
    expect(() => client(missing)).toThrow(BragerOneError);
    expect(() => client(missing)).toThrow(/CA bundle.*ENOENT/);
  });

  it('a cold gateway start opens the socket TLS connection during the login; the handshake goes over it', async () => {
    // the same certificate behind network shaping at 0 ms: the proxy only counts TCP connections
    const shaped = await startSimulator({
      tickInterval: 0,
      network: { latency: 0, jitter: 0 },
      tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(caPath, 'utf8') },
    });
    const api = new BragerOneApiClient({
      server: shaped.server,
      credsProvider: () => DEMO,
      logLevel: 'silent',
      verify: caPath,
    });
    const gw = new BragerOneGateway({
      api,
      objectId: OBJECT_ID,
      modules: [...DEMO_MODULES],
      connectivityPollInterval: 0,
    });
    let atLogin = -1;
    shaped.faults.afterAnswer('POST /v1/auth/user', () => {
      atLogin = shaped.network.stats().connections;
    });
    try {
      await gw.start();
      expect(atLogin).toBe(2); // the login's and the socket's early one
      expect(gw.wsSessionUp()).toBe(true);
      expect(shaped.stats.count('WS handshake')).toBe(1);
      expect(shaped.sockets().some((x) => x.bound.length === DEMO_MODULES.length)).toBe(true);
    } finally {
      await gw.stop();
      await api.close();
      await shaped.close();
    }
  });

  it('the handshake goes over TLS with the same settings (the simulator logged it)', () => {
    expect(sim.stats.requests.some((r) => r.routeId === 'WS handshake' && r.headers['user-agent'] === UA)).toBe(true);
  });
});

describe('verify in a browser-like runtime', () => {
  it('anything but true throws a BragerOneError at construction', async () => {
    const g = globalThis as { document?: unknown };
    // isBrowserLike() looks for `document`: give it one for this check only.
    g.document = {};
    try {
      for (const verify of [false, '/ca.pem', { rejectUnauthorized: false }] as const) {
        expect(() => new BragerOneApiClient({ verify, logLevel: 'silent' })).toThrow(BragerOneError);
      }
      expect(() => new BragerOneApiClient({ verify: true, logLevel: 'silent' })).not.toThrow();
    } finally {
      delete g.document;
    }
  });
});
