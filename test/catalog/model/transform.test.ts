import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HHMM_OFF_TOKEN,
  type Transform,
  applyTransform,
  compileTransform,
  formatHhmm,
  invertTransform,
  normalizeSource,
  parseHhmm,
  transformStep,
} from '../../../src/catalog/model/transform.js';
import { DESCRIPTORS } from './fixtures.js';

const HHMM_OBF = DESCRIPTORS['66']?.['value'] as string;
const HHMM_READABLE =
  'e => { if (e === 0) return \'units.202.0\'; const t = (e - 1) * 10, h = Math.floor(t / 60), m = t % 60; return h.toString().padStart(2, "0") + \':\' + m.toString().padStart(2, "0"); }';

describe('transform grammar (§3.5 table)', () => {
  it.each([
    ["_0x4fdb4d=>Number(_0x4fdb4d*0.1)['toFixed'](0x1)", 53, 5.3],
    ['e => Number((e * .1).toFixed(1))', 53, 5.3],
    ['_0x201288=>_0x201288*0x6', 7, 42],
    ['_0x23f809=>_0x23f809/0x6', 12, 2],
    ['_0x5c18a7=>(_0x5c18a7-0x7f)*0.5', 255, 64],
    ['_0xac50fa=>_0xac50fa-0x7f', 255, 128],
    ['e => e - 127', 255, 128],
    ['e => Number((e * 0.1).toFixed(2))', 15, 1.5],
    ['e => (e + .5) * 2', 1, 3],
    ['(e)=>e+10;', 1, 11],
  ])('%s: %d → %d', (src, raw, display) => {
    expect(applyTransform(compileTransform(src) as Transform, raw)).toBe(display);
  });
  it('compiles to plain JSON', () => {
    expect(compileTransform("_0x4fdb4d=>Number(_0x4fdb4d*0.1)['toFixed'](0x1)")).toEqual({
      kind: 'linear',
      shift: 0,
      factor: 0.1,
      precision: 1,
    });
    expect(compileTransform('e => Number((e * .1).toFixed(1))')).toEqual({
      kind: 'linear',
      shift: 0,
      factor: 0.1,
      precision: 1,
    });
    expect(compileTransform('_0xac50fa=>_0xac50fa-0x7f')).toEqual({
      kind: 'linear',
      shift: -127,
      factor: 1,
      precision: null,
    });
    expect(compileTransform('e => (e + .5) * 2')).toEqual({ kind: 'linear', shift: 0.5, factor: 2, precision: null });
    expect(JSON.parse(JSON.stringify(compileTransform(HHMM_OBF)))).toEqual({ kind: 'hhmm' });
  });
  it.each([
    ['_0x1=>{return _0x1*2;}', null],
    ['e => e', { kind: 'none' }],
    ['e * 10', null],
    ['e => e/0', null],
    ['e => Math.sqrt(e)', null],
    ['e => f * 2', null],
    [undefined, { kind: 'none' }],
    ['', { kind: 'none' }],
    [42, null],
  ])('%s → %j (null = not understood)', (src, out) => {
    expect(compileTransform(src)).toEqual(out);
  });
  it('source normalization keeps _0x identifiers, converts radix literals', () => {
    expect(normalizeSource("_0x4fdb4d => Number(_0x4fdb4d * 0x1f)['toFixed'](0b1)")).toBe(
      '_0x4fdb4d=>Number(_0x4fdb4d*31).toFixed(1)',
    );
  });
  it('passes booleans, blank and non-numeric strings; converts numeric strings', () => {
    const t = compileTransform(DESCRIPTORS['49']?.['value']) as Transform;
    expect(applyTransform(t, true)).toBe(true);
    expect(applyTransform(t, '')).toBe('');
    expect(applyTransform(t, 'abc')).toBe('abc');
    expect(applyTransform(t, '154')).toBe(15.4);
    expect(applyTransform(t, null)).toBeNull();
  });
  it('integer-valued results are integers; float noise is removed', () => {
    const t = compileTransform('e => e * 0.1') as Transform;
    expect(applyTransform(t, 53)).toBe(5.3);
    expect(applyTransform(t, 50)).toBe(5);
    expect(Number.isInteger(applyTransform(compileTransform('e=>e/6') as Transform, 12))).toBe(true);
  });
});

