// biome-ignore-all lint/suspicious/noThenProperty: rule rows from the assets carry a `then` key
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildParamMap } from '../../../src/catalog/model/param-map.js';
import { composeWords, describe as describeParam, refreshKeys, resolve } from '../../../src/catalog/model/resolve.js';
import { toParameterDescription, toResolvedParameter } from '../../../src/catalog/model/types.js';
import type { Json, JsonObject } from '../../../src/catalog/types.js';
import { DESCRIPTORS, TV12, TV13, TV15_ROOT, ctxOf, o, valuesOf } from './fixtures.js';

const composed = (convert: boolean) =>
  buildParamMap(
    'PARAM_COUNTER',
    o({
      value: [
        { group: 'P4', number: 59, use: 'v', ...(convert ? { convert: 'Xt' } : {}) },
        { group: 'P4', number: 60, use: 'v', ...(convert ? { convert: 'Xt' } : {}), times: 65536 },
      ],
    }),
    'x',
  );

describe('composition (§3.5 step 2)', () => {
  it('convert: -27473/0 → 38063; 1/1 → 65537; without convert -5/0 → -5', () => {
    expect(composeWords(composed(true), valuesOf({ 'P4.v59': -27473, 'P4.v60': 0 }))).toBe(38063);
    expect(composeWords(composed(true), valuesOf({ 'P4.v59': 1, 'P4.v60': 1 }))).toBe(65537);
    expect(composeWords(composed(false), valuesOf({ 'P4.v59': -5, 'P4.v60': 0 }))).toBe(-5);
    expect(composeWords(composed(false), valuesOf({}))).toBeNull();
  });
  it('resolve uses the composed sum as raw; a single plain selector keeps 40.5', () => {
    const r = resolve('PARAM_COUNTER', composed(true), ctxOf({ 'P4.v59': -27473, 'P4.v60': 0 }));
    expect(r).toMatchObject({ kind: 'direct', raw: 38063, value: 38063, address: 'P4.v59' });
    const single = buildParamMap('T', o({ value: [{ group: 'P4', number: 2, use: 'v' }] }), 'x');
    expect(resolve('T', single, ctxOf({ 'P4.v2': 40.5 })).value).toBe(40.5);
  });
});

