import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/live/event-bus.js';
import { ParamStore } from '../../src/live/param-store.js';
import { flattenParamPayload, normalizePool, parseChanIdx, parseParamKey } from '../../src/live/payload.js';

const PRIME = {
  DEMO0A1B2C: {
    P4: {
      v1: { value: 215, storable: true, createdAt: 1767225600, updatedAt: 1767225660 },
      u1: { value: 1 },
      n1: 100,
      x1: 800,
      v2: { storable: true },
      x: 5,
      vX: 6,
      '': 1,
    },
    P5: { s0: { value: 9 } },
    '6': { v3: 'bare-pool' },
    Q7: { v1: 1 },
    P8: 'junk',
  },
  DEMO0D3E4F: { P4: { v1: 50 } },
  BAD: 42,
};

describe('payload helpers', () => {
  it('parses <letter><digits> keys, rejects junk', () => {
    expect(parseChanIdx('v1')).toBe(1);
    expect(parseChanIdx('s40')).toBe(40);
    expect(parseChanIdx('v007')).toBe(7);
    for (const bad of ['', 'v', 'x', 'vX', '1v', 'v1a', 'v-1', ' v1', 'v1.5']) expect(parseChanIdx(bad)).toBe(-1);
  });

  it('normalizes pools: bare digits get a P prefix', () => {
    expect(normalizePool('P4')).toBe('P4');
    expect(normalizePool('4')).toBe('P4');
    expect(normalizePool('p12')).toBe('P12');
    expect(normalizePool('P')).toBeNull();
    expect(normalizePool('Q4')).toBeNull();
    expect(normalizePool('')).toBeNull();
  });

  it('parses addresses', () => {
    expect(parseParamKey('P4.v1')).toEqual({ pool: 'P4', chan: 'v', idx: 1 });
    expect(parseParamKey('4.s40')).toEqual({ pool: 'P4', chan: 's', idx: 40 });
    for (const bad of ['P4', 'P4.', '.v1', 'P4.vX', 'X.v1', 'P4.v']) expect(parseParamKey(bad)).toBeNull();
  });

  it('flattens a payload into entries with meta (value stripped); meta-only has value undefined', () => {
    const rows = flattenParamPayload(PRIME);
    const v1 = rows.find((r) => r.devid === 'DEMO0A1B2C' && r.pool === 'P4' && r.chan === 'v' && r.idx === 1);
    expect(v1).toEqual({
      devid: 'DEMO0A1B2C',
      pool: 'P4',
      chan: 'v',
      idx: 1,
      value: 215,
      meta: { storable: true, createdAt: 1767225600, updatedAt: 1767225660 },
    });
    const v2 = rows.find((r) => r.pool === 'P4' && r.chan === 'v' && r.idx === 2);
    expect(v2).toMatchObject({ value: undefined, meta: { storable: true } });
    expect(rows.find((r) => r.pool === 'P6')).toMatchObject({ chan: 'v', idx: 3, value: 'bare-pool' });
    expect(rows.some((r) => r.devid === 'BAD' || r.pool === 'Q7' || r.pool === 'P8')).toBe(false);
    expect(rows).toHaveLength(8);
    expect(flattenParamPayload(PRIME, { devid: 'DEMO0D3E4F' })).toEqual([
      { devid: 'DEMO0D3E4F', pool: 'P4', chan: 'v', idx: 1, value: 50, meta: {} },
    ]);
    expect(flattenParamPayload(null)).toEqual([]);
    expect(flattenParamPayload([1, 2])).toEqual([]);
  });
});

