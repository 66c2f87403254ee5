/**
 * Readable description of the simulator's synthetic BragerOne web app (CATALOG.md §1–§3).
 *
 * Everything the generator (`generate.ts`) renders into minified, obfuscated asset texts comes from here:
 * languages, unit descriptors, parameter maps (symbols) of the two demo modules, menus per `deviceMenu` and the
 * i18n texts. Edit this file and restart the simulator (or run `npx tsx scripts/gen-webapp.ts`): the assets are
 * generated at start, deterministically, with content-derived hashes.
 * @module
 */

/** Languages of the web app. */
export type Lang = 'pl' | 'en';

/** One text per language. */
export type Texts = Record<Lang, string>;

/** A nested tree of texts (an i18n namespace before it is split per language). */
export interface TextTree {
  [key: string]: Texts | TextTree;
}

/** Raw → display transform of a unit descriptor (§3.5 grammar; `hhmm` is the unit-66 formatter). */
export type Transform =
  /** `e=>Number((e*.1).toFixed(1))` */
  | { kind: 'tenths' }
  /** `e=>Number(e*0.1)['toFixed'](1)` (the §1.7 spelling; returns a string in the browser) */
  | { kind: 'tenthsText' }
  /** `e=>e*k` */
  | { kind: 'mul'; k: number }
  /** `e=>e/k`, or `e=>Number((e/k).toFixed(digits))` */
  | { kind: 'div'; k: number; digits?: number }
  /** `e=>e-a`, or `e=>(e-a)*k` */
  | { kind: 'offset'; a: number; k?: number }
  /** HH:MM in 10-minute steps, 0 = off (`units.202.0`), exactly the §3.5 shape */
  | { kind: 'hhmm' };

/** How an option-table key is spelled in the index. */
export type OptionKey =
  /** a number literal (hex in the output): `0x1:` */
  | number
  /** a computed member key `[kn.ON]` */
  | { member: string }
  /** a computed enum key `[BoilerState['STOP']]` */
  | { enumKey: [receiver: string, name: string] };

/** One unit descriptor of the table of §1.7. */
export interface UnitDef {
  code: number;
  /** What the code means (documentation only). */
  note: string;
  /** Key in the `units` namespace of the unit symbol (`'1'` → `units.1`). */
  text?: string;
  transform?: Transform;
  /** Also emit the inverse `valuePrepare` (display → raw) for linear transforms. */
  prepare?: boolean;
  /** Enum table: key → i18n token. */
  options?: Array<[OptionKey, string]>;
}

/** Register channel letters. */
export type Use = 'v' | 's' | 'u' | 'n' | 'x';

/** A selector (§2.3). */
export interface Selector {
  group: string;
  number: number;
  use?: Use;
  bit?: number;
  mask?: number;
  /** Marks a word as unsigned 16-bit (emitted as the identifier of a helper). */
  convert?: boolean;
  times?: number;
}

/** Spelling of a computed-rule result (§2.3). */
export type Tag =
  /** a string literal, e.g. `'e.ON'` */
  | { literal: string }
  /** a member expression, e.g. `kn.OFF` */
  | { member: string }
  /** an enum lookup, e.g. `DiodeState['ON']` */
  | { enumRef: [receiver: string, name: string] }
  /** `{'value':'o.WORK'}` */
  | { value: string };

/** One `{if:[…], then}` row: the condition compares one selector with `expected`. */
export interface RuleRow {
  kind?: 'if' | 'elseif' | 'else';
  expected?: number;
  operation?: 'equalTo' | 'notEqualTo' | 'greaterThan' | 'lessThan';
  target?: Selector;
  result: Tag;
}

/** A status flag (§3.7): a bit entry or a visibility rule. */
export type StatusDef =
  | { flag: 'INVISIBLE' | 'ENABLED' | 'DEVICE_AVAILABLE'; bit: Selector }
  | { flag: 'INVISIBLE' | 'ENABLED'; when: Selector & { expected: number }; result: boolean };

