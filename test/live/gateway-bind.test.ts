// A loud bind (docs/PROTOCOL.md §4.9, §7.1–§7.2): start() rejects when no /modules/connect variant binds; after a later
// reconnect the gateway binds at once too, retries the bind with backoff and warns each time; it waits briefly after the
// join (bindDelay) when the first bind is refused.
import { afterEach, describe, expect, it } from 'vitest';
import { BragerOneError } from '../../src/errors.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';
import { DEMO_MODULES, type Rig, calls, impossibleTransitions, rig, sim, until } from './fixtures.js';

const sims: Simulator[] = [];
const rigs: Rig[] = [];

afterEach(async () => {
  const done = rigs.splice(0);
  await Promise.all(done.map((r) => r.gw.stop()));
  for (const r of done) expect(impossibleTransitions(r)).toEqual([]);
  await Promise.all(sims.splice(0).map((x) => x.close()));
});

async function setup(
  simOpts: SimulatorOptions,
  gwOpts: Parameters<typeof rig>[1] = {},
): Promise<{ s: Simulator; r: Rig }> {
  const s = await sim(simOpts);
  sims.push(s);
  const r = await rig(s, gwOpts);
  rigs.push(r);
  return { s, r };
}

const sorted = [...DEMO_MODULES].sort();

describe('start() and an unbindable session', () => {
  it('rejects with a BragerOneError when every variant is refused, after trying all of them, and releases the socket', async () => {
    const { s, r } = await setup({ refuseBinds: true });
    const err = await r.gw.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BragerOneError);
    expect((err as Error).message).toMatch(/modules\/connect.*no body variant bound/);
    // the first variant at once; after the wait wsid, sid, wsid+group_id with the namespace SID, then with the engine SID
    expect(calls(r.sent, 'POST /v1/modules/connect').length).toBe(1 + 6);
    expect(calls(r.sent, 'POST /v1/modules/connect').at(-1)?.body).toMatchObject({ group_id: '1201' });
    await until(() => s.sockets().length === 0, 'the socket released');
    expect(r.gw.wsSessionUp()).toBe(false);
  });

  it('can be started again once the server binds', async () => {
    const { s, r } = await setup({});
    s.faults.refuseBinds(true);
    await expect(r.gw.start()).rejects.toBeInstanceOf(BragerOneError);
    s.faults.refuseBinds(false);
    await r.gw.start();
    expect(s.sockets()[0]?.bound).toEqual(sorted);
  });
});

describe('a server that registers the socket id late', () => {
  it('binding at once (bindDelay 0) is refused: start() says so instead of going on unbound', async () => {
    const { r } = await setup({ sidRegistrationDelay: 5_000 }, { bindDelay: 0 });
    await expect(r.gw.start()).rejects.toThrow(/no body variant bound/);
  });

  it('binds at once; a refusal waits out the default 100 ms after the join, which covers a 50 ms registration', async () => {
    const { s, r } = await setup({ sidRegistrationDelay: 50 });
    await r.gw.start();
    // the eager first variant (refused unless the registration beat it), then the first variant again after the wait
    expect(calls(r.sent, 'POST /v1/modules/connect').length).toBeLessThanOrEqual(2);
    expect(s.sockets()[0]?.bound).toEqual(sorted);
  });

  it('bindDelay is configurable', async () => {
    const { s, r } = await setup({ sidRegistrationDelay: 300 }, { bindDelay: 400 });
    await r.gw.start();
    expect(s.sockets()[0]?.bound).toEqual(sorted);
  });
});

