// Option variants need their own simulator each; every one is closed in its test.
import { describe, expect, it } from 'vitest';
import { DEMO_MODULES, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { call, connectSocket, login, waitFor, until } from './helpers.js';

const [BOILER = '', MIXER = ''] = DEMO_MODULES;

async function withSim(
  opts: Parameters<typeof startSimulator>[0],
  fn: (sim: Simulator) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator(opts);
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

describe('plant drift', () => {
  it('ticks change values and push one frame per module per tick', () =>
    withSim({ tickInterval: 0, seed: 7 }, async (sim) => {
      const t = await login(sim);
      const s = await connectSocket(sim, { header: t });
      await call(sim, 'POST', '/v1/modules/connect', { token: t, body: { wsid: s.id, modules: [BOILER, MIXER] } });
      s.emit('app:modules:parameters:listen', { modules: [BOILER, MIXER] });
      await until(() => sim.sockets()[0]?.listening.length === 2, 'condition', 2000);
      const frames: Array<Record<string, unknown>> = [];
      s.on('app:modules:parameters:change', (p: Record<string, unknown>) => frames.push(p));
      const before = sim.getParam(BOILER, 'P4.v1') as number;
      for (let i = 0; i < 5; i++) sim.tick();
      await until(() => frames.length === 10, 'condition', 2000);
      expect(frames.every((f) => Object.keys(f).length === 1)).toBe(true);
      expect(new Set(frames.map((f) => Object.keys(f)[0]))).toEqual(new Set([BOILER, MIXER]));
      const after = sim.getParam(BOILER, 'P4.v1') as number;
      expect(after).not.toBe(before);
      expect(Math.abs(after - before)).toBeLessThan(50);
      s.close();
    }));

  it('tickInterval drives drift by itself; tickInterval 0 does not', async () => {
    // Side by side: the still simulator is watched for as long as the drifting one takes to change twice.
    await withSim({ tickInterval: 0 }, async (still) =>
      withSim({ tickInterval: 20 }, async (sim) => {
        const v0 = still.values(BOILER);
        let last = JSON.stringify(sim.values(BOILER));
        let changes = 0;
        await until(
          () => {
            const now = JSON.stringify(sim.values(BOILER));
            if (now !== last) changes++;
            last = now;
            return changes >= 2;
          },
          'two drift steps',
          2000,
        );
        expect(still.values(BOILER)).toEqual(v0);
      }),
    );
  });

  it('the boiler burner follows its set-point with hysteresis', () =>
    withSim({ tickInterval: 0 }, async (sim) => {
      sim.setParam(BOILER, 'P4.v1', 500);
      sim.setParam(BOILER, 'P5.s0', 0);
      sim.tick();
      expect(((sim.getParam(BOILER, 'P5.s0') as number) >> 3) & 1).toBe(1);
      for (let i = 0; i < 200; i++) sim.tick();
      const temp = sim.getParam(BOILER, 'P4.v1') as number;
      expect(temp).toBeGreaterThan(550);
      expect(temp).toBeLessThan(700);
      expect((sim.getParam(BOILER, 'P5.s0') as number) & 1).toBe(1);
    }));

  it('offline modules do not drift', () =>
    withSim({ tickInterval: 0 }, async (sim) => {
      sim.setModuleOnline(MIXER, false);
      const v0 = sim.values(MIXER);
      for (let i = 0; i < 5; i++) sim.tick();
      expect(sim.values(MIXER)).toEqual(v0);
    }));
});

describe('push requirement and SID options', () => {
  it("pushRequires 'listen' pushes without a REST bind", () =>
    withSim({ tickInterval: 0, pushRequires: 'listen' }, async (sim) => {
      const s = await connectSocket(sim, { header: await login(sim) });
      s.emit('app:modules:parameters:listen', { devids: [BOILER] });
      await until(() => sim.sockets()[0]?.listening.length === 1, 'condition', 2000);
      const got = waitFor(s, 'app:modules:parameters:change');
      sim.setParam(BOILER, 'P4.v1', 640);
      expect(await got).toMatchObject({ [BOILER]: { P4: { v1: { value: 640 } } } });
      s.close();
    }));

  it("pushRequires 'bind' pushes without listen emits", () =>
    withSim({ tickInterval: 0, pushRequires: 'bind' }, async (sim) => {
      const t = await login(sim);
      const s = await connectSocket(sim, { header: t });
      await call(sim, 'POST', '/v1/modules/connect', { token: t, body: { wsid: s.id, modules: [MIXER] } });
      const got = waitFor(s, 'app:modules:parameters:change');
      sim.setParam(MIXER, 'P4.v8', 230);
      expect(await got).toMatchObject({ [MIXER]: { P4: { v8: { value: 230 } } } });
      s.close();
    }));

  it('connectRequiresKnownSid false accepts unknown SIDs', () =>
    withSim({ tickInterval: 0, connectRequiresKnownSid: false }, async (sim) => {
      const t = await login(sim);
      const r = await call(sim, 'POST', '/v1/modules/connect', {
        token: t,
        body: { wsid: 'whatever', modules: [BOILER] },
      });
      expect(r.status).toBe(200);
    }));
});

describe('lifecycle', () => {
  it('tokens expire after tokenTtl', () => {
    let clock = Date.now();
    return withSim({ tickInterval: 0, tokenTtl: 80, now: () => clock }, async (sim) => {
      const t = await login(sim);
      clock += 79;
      expect((await call(sim, 'GET', '/v1/user', { token: t })).status).toBe(200);
      clock += 1; // the 80 ms lifetime is over on the simulator clock
      expect((await call(sim, 'GET', '/v1/user', { token: t })).status).toBe(401);
    });
  });

  it('includeDemo false serves only the given accounts', () =>
    withSim(
      { tickInterval: 0, includeDemo: false, accounts: [{ email: 'solo@example.test', password: 'x' }] },
      async (sim) => {
        expect(
          (await call(sim, 'POST', '/v1/auth/user', { body: { email: 'demo@bragerone.local', password: 'demo' } }))
            .status,
        ).toBe(401);
        const t = await login(sim, 'solo@example.test', 'x');
        expect((await call(sim, 'GET', '/v1/objects', { token: t })).json).toEqual({ data: [] });
      },
    ));

  it('close() is idempotent and ends sockets, keep-alive and delayed requests', async () => {
    const sim = await startSimulator({ tickInterval: 10 });
    const t = await login(sim);
    const s = await connectSocket(sim, { header: t });
    let reason = '';
    s.on('disconnect', (r) => {
      reason = r;
    });
    sim.faults.delay('*', 60_000);
    const pending = call(sim, 'GET', '/v1/user', { token: t }).then(
      () => 'answered',
      () => 'failed',
    );
    await until(() => sim.stats.inFlight === 1, 'the delayed request in flight', 2000);
    const first = sim.close();
    expect(sim.close()).toBe(first);
    await first;
    expect(await pending).toBe('failed');
    await until(() => !s.connected, 'condition', 2000);
    expect(reason).not.toBe('');
    await expect(fetch(`${sim.url}/v1/system/version`)).rejects.toThrow();
    s.close();
  });

  it('binds to the requested host and reports a matching ServerConfig', () =>
    withSim({ tickInterval: 0 }, async (sim) => {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.server.apiBase).toBe(`${sim.url}/v1`);
      expect(sim.server.oneBase).toBe(sim.url);
      expect(sim.server.wsNamespace).toBe('/ws');
    }));
});
