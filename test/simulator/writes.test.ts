// The simulator behaves like a controller on bad writes (out of the family's n/x range, not a number): the old value
// stays, nothing is pushed, and the HTTP answer is an option (default 200). Plus: every demo series is continuous
// from its first value (the outside temperature used to jump 35 → 79 on the first tick).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { call, login, record, subscribe, waitFor } from './helpers.js';

const BOILER = 'DEMO0A1B2C';
const MIXER = 'DEMO0D3E4F';
type Delta = Record<string, Record<string, Record<string, { value: unknown }>>>;

describe('refused writes (default: HTTP 200, value kept, nothing pushed)', () => {
  let sim: Simulator;
  let token: string;
  const sockets: Array<{ close(): void }> = [];
  beforeAll(async () => {
    sim = await startSimulator({ tickInterval: 0, commandDelay: 5 });
    token = await login(sim);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(() => sim.close());

  const write = (parameter: string, value: unknown, devid = BOILER) =>
    call(sim, 'POST', '/v1/module/command', { token, body: { devid, pool: 'P4', parameter, value } });

  it('out of range (P4.v8 limits 40–85) and non-numeric values keep the old value and push no change', async () => {
    const s = await subscribe(sim, token, [BOILER]);
    sockets.push(s);
    const seen = record(s);
    const before = sim.getParam(BOILER, 'P4.v8');
    for (const bad of [200, 39, 86, 'hot', null, { a: 1 }, true]) {
      const r = await write('v8', bad);
      expect(r.status, JSON.stringify(bad)).toBe(200);
      expect(r.json).toEqual({ ok: true });
      expect(sim.getParam(BOILER, 'P4.v8')).toBe(before);
    }
    expect(sim.refusedWrites().map((w) => [w.key, w.value, w.reason])).toEqual([
      ['P4.v8', 200, 'Value out of range'],
      ['P4.v8', 39, 'Value out of range'],
      ['P4.v8', 86, 'Value out of range'],
      ['P4.v8', 'hot', 'Value is not a number'],
      ['P4.v8', null, 'Value is not a number'],
      ['P4.v8', { a: 1 }, 'Value is not a number'],
      ['P4.v8', true, 'Value is not a number'],
    ]);
    // A valid write afterwards: its delta is the first parameter push the socket sees, so none came before it.
    const target = before === 60 ? 61 : 60;
    const pushed = waitFor<Delta>(s, 'app:modules:parameters:change');
    expect((await write('v8', target)).status).toBe(200);
    expect((await pushed)[BOILER]?.P4?.v8?.value).toBe(target);
    expect(seen.filter(([e]) => e === 'app:modules:parameters:change')).toHaveLength(1);
    expect(seen.filter(([e]) => e === 'app:module:task:created')).toHaveLength(1);
    expect(sim.getParam(BOILER, 'P4.v8')).toBe(target);
  });

  it("the limits are the register family's own (mixer P4.v8: 100–300, tenths) and bare-scalar limits count too", async () => {
    expect((await write('v8', 301, MIXER)).status).toBe(200);
    expect(sim.getParam(MIXER, 'P4.v8')).toBe(215);
    // Boiler P4.v1 has bare-scalar limits n1 = 100, x1 = 900.
    const v1 = sim.getParam(BOILER, 'P4.v1');
    await write('v1', 901);
    expect(sim.getParam(BOILER, 'P4.v1')).toBe(v1);
    expect(
      sim
        .refusedWrites()
        .slice(-2)
        .map((w) => [w.devid, w.key, w.value]),
    ).toEqual([
      [MIXER, 'P4.v8', 301],
      [BOILER, 'P4.v1', 901],
    ]);
  });
});

describe('invalidWriteStatus: an error answer instead', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ tickInterval: 0, commandDelay: 5, invalidWriteStatus: 400 });
  });
  afterAll(() => sim.close());

  it('answers the chosen status with the reason; valid writes still answer 200', async () => {
    const token = await login(sim);
    const bad = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: BOILER, pool: 'P4', parameter: 'v8', value: 200 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ message: 'Value out of range' });
    const nan = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: BOILER, pool: 'P4', parameter: 'v8', value: 'hot' },
    });
    expect(nan.status).toBe(400);
    expect(nan.json).toEqual({ message: 'Value is not a number' });
    expect(sim.getParam(BOILER, 'P4.v8')).toBe(65);
    const ok = await call(sim, 'POST', '/v1/module/command', {
      token,
      body: { devid: BOILER, pool: 'P4', parameter: 'v8', value: 70 },
    });
    expect(ok.status).toBe(200);
  });
});

describe('demo series are continuous from their first value', () => {
  it('outside temperature starts at its initial value and moves ≤ 0.1 °C per 1 s tick; other temperatures step gently', async () => {
    let clock = Date.UTC(2025, 0, 1, 0, 7, 30); // a phase where the old absolute-time sine was far from 35
    const sim = await startSimulator({ tickInterval: 0, now: () => clock });
    try {
      const series = new Map<string, number[]>();
      const sample = () => {
        for (const devid of [BOILER, MIXER]) {
          for (const [k, v] of Object.entries(sim.values(devid))) {
            if (typeof v !== 'number') continue;
            const key = `${devid} ${k}`;
            series.set(key, [...(series.get(key) ?? []), v]);
          }
        }
      };
      sample();
      for (let i = 0; i < 600; i++) {
        clock += 1000;
        sim.tick();
        sample();
      }
      const maxStep = (key: string) => {
        const xs = series.get(key) ?? [];
        return Math.max(...xs.slice(1).map((x, i) => Math.abs(x - (xs[i] as number))));
      };
      for (const devid of [BOILER, MIXER]) {
        const outside = series.get(`${devid} P4.v4`) ?? [];
        expect(outside[0]).toBe(35);
        expect(Math.abs((outside[1] as number) - 35)).toBeLessThanOrEqual(1);
        expect(maxStep(`${devid} P4.v4`)).toBeLessThanOrEqual(1);
        // Over the full 10-minute period it really swings (±6 °C) and comes back.
        expect(Math.max(...outside)).toBeGreaterThanOrEqual(90);
        expect(Math.min(...outside)).toBeLessThanOrEqual(-20);
        expect(Math.abs((outside.at(-1) as number) - 35)).toBeLessThanOrEqual(1);
      }
      // Water and room temperatures (tenths of °C) never jump either.
      for (const key of [`${BOILER} P4.v1`, `${BOILER} P4.v3`, `${MIXER} P4.v1`, `${MIXER} P4.v2`]) {
        expect(maxStep(key), key).toBeLessThanOrEqual(6);
      }
    } finally {
      await sim.close();
    }
  });
});
