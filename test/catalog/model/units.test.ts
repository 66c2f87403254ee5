import { describe, expect, it } from 'vitest';
import {
  descriptorFor,
  enumLabel,
  enumOptions,
  normalizeUnitText,
  unitInfo,
} from '../../../src/catalog/model/units.js';
import { DESCRIPTORS, PL, o } from './fixtures.js';

describe('units, display path (§3.4 [SIM])', () => {
  it('descriptor text resolved as a token', () => {
    expect(unitInfo(49, DESCRIPTORS, PL).text).toBe('kW');
    expect(unitInfo('49', DESCRIPTORS, PL).text).toBe('kW');
    expect(unitInfo(47, DESCRIPTORS, PL).text).toBe('%');
    expect(unitInfo(1, DESCRIPTORS, PL).text).toBe('°C');
  });
  it('a code without descriptor is {text: units.<code>}; unresolvable token → none', () => {
    expect(descriptorFor(31, DESCRIPTORS)).toEqual({ text: 'units.31' });
    expect(unitInfo(31, DESCRIPTORS, PL).text).toBe('kW');
    expect(unitInfo(10, DESCRIPTORS, PL).text).toBeNull();
    expect(unitInfo(4242, DESCRIPTORS, PL).text).toBeNull();
  });
  it('blank unit symbol (units.0) → none', () => {
    expect(unitInfo(66, DESCRIPTORS, PL).text).toBeNull();
    expect(unitInfo(66, DESCRIPTORS, PL).transform).toEqual({ kind: 'hhmm' });
  });
  it('descriptor without text → unit none, options as the enum table', () => {
    const u = unitInfo(9, DESCRIPTORS, PL);
    expect(u.text).toBeNull();
    expect(enumOptions(u.table, PL)).toEqual([
      { raw: 0, label: 'Nie' },
      { raw: 1, label: 'Tak' },
    ]);
  });
  it('a non-numeric string code is the unit itself', () => {
    expect(unitInfo('C', DESCRIPTORS, PL).text).toBe('°C');
    expect(unitInfo('bar', DESCRIPTORS, PL).text).toBe('bar');
    expect(unitInfo(null, DESCRIPTORS, PL).text).toBeNull();
  });
  it('transforms and the unknown flag', () => {
    expect(unitInfo(49, DESCRIPTORS, PL)).toMatchObject({
      transform: { kind: 'linear', factor: 0.1, precision: 1 },
      prepare: { kind: 'linear', factor: 10 },
      unknownTransform: false,
    });
    expect(unitInfo(77, DESCRIPTORS, PL)).toMatchObject({ transform: { kind: 'none' }, unknownTransform: true });
  });
  it('[SIM] a text token naming an enum text group serves as the table', () => {
    const u = unitInfo(17, DESCRIPTORS, PL);
    expect(u.text).toBeNull();
    expect(enumOptions(u.table, PL)).toEqual([
      { raw: 0, label: 'Nie' },
      { raw: 1, label: 'Tak' },
    ]);
  });
});

describe('describe-path text normalization', () => {
  it.each([
    ['kW', 'kW'],
    [' kW\r\n', 'kW'],
    ['a\nb', 'a b'],
    ['', null],
    ['   ', null],
    ['123', null],
    ['wn.12', null],
    ['C', '°C'],
    ['degC', '°C'],
    ['F', '°F'],
    ['degF', '°F'],
    ['°C', '°C'],
    [null, null],
  ])('%j → %j', (input, out) => expect(normalizeUnitText(input)).toBe(out));
});

describe('enum labels (§3.5)', () => {
  const t9 = DESCRIPTORS['9']?.['options'] as never;
  it('numeric keys, integer forms, booleans', () => {
    expect(enumLabel(1, t9, PL)).toBe('Tak');
    expect(enumLabel('1', t9, PL)).toBe('Tak');
    expect(enumLabel(' 0 ', t9, PL)).toBe('Nie');
    expect(enumLabel(1.0, t9, PL)).toBe('Tak');
    expect(enumLabel('1.0', t9, PL)).toBe('Tak');
    expect(enumLabel(true, t9, PL)).toBe('Tak');
    expect(enumLabel(false, t9, PL)).toBe('Nie');
    expect(enumLabel(2, t9, PL)).toBeNull();
    expect(enumLabel(null, t9, PL)).toBeNull();
  });
  it('symbolic matching: e.ON ↔ [kn.ON], STOP ↔ BoilerState[STOP]', () => {
    const d = DESCRIPTORS['9994']?.['options'] as never;
    expect(enumLabel('e.ON', d, PL)).toBe('Włączone');
    expect(enumLabel('ON', d, PL)).toBe('Włączone');
    expect(enumLabel('kn.OFF', d, PL)).toBe('Wyłączone');
    expect(enumLabel('STOP', DESCRIPTORS['9998']?.['options'] as never, PL)).toBe('Stop');
    expect(enumLabel('MAYBE', d, PL)).toBeNull();
  });
  it('tokens resolve (app.lang.ru → Русский); a descriptor without text/value/… is itself the table', () => {
    expect(enumLabel(5, DESCRIPTORS['37']?.['options'] as never, PL)).toBe('Русский');
    expect(enumLabel(22, o({ '22': 'units.8.22' }), PL)).toBe('units.8.22');
    const bare = unitInfo(8, { '8': o({ '22': 'app.lang.en' }) }, PL);
    expect(enumLabel(22, bare.table, PL)).toBe('English');
  });
  it('options keep symbolic raw names', () => {
    expect(enumOptions(DESCRIPTORS['9994']?.['options'] as never, PL)).toEqual([
      { raw: 'ON', label: 'Włączone' },
      { raw: 'OFF', label: 'Wyłączone' },
    ]);
    expect(enumOptions(null, PL)).toBeNull();
  });
});