describe('resolve (§3.5)', () => {
  it('direct with the unit from the u channel: raw 53, unit 49 → 5.3 kW; limits through the transform', () => {
    const m = buildParamMap('PARAM_P4_1', TV12, 'x');
    const r = resolve('PARAM_P4_1', m, ctxOf({ 'P4.v1': 53, 'P4.u1': 49, 'P4.n1': 0, 'P4.x1': 900, 'P4.s1': 4 }));
    expect(r).toMatchObject({
      address: 'P4.v1',
      raw: 53,
      value: 5.3,
      unit: 'kW',
      min: 0,
      max: 90,
      rawMin: 0,
      rawMax: 900,
      kind: 'direct',
      step: 0.1,
      transformStatus: 'ok',
      label: 'Temperatura kotła',
      labelSource: 'parameters',
    });
    expect(r.status.raw).toBe(4);
    const d = describeParam('PARAM_P4_1', m, ctxOf());
    expect(d.unit).toBe('°C');
    expect(d.address).toBe(r.address);
  });
  it('numeric strings convert ("154" → 15.4); unknown transforms show raw and flag it', () => {
    const m = buildParamMap('A', o({ value: [{ group: 'P4', number: 3, use: 'v' }], units: 49 }), 'x');
    expect(resolve('A', m, ctxOf({ 'P4.v3': '154' })).value).toBe(15.4);
    const u = buildParamMap('B', o({ value: [{ group: 'P4', number: 3, use: 'v' }], units: 77 }), 'x');
    expect(resolve('B', u, ctxOf({ 'P4.v3': 16 }))).toMatchObject({ value: 16, transformStatus: 'unknown' });
  });
  it('HH:MM: 0 → Wyłączony (token translated), 7 → 01:00', () => {
    const m = buildParamMap('PARAM_T', o({ value: [{ group: 'P4', number: 8, use: 'v' }], units: 66 }), 'x');
    expect(resolve('PARAM_T', m, ctxOf({ 'P4.v8': 0 })).value).toBe('Wyłączony');
    expect(resolve('PARAM_T', m, ctxOf({ 'P4.v8': 7 })).value).toBe('01:00');
  });
  it('enum labels on direct values (unit 9)', () => {
    const m = buildParamMap('E', o({ value: [{ group: 'P4', number: 9, use: 'v' }], units: 9 }), 'x');
    expect(resolve('E', m, ctxOf({ 'P4.v9': 1 }))).toMatchObject({
      value: 1,
      valueLabel: 'Tak',
      unit: null,
      options: [
        { raw: 0, label: 'Nie' },
        { raw: 1, label: 'Tak' },
      ],
    });
  });
  it('computed (TV-15): value = tag, valueLabel from the 9994 options, address = P5.s10 in describe and resolve', () => {
    const m = buildParamMap('STATUS_P5_10', TV15_ROOT, 'x');
    const r = resolve('STATUS_P5_10', m, ctxOf({ 'P5.s10': 2 }));
    expect(r).toMatchObject({
      kind: 'computed',
      value: 'ON',
      valueLabel: 'Włączone',
      address: 'P5.s10',
      raw: 2,
      label: 'Dioda',
      labelSource: 'name',
      writable: false,
    });
    expect(describeParam('STATUS_P5_10', m, ctxOf()).address).toBe('P5.s10');
    expect(resolve('STATUS_P5_10', m, ctxOf({ 'P5.s10': 0 }))).toMatchObject({
      kind: 'computed',
      value: null,
      valueLabel: null,
    });
  });
  it('computed rules that yield nothing fall back to the direct register when value holds a selector', () => {
    const m = buildParamMap(
      'M',
      o({
        value: [{ group: 'P4', number: 5, use: 'v' }],
        any: [
          {
            if: [{ operation: 'equalTo', expected: 9, value: [{ group: 'P4', number: 5, use: 'v' }] }],
            then: { value: 'o.WORK' },
          },
        ],
      }),
      'x',
    );
    expect(resolve('M', m, ctxOf({ 'P4.v5': 9 }))).toMatchObject({ kind: 'computed', value: 'WORK' });
    expect(resolve('M', m, ctxOf({ 'P4.v5': 3 }))).toMatchObject({ kind: 'direct', value: 3 });
  });
  it('TV-13: switch with command rules is writable, direct at P6.v34, visible', () => {
    const m = buildParamMap('PARAM_66', TV13, 'x');
    const r = resolve('PARAM_66', m, ctxOf({ 'P6.v34': 1, 'P6.s34': 0 }));
    expect(r).toMatchObject({
      address: 'P6.v34',
      kind: 'direct',
      value: 1,
      writable: true,
      componentType: 'SWITCH',
      label: 'Praca pompy',
      visible: true,
    });
  });
  it('writable from a menu write section', () => {
    const m = buildParamMap('PARAM_P11_1', o({ value: [{ group: 'P11', number: 1, use: 'v' }] }), 'x');
    expect(describeParam('PARAM_P11_1', m, ctxOf()).writable).toBe(false);
    expect(describeParam('PARAM_P11_1', m, ctxOf({}, { writeSymbols: new Set(['PARAM_P11_1']) })).writable).toBe(true);
  });
  it('no map: bare record at the convention address', () => {
    const r = resolve('PARAM_P4_7', null, ctxOf({ 'P4.v7': 12, 'P4.u7': 1 }));
    expect(r).toMatchObject({
      address: 'P4.v7',
      raw: 12,
      value: 12,
      unit: '°C',
      visible: true,
      visibilityReason: 'visible:no-mapping',
      labelSource: 'symbol',
    });
  });
  it('refreshKeys: the primary family plus every referenced selector', () => {
    const m = buildParamMap('PARAM_66', TV13, 'x');
    expect(refreshKeys('P6.v34', m)).toEqual(['P6.n34', 'P6.s34', 'P6.s35', 'P6.u34', 'P6.v34', 'P6.x34']);
  });
  it('public views pick exactly the API fields', () => {
    const r = resolve('PARAM_66', buildParamMap('PARAM_66', TV13, 'x'), ctxOf({}));
    expect(Object.keys(toParameterDescription(r)).sort()).toEqual([
      'address',
      'componentType',
      'label',
      'options',
      'symbol',
      'unit',
      'writable',
    ]);
    expect(Object.keys(toResolvedParameter(r)).sort()).toEqual([
      'address',
      'componentType',
      'label',
      'max',
      'min',
      'options',
      'raw',
      'symbol',
      'unit',
      'value',
      'valueLabel',
      'visible',
      'writable',
    ]);
    expect(JSON.parse(JSON.stringify(r.transform))).toEqual(r.transform);
  });
});

describe('property: resolve never throws', () => {
  const key = fc.constantFrom(
    'group',
    'number',
    'use',
    'bit',
    'mask',
    'value',
    'status',
    'any',
    'if',
    'elseif',
    'else',
    'then',
    'operation',
    'expected',
    'units',
    'unit',
    'name',
    'convert',
    'times',
    'storeGetter',
    '__proto__',
    'constructor',
    'command',
    'value2',
    'pool',
    'idx',
    'chan',
  );
  const scalar = fc.oneof(
    fc.constantFrom<Json>(
      'P4',
      'v',
      's',
      '!0',
      '![]',
      'void 0',
      'e.ON',
      'parameters.PARAM_66',
      'units.202.0',
      '/a+/i',
      'ku.equalTo',
      'matches',
      'equalTo',
      49,
      66,
      9994,
      1,
      0,
      -1,
      2.5,
      true,
      null,
    ),
    fc.integer(),
    fc.string({ maxLength: 8 }),
  );
  const json = fc.letrec<{ v: Json }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(key, tie('v'), { maxKeys: 5 }).map((d) => d as Json),
    ),
  })).v;
  it('on random maps and values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, json, { maxKeys: 6 }),
        fc.dictionary(
          fc.constantFrom('P4.v1', 'P4.u1', 'P4.n1', 'P4.x1', 'P4.s1', 'P6.v34', 'P5.s10'),
          fc.oneof(scalar, json),
        ),
        fc.constantFrom('PARAM_P4_1', 'STATUS_P5_10', 'PARAM_66', 'X'),
        (raw, vals, symbol) => {
          const m = buildParamMap(symbol, raw as JsonObject, 'x');
          const r = resolve(symbol, m, {
            descriptors: DESCRIPTORS,
            i18n: ctxOf().i18n,
            values: valuesOf(vals),
            rules: { devid: 'D' },
          });
          const d = describeParam(symbol, m, ctxOf());
          return (
            r.address === d.address && ['number', 'string', 'boolean'].includes(typeof r.value) === (r.value !== null)
          );
        },
      ),
      { numRuns: 400 },
    );
  });
});