/** How a symbol's map is emitted. */
export type MapForm =
  /** `basicParameterBuilder_P4({...})` → `parameters.PARAM_P4_<n>` at `P4.v<n>` with `u/n/x` companions */
  | 'builderP4'
  /** `basicParameterBuilder_P6({...})` → `parameters.PARAM_<n>` at `P6.v<n>` */
  | 'builderP6'
  /** `basicParameterBuilder_P<pool>({...})` of TV-14 (benchmark padding) */
  | 'builderPool'
  /** `valveParameterBuilder({...})` with an explicit name (mixer symbols) */
  | 'builderValve'
  /** an inline object literal in the index table */
  | 'inline'
  /** a dedicated `STATUS_*`/`PARAM_*` chunk in the TV-15 shape */
  | 'chunk'
  /** the canary chunk: would set `globalThis.__bragerCanary` if it were ever executed */
  | 'canary';

/** Which demo module a symbol belongs to. */
export type ModuleKind = 'boiler' | 'mixer';

/** One parameter symbol and its map. */
export interface SymbolDef {
  symbol: string;
  module: ModuleKind;
  label: Texts;
  /** Primary address as the catalog should find it (`P4.v1`); documentation and tests. */
  address: string;
  /** Effective unit code: the `u` channel of the primary family, or `units` of the map. */
  unit: number | null;
  form: MapForm;
  /** `number` of a builder call (the register index). */
  number?: number;
  /** Component (a member of `ComponentType`). */
  component?: string;
  icon?: string;
  /** Emit the unit as a scalar `units` field (for maps without a `u` channel). */
  scalarUnit?: boolean;
  /** Inline value: selectors (composition when several) … */
  selectors?: Selector[];
  /** … or computed rule rows. */
  rules?: RuleRow[];
  status?: StatusDef[];
  /** Where inline rules go: `value` (default, TV-15) or `any` (with `value` holding the plain selector). */
  rulesIn?: 'value' | 'any';
  /** A command rule without conditions (`any:[{if:[],then:{command}}]`). */
  command?: string;
}

/** A parameter entry in a menu section. */
export interface MenuParam {
  symbol: string;
  /** Permission required to see the entry; default `DISPLAY_PARAMETER_LEVEL_1`. */
  permission?: string;
}

/** One route of a menu chunk (§1.9). */
export interface RouteDef {
  path: string;
  name: string;
  displayName: string;
  permission?: string;
  icon?: string;
  read?: MenuParam[];
  write?: MenuParam[];
  status?: MenuParam[];
  special?: MenuParam[];
  /** Emit `write` as `['A','B']['map'](x=>({…}))` (all entries share the first entry's permission). */
  writeAsMap?: boolean;
  children?: RouteDef[];
}

/** One menu chunk, selected by `deviceMenu`. */
export interface MenuDef {
  deviceMenu: number;
  /** Variant (file stem): `module.menu`, `0`, `201`, … */
  variant: string;
  /** Key style of the glob map: `../config/router/…`, `../../config/router/…` or `/src/config/router/…`. */
  keyPrefix: string;
  /** `const _201={'priority':0x64,'deviceMenu':[…]};export default _201;` instead of `export default [...]`. */
  wrapper?: { binding: string; priority: number };
  routes: RouteDef[];
}

/** A language row of the config object (§1.6). */
export interface LanguageRow {
  id: string;
  flag: string;
  name: string;
  variants?: Record<string, Record<string, string>>;
}

/** The whole web app. */
export interface WebAppDescription {
  languages: LanguageRow[];
  defaultLanguage: Lang;
  units: UnitDef[];
  symbols: SymbolDef[];
  menus: MenuDef[];
  /** Namespaces other than `parameters` (which is built from the symbols' labels). */
  i18n: {
    units: TextTree;
    app: TextTree;
    routes: TextTree;
    menu: TextTree;
    /** String-default namespaces named after a menu-title token (`MAINMENU_…`). */
    titles: Record<string, Texts>;
  };
  /** Permissions of the demo modules (data.ts uses these). */
  permissions: Record<ModuleKind, string[]>;
  /** deviceMenu of the demo modules (data.ts uses these). */
  deviceMenus: Record<ModuleKind, number>;
}

const t = (pl: string, en: string): Texts => ({ pl, en });
const L1 = 'DISPLAY_PARAMETER_LEVEL_1';
const MAX = 'DISPLAY_PARAMETER_LEVEL_MAX';
const p = (symbol: string, permission = L1): MenuParam => ({ symbol, permission });

