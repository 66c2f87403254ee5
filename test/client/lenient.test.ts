// Lenient parsing through the real client and simulator (docs/PROTOCOL.md §3.1, §4): odd but readable answers of the
// cloud never fail a call; a login without a readable expiry warns once per client.
import { afterEach, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/index.js';
import type { JsonValue } from '../../src/simulator/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { captureLogger } from '../helpers/logger.js';

const sim = useSimulator();
const OBJECT = 1201;

afterEach(() => sim().faults.clear());

function client(log = captureLogger()) {
  return {
    c: new BragerOneApiClient({ server: sim().server, logger: log, logLevel: 'warn', credsProvider: () => DEMO }),
    log,
  };
}

/** A login answer the simulator sends verbatim (the access token is made up; only the login is exercised). */
function fakeLogin(body: Record<string, unknown>, times = 1): void {
  sim().faults.failNext('POST /v1/auth/user', times, {
    status: 200,
    body: { accessToken: 'lenient-test-token', ...body } as never,
  });
}

describe('login', () => {
  it('a missing, empty or unparsable expiresAt means "never expires", with ONE warning per client', async () => {
    const { c, log } = client();
    fakeLogin({ expiresAt: '' });
    const t = await c.ensureAuth(DEMO.email, DEMO.password);
    expect(t.expiresAt).toBeNull();
    await c.revoke();
    fakeLogin({ expiresAt: 'next tuesday' });
    expect((await c.ensureAuth(DEMO.email, DEMO.password)).expiresAt).toBeNull();
    await c.revoke();
    fakeLogin({});
    expect((await c.ensureAuth(DEMO.email, DEMO.password)).expiresAt).toBeNull();
    const warnings = log.lines.filter((l) => l.startsWith('warn') && l.includes('expiresAt'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/empty expiresAt.*never expiring/);
    expect(log.lines.join('\n')).not.toContain('lenient-test-token');
  });

  it('a zone-less expiresAt is UTC and epoch seconds are accepted', async () => {
    const { c, log } = client();
    fakeLogin({ expiresAt: '2099-05-01T12:00:00' });
    expect((await c.ensureAuth(DEMO.email, DEMO.password)).expiresAt).toBe('2099-05-01T12:00:00.000Z');
    await c.revoke();
    fakeLogin({ expiresAt: 4081320000 });
    expect((await c.ensureAuth(DEMO.email, DEMO.password)).expiresAt).toBe('2099-05-01T12:00:00.000Z');
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('an odd user record never fails the login; a numeric-string id is kept', async () => {
    const { c } = client();
    fakeLogin({ user: { id: '4711', name: 7, allow_email_type_alarms: 'sometimes' }, objects: 'none' });
    const t = await c.ensureAuth(DEMO.email, DEMO.password);
    expect(t.userId).toBe(4711);
    expect(t.objects).toEqual([]);
    await c.revoke();
    fakeLogin({ user: [1, 2] });
    expect((await c.ensureAuth(DEMO.email, DEMO.password)).userId).toBeNull();
  });

  it('without a string access token the login still fails, without echoing the body', async () => {
    const { c } = client();
    sim().faults.failNext('POST /v1/auth/user', 1, {
      status: 200,
      body: { accessToken: 12345, refreshToken: 'secret-refresh' },
    });
    const err = await c.ensureAuth(DEMO.email, DEMO.password).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseValidationError' });
    expect(JSON.stringify(err)).not.toContain('secret-refresh');
  });
});

describe('resources', () => {
  it('permission endpoints answer [] for a body without a list', async () => {
    const { c } = client();
    const bodies: JsonValue[] = [{}, { data: ['X'] }, 'nothing'];
    for (const body of bodies) {
      sim().faults.failNext('GET /v1/user/permissions', 1, { status: 200, body });
      expect(await c.getUserPermissions(), JSON.stringify(body)).toEqual([]);
      sim().faults.failNext('GET /v1/objects/:id/permissions', 1, { status: 200, body });
      expect(await c.getObjectPermissions(OBJECT), JSON.stringify(body)).toEqual([]);
    }
  });

  it('a module row with numeric strings and epoch date-times is kept, not dropped', async () => {
    const { c, log } = client();
    const canonical = await c.getModules(OBJECT);
    const row = canonical[0] as unknown as Record<string, unknown>;
    const lax = {
      ...row,
      id: String(row.id),
      connectedAt: String(row.connectedAt),
      deviceMenu: ` ${row.deviceMenu}`,
      isAcceptedAt: Date.parse(row.isAcceptedAt as string) / 1000,
      isConnectedAt: (row.isConnectedAt as string).replace('.000Z', ''),
      moduleAlarms: 'n/a',
    };
    sim().faults.failNext('GET /v1/modules', 1, { status: 200, body: { data: [lax] } as never });
    const [got] = await c.getModules(OBJECT);
    expect(got).toEqual({ ...row, moduleAlarms: 0 });
    expect(log.lines.filter((l) => l.includes('skipping row'))).toEqual([]);
  });
});
