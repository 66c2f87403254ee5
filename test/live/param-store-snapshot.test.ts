import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/live/event-bus.js';
import { ParamStore } from '../../src/live/param-store.js';

/** Lets the store's batch run: it notifies from one queued microtask, so a microtask queued after it runs later. */
const tick = () => new Promise<void>((r) => queueMicrotask(r));

describe('ParamStore as a framework store (getSnapshot / subscribe)', () => {
  it('returns the same frozen snapshot object until a value changes', () => {
    const s = new ParamStore({ devid: 'D1' });
    s.upsert('P4.v1', 612);
    const a = s.getSnapshot();
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual({ 'P4.v1': 612 });
    expect(s.getSnapshot()).toBe(a);
    s.upsert('P4.v1', 612); // unchanged value: still the same object
    expect(s.getSnapshot()).toBe(a);
    s.upsert('P4.v1', 613);
    const b = s.getSnapshot();
    expect(b).not.toBe(a);
    expect(b['P4.v1']).toBe(613);
    expect(a['P4.v1']).toBe(612); // old snapshots are never mutated
  });

  it('calls a subscriber at once (Svelte contract), then once per batch of changes', async () => {
    const s = new ParamStore({ devid: 'D1' });
    const seen: Array<Readonly<Record<string, unknown>>> = [];
    const off = s.subscribe((snap) => seen.push(snap));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({});
    s.ingestPrimePayload({ D1: { P4: { v1: 612, v3: 478, u1: 1 }, P5: { s0: 9 } } });
    await tick();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({ 'P4.v1': 612, 'P4.v3': 478, 'P4.u1': 1, 'P5.s0': 9 });
    expect(seen[1]).toBe(s.getSnapshot());
    off();
    s.upsert('P4.v1', 1);
    await tick();
    expect(seen).toHaveLength(2);
  });

  it('notifies once per delta frame from the bus, not once per key', async () => {
    const bus = new EventBus();
    const s = new ParamStore({ devid: 'D1' });
    s.attach(bus);
    let calls = 0;
    s.subscribe(() => calls++);
    calls = 0;
    const frame = (v: number) => {
      for (const idx of [1, 3, 4, 5])
        bus.publish({ devid: 'D1', pool: 'P4', chan: 'v', idx, value: v + idx, meta: {}, ts: 0 });
    };
    frame(100);
    await tick();
    expect(calls).toBe(1);
    frame(200);
    await tick();
    expect(calls).toBe(2);
    frame(200); // nothing changed: no notification
    await tick();
    expect(calls).toBe(2);
    bus.publish({ devid: 'OTHER', pool: 'P4', chan: 'v', idx: 1, value: 5, meta: {}, ts: 0 });
    await tick();
    expect(calls).toBe(2);
  });

  it('a throwing subscriber does not break the store or the others', async () => {
    const s = new ParamStore();
    let good = 0;
    s.subscribe(() => {
      throw new Error('boom');
    });
    s.subscribe(() => good++);
    s.upsert('P4.v1', 1);
    await tick();
    expect(good).toBe(2);
    expect(s.get('P4.v1')).toBe(1);
  });

  it('works with a useSyncExternalStore-style consumer: snapshot read after notification matches', async () => {
    const s = new ParamStore();
    const renders: unknown[] = [];
    let last = s.getSnapshot();
    s.subscribe(() => {
      const next = s.getSnapshot();
      if (next !== last) {
        last = next;
        renders.push(next['P4.v1']);
      }
    });
    s.upsert('P4.v1', 10);
    s.upsert('P4.v1', 11);
    await tick();
    expect(renders).toEqual([11]);
    s.clear();
    await tick();
    expect(renders).toEqual([11, undefined]);
  });
});
