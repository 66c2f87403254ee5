// biome-ignore-all lint/suspicious/noThenProperty: rule rows from the assets carry a `then` key
import { describe, expect, it } from 'vitest';
import { channelAlias, normalizeLiteral, normalizeName, symbolicName } from '../../../src/catalog/model/json.js';
import { buildParamMap, hasComputedRules, valueSelectors } from '../../../src/catalog/model/param-map.js';
import { isRuleList, needsComposition, parseSelector, selectorList } from '../../../src/catalog/model/selectors.js';
import { TV12, TV13, TV14_1, TV14_9, TV15_ROOT, o } from './fixtures.js';

describe('literal normalization (§2.2)', () => {
  it.each([
    ['!0', true],
    ['!![]', true],
    ['!1', false],
    ['![]', false],
    ['void 0', null],
    ['void 0x0', null],
    ['undefined', null],
    ['true', 'true'],
    ['false', 'false'],
    [1, 1],
    ['x', 'x'],
  ])('%j → %j', (input, out) => expect(normalizeLiteral(input)).toBe(out));
});

describe('name normalization (§2.2 [SIM], one rule)', () => {
  it.each([
    ['[t.INVISIBLE]', 'INVISIBLE'],
    ['t.INVISIBLE', 'INVISIBLE'],
    ["ParameterStatus['INVISIBLE']", 'INVISIBLE'],
    ["_0x4d7e32['INVISIBLE']", 'INVISIBLE'],
    ['_0x4d7e32["ENABLED"]', 'ENABLED'],
    ['ku.equalTo', 'equalTo'],
    ['e.equalTo', 'equalTo'],
    ["ClauseOperation['equalTo']", 'equalTo'],
    ['equalTo', 'equalTo'],
    ['A.DISPLAY_MENU_HEATING', 'DISPLAY_MENU_HEATING'],
    ['e.HeaterManagement', 'HeaterManagement'],
    ['u.SWITCH', 'SWITCH'],
    ['ParameterStatus.INVISIBLE', 'ParameterStatus.INVISIBLE'],
  ])('%s → %s', (input, out) => expect(normalizeName(input)).toBe(out));
  it('symbolic names for enum matching', () => {
    expect(symbolicName('[kn.ON]')).toBe('ON');
    expect(symbolicName('e.ON')).toBe('ON');
    expect(symbolicName("BoilerState['STOP']")).toBe('STOP');
  });
});

describe('channel aliases (§0)', () => {
  it.each([
    ['value', 'v'],
    ['command', 'v'],
    ['status', 's'],
    ['Status', 's'],
    ['unit', 'u'],
    ['minValue', 'n'],
    ['MAXVALUE', 'x'],
    ['v', 'v'],
    ['s', 's'],
    ['[t.something]', 's'],
    ['other', 'o'],
    [undefined, 'v'],
    [null, 'v'],
  ])('%s → %s', (input, out) => expect(channelAlias(input as string)).toBe(out));
});

