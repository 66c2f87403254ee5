// biome-ignore-all lint/suspicious/noThenProperty: rule rows from the assets carry a `then` key
import { describe, expect, it } from 'vitest';
import { buildParamMap } from '../../../src/catalog/model/param-map.js';
import { flagBoolean, statusFlags, visibility } from '../../../src/catalog/model/status.js';
import { TV13, TV14_1, o, valuesOf } from './fixtures.js';

describe('status flags and visibility (§3.7)', () => {
  it('bit entry: P6.s13 = 3 → hidden, 64 → visible', () => {
    const m = buildParamMap(
      'X',
      o({ status: [{ group: 'P6', number: 13, use: 's', bit: 0, condition: "ParameterStatus['INVISIBLE']" }] }),
      'x',
    );
    expect(visibility(m, valuesOf({ 'P6.s13': 3 }))).toEqual({ visible: false, reason: 'hidden:invisible' });
    expect(visibility(m, valuesOf({ 'P6.s13': 64 }))).toEqual({ visible: true, reason: 'visible:default' });
    expect(statusFlags(m, valuesOf({ 'P6.s13': 3 }))).toEqual({ INVISIBLE: true });
    expect(statusFlags(m, valuesOf({}))).toEqual({ INVISIBLE: null });
  });
  it('rule rows under [t.INVISIBLE]: P6.v34 = 1 → visible, 0 → hidden', () => {
    const m = buildParamMap(
      'X',
      o({
        status: {
          '[t.INVISIBLE]': [
            {
              if: [{ operation: 'e.equalTo', expected: 1, value: [{ group: 'P6', number: 34, use: 'v' }] }],
              then: '!1',
            },
            { else: '!0' },
          ],
        },
      }),
      'x',
    );
    expect(visibility(m, valuesOf({ 'P6.v34': 1 }))).toEqual({ visible: true, reason: 'visible:default' });
    expect(visibility(m, valuesOf({ 'P6.v34': 0 }))).toEqual({ visible: false, reason: 'hidden:invisible' });
  });
  it('[SIM] rule conditions reuse the §3.6 comparer (any spelling, not only e.)', () => {
    const m = buildParamMap(
      'X',
      o({
        status: {
          INVISIBLE: [
            {
              if: [
                {
                  operation: "ClauseOperation['greaterThan']",
                  expected: 5,
                  value: [{ group: 'P1', number: 1, use: 'v' }],
                },
              ],
              then: true,
            },
          ],
        },
      }),
      'x',
    );
    expect(visibility(m, valuesOf({ 'P1.v1': 6 })).reason).toBe('hidden:invisible');
    expect(visibility(m, valuesOf({ 'P1.v1': 5 })).reason).toBe('visible:default');
  });
  it('DEVICE_AVAILABLE false hides; ENABLED never hides; TV-14 bit 7', () => {
    const m = buildParamMap(
      'X',
      o({
        status: {
          DEVICE_AVAILABLE: [{ group: 'P1', number: 1, use: 's', bit: 2 }],
          ENABLED: [{ group: 'P1', number: 1, use: 's', bit: 3 }],
        },
      }),
      'x',
    );
    expect(visibility(m, valuesOf({ 'P1.s1': 0 }))).toEqual({ visible: false, reason: 'hidden:device-unavailable' });
    expect(visibility(m, valuesOf({ 'P1.s1': 4 }))).toEqual({ visible: true, reason: 'visible:default' });
    expect(statusFlags(m, valuesOf({ 'P1.s1': 12 }))).toEqual({ DEVICE_AVAILABLE: true, ENABLED: true });
    const tv14 = buildParamMap('PARAM_P11_1', TV14_1, 'x');
    expect(visibility(tv14, valuesOf({ 'P11.s1': 128 })).reason).toBe('hidden:invisible');
    expect(visibility(tv14, valuesOf({ 'P11.s1': 127 })).reason).toBe('visible:default');
  });
  it('no mapping, composite widgets, no paths; unknown flags never hide', () => {
    expect(visibility(null, valuesOf({}))).toEqual({ visible: true, reason: 'visible:no-mapping' });
    expect(visibility(buildParamMap('X', o({ value2: [], status: { INVISIBLE: [] } }), 'x'), valuesOf({})).reason).toBe(
      'hidden:composite-component',
    );
    expect(visibility(buildParamMap('X', o({ value: [] }), 'x'), valuesOf({})).reason).toBe('visible:no-paths');
    const tv13 = buildParamMap('PARAM_66', TV13, 'x');
    expect(visibility(tv13, valuesOf({ 'P6.s34': 1 })).reason).toBe('visible:default');
    expect(statusFlags(tv13, valuesOf({ 'P6.s34': 1 }))).toEqual({ INVISIBLE: null, ENABLED: null });
  });
  it('status map of the first firing branch of raw.any (or its else)', () => {
    const m = buildParamMap(
      'X',
      o({
        any: [
          {
            if: [{ operation: 'equalTo', expected: 1, value: [{ group: 'P1', number: 1, use: 'v' }] }],
            then: { value: 'e.ON', status: { INVISIBLE: [{ group: 'P1', number: 2, use: 's', bit: 0 }] } },
          },
          { else: { status: { INVISIBLE: [{ group: 'P1', number: 2, use: 's', bit: 1 }] } } },
        ],
      }),
      'x',
    );
    expect(statusFlags(m, valuesOf({ 'P1.v1': 1, 'P1.s2': 1 }))).toEqual({ INVISIBLE: true });
    expect(statusFlags(m, valuesOf({ 'P1.v1': 0, 'P1.s2': 1 }))).toEqual({ INVISIBLE: false });
  });
  it('then/else booleans', () => {
    for (const t of [true, '!0', '1', 1, 'true']) expect(flagBoolean(t)).toBe(true);
    for (const f of [false, '!1', '0', 0, '![]']) expect(flagBoolean(f)).toBe(false);
    expect(flagBoolean('maybe')).toBeNull();
  });
});