describe('ParamStore', () => {
  it('ingests a prime payload (values, bare values, meta-only, junk ignored)', () => {
    const s = new ParamStore({ devid: 'DEMO0A1B2C' });
    s.ingestPrimePayload(PRIME);
    expect(s.get('P4.v1')).toBe(215);
    expect(s.get('P4.u1')).toBe(1);
    expect(s.get('P4.n1')).toBe(100);
    expect(s.get('P4.v2')).toBeUndefined();
    expect(s.has('P4.v2')).toBe(false);
    expect(s.get('P6.v3')).toBe('bare-pool');
    expect(s.get('6.v3')).toBe('bare-pool');
    expect(s.meta('P4.v2')).toEqual({ storable: true });
    expect(s.meta('P4.v1')).toEqual({ storable: true, createdAt: 1767225600, updatedAt: 1767225660 });
  });

  it('without devid, every module shares one key space (later modules win)', () => {
    const s = new ParamStore();
    s.ingestPrimePayload(PRIME);
    expect(s.get('P4.v1')).toBe(50);
    expect(s.get('P5.s0')).toBe(9);
  });

  it('with devid ingests only that module', () => {
    const s = new ParamStore({ devid: 'DEMO0D3E4F' });
    s.ingestPrimePayload(PRIME);
    expect(s.flatten()).toEqual({ 'P4.v1': 50 });
  });

  it('meta-only bodies never clear a value, and meta merges', () => {
    const s = new ParamStore();
    s.ingestPrimePayload({ D: { P4: { v1: { value: 5, storable: true } } } });
    s.ingestPrimePayload({ D: { P4: { v1: { updatedAt: 9 } } } });
    expect(s.get('P4.v1')).toBe(5);
    expect(s.meta('P4.v1')).toEqual({ storable: true, updatedAt: 9 });
    s.ingestPrimePayload({ D: { P4: { v1: { value: null } } } });
    expect(s.get('P4.v1')).toBeNull();
    expect(s.has('P4.v1')).toBe(true);
  });

  it('upsert returns the family; malformed keys → null', () => {
    const s = new ParamStore();
    expect(s.upsert('P4.vX', 1)).toBeNull();
    expect(s.upsert('nonsense', 1)).toBeNull();
    s.upsert('P4.u1', 3);
    s.upsert('P4.s1', 0b101);
    const fam = s.upsert('4.v1', 21.5);
    expect(fam).toEqual({
      pool: 'P4',
      idx: 1,
      channels: { u: 3, s: 5, v: 21.5 },
      value: 21.5,
      unitCode: 3,
      statusRaw: 5,
    });
    expect(Object.isFrozen(fam)).toBe(true);
    expect(s.getFamily('P4', 1)?.value).toBe(21.5);
    expect(s.getFamily('4', 1)?.unitCode).toBe(3);
    expect(s.getFamily('P4', 2)).toBeNull();
    expect(s.getFamily('junk', 1)).toBeNull();
    expect(s.size).toBe(3);
  });

  it('flatten returns every value under canonical keys', () => {
    const s = new ParamStore({ devid: 'DEMO0A1B2C' });
    s.ingestPrimePayload(PRIME);
    expect(s.flatten()).toEqual({
      'P4.v1': 215,
      'P4.u1': 1,
      'P4.n1': 100,
      'P4.x1': 800,
      'P5.s0': 9,
      'P6.v3': 'bare-pool',
    });
    s.upsert('P4.v01', 216);
    expect(s.flatten()['P4.v1']).toBe(216);
    expect(Object.keys(s.flatten())).not.toContain('P4.v01');
  });

  it('on() fires once per changed key (Object.is), also during ingest', () => {
    const s = new ParamStore();
    const seen: Array<[string, unknown]> = [];
    const off = s.on((k, v) => seen.push([k, v]));
    s.ingestPrimePayload({ D: { P4: { v1: 1, v2: { value: Number.NaN }, v3: { storable: true } } } });
    s.ingestPrimePayload({ D: { P4: { v1: 1, v2: Number.NaN, v4: 0 } } });
    s.upsert('P4.v4', -0);
    s.upsert('P4.v1', 2);
    expect(seen).toEqual([
      ['P4.v1', 1],
      ['P4.v2', Number.NaN],
      ['P4.v4', 0],
      ['P4.v4', -0],
      ['P4.v1', 2],
    ]);
    off();
    s.upsert('P4.v1', 3);
    expect(seen).toHaveLength(5);
  });

  it('a throwing change listener does not break ingestion', () => {
    const s = new ParamStore();
    let calls = 0;
    s.on(() => {
      throw new Error('x');
    });
    s.on(() => calls++);
    s.ingestPrimePayload({ D: { P4: { v1: 1, v2: 2 } } });
    expect(calls).toBe(2);
    expect(s.get('P4.v2')).toBe(2);
  });

  it('attach(bus) follows updates of its module until detached', () => {
    const bus = new EventBus();
    const s = new ParamStore({ devid: 'A' });
    const detach = s.attach(bus);
    bus.publish({ devid: 'A', pool: 'P4', chan: 'v', idx: 1, value: 10, meta: {}, ts: 0 });
    bus.publish({ devid: 'B', pool: 'P4', chan: 'v', idx: 1, value: 99, meta: {}, ts: 0 });
    bus.publish({ devid: 'A', pool: 'P4', chan: 'v', idx: 1, value: undefined, meta: { storable: true }, ts: 0 });
    expect(s.get('P4.v1')).toBe(10);
    expect(s.meta('P4.v1')).toEqual({ storable: true });
    detach();
    bus.publish({ devid: 'A', pool: 'P4', chan: 'v', idx: 1, value: 11, meta: {}, ts: 0 });
    expect(s.get('P4.v1')).toBe(10);
    expect(bus.listenerCount()).toBe(0);
  });

  it('clear() empties the store', () => {
    const s = new ParamStore();
    s.ingestPrimePayload(PRIME);
    s.clear();
    expect(s.flatten()).toEqual({});
    expect(s.size).toBe(0);
    s.upsert('P4.v1', 1);
    expect(s.flatten()).toEqual({ 'P4.v1': 1 });
  });
});
