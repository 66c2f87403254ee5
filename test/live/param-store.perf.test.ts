import { describe, expect, it } from 'vitest';
import { ParamStore } from '../../src/live/param-store.js';

/** A 50,000-parameter prime payload shaped like the cloud's (object bodies for values, bare bounds). */
function bigPayload(n: number): string {
  const payload: Record<string, Record<string, Record<string, unknown>>> = {};
  let c = 0;
  for (let m = 0; c < n; m++) {
    const mod: Record<string, Record<string, unknown>> = {};
    payload[`DEMO${m}`] = mod;
    for (let p = 0; p < 20 && c < n; p++) {
      const pool: Record<string, unknown> = {};
      mod[`P${p}`] = pool;
      for (let i = 0; i < 500 && c < n; i++) {
        for (const ch of ['v', 'u', 's', 'n', 'x']) {
          if (c >= n) break;
          pool[`${ch}${i}`] =
            ch === 'v' ? { value: i * 3, storable: true, createdAt: 1767225600, updatedAt: 1767225660 } : ch === 's' ? { value: 1 } : i;
          c++;
        }
      }
    }
  }
  return JSON.stringify(payload);
}

/** Best-of-`reps` timings of `a` and `b`, interleaved so that load spikes hit both alike. */
function bestOf(a: () => void, b: () => void, reps: number): [number, number] {
  let ta = Number.POSITIVE_INFINITY;
  let tb = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    a();
    ta = Math.min(ta, performance.now() - t);
    t = performance.now();
    b();
    tb = Math.min(tb, performance.now() - t);
  }
  return [ta, tb];
}

describe('ParamStore performance', () => {
  it('ingests 50,000 parameters in at most 3x the time of JSON.parse of the same payload', () => {
    const text = bigPayload(50_000);
    const obj: unknown = JSON.parse(text);
    for (let i = 0; i < 3; i++) new ParamStore().ingestPrimePayload(obj); // warm-up
    let store = new ParamStore();
    const [parse, ingest] = bestOf(
      () => JSON.parse(text),
      () => {
        store = new ParamStore();
        store.ingestPrimePayload(obj);
      },
      11,
    );
    expect(store.size).toBe(50_000);
    expect(ingest).toBeLessThanOrEqual(3 * parse);
  });
});
