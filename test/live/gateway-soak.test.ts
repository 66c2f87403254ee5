/**
 * Bounded soak (~15 s, `SOAK_MS` to change): sockets are dropped every 500 ms while parameters keep changing.
 * The gateway must end with exactly the simulator's state and without growing listener or socket counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudSessionConnectivity } from '../../src/live/gateway.js';
import type { Simulator } from '../../src/simulator/index.js';
import { DEMO_MODULES, type Rig, impossibleTransitions, rig, sim, sleep, until } from './fixtures.js';

const SOAK_MS = Number(process.env.SOAK_MS ?? 15_000);
const [A, B] = DEMO_MODULES as [string, string];
let s: Simulator;
let r: Rig;

beforeAll(async () => {
  s = await sim({ tickInterval: 0 });
  r = await rig(s, { connectivityPollInterval: 200, realtime: { supervisorInterval: 1_000, reconnectDelay: 20 } });
  await r.gw.start();
});
afterAll(async () => {
  await r.gw.stop();
  await s.close();
});

const sorted = (o: Record<string, unknown>): string =>
  JSON.stringify(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));

describe('soak: drops every 500 ms while values change', () => {
  it(
    `converges to the final state after ${SOAK_MS} ms of churn, without leaks`,
    async () => {
      const ws = r.gw.realtime();
      expect(ws).not.toBeNull();
      const managerListeners = ws?.listenerCount();
      const busListeners = r.gw.bus.listenerCount();
      const handlesBefore = process.getActiveResourcesInfo().filter((x) => x === 'TCPSocketWrap').length;
      const sessions: CloudSessionConnectivity[] = [];
      r.gw.onCloudSession((c) => sessions.push(c));
      const end = Date.now() + SOAK_MS;
      let drops = 0;
      let nextDrop = Date.now() + 500;
      let v = 0;
      while (Date.now() < end) {
        s.setParam(A, 'P4.v8', ++v); // set-points: the plant never drifts them
        s.setParam(B, 'P4.v8', -v);
        if (v % 5 === 0) s.tick(); // plant drift on many parameters
        if (v % 23 === 0) s.memoryUpdated(v % 2 ? A : B); // silent changes + '22'
        if (Date.now() >= nextDrop) {
          s.faults.dropAllSockets();
          drops++;
          nextDrop += 500;
        }
        await sleep(15); // real time is the point: the churn's pace against the real reconnect/bind timers
      }
      // the churn stops: final state must arrive (deltas, or the re-prime after the last reconnect)
      await until(() => r.gw.wsSessionUp(), 'session up at the end', 5_000);
      await until(() => sorted(r.gw.params(A).flatten()) === sorted(s.values(A)), 'A converges', 5_000);
      await until(() => sorted(r.gw.params(B).flatten()) === sorted(s.values(B)), 'B converges', 5_000);
      expect(r.gw.params(A).get('P4.v8')).toBe(v);
      expect(r.gw.params(B).get('P4.v8')).toBe(-v);

      expect(drops).toBeGreaterThanOrEqual(Math.floor(SOAK_MS / 500) - 1);
      const downs = sessions.filter((c) => !c.up && c.changed).length;
      expect(downs).toBeGreaterThanOrEqual(drops / 2);
      expect(downs).toBeLessThanOrEqual(drops);
      expect(r.gw.state).toBe('live');
      expect(impossibleTransitions(r)).toEqual([]); // hundreds of drops, re-joins and re-binds: every move was in the table
      expect(ws?.listenerCount()).toBe(managerListeners);
      expect(r.gw.bus.listenerCount()).toBe(busListeners);
      await until(() => s.sockets().length === 1, 'one server-side socket', 2_000);
      const handlesAfter = process.getActiveResourcesInfo().filter((x) => x === 'TCPSocketWrap').length;
      expect(handlesAfter).toBeLessThanOrEqual(handlesBefore + 4); // keep-alive HTTP sockets may vary slightly
    },
    SOAK_MS + 30_000,
  );
});