describe('buildParamMap', () => {
  it('TV-12 readable map', () => {
    const m = buildParamMap('PARAM_P4_1', TV12, 'asset:x');
    expect(m.group).toBe('P4');
    expect(m.componentType).toBe('slider');
    expect(m.units).toBe(1);
    expect(m.limits).toEqual({ min: 10, max: 90 });
    expect(m.statusFlags).toEqual([{ bit: 3, label: 'pump' }]);
    expect(m.paths.value).toEqual([{ pool: 'P4', chan: 'v', idx: 1 }]);
    expect(m.paths.unit).toEqual([{ pool: 'P4', chan: 'u', idx: 1 }]);
    expect(m.paths.status).toEqual([{ pool: 'P5', chan: 's', idx: 40 }]);
    expect(m.paths.min).toEqual([{ pool: 'P4', chan: 'n', idx: 1 }]);
    expect(m.paths.max).toEqual([{ pool: 'P4', chan: 'x', idx: 1 }]);
    expect(m.origin).toBe('asset:x');
    expect(m.raw).toBe(TV12);
  });

  it('TV-13 obfuscated map', () => {
    const m = buildParamMap('PARAM_66', TV13, 'inline:index-token');
    expect(m.componentType).toBe('SWITCH');
    expect(m.group).toBeNull();
    expect(Object.keys(m.statusConditions).sort()).toEqual(['ENABLED', 'INVISIBLE']);
    expect(m.statusConditions['INVISIBLE']).toEqual([{ group: 'P6', number: 34, use: 's' }]);
    expect(m.statusConditions['ENABLED']).toEqual([{ group: 'P6', number: 35, use: 's' }]);
    expect(m.commandRules).toEqual([
      {
        logic: 'any',
        kind: 'if',
        command: 'WRITE',
        value: true,
        conditions: [{ operation: 'equalTo', expected: false, targets: [{ group: 'P6', number: 34 }] }],
      },
    ]);
    expect(m.paths.status.map((e) => e['condition'])).toEqual(['INVISIBLE', 'ENABLED']);
  });

  it('TV-14 builder output: componentType null / SWITCH', () => {
    const a = buildParamMap('PARAM_P11_1', TV14_1, 'inline:index-token');
    const b = buildParamMap('PARAM_P11_9', TV14_9, 'inline:index-token');
    expect(a.componentType).toBeNull();
    expect(b.componentType).toBe('SWITCH');
    expect(a.paths.value).toEqual([{ group: 'P11', number: 1, use: 'v' }]);
    expect(a.statusConditions['INVISIBLE']).toEqual([{ group: 'P11', number: 1, use: 's', bit: 7 }]);
  });

  it('TV-15: the map is taken from root[symbol]; a rule list in value; no command rules', () => {
    const m = buildParamMap('STATUS_P5_10', TV15_ROOT, 'asset:STATUS_P5_10');
    expect(m.units).toBe(9994);
    expect(m.raw['name']).toBe('parameters.STATUS_P5_10');
    expect(isRuleList(m.raw['value'])).toBe(true);
    expect(m.commandRules).toEqual([]);
    expect(hasComputedRules(m)).toBe(true);
    expect(m.componentType).toBe('DIODE');
  });

  it('[SIM] STATUS computed rows in any are not command rules', () => {
    const m = buildParamMap(
      'STATUS_P5_0',
      o({
        any: [
          {
            if: [{ operation: 'e.equalTo', expected: 1, value: [{ group: 'P5', number: 0, use: 's', bit: 0 }] }],
            then: { value: 'e.ON' },
          },
        ],
      }),
      'x',
    );
    expect(m.commandRules).toEqual([]);
    expect(hasComputedRules(m)).toBe(true);
  });

  it('command rules: elseif/else kinds, all/when logics, value omitted when null, rows without command dropped', () => {
    const m = buildParamMap(
      'X',
      o({
        all: [
          {
            elseif: [
              {
                operation: "ClauseOperation['notEqualTo']",
                expected: 'void 0',
                value: [{ group: 'P4', number: 1, use: 'v' }],
              },
            ],
            then: { command: "_0x1['MODULE_RESTART']" },
          },
        ],
        when: [{ else: { command: 'e.SET', value: 5 } }, { then: { value: 1 } }, 'junk'],
      }),
      'x',
    );
    expect(m.commandRules).toEqual([
      {
        logic: 'all',
        kind: 'elseif',
        command: 'MODULE_RESTART',
        conditions: [{ operation: 'notEqualTo', expected: null, targets: [{ group: 'P4', number: 1, use: 'v' }] }],
      },
      { logic: 'when', kind: 'else', command: 'SET', value: 5, conditions: [] },
    ]);
    expect(hasComputedRules(m)).toBe(false);
  });

  it('status list form → {default: list}; status flag names normalized; units fallbacks', () => {
    const m = buildParamMap('X', o({ status: [{ group: 'P1', number: 2, use: 's', bit: 0 }], unit_name: 'C' }), 'x');
    expect(Object.keys(m.statusConditions)).toEqual(['default']);
    expect(m.units).toBe('C');
    const n = buildParamMap('Y', o({ status: { '[t.INVISIBLE]': [] }, units: { x: 1 }, unit: 49 }), 'x');
    expect(Object.keys(n.statusConditions)).toEqual(['INVISIBLE']);
    expect(n.units).toBe(49);
  });

  it('treats __proto__ and constructor keys as data', () => {
    const raw = JSON.parse(
      '{"__proto__": {"polluted": 1}, "constructor": "x", "status": {"__proto__": [{"group":"P1","number":1,"use":"s","bit":0}]}}',
    );
    const m = buildParamMap('Z', raw, 'x');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(m.statusConditions)).toEqual(['__proto__']);
    expect(m.paths.status[0]?.['condition']).toBe('__proto__');
    expect(m.componentType).toBeNull();
  });
});

describe('selectors and rule rows (§2.3)', () => {
  it('tells selector lists from rule lists', () => {
    expect(selectorList(o({ l: [{ group: 'P4', number: 1, use: 'v' }, 'x'] })['l'])?.map((s) => s.address)).toEqual([
      'P4.v1',
    ]);
    expect(
      selectorList(
        o({
          l: [
            { if: [], then: 1 },
            { group: 'P4', number: 1, use: 'v' },
          ],
        })['l'],
      ),
    ).toBeNull();
    expect(selectorList(o({ l: [] })['l'])).toBeNull();
    expect(isRuleList(o({ l: [{ else: 1 }] })['l'])).toBe(true);
    expect(isRuleList(o({ l: [{ group: 'P4' }] })['l'])).toBe(false);
  });
  it('readable shapes and defaults', () => {
    expect(parseSelector(o({ pool: 4, chan: 'status', idx: '7' }))?.address).toBe('P4.s7');
    expect(parseSelector(o({ group: 'P6', number: 34 }))?.address).toBe('P6.v34');
    expect(parseSelector(o({ group: 'P6', number: 34 }), { requireChannel: true })).toBeNull();
    expect(parseSelector(o({ group: 'P6', index: 3, pathType: 'minValue' }))?.address).toBe('P6.n3');
  });
  it('needs composition', () => {
    const sel = (x: Record<string, unknown>) => selectorList(o({ l: [x] })['l']) ?? [];
    expect(needsComposition(sel({ group: 'P4', number: 59, use: 'v' }))).toBe(false);
    expect(needsComposition(sel({ group: 'P4', number: 59, use: 'v', convert: 'Xy' }))).toBe(true);
    expect(needsComposition(sel({ group: 'P4', number: 59, use: 'v', times: 65536 }))).toBe(true);
    expect(needsComposition(sel({ group: 'P4', number: 59, use: 'v', times: 1 }))).toBe(false);
    expect(needsComposition(sel({ group: 'P4', number: 59, use: 'v', times: true }))).toBe(false);
    const two =
      selectorList(
        o({
          l: [
            { group: 'P4', number: 59, use: 'v' },
            { group: 'P4', number: 60, use: 'v' },
          ],
        })['l'],
      ) ?? [];
    expect(needsComposition(two)).toBe(true);
  });
  it('valueSelectors reads paths.value', () => {
    const m = buildParamMap('PARAM_P11_1', TV14_1, 'x');
    expect(valueSelectors(m)?.[0]?.address).toBe('P11.v1');
  });
});
