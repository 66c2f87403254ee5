/**
 * Hostile socket payloads end to end: the simulator pushes arbitrary JSON and near-miss payloads under every event
 * name the gateway handles (`*parameters:change`, `snapshot`, the connection status event, `22`, task ids). The gateway
 * must not crash, must apply exactly the well-formed parameter entries (same reference model as fuzz-params), must
 * not re-prime for junk `22` payloads, and must stay live (a real delta arrives afterwards).
 * Each payload is a real Socket.IO round trip, so the count is lower than the pure properties' 10 000.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { DEMO_MODULES, DEMO_OBJECT_ID, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { DEMO } from '../helpers/sim.js';
import { paramPayload } from './arbitraries.js';
import { RUNS, SEED, jsonValue, nearMiss, sorted, until, viaJson } from './helpers.js';
import { flatOf, hasProtoKey, isRec, refApply } from './model.js';
import { captureLogger } from '../helpers/logger.js';

const [A, B] = DEMO_MODULES as [string, string];
const PAYLOADS = Math.max(50, Math.round(RUNS / 10));
let s: Simulator;
let gw: BragerOneGateway;
const log = captureLogger();

beforeAll(async () => {
  s = await startSimulator({ port: 0, tickInterval: 0 });
  const api = new BragerOneApiClient({
    server: s.server,
    logger: log,
    logLevel: 'warn',
    credsProvider: () => ({ ...DEMO }),
  });
  gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: DEMO_OBJECT_ID,
    modules: [A, B],
    connectivityPollInterval: 0,
  });
  await gw.start();
  await gw.waitForPrime(2_000);
});
afterAll(async () => {
  await gw.stop();
  await s.close();
});

const PARAM_EVENTS = ['app:modules:parameters:change', 'modules:parameters:change', 'parameters:change', 'snapshot'];
const OTHER_EVENTS = [
  'app:module:connection:status:changed',
  '22',
  '60',
  '61',
  '63',
  'message',
  'error',
  'app:module:task:created',
];

const event = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      name: fc.constantFrom(...PARAM_EVENTS),
      payload: fc.oneof(
        { weight: 4, arbitrary: paramPayload([A, B, 'OTHER00001']) },
        { weight: 2, arbitrary: nearMiss(paramPayload([A, B])) },
        { weight: 1, arbitrary: jsonValue },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      name: fc.constantFrom(...OTHER_EVENTS),
      payload: fc.oneof(jsonValue, fc.dictionary(fc.constantFrom(A, B, 'x'), jsonValue, { maxKeys: 2 })),
    }),
  },
);

describe('the gateway under hostile socket payloads', () => {
  it(`${PAYLOADS} random events: no crash, exactly the well-formed entries applied, no junk re-prime, still live`, async () => {
    const events = fc
      .sample(event, { numRuns: PAYLOADS, seed: SEED })
      // `22` with a subscribed devid legitimately re-primes (and so overwrites junk with the simulator's values);
      // bodies with own `__proto__` keys are a known metadata bug (pending/param-meta-proto.pending.ts)
      .filter((e) => !(e.name === '22' && isRec(e.payload) && (e.payload.devid === A || e.payload.devid === B)))
      .filter((e) => !hasProtoKey(e.payload));
    const models = {
      [A]: new Map(Object.entries(gw.params(A).flatten())),
      [B]: new Map(Object.entries(gw.params(B).flatten())),
    };
    const primes0 = s.stats.count('POST /v1/modules/parameters');
    const onAny: string[] = [];
    const off = gw.onAny((name) => onAny.push(name));
    for (const e of events) {
      s.emitRaw(e.name, e.payload);
      const isParams = e.name === 'snapshot' || e.name.endsWith('parameters:change');
      // the model sees what the socket delivers: the payload after a JSON round trip (-0 → 0, …)
      const wire = viaJson(e.payload);
      if (isParams && isRec(wire)) for (const d of [A, B]) refApply(models[d] as Map<string, unknown>, wire, d);
    }
    // a sentinel: a real delta after all the junk must still arrive and be applied
    s.setParam(A, 'P4.v8', 77);
    refApply(models[A] as Map<string, unknown>, { [A]: { P4: { v8: 77 } } }, A);
    await until(() => gw.params(A).get('P4.v8') === 77, 'the sentinel delta', 10_000);
    off();
    expect(onAny.length).toBeGreaterThanOrEqual(events.length);
    expect(sorted(gw.params(A).flatten())).toEqual(sorted(flatOf(models[A] as Map<string, unknown>)));
    expect(sorted(gw.params(B).flatten())).toEqual(sorted(flatOf(models[B] as Map<string, unknown>)));
    expect(s.stats.count('POST /v1/modules/parameters'), 'junk `22` payloads must not re-prime').toBe(primes0);
    expect([true, false, null]).toContain(gw.moduleOnline(A));
    expect(gw.wsSessionUp()).toBe(true);
    expect(log.entries.filter((l) => l.level === 'error')).toEqual([]);
    // the module state still follows real status events
    s.setModuleOnline(B, false);
    await until(() => gw.moduleOnline(B) === false, 'B offline');
    s.setModuleOnline(B, true);
    await until(() => gw.moduleOnline(B) === true, 'B online');
  }, 60_000);
});
