// biome-ignore-all lint/suspicious/noThenProperty: rule rows from the assets carry a `then` key
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildParamMap } from '../../../src/catalog/model/param-map.js';
import { isSafePattern, safeRegexTest } from '../../../src/catalog/model/regex.js';
import {
  compare,
  computeValue,
  conditionHolds,
  evaluateRules,
  normalizeTag,
  operationName,
  storeGetterValue,
} from '../../../src/catalog/model/rules.js';
import { j, o, valuesOf } from './fixtures.js';

const sel = (group: string, number: number, use: string, extra: Record<string, unknown> = {}) => ({
  group,
  number,
  use,
  ...extra,
});

describe('rule engine (§3.6 examples)', () => {
  it('all three conditions true → WORK (bit, plain, mask)', () => {
    const values = valuesOf({ 'P5.s4': 1 << 5, 'P5.s5': 0x0300, 'P6.v13': 0 });
    const rows = j([
      {
        if: [
          { operation: 'equalTo', expected: 1, value: [sel('P5', 4, 's', { bit: 5 })] },
          { operation: 'equalTo', expected: 0, value: [sel('P6', 13, 'v')] },
          { operation: 'equalTo', expected: 0x300, value: [sel('P5', 5, 's', { mask: 0x0f00 })] },
        ],
        then: { value: 'o.WORK' },
      },
    ]);
    expect(evaluateRules(rows, values)).toBe('WORK');
    expect(evaluateRules(rows, valuesOf({ 'P5.s4': 1 << 4, 'P5.s5': 0x0300, 'P6.v13': 0 }))).toBeNull();
  });
  it("P5.s13 = 2 → 'e.ON' (e. prefix kept [Q])", () => {
    const rows = j([
      { if: [{ operation: 't.equalTo', expected: 1, value: [sel('P5', 13, 's', { bit: 1 })] }], then: 'e.ON' },
      { if: [{ operation: 't.equalTo', expected: 0, value: [sel('P5', 13, 's', { bit: 1 })] }], then: 'e.OFF' },
    ]);
    expect(evaluateRules(rows, valuesOf({ 'P5.s13': 2 }))).toBe('e.ON');
    expect(evaluateRules(rows, valuesOf({ 'P5.s13': 1 }))).toBe('e.OFF');
  });
  it("inline spellings: ClauseOperation['equalTo'] → DiodeState['OFF'] → OFF; mask 30 → DISABLED", () => {
    const rows = j([
      {
        if: [{ operation: "ClauseOperation['equalTo']", expected: 0, value: [sel('P5', 1, 's', { bit: 0 })] }],
        then: "DiodeState['OFF']",
      },
    ]);
    expect(evaluateRules(rows, valuesOf({ 'P5.s1': 2 }))).toBe('OFF');
    const valve = j([
      {
        if: [{ operation: "ClauseOperation['equalTo']", expected: 0, value: [sel('P5', 20, 's', { mask: 30 })] }],
        then: "ThreeWayValveState['DISABLED']",
      },
    ]);
    expect(evaluateRules(valve, valuesOf({ 'P5.s20': 1 }))).toBe('DISABLED');
  });
  it('[SIM] else is the fallback, elseif follows chain order', () => {
    const rows = j([
      { if: [{ operation: 'equalTo', expected: 1, value: [sel('P1', 1, 'v')] }], then: 'A' },
      { elseif: [{ operation: 'equalTo', expected: 2, value: [sel('P1', 1, 'v')] }], then: 'B' },
      { else: 'C' },
    ]);
    expect(evaluateRules(rows, valuesOf({ 'P1.v1': 1 }))).toBe('A');
    expect(evaluateRules(rows, valuesOf({ 'P1.v1': 2 }))).toBe('B');
    expect(evaluateRules(rows, valuesOf({ 'P1.v1': 3 }))).toBe('C');
    expect(evaluateRules(rows, valuesOf({}))).toBe('C');
  });
  it('selectors without use are skipped; any selector comparing true holds', () => {
    const c = j({
      operation: 'equalTo',
      expected: 5,
      value: [{ group: 'P1', number: 1 }, sel('P1', 2, 'v'), sel('P1', 3, 'v')],
    });
    expect(conditionHolds(c, valuesOf({ 'P1.v1': 5, 'P1.v2': 4, 'P1.v3': 5 }))).toBe(true);
    expect(conditionHolds(c, valuesOf({ 'P1.v1': 5, 'P1.v2': 4 }))).toBe(false);
    expect(conditionHolds(c, valuesOf({ 'P1.v2': 'x', 'P1.v3': '5' }))).toBe(true);
  });
  it('storeGetter walks the context', () => {
    const ctx = { devid: 'D1', modulesMap: { D1: { connectedAt: '2026-01-01', list: [7] } } };
    expect(storeGetterValue('modulesMap.{devid}.connectedAt', ctx)).toBe('2026-01-01');
    expect(storeGetterValue('modulesMap.{devid}.list.0', ctx)).toBe(7);
    expect(storeGetterValue('modulesMap.{missing}.x', ctx)).toBeUndefined();
    expect(storeGetterValue('constructor', {})).toBeUndefined();
    const c = j({
      operation: 'notEqualTo',
      expected: 'void 0',
      value: { storeGetter: 'modulesMap.{devid}.connectedAt' },
    });
    expect(conditionHolds(c, valuesOf({}), ctx)).toBe(true);
    expect(conditionHolds(c, valuesOf({}), { devid: 'D2', modulesMap: {} })).toBe(false);
  });
  it('result normalization', () => {
    expect(normalizeTag("DiodeState['OFF']")).toBe('OFF');
    expect(normalizeTag('o.WORK')).toBe('WORK');
    expect(normalizeTag('kn.ON')).toBe('ON');
    expect(normalizeTag('e.ON')).toBe('e.ON');
    expect(normalizeTag('STOP')).toBe('STOP');
    expect(normalizeTag(3.0)).toBe('3');
    expect(normalizeTag(2.5)).toBeNull();
    expect(normalizeTag(null)).toBeNull();
  });
  it('computeValue: raw.any rows with commands are not computed values; raw.value rules run', () => {
    const tv15 = buildParamMap(
      'STATUS_P5_10',
      o({
        unit: 9994,
        value: [
          { if: [{ expected: 1, operation: 'ku.equalTo', value: [sel('P5', 10, 's', { bit: 1 })] }], then: 'kn.ON' },
        ],
      }),
      'x',
    );
    expect(computeValue(tv15, valuesOf({ 'P5.s10': 2 }))).toBe('ON');
    expect(computeValue(tv15, valuesOf({ 'P5.s10': 1 }))).toBeNull();
    const cmd = buildParamMap(
      'C',
      o({
        any: [
          { if: [{ operation: 'equalTo', expected: 0, value: [sel('P1', 1, 'v')] }], then: { command: 'X', value: 1 } },
        ],
      }),
      'x',
    );
    expect(computeValue(cmd, valuesOf({ 'P1.v1': 0 }))).toBeNull();
  });
});