/** Bit `bit` of the boiler/mixer status register `P5.s0`. */
const s0 = (bit: number): Selector => ({ group: 'P5', number: 0, use: 's', bit });
/** Bit `bit` of the sensor configuration register `P5.s40`. */
const s40 = (bit: number): Selector => ({ group: 'P5', number: 40, use: 's', bit });
/** A boiler parameter made by `basicParameterBuilder_P4` at `P4.v<number>`; `more` adds its component, icon or status. */
const p4 = (symbol: string, label: Texts, number: number, unit: number, more: Partial<SymbolDef> = {}): SymbolDef => ({
  symbol,
  module: 'boiler',
  label,
  address: `P4.v${number}`,
  unit,
  form: 'builderP4',
  number,
  ...more,
});

/** The demo web app. */
export const DESCRIPTION: WebAppDescription = {
  languages: [
    { id: 'PL', flag: 'pl', name: 'Polski', variants: { '153': { '1201': 'PL_5_RTP_TIS' } } },
    { id: 'EN', flag: 'en', name: 'English' },
  ],
  defaultLanguage: 'pl',

  units: [
    { code: 1, note: '°C, raw in tenths', text: '1', transform: { kind: 'tenths' }, prepare: true },
    { code: 2, note: '°C, whole degrees', text: '1' },
    {
      code: 9,
      note: 'off/on',
      options: [
        [0, 'units.17.0'],
        [1, 'units.17.1'],
      ],
    },
    { code: 10, note: 'kg, raw in tens of kg', text: '10', transform: { kind: 'mul', k: 10 }, prepare: true },
    { code: 11, note: '%', text: '5' },
    { code: 12, note: 'h, raw in minutes', text: '12', transform: { kind: 'div', k: 60, digits: 1 } },
    {
      code: 20,
      note: 'operating mode',
      options: [
        [0, 'units.20.0'],
        [1, 'units.20.1'],
        [2, 'units.20.2'],
        [3, 'units.20.3'],
      ],
    },
    { code: 47, note: '°C, offset 127', text: '1', transform: { kind: 'offset', a: 127 } },
    { code: 48, note: '°C, offset 127 in half degrees', text: '1', transform: { kind: 'offset', a: 127, k: 0.5 } },
    { code: 49, note: 'kW, raw in tenths', text: '31', transform: { kind: 'tenthsText' }, prepare: true },
    { code: 66, note: 'time of day in 10-minute steps, 0 = off', text: '0', transform: { kind: 'hhmm' } },
    {
      code: 9996,
      note: 'diode on/off (status tags)',
      options: [
        [{ member: 'kn.ON' }, 'app.one.diodeState.on'],
        [{ member: 'kn.OFF' }, 'app.one.diodeState.off'],
      ],
    },
    {
      code: 9998,
      note: 'burner state (status tags)',
      options: [
        [{ enumKey: ['BoilerState', 'STOP'] }, 'app.one.burnerState.0'],
        [{ enumKey: ['BoilerState', 'WORK'] }, 'app.one.burnerState.1'],
      ],
    },
  ],

  symbols: [
    // ---- boiler (deviceMenu 0) ----
    p4('PARAM_P4_1', t('Temperatura kotła', 'Boiler temperature'), 1, 1, { component: 'TEMPERATURE' }),
    p4('PARAM_P4_3', t('Temperatura CWU', 'DHW temperature'), 3, 1, {
      component: 'TEMPERATURE',
      status: [{ flag: 'INVISIBLE', bit: s40(1) }],
    }),
    p4('PARAM_P4_4', t('Temperatura zewnętrzna', 'Outside temperature'), 4, 1, { component: 'TEMPERATURE' }),
    p4('PARAM_P4_5', t('Temperatura spalin', 'Flue gas temperature'), 5, 1, { component: 'TEMPERATURE' }),
    p4('PARAM_P4_6', t('Temperatura powrotu', 'Return temperature'), 6, 47, { component: 'TEMPERATURE' }),
    p4('PARAM_P4_7', t('Temperatura podajnika', 'Feeder temperature'), 7, 1, {
      component: 'TEMPERATURE',
      status: [{ flag: 'INVISIBLE', when: { ...s40(0), expected: 0 }, result: true }],
    }),
    p4('PARAM_P4_8', t('Temperatura zadana kotła', 'Boiler set-point'), 8, 2, { component: 'SLIDER' }),
    p4('PARAM_P4_9', t('Temperatura zadana CWU', 'DHW set-point'), 9, 2, {
      component: 'SLIDER',
      status: [{ flag: 'INVISIBLE', bit: s40(1) }],
    }),
    p4('PARAM_P4_12', t('Poziom paliwa', 'Fuel level'), 12, 11, { icon: 'FUEL' }),
    p4('PARAM_P4_13', t('Zużycie paliwa', 'Fuel consumed'), 13, 10, { icon: 'FUEL' }),
    p4('PARAM_P4_14', t('Moc palnika', 'Burner power'), 14, 49, { icon: 'FLAME' }),
    p4('PARAM_P4_20', t('Start grzania CWU', 'DHW heating start'), 20, 66, { component: 'TIME' }),
    {
      symbol: 'CZAS_PRACY_PALNIKA',
      module: 'boiler',
      label: t('Czas pracy palnika', 'Burner operating time'),
      address: 'P4.v59',
      unit: 12,
      form: 'inline',
      icon: 'CLOCK',
      scalarUnit: true,
      selectors: [
        { group: 'P4', number: 59, use: 'v', convert: true },
        { group: 'P4', number: 60, use: 'v', convert: true, times: 65536 },
      ],
    },
    {
      symbol: 'PARAM_0',
      module: 'boiler',
      label: t('Tryb pracy', 'Operating mode'),
      address: 'P6.v0',
      unit: 20,
      form: 'builderP6',
      number: 0,
      component: 'SELECT',
    },
    {
      symbol: 'PARAM_1',
      module: 'boiler',
      label: t('Moc wentylatora', 'Fan power'),
      address: 'P6.v1',
      unit: 11,
      form: 'builderP6',
      number: 1,
      icon: 'FAN',
    },
    {
      symbol: 'STATUS_P5_0',
      module: 'boiler',
      label: t('Pompa CO', 'CH pump'),
      address: 'P5.s0',
      unit: 9996,
      form: 'chunk',
      number: 0,
      component: 'DIODE',
      rules: [
        { expected: 1, target: s0(0), result: { literal: 'e.ON' } },
        { expected: 0, target: s0(0), result: { member: 'kn.OFF' } },
      ],
    },
    {
      symbol: 'POMPA_CWU',
      module: 'boiler',
      label: t('Pompa CWU', 'DHW pump'),
      address: 'P5.s0',
      unit: 9996,
      form: 'inline',
      component: 'DIODE',
      scalarUnit: true,
      rules: [
        { expected: 1, target: s0(1), result: { enumRef: ['DiodeState', 'ON'] } },
        { expected: 0, target: s0(1), result: { member: 'kn.OFF' } },
      ],
      status: [{ flag: 'INVISIBLE', bit: s40(1) }],
    },
    {
      symbol: 'STAN_PALNIKA',
      module: 'boiler',
      label: t('Stan palnika', 'Burner state'),
      address: 'P5.s0',
      unit: 9998,
      form: 'inline',
      component: 'DIODE',
      scalarUnit: true,
      rulesIn: 'any',
      selectors: [{ group: 'P5', number: 0, use: 's' }],
      rules: [
        { expected: 1, target: s0(3), result: { value: 'o.WORK' } },
        { kind: 'elseif', expected: 0, target: s0(3), result: { value: 'o.STOP' } },
      ],
    },
    {
      symbol: 'STATUS_P5_1',
      module: 'boiler',
      label: t('Alarm kotła', 'Boiler alarm'),
      address: 'P5.s1',
      unit: 9996,
      form: 'inline',
      component: 'DIODE',
      scalarUnit: true,
      rules: [
        { expected: 1, target: { group: 'P5', number: 1, use: 's', bit: 0 }, result: { literal: 'e.ON' } },
        { expected: 0, target: { group: 'P5', number: 1, use: 's', bit: 0 }, result: { member: 'kn.OFF' } },
      ],
    },
    {
      symbol: 'STATUS_P5_40',
      module: 'boiler',
      label: t('Konfiguracja czujników', 'Sensor configuration'),
      address: 'P5.s40',
      unit: null,
      form: 'inline',
      selectors: [{ group: 'P5', number: 40, use: 's' }],
    },
    {
      symbol: 'COMMAND_MODULE_RESTART',
      module: 'boiler',
      label: t('Restart modułu', 'Restart module'),
      address: '',
      unit: null,
      form: 'inline',
      component: 'BUTTON',
      command: 'MODULE_RESTART',
    },
    {
      symbol: 'PARAM_CANARY',
      module: 'boiler',
      label: t('Kanarek (nigdy nie wykonywany)', 'Canary (never executed)'),
      address: 'P4.v99',
      unit: null,
      form: 'canary',
      number: 99,
    },

    // ---- mixing circuit (deviceMenu 153) ----
    {
      symbol: 'TEMP_ZASILANIA_ZAWORU_1',
      module: 'mixer',
      label: t('Temperatura zasilania', 'Flow temperature'),
      address: 'P4.v1',
      unit: 1,
      form: 'builderValve',
      number: 1,
      component: 'TEMPERATURE',
    },
    {
      symbol: 'TEMP_POKOJOWA_ZAWORU_1',
      module: 'mixer',
      label: t('Temperatura pokojowa', 'Room temperature'),
      address: 'P4.v2',
      unit: 1,
      form: 'builderValve',
      number: 2,
      component: 'TEMPERATURE',
    },
    {
      symbol: 'TEMP_ZEWNETRZNA_ZAWORU_1',
      module: 'mixer',
      label: t('Temperatura zewnętrzna obiegu', 'Circuit outside temperature'),
      address: 'P4.v4',
      unit: 1,
      form: 'builderValve',
      number: 4,
      component: 'TEMPERATURE',
    },
    {
      symbol: 'ZADANA_TEMP_POKOJOWA_ZAWORU_1',
      module: 'mixer',
      label: t('Zadana temperatura pokojowa', 'Room set-point'),
      address: 'P4.v8',
      unit: 1,
      form: 'builderValve',
      number: 8,
      component: 'SLIDER',
    },
    {
      symbol: 'TRYB_PRACY_ZAWORU_1',
      module: 'mixer',
      label: t('Tryb pracy obiegu', 'Circuit mode'),
      address: 'P6.v0',
      unit: 20,
      form: 'inline',
      component: 'SELECT',
      selectors: [{ group: 'P6', number: 0, use: 'v' }],
    },
    {
      symbol: 'POMPA_ZAWORU_1',
      module: 'mixer',
      label: t('Pompa obiegu', 'Circuit pump'),
      address: 'P5.s0',
      unit: 9996,
      form: 'inline',
      component: 'DIODE',
      scalarUnit: true,
      rules: [
        { expected: 1, target: s0(0), result: { literal: 'e.ON' } },
        { expected: 0, target: s0(0), result: { member: 'kn.OFF' } },
      ],
    },
  ],

  menus: [
    {
      deviceMenu: 0,
      variant: 'module.menu',
      keyPrefix: '../config/router/deviceMenu/',
      routes: [
        {
          path: 'boiler',
          name: 'modules.menu.boiler',
          displayName: 'routes.modules.menu.boiler',
          permission: 'DISPLAY_MENU_HEATING',
          icon: 'a.boiler',
          read: [
            'PARAM_P4_1',
            'PARAM_P4_4',
            'PARAM_P4_5',
            'PARAM_P4_6',
            'PARAM_P4_7',
            'PARAM_P4_12',
            'PARAM_P4_13',
            'PARAM_P4_14',
            'CZAS_PRACY_PALNIKA',
            'PARAM_1',
          ].map((s) => p(s)),
          write: [p('PARAM_P4_8'), p('PARAM_0')],
          status: [p('STATUS_P5_0'), p('STAN_PALNIKA'), p('STATUS_P5_1', MAX)],
          special: [p('COMMAND_MODULE_RESTART')],
        },
        {
          path: 'dhw',
          name: 'modules.menu.dhw',
          displayName: 'MAINMENU_USTAWIENIA_CWU',
          permission: 'DISPLAY_MENU_DHW',
          icon: 'a.dhw',
          read: [p('PARAM_P4_3')],
          write: [p('PARAM_P4_9')],
          status: [p('POMPA_CWU')],
          children: [
            {
              path: 'dhw/schedule',
              name: 'modules.menu.dhwSchedule',
              displayName: 'routes.modules.menu.dhwSchedule',
              permission: 'DISPLAY_MENU_DHW',
              write: [p('PARAM_P4_20')],
            },
          ],
        },
        {
          path: 'service',
          name: 'modules.menu.service',
          displayName: 'routes.modules.menu.service',
          permission: 'DISPLAY_MENU_SERVICE',
          icon: 'a.service',
          read: [p('STATUS_P5_40', MAX), p('STATUS_P5_1', MAX)],
        },
      ],
    },
    {
      deviceMenu: 153,
      variant: '201',
      keyPrefix: '../../config/router/deviceMenu/',
      wrapper: { binding: '_201', priority: 100 },
      routes: [
        {
          path: 'userMenu',
          name: 'MAINMENU_MENU_UZYTKOWNIKA',
          displayName: 'MAINMENU_MENU_UZYTKOWNIKA',
          permission: 'DISPLAY_MENU_CIRCUITS',
          status: [p('POMPA_ZAWORU_1')],
          write: [p('ZADANA_TEMP_POKOJOWA_ZAWORU_1'), p('TRYB_PRACY_ZAWORU_1')],
          writeAsMap: true,
          children: [
            {
              path: 'valve/1',
              name: 'modules.menu.valve1',
              displayName: 'routes.modules.menu.valve1',
              permission: 'DISPLAY_MENU_CIRCUITS',
              icon: 'a.valve',
              read: [p('TEMP_ZASILANIA_ZAWORU_1'), p('TEMP_POKOJOWA_ZAWORU_1'), p('TEMP_ZEWNETRZNA_ZAWORU_1')],
              children: [
                {
                  path: 'valve/1/calibration',
                  name: 'modules.menu.calibration',
                  displayName: 'routes.modules.menu.calibration',
                  permission: 'DISPLAY_MENU_SERVICE',
                  read: [p('TEMP_ZEWNETRZNA_ZAWORU_1', MAX)],
                },
              ],
            },
          ],
        },
      ],
    },
  ],

  i18n: {
    units: {
      '0': t(' ', ' '),
      '1': t('°C', '°C'),
      '5': t('%', '%'),
      '10': t('kg', 'kg'),
      '12': t('h', 'h'),
      '31': t('kW', 'kW'),
      '17': { '0': t('Wyłączony', 'Off'), '1': t('Włączony', 'On') },
      '20': {
        '0': t('Wyłączony', 'Off'),
        '1': t('Automatyczny', 'Automatic'),
        '2': t('Ręczny', 'Manual'),
        '3': t('Lato', 'Summer'),
      },
      '202': { '0': t('Wyłączony', 'Off') },
    },
    app: {
      one: {
        diodeState: { on: t('Włączone', 'On'), off: t('Wyłączone', 'Off') },
        burnerState: { '0': t('Postój', 'Stopped'), '1': t('Praca', 'Working') },
        boilerStatus: { name: t('Status kotła', 'Boiler status') },
      },
      lang: { pl: t('Polski', 'Polish'), en: t('Angielski', 'English') },
    },
    routes: {
      modules: {
        menu: {
          boiler: t('Kocioł', 'Boiler'),
          dhw: t('CWU', 'DHW'),
          dhwSchedule: t('Harmonogram CWU', 'DHW schedule'),
          service: t('Serwis', 'Service'),
          valve1: t('Zawór 1', 'Valve 1'),
          calibration: t('Kalibracja', 'Calibration'),
        },
      },
    },
    menu: { MAINMENU_USTAWIENIA_CWU: t('Ustawienia CWU', 'DHW settings') },
    titles: { MAINMENU_MENU_UZYTKOWNIKA: t('Menu użytkownika', 'User menu') },
  },

  permissions: {
    boiler: ['DISPLAY_MENU_HEATING', 'DISPLAY_MENU_DHW', 'DISPLAY_PARAMETER_LEVEL_1'],
    mixer: ['DISPLAY_MENU_CIRCUITS', 'DISPLAY_PARAMETER_LEVEL_1'],
  },
  deviceMenus: { boiler: 0, mixer: 153 },
};