describe('unit 66 (HH:MM)', () => {
  it('both spellings are recognised', () => {
    expect(compileTransform(HHMM_OBF)).toEqual({ kind: 'hhmm' });
    expect(compileTransform(HHMM_READABLE)).toEqual({ kind: 'hhmm' });
    expect(compileTransform(HHMM_READABLE.replace('(e - 1) * 10', '(e - 2) * 10'))).toBeNull();
  });
  it('formats and parses', () => {
    const t: Transform = { kind: 'hhmm' };
    expect(applyTransform(t, 0)).toBe(HHMM_OFF_TOKEN);
    expect(applyTransform(t, 7)).toBe('01:00');
    expect(applyTransform(t, 1)).toBe('00:00');
    expect(applyTransform(t, 8.9)).toBe('01:10');
    expect(applyTransform(t, true)).toBe(true);
    expect(applyTransform(t, 'x')).toBe('x');
    expect(formatHhmm(145)).toBe('24:00');
    expect(parseHhmm('01:00')).toBe(7);
    expect(parseHhmm('01:05')).toBeNull();
    expect(invertTransform(t, '01:10')).toBe(8);
    expect(invertTransform(t, HHMM_OFF_TOKEN)).toBe(0);
  });
});

describe('inverse and step', () => {
  it('inverts linear transforms', () => {
    expect(invertTransform(compileTransform('e=>e-127') as Transform, 128)).toBe(255);
    expect(invertTransform(compileTransform('e => (e + .5) * 2') as Transform, 3)).toBe(1);
    expect(invertTransform({ kind: 'none' }, '12')).toBe(12);
    expect(invertTransform({ kind: 'none' }, 'x')).toBeNull();
  });
  it('step: 10^-p, |factor|, else 1', () => {
    expect(transformStep(compileTransform('e => Number((e * 0.1).toFixed(2))') as Transform)).toBe(0.01);
    expect(transformStep(compileTransform('e => e * -0.5') as Transform)).toBe(0.5);
    expect(transformStep(compileTransform('e => e - 127') as Transform)).toBe(1);
    expect(transformStep({ kind: 'none' })).toBe(1);
    expect(transformStep({ kind: 'hhmm' })).toBe(1);
  });
  it('property: apply∘invert is the identity on grid values (no precision)', () => {
    const linear = fc.record({
      shift: fc.integer({ min: -300, max: 300 }).map((n) => n / 2),
      factor: fc.constantFrom(0.1, 0.5, 2, 6, 1 / 6, -1, 10, 0.01, 1, 1 / 3),
    });
    fc.assert(
      fc.property(linear, fc.integer({ min: -100_000, max: 100_000 }), (l, raw) => {
        const t: Transform = { kind: 'linear', ...l, precision: null };
        const back = invertTransform(t, applyTransform(t, raw)) as number;
        return Math.abs(back - raw) < 1e-6;
      }),
    );
  });
  it('property: apply∘invert is the identity on grid values (precision matching the factor)', () => {
    const pair = fc.constantFrom([0.1, 1], [0.01, 2], [0.5, 1], [2, 0], [0.25, 2]) as fc.Arbitrary<[number, number]>;
    fc.assert(
      fc.property(
        pair,
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        ([factor, precision], shift, raw) => {
          const t: Transform = { kind: 'linear', shift, factor, precision };
          const back = invertTransform(t, applyTransform(t, raw)) as number;
          return Math.abs(back - raw) < 1e-9;
        },
      ),
    );
  });
  it('property: HH:MM format∘parse is the identity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        (n) => invertTransform({ kind: 'hhmm' }, applyTransform({ kind: 'hhmm' }, n)) === n,
      ),
    );
  });
});