describe('comparer', () => {
  it('operation names', () => {
    expect(operationName('ku.equalTo')).toBe('equalTo');
    expect(operationName("ClauseOperation['lessThan']")).toBe('lessThan');
    expect(operationName('ClauseOperation.greaterThan')).toBe('greaterThan');
    expect(operationName(3)).toBe('');
  });
  it('equality: same kind, 1 == 1.0, "1" != 1, [SIM] minified booleans as 1/0, void 0 as null', () => {
    expect(compare('equalTo', 1, 1.0)).toBe(true);
    expect(compare('equalTo', '1', 1)).toBe(false);
    expect(compare('equalTo', 1, '!0')).toBe(true);
    expect(compare('equalTo', 0, '![]')).toBe(true);
    expect(compare('equalTo', null, 'void 0')).toBe(true);
    expect(compare('notEqualTo', 2, 1)).toBe(true);
    expect(compare('notEqualTo', 1, '!0')).toBe(false);
  });
  it('ordering: false with null, numbers compare', () => {
    expect(compare('greaterThan', 5, 4)).toBe(true);
    expect(compare('greaterThanOrEqualTo', 4, 4)).toBe(true);
    expect(compare('lessThan', 3, 4)).toBe(true);
    expect(compare('lessThanOrEqualTo', 5, 4)).toBe(false);
    expect(compare('lessThan', null, 4)).toBe(false);
    expect(compare('lessThan', 3, 'void 0')).toBe(false);
    expect(compare('lessThan', 3, '4')).toBe(false);
  });
  it('matches / notMatches with /pattern/flags; only i honoured; invalid → false', () => {
    expect(compare('matches', 'ABC', '/^abc$/i')).toBe(true);
    expect(compare('matches', 'ABC', '/^abc$/')).toBe(false);
    expect(compare('notMatches', 'ABC', '/^abc$/')).toBe(true);
    expect(compare('matches', 12, '/^1\\d$/')).toBe(true);
    expect(compare('matches', 'x', '/[/')).toBe(false);
    expect(compare('notMatches', 'x', '/[/')).toBe(false);
    expect(compare('matches', 'x', 'x')).toBe(false);
    expect(compare('unknownOp', 1, 1)).toBe(false);
  });
});

describe('regex guard (§5)', () => {
  it.each([
    '(a+)+$',
    '(a*)*b',
    '(a|a)*$',
    '(a|aa)+$',
    '(\\w+\\s?)+$',
    '(.*a){12}',
    '(a)\\1',
    '(?<x>a)\\k<x>',
    'a*a*a*a*b',
    'a?a?a?a?a?a?a?aaaaaaa',
    `${'x'.repeat(201)}`,
  ])('rejects %s', (p) => expect(isSafePattern(p)).toBe(false));
  it.each(['^\\d+$', '^-?\\d+(\\.\\d+)?$', '^(ab)+$', '^[a-z]+_[0-9]+$', '(?:foo|bar)', '^2026-\\d{2}', '[(+*]+'])(
    'accepts %s',
    (p) => expect(isSafePattern(p)).toBe(true),
  );
  it('over-long input → null (condition false)', () => {
    expect(safeRegexTest('/a/', 'a'.repeat(129))).toBeNull();
    expect(safeRegexTest('/^a+$/', 'a'.repeat(128))).toBe(true);
  });
  it('property: pathological patterns always return (no hang)', () => {
    const atom = fc.constantFrom(
      'a',
      'a*',
      'a+',
      '(a+)+',
      '(a|a)*',
      '(a|aa)+',
      '\\1',
      '(.*)*',
      '(?:a?)+',
      '(a)',
      '.',
      '\\d+',
      '[a-z]*',
      '(a{1,30}){1,30}',
      'b?',
    );
    const pattern = fc.array(atom, { minLength: 1, maxLength: 12 }).map((xs) => xs.join(''));
    const input = fc.oneof(fc.constant(`${'a'.repeat(120)}!`), fc.string({ maxLength: 140 }));
    fc.assert(
      fc.property(pattern, input, (p, s) => {
        const r = safeRegexTest(`/${p}/i`, s);
        return r === null || typeof r === 'boolean';
      }),
      { numRuns: 300 },
    );
  });
});
