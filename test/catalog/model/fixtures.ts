// biome-ignore-all lint/suspicious/noThenProperty: rule rows from the assets carry a `then` key
/** Helpers for the model tests: parser-like (null-prototype) JSON, i18n and value getters. */
import type { Json, JsonObject } from '../../../src/catalog/types.js';
import type { ModelContext } from '../../../src/catalog/model/context.js';
import type { I18nGetter } from '../../../src/catalog/model/i18n.js';
import type { ValueGetter } from '../../../src/catalog/model/rules.js';

/** Deep copy into null-prototype objects, like the static evaluator's output. */
export function j(v: unknown): Json {
  if (Array.isArray(v)) return v.map(j);
  if (v !== null && typeof v === 'object') {
    const out = Object.create(null) as JsonObject;
    for (const [k, x] of Object.entries(v)) out[k] = j(x);
    return out;
  }
  return v as Json;
}

/** {@link j} for an object. */
export function o(v: Record<string, unknown>): JsonObject {
  return j(v) as JsonObject;
}

/** An i18n getter over namespaces. */
export function i18nOf(ns: Record<string, Record<string, unknown>>): I18nGetter {
  return (name) => (Object.hasOwn(ns, name) ? o(ns[name] as Record<string, unknown>) : undefined);
}

/** A value getter over a record. */
export function valuesOf(v: Record<string, unknown>): ValueGetter {
  return (k) => (Object.hasOwn(v, k) ? v[k] : undefined);
}

/** Polish fixture language used across tests. */
export const PL = i18nOf({
  parameters: { PARAM_66: 'Praca pompy', PARAM_P4_1: 'Temperatura kotła', STATUS_P5_10: 'Dioda' },
  units: {
    '0': ' ',
    '1': '°C',
    '5': '%',
    '31': 'kW',
    '17': { '0': 'Nie', '1': 'Tak' },
    '202': { '0': 'Wyłączony' },
    '2200': { '1': 'Histereza trybu Eco' },
  },
  app: {
    one: {
      diodeState: { on: 'Włączone', off: 'Wyłączone' },
      burnerState: { '0': 'Stop' },
      parameters: { URUCHOMIENIE_KOTLA: 'Uruchomienie kotła' },
    },
    lang: { en: 'English', ru: 'Русский' },
  },
});

/** Unit descriptor table like §1.7 / §2.6 (arrow sources as text). */
export const DESCRIPTORS: Record<string, JsonObject> = {
  '9': o({ options: { '0': 'units.17.0', '1': 'units.17.1' } }),
  '10': o({ text: 'units.10', value: '_0x201288=>_0x201288*0x6' }),
  '37': o({ options: { '9': 'app.lang.en', '5': 'app.lang.ru' } }),
  '47': o({ text: 'units.5', value: 'e=>e-127' }),
  '49': o({ text: 'units.31', value: "_0x4fdb4d=>Number(_0x4fdb4d*0.1)['toFixed'](0x1)", valuePrepare: 'e=>e/.1' }),
  '66': o({
    text: 'units.0',
    value:
      "_0x528242=>{if(_0x528242===0x0)return'units.202.0';const _0x3355bc=(_0x528242-0x1)*0xa,_0x39bbda=Math['floor'](_0x3355bc/0x3c),_0x3a625e=_0x3355bc%0x3c;return _0x39bbda['toString']()['padStart'](0x2,'0')+':'+_0x3a625e['toString']()['padStart'](0x2,'0');}",
  }),
  '1': o({ text: 'units.1' }),
  '9994': o({ options: { '[kn.ON]': 'app.one.diodeState.on', '[kn.OFF]': 'app.one.diodeState.off' } }),
  '9998': o({ options: { "BoilerState['STOP']": 'app.one.burnerState.0' } }),
  '77': o({ text: 'units.5', value: 'e=>Math.sqrt(e)' }),
};

/** A model context over the fixtures. */
export function ctxOf(values: Record<string, unknown> = {}, extra: Partial<ModelContext> = {}): ModelContext {
  return { descriptors: DESCRIPTORS, i18n: PL, values: valuesOf(values), ...extra };
}

/** TV-12 readable param map. */
export const TV12 = o({
  group: 'P4',
  componentType: 'slider',
  units: 1,
  limits: { min: 10, max: 90 },
  statusFlags: [{ bit: 3, label: 'pump' }],
  use: {
    v: { pool: 'P4', chan: 'v', idx: 1 },
    u: { pool: 'P4', chan: 'u', idx: 1 },
    s: [{ pool: 'P5', chan: 's', idx: 40 }],
    n: { pool: 'P4', chan: 'n', idx: 1 },
    x: { pool: 'P4', chan: 'x', idx: 1 },
  },
});

/** TV-13 live obfuscated map after evaluation. */
export const TV13 = o({
  name: 'parameters.PARAM_66',
  useComponent: 'SWITCH',
  status: { INVISIBLE: [{ group: 'P6', number: 34, use: 's' }], ENABLED: [{ group: 'P6', number: 35, use: 's' }] },
  any: [
    {
      if: [{ operation: 'equalTo', expected: '![]', value: [{ group: 'P6', number: 34 }] }],
      then: { command: 'WRITE', value: '!![]' },
    },
  ],
});

/** TV-14 builder output. */
export const TV14_1 = o({
  id: 20240329062301,
  icon: 'INFO',
  name: 'parameters.PARAM_P11_1',
  value: [{ group: 'P11', number: 1, use: 'v' }],
  status: { INVISIBLE: [{ group: 'P11', number: 1, use: 's', bit: 7 }] },
  useComponent: null,
});
export const TV14_9 = o({
  id: 20240329062309,
  icon: 'INFO',
  name: 'parameters.PARAM_P11_9',
  value: [{ group: 'P11', number: 9, use: 'v' }],
  status: { INVISIBLE: [{ group: 'P11', number: 9, use: 's', bit: 7 }] },
  useComponent: 'SWITCH',
});

/** TV-15 readable table with template names (chunk root). */
export const TV15_ROOT = o({
  STATUS_P5_10: {
    id: 20240408105000,
    icon: 'Xe.INFO',
    name: 'parameters.STATUS_P5_10',
    unit: 9994,
    value: [
      {
        if: [{ expected: 1, operation: 'ku.equalTo', value: [{ group: 'P5', number: 10, use: 's', bit: 1 }] }],
        then: 'kn.ON',
      },
    ],
    useComponent: 'Lo.DIODE',
  },
});
