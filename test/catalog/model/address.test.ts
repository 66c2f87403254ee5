// biome-ignore-all lint/suspicious/noThenProperty: rule rows from the assets carry a `then` key
import { describe, expect, it } from 'vitest';
import {
  SymbolIndex,
  conventionAddress,
  conventionSymbol,
  familyKeys,
  parseAddress,
  primaryAddress,
} from '../../../src/catalog/model/address.js';
import { buildParamMap } from '../../../src/catalog/model/param-map.js';
import { TV12, TV13, TV14_1, TV15_ROOT, o } from './fixtures.js';

describe('primary address (§3.2, [SIM] order)', () => {
  it('TV-12 → P4.v1 via use.v', () => {
    const p = primaryAddress('PARAM_X', buildParamMap('PARAM_X', TV12, 'x'));
    expect(p).toMatchObject({ address: 'P4.v1', source: 'value-selector' });
  });
  it('TV-13: the generic walk defaults a missing use to v → P6.v34 [Q]', () => {
    expect(primaryAddress('PARAM_66', buildParamMap('PARAM_66', TV13, 'x'))).toMatchObject({
      address: 'P6.v34',
      source: 'walk',
    });
  });
  it('TV-14 → P11.v1 from the paths.value selector', () => {
    expect(primaryAddress('PARAM_P11_1', buildParamMap('PARAM_P11_1', TV14_1, 'x'))).toMatchObject({
      address: 'P11.v1',
      source: 'value-selector',
    });
  });
  it('paths.value selector wins over the symbol name and the walk', () => {
    const m = buildParamMap(
      'PARAM_P4_1',
      o({
        status: { INVISIBLE: [{ group: 'P9', number: 9, use: 'v' }] },
        value: [{ group: 'P4', number: 7, use: 'v' }],
      }),
      'x',
    );
    expect(primaryAddress('PARAM_P4_1', m).address).toBe('P4.v7');
  });
  it('use.v (as paths.value) wins over the symbol name', () => {
    const m = buildParamMap('PARAM_P4_1', o({ use: { v: { pool: 'P4', chan: 'v', idx: 9 } } }), 'x');
    expect(primaryAddress('PARAM_P4_1', m)).toMatchObject({ address: 'P4.v9', source: 'value-selector' });
  });
  it('use.v is used when value holds rule rows', () => {
    const m = buildParamMap(
      'PARAM_P4_1',
      o({ value: [{ if: [], then: 1 }], use: { v: { pool: 'P4', chan: 'v', idx: 9 } } }),
      'x',
    );
    expect(primaryAddress('PARAM_P4_1', m)).toMatchObject({ address: 'P4.v9', source: 'use.v' });
  });
  it('the symbol name wins over the walk', () => {
    const m = buildParamMap('PARAM_P4_1', o({ status: { INVISIBLE: [{ group: 'P9', number: 9, use: 'v' }] } }), 'x');
    expect(primaryAddress('PARAM_P4_1', m)).toMatchObject({ address: 'P4.v1', source: 'symbol' });
  });
  it('walk picks v, else s, u, x, n, else the first', () => {
    const m = buildParamMap(
      'A',
      o({
        a: [
          { group: 'P1', number: 1, use: 'n' },
          { group: 'P1', number: 2, use: 'x' },
          { group: 'P1', number: 3, use: 'u' },
        ],
      }),
      'x',
    );
    expect(primaryAddress('A', m).address).toBe('P1.u3');
    const n = buildParamMap(
      'B',
      o({
        a: [
          { group: 'P1', number: 1, use: 'q' },
          { group: 'P1', number: 2, use: 'r' },
        ],
      }),
      'x',
    );
    expect(primaryAddress('B', n).address).toBe('P1.q1');
  });
  it('integer pools and integer-string indexes', () => {
    const m = buildParamMap('A', o({ x: { pool: 4, number: '12' } }), 'x');
    expect(primaryAddress('A', m).address).toBe('P4.v12');
  });
  it('STATUS_P<p>_<i> is always at P<p>.s<i>; a different map primary is computedPrimary', () => {
    const tv15 = buildParamMap('STATUS_P5_10', TV15_ROOT, 'x');
    expect(primaryAddress('STATUS_P5_10', tv15)).toMatchObject({ address: 'P5.s10', computedPrimary: null });
    const m = buildParamMap('STATUS_P5_0', o({ value: [{ group: 'P4', number: 3, use: 'v' }] }), 'x');
    expect(primaryAddress('STATUS_P5_0', m)).toMatchObject({ address: 'P5.s0', computedPrimary: 'P4.v3' });
  });
  it('no map, no convention → none; convention without map', () => {
    expect(primaryAddress('URUCHOMIENIE_KOTLA', null)).toMatchObject({ address: null, source: 'none' });
    expect(primaryAddress('PARAM_P4_1', null).address).toBe('P4.v1');
    expect(primaryAddress('STATUS_P5_0', null).address).toBe('P5.s0');
  });
});

describe('addresses and the symbol index (§3.10)', () => {
  it('parses keys and naming conventions', () => {
    expect(parseAddress('P4.v1')).toEqual({ pool: 'P4', chan: 'v', idx: 1 });
    expect(parseAddress('P4v1')).toBeNull();
    expect(conventionAddress('PARAM_P4_1')).toBe('P4.v1');
    expect(conventionAddress('STATUS_P5_0')).toBe('P5.s0');
    expect(conventionAddress('PARAM_66')).toBeNull();
    expect(conventionSymbol('P4.v1')).toBe('PARAM_P4_1');
    expect(conventionSymbol('P5.s0')).toBe('STATUS_P5_0');
    expect(conventionSymbol('P4.u1')).toBeNull();
    expect(familyKeys('P4.v1')).toEqual(['P4.v1', 'P4.s1', 'P4.u1', 'P4.n1', 'P4.x1']);
  });
  it('symbolsFor lists symbols whose primary address it is, then the convention symbol', () => {
    const idx = new SymbolIndex();
    idx.addMap('PARAM_66', buildParamMap('PARAM_66', TV13, 'x'));
    idx.addMap('TEMP_KOTLA', buildParamMap('TEMP_KOTLA', o({ value: [{ group: 'P4', number: 1, use: 'v' }] }), 'x'));
    idx.addMap('PARAM_P4_1', null);
    expect(idx.symbolsFor('P6.v34')).toEqual(['PARAM_66', 'PARAM_P6_34']);
    expect(idx.symbolsFor('P4.v1')).toEqual(['TEMP_KOTLA', 'PARAM_P4_1']);
    expect(idx.symbolsFor('P4.v1', { convention: false })).toEqual(['TEMP_KOTLA', 'PARAM_P4_1']);
    expect(idx.symbolsFor('P9.u1')).toEqual([]);
    idx.add('TEMP_KOTLA', 'P4.v2');
    expect(idx.symbolsFor('P4.v2', { convention: false })).toEqual(['TEMP_KOTLA']);
    expect(idx.symbolsFor('P4.v1', { convention: false })).toEqual(['PARAM_P4_1']);
    expect(idx.addressOf('TEMP_KOTLA')).toBe('P4.v2');
  });
});
