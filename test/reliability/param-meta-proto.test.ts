/**
 * Regression (fixed): an entry body with an own `__proto__` key (as `JSON.parse` — and therefore
 * socket.io-client — produces it) loses that key from the metadata and can replace the prototype of the meta object.
 *
 * Where: src/live/payload.ts `metaOf()` (`meta[k] = body[k]`), src/live/param-store.ts `apply()`
 * (`Object.assign({}, prev, body)`) and `meta()` (`out[f] = m[f]` over a `for…in`, which also walks inherited keys).
 * Assigning to `__proto__` invokes the `Object.prototype.__proto__` setter instead of defining a key: the key is
 * dropped, and when its value is an object, that object becomes the prototype, so `meta()` / `ParamUpdate.meta`
 * report keys the server never sent for that entry. No global prototype is polluted (only fresh objects are hit).
 *
 * Fix: build metadata with `Object.defineProperty(meta, k, { value, enumerable: true, writable: true,
 * configurable: true })` (or skip `__proto__` keys outright), merge with a loop over `Object.keys` using the same
 * define, and iterate own keys (`Object.keys`) in `meta()`.
 */
import { describe, expect, it } from 'vitest';
import { ParamStore } from '../../src/live/param-store.js';
import { flattenParamPayload } from '../../src/live/payload.js';

const payload = JSON.parse('{"DEMO0A1B2C":{"P4":{"v1":{"value":1,"storable":true,"__proto__":{"injected":true}}}}}');

describe('metadata never inherits keys from a `__proto__` body key', () => {
  it('flattenParamPayload', () => {
    const meta = (flattenParamPayload(payload)[0]?.meta ?? {}) as Record<string, unknown>;
    expect(meta.storable).toBe(true);
    expect(meta.injected).toBeUndefined();
    expect([Object.prototype, null]).toContain(Object.getPrototypeOf(meta));
  });

  it('ParamStore.meta', () => {
    const store = new ParamStore();
    store.ingestPrimePayload(payload);
    const meta = (store.meta('P4.v1') ?? {}) as Record<string, unknown>;
    expect(meta.storable).toBe(true);
    expect(meta.injected).toBeUndefined();
    const inherited: string[] = [];
    for (const k in meta) if (!Object.hasOwn(meta, k)) inherited.push(k);
    expect(inherited).toEqual([]);
  });
});
