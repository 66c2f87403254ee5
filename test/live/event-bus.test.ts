import { describe, expect, it, vi } from 'vitest';
import { EventBus, type ParamUpdate } from '../../src/live/event-bus.js';
import { BragerOneError } from '../../src/errors.js';

const upd = (i: number): Omit<ParamUpdate, 'seq'> => ({
  devid: 'D',
  pool: 'P4',
  chan: 'v',
  idx: i,
  value: i,
  meta: {},
  ts: 1,
});

describe('EventBus', () => {
  it('stamps monotonically increasing seq from 0; lastSeq is -1 before the first publish', () => {
    const bus = new EventBus();
    expect(bus.lastSeq()).toBe(-1);
    const a = bus.publish(upd(1));
    const b = bus.publish(upd(2));
    expect([a.seq, b.seq]).toEqual([0, 1]);
    expect(bus.lastSeq()).toBe(1);
    expect(b).toMatchObject({ devid: 'D', pool: 'P4', chan: 'v', idx: 2, value: 2, ts: 1 });
  });

  it('on() delivers in order and its unsubscribe stops delivery (idempotent)', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    const off = bus.on((u) => seen.push(u.idx));
    bus.publish(upd(1));
    bus.publish(upd(2));
    off();
    off();
    bus.publish(upd(3));
    expect(seen).toEqual([1, 2]);
    expect(bus.listenerCount()).toBe(0);
  });

  it('a throwing listener is reported and does not break delivery to others', () => {
    const onError = vi.fn();
    const bus = new EventBus({ onError });
    const seen: number[] = [];
    bus.on(() => {
      throw new Error('boom');
    });
    bus.on((u) => seen.push(u.idx));
    bus.publish(upd(7));
    expect(seen).toEqual([7]);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ message: 'boom' });
  });

  it('a listener added or removed during publish does not disturb the current delivery', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    let offB: () => void = () => {};
    bus.on(() => {
      seen.push('a');
      offB();
      bus.on(() => seen.push('c'));
    });
    offB = bus.on(() => seen.push('b'));
    bus.publish(upd(1));
    expect(seen).toEqual(['a', 'b']);
  });

  it('subscribe() yields updates published after it, in order', async () => {
    const bus = new EventBus();
    bus.publish(upd(0));
    const it = bus.subscribe();
    bus.publish(upd(1));
    bus.publish(upd(2));
    const got: number[] = [];
    for await (const u of it) {
      got.push(u.idx);
      if (got.length === 2) break;
    }
    expect(got).toEqual([1, 2]);
    expect(bus.listenerCount()).toBe(0); // break → return() detached
  });

  it('a pending next() resolves on the next publish', async () => {
    const bus = new EventBus();
    const it = bus.subscribe();
    const p = it.next();
    bus.publish(upd(5));
    await expect(p).resolves.toMatchObject({ done: false, value: { idx: 5, seq: 0 } });
    await it.return?.();
  });

  it('overflow drops the oldest and counts drops', async () => {
    const bus = new EventBus();
    const it = bus.subscribe({ capacity: 3 });
    for (let i = 0; i < 10; i++) bus.publish(upd(i));
    expect(it.dropped).toBe(7);
    const got: number[] = [];
    for (let i = 0; i < 3; i++) got.push(((await it.next()).value as ParamUpdate).idx);
    expect(got).toEqual([7, 8, 9]);
    await it.return?.();
  });

  it('default capacity is 1024 per iterator', () => {
    const bus = new EventBus();
    const it = bus.subscribe();
    for (let i = 0; i < 1030; i++) bus.publish(upd(i));
    expect(it.dropped).toBe(6);
  });

  it('abort ends the iteration, resolving a pending next() and detaching', async () => {
    const bus = new EventBus();
    const ac = new AbortController();
    const it = bus.subscribe({ signal: ac.signal });
    expect(bus.listenerCount()).toBe(1);
    const p = it.next();
    ac.abort();
    await expect(p).resolves.toEqual({ value: undefined, done: true });
    expect(bus.listenerCount()).toBe(0);
    bus.publish(upd(1));
    await expect(it.next()).resolves.toMatchObject({ done: true });
  });

  it('an already aborted signal yields an empty iteration', async () => {
    const bus = new EventBus();
    const it = bus.subscribe({ signal: AbortSignal.abort() });
    bus.publish(upd(1));
    await expect(it.next()).resolves.toMatchObject({ done: true });
    expect(bus.listenerCount()).toBe(0);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new EventBus().subscribe({ capacity: 0 })).toThrow(BragerOneError);
  });
});
