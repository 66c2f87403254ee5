/** Self-healing of the gateway (§7.2–§7.4) against real sockets: drops, expired tokens, zombies, refusals. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudSessionConnectivity, GatewayState } from '../../src/live/gateway.js';
import { FAULTS, type Simulator } from '../../src/simulator/index.js';
import { DEMO_MODULES, calls, manualPoll, rig, rigSuite, sim, until } from './fixtures.js';

const [A, B] = DEMO_MODULES as [string, string];
const suite = rigSuite();
const started = suite.started;
let s!: Simulator;
beforeAll(() => {
  s = suite.sim();
});

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sorted = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));

describe('reconnect re-bind (§7.2)', () => {
  it('after a drop with expired tokens: session down/up, fresh login, re-bind with the new SID, re-prime, convergence', async () => {
    const r = await started();
    const sessions: CloudSessionConnectivity[] = [];
    r.gw.onCloudSession((c) => sessions.push(c));
    const states: Array<[GatewayState, GatewayState]> = [];
    r.gw.onStateChange((state, previous) => states.push([previous, state]));
    expect(r.gw.state).toBe('live');
    const oldSid = s.sockets()[0]?.nsSid;
    const logins = s.loginCount();
    const from = r.sent.length;
    s.expireTokens();
    s.faults.dropAllSockets();
    await until(() => sessions.some((c) => !c.up), 'session down');
    expect(r.gw.wsSessionUp()).toBe(false);
    // state changes while the socket is gone are missed as deltas, and must come back through the re-prime
    s.setParam(A, 'P4.v1', 4242);
    s.setParam(B, 'P4.v1', 4343);
    await until(
      () => r.gw.wsSessionUp() && calls(r.sent, 'POST /v1/modules/parameters', from).length > 0,
      'reconnect + re-prime',
      5_000,
    );
    await until(() => same(sorted(r.gw.params(A).flatten()), sorted(s.values(A))), 'A converges');
    await until(() => same(sorted(r.gw.params(B).flatten()), sorted(s.values(B))), 'B converges');
    expect(r.gw.params(A).get('P4.v1')).toBe(4242);
    expect(sessions.map((c) => [c.up, c.source, c.changed])).toEqual([
      [false, 'disconnect', true],
      [true, 'connect', true],
    ]);
    expect(states).toEqual([
      ['live', 'reconnecting'],
      ['reconnecting', 'live'],
    ]);
    expect(s.loginCount()).toBeGreaterThan(logins);
    const sock = s.sockets();
    expect(sock).toHaveLength(1);
    expect(sock[0]?.nsSid).not.toBe(oldSid);
    const connects = calls(r.sent, 'POST /v1/modules/connect', from);
    expect(connects.at(-1)?.body).toEqual({ wsid: sock[0]?.nsSid, modules: [A, B] });
    expect(connects.some((c) => (c.body as { wsid?: string }).wsid === oldSid)).toBe(false);
    expect(sock[0]?.bound).toEqual([A, B]);
    await until(() => s.sockets()[0]?.listening.length === 2, 'resubscribed');
    // deltas flow again on the new session
    s.setParam(A, 'P4.v1', 4244);
    await until(() => r.gw.params(A).get('P4.v1') === 4244, 'delta after reconnect');
  });

  it('a re-prime that fails after a reconnect is retried by the next poll', async () => {
    const poll = manualPoll(); // the poll runs when this test says so: none can take the injected failure meanwhile
    const r = await started({ connectivityPollInterval: 1_000, pollScheduler: poll.scheduler });
    expect(poll.interval).toBe(1_000);
    const from = r.sent.length;
    const full = (): number =>
      calls(r.sent, 'POST /v1/modules/parameters', from).filter((c) => same(c.body, { modules: [A, B] })).length;
    s.faults.failNext('POST /v1/modules/parameters', 1, FAULTS.gatewayTimeout);
    s.faults.dropAllSockets();
    await until(
      () => r.log.lines.some((l) => l.includes('re-bind after reconnect: upstream unavailable')),
      'failed re-prime',
    );
    const failed = full();
    await poll.tick();
    expect(full()).toBe(failed + 1); // the poll primed again
    await until(() => same(sorted(r.gw.params(B).flatten()), sorted(s.values(B))), 'B converges', 5_000);
    expect(same(sorted(r.gw.params(A).flatten()), sorted(s.values(A)))).toBe(true);
    const n = full();
    await poll.tick();
    await poll.tick();
    expect(full()).toBe(n); // once it succeeded, the poll stops re-priming
  });

  it('refused handshakes during an outage are retried; outages are logged as compact one-liners', async () => {
    const r = await started();
    s.stats.reset();
    s.faults.refuseHandshakes(3, { status: 503 });
    s.faults.dropAllSockets();
    await until(() => r.gw.wsSessionUp() && s.stats.count('WS refused') === 3, 'session back after refusals', 6_000);
    const warn = r.log.lines.filter((l) => l.includes('upstream unavailable'));
    expect(warn.length).toBe(3);
    for (const l of warn) {
      expect(l).not.toContain('\n');
      expect(l).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });

  it('the connectivity poll REST-primes while the socket is down and logs at most one line per poll', async () => {
    const poll = manualPoll();
    const r = await started({
      connectivityPollInterval: 60,
      pollScheduler: poll.scheduler,
      realtime: { supervisorInterval: 60_000, reconnectDelay: 60_000 },
    });
    s.faults.refuseHandshakes(1_000, { status: 502 });
    s.faults.dropAllSockets();
    await until(() => !r.gw.wsSessionUp(), 'session down');
    expect(r.gw.state).toBe('reconnecting');
    const from = r.sent.length;
    s.setParam(A, 'P4.v1', 777); // not pushed: no socket
    await poll.tick();
    expect(r.gw.params(A).get('P4.v1')).toBe(777); // REST prime while down
    expect(calls(r.sent, 'POST /v1/modules/parameters', from).length).toBeGreaterThan(0);
    // an outage of both REST routes: one warning per poll cycle, not one per failed call
    s.faults.failFor('*', 60_000, FAULTS.unavailable);
    const before = r.log.lines.length;
    const polls = calls(r.sent, 'GET /v1/modules').length;
    for (let i = 0; i < 3; i++) await poll.tick();
    expect(calls(r.sent, 'GET /v1/modules').length).toBe(polls + 3);
    expect(calls(r.sent, 'POST /v1/modules/parameters', from).length).toBeGreaterThan(3); // each cycle tried both routes
    const newWarn = r.log.lines
      .slice(before)
      .filter((l) => l.includes('upstream unavailable') && !l.includes('reconnect'));
    expect(newWarn).toHaveLength(3);
    expect(r.gw.params(A).get('P4.v1')).toBe(777); // last known state kept
  });
});

describe('prime vs delta race', () => {
  it('a delta that arrives while a prime is in flight is not overwritten by the older snapshot', async () => {
    let hold: (() => Promise<void>) | null = null;
    const r = await rig(s, {}, (inner) => async (input, init) => {
      const res = await inner(input, init);
      const h = hold;
      if (h && new Request(input, init).url.endsWith('/modules/parameters')) {
        hold = null;
        await h(); // the snapshot is taken; now a newer delta overtakes the answer
      }
      return res;
    });
    suite.track(r);
    await r.gw.start();
    const store = r.gw.params(A);
    s.setParam(A, 'P4.v1', 1000);
    await until(() => store.get('P4.v1') === 1000, 'first delta');
    const v1: unknown[] = [];
    r.gw.bus.on((u) => {
      if (u.devid === A && u.idx === 1 && u.chan === 'v' && u.pool === 'P4') v1.push(u.value);
    });
    hold = async () => {
      s.setParam(A, 'P4.v1', 2000);
      s.setParam(A, 'P4.v2', 2001);
      await until(() => store.get('P4.v2') === 2001, 'deltas during the prime');
    };
    const from = r.sent.length;
    s.memoryUpdated(A);
    await until(() => calls(r.sent, 'POST /v1/modules/parameters', from).length === 1 && hold === null, 'held prime');
    await until(() => same(sorted(store.flatten()), sorted(s.values(A))), 'converged after the prime', 3_000);
    expect(store.get('P4.v1')).toBe(2000);
    expect(store.get('P4.v2')).toBe(2001);
    expect(v1).toEqual([2000]); // the stale snapshot entry was not re-published either
  });
});

describe('stale session / zombie detection (§7.3)', () => {
  let busy: Simulator;
  beforeAll(async () => {
    busy = await sim({ tickInterval: 25 }); // a healthy session sees deltas every 25 ms
  });
  afterAll(async () => {
    await busy.close();
  });

  it('stale detection follows the injected clock: prime per stale cycle, hard restart after N cycles', async () => {
    let clock = 1_000;
    const poll = manualPoll();
    const r = await started({
      now: () => clock,
      connectivityPollInterval: 30,
      pollScheduler: poll.scheduler,
      stalePrimeAfter: 60_000,
      zombieHardRestartAfter: 2,
    });
    const sid = s.sockets()[0]?.nsSid;
    const from = r.sent.length;
    const primes = (): number => calls(r.sent, 'POST /v1/modules/parameters', from).length;
    for (let i = 0; i < 3; i++) await poll.tick(); // the clock stands still, so nothing is stale
    expect(primes()).toBe(0);
    clock += 60_000;
    await poll.tick();
    expect(primes()).toBe(1);
    expect(r.gw.lastUpdate()).toBe(clock); // the stale prime was applied
    expect(s.sockets()[0]?.nsSid).toBe(sid); // one zombie cycle does not restart
    clock += 60_000;
    await poll.tick();
    expect(primes()).toBe(2);
    await until(() => s.sockets()[0]?.nsSid !== sid && r.gw.wsSessionUp(), 'hard restart after the second cycle');
    expect(r.gw.lastUpdate()).toBe(clock);
    expect(r.log.lines.some((l) => l.includes('forcing a hard reconnect'))).toBe(true);
  });

  it('a healthy session is not flagged', async () => {
    let clock = 1_000;
    const poll = manualPoll();
    const r = await started(
      {
        now: () => clock,
        connectivityPollInterval: 50,
        pollScheduler: poll.scheduler,
        stalePrimeAfter: 500,
        zombieHardRestartAfter: 2,
      },
      busy,
    );
    const sid = busy.sockets()[0]?.nsSid;
    const from = r.sent.length;
    // 2.4 s of injected time, well past stalePrimeAfter, in steps shorter than it, each with a live delta and a poll
    for (let i = 0; i < 6; i++) {
      clock += 400;
      await until(() => r.gw.lastUpdate() === clock, 'a live delta');
      await poll.tick();
    }
    expect(busy.sockets()[0]?.nsSid).toBe(sid);
    expect(calls(r.sent, 'POST /v1/modules/parameters', from)).toHaveLength(0);
    expect(calls(r.sent, 'GET /v1/modules', from)).toHaveLength(6);
  });

  it('a silent (zombie) session is REST-primed, then hard-restarted, then receives deltas again', async () => {
    const r = await started({ connectivityPollInterval: 50, stalePrimeAfter: 500, zombieHardRestartAfter: 2 }, busy);
    const sid = busy.sockets()[0]?.nsSid;
    const from = r.sent.length;
    busy.faults.zombie(true);
    await until(() => calls(r.sent, 'POST /v1/modules/parameters', from).length >= 1, 'stale prime', 3_000);
    await until(
      () => busy.sockets().length === 1 && busy.sockets()[0]?.nsSid !== sid && r.gw.wsSessionUp(),
      'hard restart',
      5_000,
    );
    expect(r.log.lines.some((l) => l.includes('forcing a hard reconnect'))).toBe(true);
    busy.faults.zombie(false);
    busy.setParam(A, 'P4.v8', 31337); // a set-point the plant never drifts
    await until(() => r.gw.params(A).get('P4.v8') === 31337, 'deltas after healing');
    expect(r.gw.lastUpdate()).not.toBeNull();
  });
});
