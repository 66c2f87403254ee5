// biome-ignore-all lint/suspicious/noThenProperty: rule rows from the assets carry a `then` key
import { describe, expect, it } from 'vitest';
import { CatalogError, isCatalogError } from '../../../src/errors.js';
import { isBragerOneError } from '../../../src/errors.js';
import { buildParamMap } from '../../../src/catalog/model/param-map.js';
import { prepareWrite } from '../../../src/catalog/model/write.js';
import { TV13, ctxOf, o } from './fixtures.js';

const kw = buildParamMap(
  'PARAM_66',
  o({ name: 'parameters.PARAM_66', value: [{ group: 'P4', number: 8, use: 'v' }], units: 49 }),
  'x',
);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(isCatalogError(e)).toBe(true);
    return (e as CatalogError).code;
  }
  return 'no-throw';
}

describe('write preparation (§3.8)', () => {
  it('numeric input → inverse transform → raw; parameterName is the bare symbol; unit code included', () => {
    const w = prepareWrite('PARAM_66', kw, 5.3, ctxOf({ 'P4.n8': 0, 'P4.x8': 900 }));
    expect(w).toEqual({
      route: 'parameter',
      pool: 'P4',
      parameter: 'v8',
      value: 53,
      parameterName: 'PARAM_66',
      unit: 49,
    });
    expect(prepareWrite('PARAM_66', kw, '5.3', ctxOf()).value).toBe(53);
  });
  it('the raw u channel wins as the unit code', () => {
    expect(prepareWrite('PARAM_66', kw, 5, ctxOf({ 'P4.u8': 10 }))).toMatchObject({ value: 1, unit: 10 });
  });
  it('snaps within 1e-9; offset transform (47: e-127)', () => {
    const m = buildParamMap('T', o({ value: [{ group: 'P4', number: 1, use: 'v' }], units: 47 }), 'x');
    expect(prepareWrite('T', m, 60, ctxOf()).value).toBe(187);
    const s = buildParamMap('S', o({ value: [{ group: 'P4', number: 1, use: 'v' }], units: 10 }), 'x');
    expect(prepareWrite('S', s, 42, ctxOf()).value).toBe(7);
  });
  it('without a transform a fractional value stays (half degrees)', () => {
    const m = buildParamMap('H', o({ value: [{ group: 'P4', number: 1, use: 'v' }] }), 'x');
    expect(prepareWrite('H', m, 40.5, ctxOf()).value).toBe(40.5);
    expect(prepareWrite('H', m, 40.0000000001, ctxOf()).value).toBe(40);
  });
  it('bounds: rejects raw < n or > x (raw values compared)', () => {
    const v = { 'P4.n8': 100, 'P4.x8': 800 };
    expect(prepareWrite('PARAM_66', kw, 10, ctxOf(v)).value).toBe(100);
    expect(prepareWrite('PARAM_66', kw, 80, ctxOf(v)).value).toBe(800);
    expect(code(() => prepareWrite('PARAM_66', kw, 9.9, ctxOf(v)))).toBe('out-of-range');
    expect(code(() => prepareWrite('PARAM_66', kw, 80.1, ctxOf(v)))).toBe('out-of-range');
  });
  it('rejects non-numeric input, unknown symbols, maps with neither address nor command rule', () => {
    expect(code(() => prepareWrite('PARAM_66', kw, 'abc', ctxOf()))).toBe('not-a-number');
    expect(code(() => prepareWrite('PARAM_66', kw, Number.NaN, ctxOf()))).toBe('not-a-number');
    expect(code(() => prepareWrite('NOPE', null, 1, ctxOf()))).toBe('unknown-symbol');
    expect(
      code(() => prepareWrite('LABEL_ONLY', buildParamMap('LABEL_ONLY', o({ name: 'x.y' }), 'x'), 1, ctxOf())),
    ).toBe('not-writable');
  });
  it('CatalogError is a BragerOneError with a guard', () => {
    const e = new CatalogError('x', { code: 'no-rule' });
    expect(e.name).toBe('CatalogError');
    expect(isBragerOneError(e)).toBe(true);
    expect(isCatalogError(e)).toBe(true);
    expect(isCatalogError(new Error('x'))).toBe(false);
    const foreign = Object.assign(new Error('y'), { name: 'CatalogError', [Symbol.for('bragerone.error')]: true });
    expect(isCatalogError(foreign)).toBe(true);
  });
  it('enum labels are accepted as input; booleans for switches', () => {
    const e = buildParamMap('E', o({ value: [{ group: 'P4', number: 9, use: 'v' }], units: 9 }), 'x');
    expect(prepareWrite('E', e, 'Tak', ctxOf()).value).toBe(1);
    expect(prepareWrite('E', e, ' nie ', ctxOf()).value).toBe(0);
    expect(prepareWrite('E', e, true, ctxOf()).value).toBe(1);
    expect(prepareWrite('E', e, false, ctxOf()).value).toBe(0);
    expect(code(() => prepareWrite('E', e, 'Może', ctxOf()))).toBe('not-a-number');
  });
  it('HH:MM input for unit 66', () => {
    const t = buildParamMap('T', o({ value: [{ group: 'P4', number: 8, use: 'v' }], units: 66 }), 'x');
    expect(prepareWrite('T', t, '01:00', ctxOf()).value).toBe(7);
    expect(prepareWrite('T', t, 'Wyłączony', ctxOf()).value).toBe(0);
    expect(code(() => prepareWrite('T', t, '01:05', ctxOf()))).toBe('invalid-value');
  });
  it('without an address: the first command rule whose conditions hold → raw route', () => {
    const m = buildParamMap(
      'URUCHOMIENIE_KOTLA',
      o({
        any: [
          {
            if: [{ operation: 'equalTo', expected: 0, value: [{ group: 'P6', number: 1, use: 's', bit: 0 }] }],
            then: { command: 'e.MODULE_START', value: 'ON' },
          },
          {
            if: [{ operation: 'equalTo', expected: 1, value: [{ group: 'P6', number: 1, use: 's', bit: 0 }] }],
            then: { command: 'e.MODULE_STOP', value: 'OFF' },
          },
        ],
      }),
      'x',
    );
    // The walk finds P6.s1 as an address candidate; drop it to test the command route.
    const noAddr = { ...m, raw: o({ any: [] }) };
    expect(prepareWrite('URUCHOMIENIE_KOTLA', noAddr, 'ON', ctxOf({ 'P6.s1': 0 }))).toEqual({
      route: 'raw',
      command: 'MODULE_START',
      value: 'ON',
    });
    expect(prepareWrite('URUCHOMIENIE_KOTLA', noAddr, 'OFF', ctxOf({ 'P6.s1': 1 }))).toEqual({
      route: 'raw',
      command: 'MODULE_STOP',
      value: 'OFF',
    });
    expect(code(() => prepareWrite('URUCHOMIENIE_KOTLA', noAddr, 'X', ctxOf({})))).toBe('no-rule');
    const plain = buildParamMap(
      'COMMAND_MODULE_RESTART',
      o({ any: [{ then: { command: 'MODULE_RESTART', value: 'ONLINE' } }] }),
      'x',
    );
    expect(prepareWrite('COMMAND_MODULE_RESTART', plain, 'ONLINE', ctxOf())).toEqual({
      route: 'raw',
      command: 'MODULE_RESTART',
      value: 'ONLINE',
    });
  });
  it('TV-13 with an address writes the parameter route (address wins over rules)', () => {
    const m = buildParamMap('PARAM_66', TV13, 'x');
    expect(prepareWrite('PARAM_66', m, true, ctxOf())).toEqual({
      route: 'parameter',
      pool: 'P6',
      parameter: 'v34',
      value: 1,
      parameterName: 'PARAM_66',
    });
  });
});