describe('after a later reconnect', () => {
  it('binds right after the join like the start-up: listen first, the first variant at once, listen again', async () => {
    const { s, r } = await setup({});
    await r.gw.start();
    const ws = r.gw.realtime();
    if (!ws) throw new Error('no realtime manager after start()');
    const order: string[] = [];
    const subscribe = ws.subscribe.bind(ws);
    ws.subscribe = (modules) => {
      order.push(`listen ${ws.sid() ?? 'no sid'}`);
      return subscribe(modules);
    };
    const connect = r.api.modulesConnect.bind(r.api);
    r.api.modulesConnect = (wsid, ...rest) => {
      order.push(`bind ${wsid}`);
      return connect(wsid, ...rest);
    };
    const firstSid = s.sockets()[0]?.nsSid;
    const from = r.sent.length;
    s.faults.dropAllSockets();
    await until(
      () => order.some((o) => o.startsWith('bind')) && order.at(-1)?.startsWith('listen') === true,
      'the re-bind done',
      10_000,
    );
    const sid = s.sockets()[0]?.nsSid;
    expect(sid).toBeDefined();
    expect(sid).not.toBe(firstSid);
    expect(order).toEqual([`listen ${sid}`, `bind ${sid}`, `listen ${sid}`]);
    expect(calls(r.sent, 'POST /v1/modules/connect', from).map((c) => c.body)).toEqual([
      { wsid: sid, modules: sorted },
    ]);
    expect(s.sockets()[0]?.bound).toEqual(sorted);
    await until(() => s.sockets()[0]?.listening.length === sorted.length, 'listening');
  });

  it('a re-bind refused at once (late registration) waits out bindDelay and binds the new session', async () => {
    const { s, r } = await setup({ sidRegistrationDelay: 50 });
    await r.gw.start();
    const firstSid = s.sockets()[0]?.nsSid;
    const from = r.sent.length;
    s.faults.dropAllSockets();
    await until(
      () =>
        s.sockets().length === 1 &&
        s.sockets()[0]?.nsSid !== firstSid &&
        s.sockets()[0]?.bound.length === sorted.length,
      'the new session bound',
      10_000,
    );
    const sid = s.sockets()[0]?.nsSid;
    const connects = calls(r.sent, 'POST /v1/modules/connect', from);
    expect(connects.length).toBeGreaterThanOrEqual(1);
    expect(connects.length).toBeLessThanOrEqual(2);
    expect(connects.every((c) => (c.body as { wsid?: string }).wsid === sid)).toBe(true);
    expect(r.log.lines.some((l) => l.includes('re-bind after reconnect failed'))).toBe(false);
  });

  it('retries the bind with backoff and warns each time, then binds once the server accepts', async () => {
    const { s, r } = await setup({}, { bindRetryDelay: 20 });
    await r.gw.start();
    const firstSid = s.sockets()[0]?.nsSid;
    s.faults.refuseBinds(true);
    s.faults.dropAllSockets();
    const failures = () => r.log.lines.filter((l) => l.includes('re-bind after reconnect failed'));
    await until(() => failures().length >= 3, 'three warned bind failures', 10_000);
    expect(failures()[0]).toMatch(/attempt 1\b.*no body variant bound.*retrying in 20 ms/);
    expect(failures()[1]).toMatch(/attempt 2\b.*retrying in 40 ms/);
    expect(failures()[2]).toMatch(/attempt 3\b.*retrying in 80 ms/);
    s.faults.refuseBinds(false);
    await until(() => s.sockets()[0]?.bound.length === sorted.length, 'the new session bound', 10_000);
    expect(s.sockets()[0]?.nsSid).not.toBe(firstSid);
    await until(
      () => r.log.lines.some((l) => /re-bind succeeded after \d+ failed attempt/.test(l)),
      'the recovery logged',
    );
    // a delta reaches the gateway through the re-bound session
    const seen = new Promise<void>((resolve) =>
      r.gw.bus.on(
        (u) => u.devid === sorted[0] && u.pool === 'P4' && u.chan === 'v' && u.idx === 8 && u.value === 71 && resolve(),
      ),
    );
    s.setParam(sorted[0] as string, 'P4.v8', 71);
    await seen;
  });
});
