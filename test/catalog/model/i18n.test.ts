import { describe, expect, it } from 'vitest';
import { namespacesFor, resolveLabel, resolveToken, tokensForMaps } from '../../../src/catalog/model/i18n.js';
import { buildParamMap } from '../../../src/catalog/model/param-map.js';
import { DESCRIPTORS, PL, i18nOf, o } from './fixtures.js';

describe('resolveToken (§3.3)', () => {
  it('walks namespaces and dotted paths (numeric segments are keys)', () => {
    expect(resolveToken('parameters.PARAM_66', PL)).toBe('Praca pompy');
    expect(resolveToken('units.202.0', PL)).toBe('Wyłączony');
    expect(resolveToken('units.0', PL)).toBe(' ');
    expect(resolveToken('app.one.parameters.URUCHOMIENIE_KOTLA', PL)).toBe('Uruchomienie kotła');
  });
  it('the end must be a string', () => {
    expect(resolveToken('units.17', PL)).toBeNull();
    expect(resolveToken('units.999', PL)).toBeNull();
    expect(resolveToken('nope.x', PL)).toBeNull();
    expect(resolveToken('9bad.x', i18nOf({ '9bad': { x: 'y' } }))).toBeNull();
    expect(resolveToken('.x', PL)).toBeNull();
    expect(resolveToken('plain', PL)).toBeNull();
  });
  it('follows a token value (units.2200.1) and at most 4 more hops', () => {
    const i = i18nOf({
      a: { x: 'b.x' },
      b: { x: 'c.x' },
      c: { x: 'd.x' },
      d: { x: 'e.x' },
      e: { x: 'f.x' },
      f: { x: 'end' },
      opt: { o: 'units.2200.1' },
      units: { '2200': { '1': 'Histereza trybu Eco' } },
    });
    expect(resolveToken('opt.o', i)).toBe('Histereza trybu Eco');
    expect(resolveToken('b.x', i)).toBe('end');
    expect(resolveToken('a.x', i)).toBe('f.x');
  });
  it('a real label with a dot is kept (harmless lookup)', () => {
    const i = i18nOf({ parameters: { X: 'Temp. zadana' } });
    expect(resolveToken('parameters.X', i)).toBe('Temp. zadana');
  });
  it('never reads prototype members', () => {
    expect(resolveToken('units.constructor', PL)).toBeNull();
    expect(resolveToken('units.__proto__', PL)).toBeNull();
  });
});

describe('labels ([SIM] fallback chain)', () => {
  const EN = i18nOf({ parameters: { PARAM_66: 'Pump', ONLY_EN: 'Only English' } });
  it('raw.name first', () => {
    const m = buildParamMap('PARAM_66', o({ name: 'parameters.PARAM_66' }), 'x');
    expect(resolveLabel('PARAM_66', m, PL, EN)).toEqual({ text: 'Praca pompy', source: 'name' });
  });
  it('then parameters[symbol]', () => {
    const m = buildParamMap('PARAM_66', o({ name: 'app.missing' }), 'x');
    expect(resolveLabel('PARAM_66', m, PL, EN)).toEqual({ text: 'Praca pompy', source: 'parameters' });
    expect(resolveLabel('PARAM_66', null, PL)).toEqual({ text: 'Praca pompy', source: 'parameters' });
  });
  it('then the default language, then the symbol', () => {
    const m = buildParamMap('ONLY_EN', o({ name: '  ' }), 'x');
    expect(resolveLabel('ONLY_EN', m, PL, EN)).toEqual({ text: 'Only English', source: 'default-language' });
    expect(resolveLabel('ONLY_EN', m, PL)).toEqual({ text: 'ONLY_EN', source: 'symbol' });
  });
  it('a blank resolved label falls through', () => {
    const i = i18nOf({ parameters: { X: ' ' } });
    expect(resolveLabel('X', buildParamMap('X', o({ name: 'parameters.X' }), 'x'), i).source).toBe('symbol');
  });
});

describe('namespaces needed', () => {
  it('namespacesFor lists token namespaces', () => {
    expect(namespacesFor(['parameters.PARAM_66', 'units.31', 'app.one.x', 'plain', 'Temp. zadana', 'units.2'])).toEqual(
      ['Temp', 'app', 'parameters', 'units'],
    );
  });
  it('tokensForMaps covers names, descriptor texts and options', () => {
    const m = buildParamMap('X', o({ name: 'app.one.parameters.X', units: 9 }), 'x');
    const ns = namespacesFor(tokensForMaps([m], DESCRIPTORS));
    expect(ns).toEqual(['app', 'parameters', 'units']);
  });
});
