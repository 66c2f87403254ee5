import { describe, expect, it } from 'vitest';
import {
  buildMenu,
  extractRoutes,
  menuPanels,
  menuParam,
  menuTokens,
  normalizeMenu,
  titleTokens,
  tokenFromText,
  writeTokens,
} from '../../../src/catalog/model/menu.js';
import { isModuleItem, menuNamespaces, panels, routeTitle, titleTable } from '../../../src/catalog/model/panels.js';
import { filterMenu } from '../../../src/catalog/model/permissions.js';
import type { Json } from '../../../src/catalog/types.js';
import { i18nOf, j } from './fixtures.js';

/** §1.9 menu chunk 0 after conversion. */
const MENU_0 = j([
  {
    path: 'dhw',
    name: 'modules.menu.dhw',
    meta: {
      displayName: 'MAINMENU_USTAWIENIA_CWU',
      permissionModule: 'DISPLAY_MENU_DHW',
      parameters: {
        read: [{ permissionModule: 'DISPLAY_PARAMETER_LEVEL_1', parameter: 'PARAM_P30_2' }],
        write: [{ permissionModule: 'DISPLAY_PARAMETER_LEVEL_MAX', parameter: 'PARAM_P32_184' }],
        status: [],
        special: [],
      },
    },
    children: [],
  },
]);
/** §1.9 deviceMenu 2190 wrapper. */
const MENU_2190 = j({
  priority: 100,
  deviceMenu: [
    {
      path: 'userMenu',
      name: 'MAINMENU_MENU_UZYTKOWNIKA',
      meta: {
        displayName: 'MAINMENU_MENU_UZYTKOWNIKA',
        permissionModule: 'DISPLAY_PARAMETER_LEVEL_1',
        parameters: {
          read: [],
          status: [],
          special: [],
          write: [
            { permissionModule: 'DISPLAY_PARAMETER_LEVEL_1', parameter: 'PARAM_45' },
            { permissionModule: 'DISPLAY_PARAMETER_LEVEL_1', parameter: 'PARAM_34' },
          ],
        },
      },
      children: [],
    },
  ],
});

const set = (...xs: string[]) => new Set(xs);

describe('route extraction (§1.9) and menu model (§2.4)', () => {
  it('arrays and wrappers', () => {
    expect(extractRoutes(MENU_0)).toHaveLength(1);
    expect(extractRoutes(MENU_2190)[0]?.['name']).toBe('MAINMENU_MENU_UZYTKOWNIKA');
    expect(extractRoutes(j({ other: { items: [{ path: 'a', name: 'b' }] } }))[0]?.['path']).toBe('a');
    expect(extractRoutes(j({ a: { b: { c: { d: { e: { f: [{ path: 'deep', name: 'x' }] } } } } } }))).toEqual([]);
    expect(extractRoutes(j([1, 'x', { foo: 1 }]))).toEqual([]);
  });
  it('tokens without a set: both; the converted menu model', () => {
    const menu = buildMenu(MENU_0);
    expect(menuTokens(menu)).toEqual(['PARAM_P30_2', 'PARAM_P32_184']);
    expect(menu[0]?.meta).toMatchObject({ displayName: 'MAINMENU_USTAWIENIA_CWU', permission: 'DISPLAY_MENU_DHW' });
    expect(menu[0]?.meta?.parameters.read[0]).toEqual({
      token: 'PARAM_P30_2',
      parameter: 'PARAM_P30_2',
      permission: 'DISPLAY_PARAMETER_LEVEL_1',
      permissionModule: 'DISPLAY_PARAMETER_LEVEL_1',
    });
  });
  it('token extraction from texts', () => {
    expect(tokenFromText("E(A.READ,'PARAM_1')")).toBe('PARAM_1');
    expect(tokenFromText('e(E.READ,"AKTUALNA_TEMP_CWU_READ")')).toBe('AKTUALNA_TEMP_CWU_READ');
    expect(tokenFromText('helper(E.READ,"TOKEN7")')).toBe('TOKEN7');
    expect(tokenFromText("$h ( x , 'SPACED' )")).toBe('SPACED');
    expect(tokenFromText("_0x2d2290(_0x870f31['WRITE'],'PARAM_45')")).toBe('PARAM_45');
    expect(tokenFromText(' PLAIN_TOKEN ')).toBe('PLAIN_TOKEN');
  });
  it('parameter entries: strings, numbers, parameter, token wins, mined objects, junk dropped', () => {
    expect(menuParam('PLAIN_TOKEN')?.token).toBe('PLAIN_TOKEN');
    expect(menuParam(7)?.token).toBe('7');
    expect(menuParam(j({ parameter: "E(A.READ,'PARAM_2')", token: 'EXISTING' }))?.token).toBe('EXISTING');
    expect(menuParam(j({ parameter: "E(A.READ,'PARAM_2')" }))?.token).toBe('PARAM_2');
    expect(menuParam(j({ label: "E(A.READ,'PARAM_FALLBACK')" }))?.token).toBe('PARAM_FALLBACK');
    expect(menuParam(j({ label: 'nothing' }))).toBeNull();
    expect(menuParam(null)).toBeNull();
  });
  it('[SIM] repairs: displayName defaults to name, minified booleans, icons, non-list children/sections, pruning', () => {
    const menu = buildMenu(
      j([
        {
          path: 'a',
          name: 'modules.menu.a',
          meta: { isVisibleOnSideMenu: '!1', icon: 'a.heating', parameters: { read: 'wA', write: ['X'] } },
          children: 'wA',
        },
        { path: '', name: 'pruned', children: [{ path: 'c', name: 'c' }] },
        { path: 'b', name: 'b', meta: { displayName: '  Title  ' }, children: [{ path: 'x' }] },
      ]),
    );
    expect(menu).toHaveLength(2);
    expect(menu[0]?.meta).toMatchObject({ displayName: 'modules.menu.a', isVisibleOnSideMenu: false, icon: 'heating' });
    expect(menu[0]?.meta?.parameters.read).toEqual([]);
    expect(menu[0]?.children).toEqual([]);
    expect(menu[1]?.meta?.displayName).toBe('Title');
    expect(menu[1]?.children).toEqual([]);
  });
});

describe('permission filter (§3.9)', () => {
  const VECTOR = buildMenu(
    j([
      {
        path: 'dhw',
        name: 'DHW',
        meta: {
          displayName: 'DHW',
          permissionModule: 'DISPLAY_MENU_DHW',
          parameters: {
            read: [
              { parameter: 'temp', permissionModule: 'DISPLAY_PARAMETER_LEVEL_1' },
              { parameter: 'mode', permissionModule: 'ADMIN' },
            ],
          },
        },
        parameters: { status: [{ parameter: 'status', permissionModule: 'DISPLAY_PARAMETER_LEVEL_1' }] },
      },
      {
        path: 'heating',
        name: 'Heating',
        meta: {
          displayName: 'Heating',
          permissionModule: 'A.DISPLAY_MENU_HEATING',
          parameters: {
            write: [{ parameter: 'setpoint', permissionModule: 'A.DISPLAY_PARAMETER_LEVEL_1' }],
          },
        },
        parameters: { read: [{ parameter: 'current_temp', permissionModule: 'DISPLAY_PARAMETER_LEVEL_1' }] },
      },
      {
        path: 'admin',
        name: 'Admin',
        meta: {
          displayName: 'Admin',
          permissionModule: 'DISPLAY_MENU_ADMIN',
          parameters: { special: [{ parameter: 'debug_mode', permissionModule: 'ADMIN' }] },
        },
      },
      { path: 'public', name: 'Public', meta: { displayName: 'Public' } },
    ]),
  );
  const names = (m: ReturnType<typeof filterMenu>) => m.map((r) => r.name);
  const allTokens = (m: ReturnType<typeof filterMenu>) => menuTokens(m);
  it('level-1 set', () => {
    const f = filterMenu(VECTOR, set('DISPLAY_MENU_DHW', 'DISPLAY_MENU_HEATING', 'DISPLAY_PARAMETER_LEVEL_1'));
    expect(names(f)).toEqual(['DHW', 'Heating', 'Public']);
    expect(f[0]?.meta?.parameters.read.map((p) => p.token)).toEqual(['temp']);
    expect(f[0]?.parameters.status.map((p) => p.token)).toEqual(['status']);
    expect(f[1]?.meta?.parameters.write.map((p) => p.token)).toEqual(['setpoint']);
  });
  it('empty set → [Public]; admin set → all four; no set → no filtering; debug keeps all', () => {
    expect(names(filterMenu(VECTOR, []))).toEqual(['Public']);
    const admin = filterMenu(
      VECTOR,
      set('DISPLAY_MENU_DHW', 'DISPLAY_MENU_HEATING', 'DISPLAY_MENU_ADMIN', 'DISPLAY_PARAMETER_LEVEL_1', 'ADMIN'),
    );
    expect(names(admin)).toEqual(['DHW', 'Heating', 'Admin', 'Public']);
    expect(admin[0]?.meta?.parameters.read.map((p) => p.token)).toEqual(['temp', 'mode']);
    expect(names(filterMenu(VECTOR, null))).toEqual(['DHW', 'Heating', 'Admin', 'Public']);
    expect(allTokens(filterMenu(VECTOR, [], { debug: true }))).toEqual([
      'temp',
      'mode',
      'status',
      'setpoint',
      'current_temp',
      'debug_mode',
    ]);
  });
  it('a disallowed route with a non-empty route-level section stays; with children stays [Q]', () => {
    const m = buildMenu(
      j([
        {
          path: 'adm',
          name: 'Adm',
          meta: { displayName: 'Adm', permissionModule: 'DISPLAY_MENU_ADMIN' },
          parameters: {
            write: [{ parameter: 'COMMAND_MODULE_RESTART', permissionModule: 'DISPLAY_PARAMETER_LEVEL_1' }],
          },
        },
        {
          path: 'p',
          name: 'Parent',
          meta: { displayName: 'P', permissionModule: 'X' },
          children: [{ path: 'c', name: 'Child', meta: { displayName: 'C', permissionModule: 'X' } }],
        },
        { path: 'm', name: 'MetaOnly', meta: { displayName: 'M', permissionModule: 'X', parameters: { read: ['T'] } } },
      ]),
    );
    const f = filterMenu(m, set('DISPLAY_PARAMETER_LEVEL_1'));
    expect(names(f)).toEqual(['Adm', 'Parent']);
    expect(f[1]?.children).toEqual([]);
    expect(allTokens(f)).toEqual(['COMMAND_MODULE_RESTART']);
  });
  it('the §1.9 menus', () => {
    const m0 = buildMenu(MENU_0);
    expect(menuTokens(filterMenu(m0, set('DISPLAY_MENU_DHW', 'DISPLAY_PARAMETER_LEVEL_1')))).toEqual(['PARAM_P30_2']);
    expect(menuTokens(filterMenu(m0, null))).toEqual(['PARAM_P30_2', 'PARAM_P32_184']);
    const m2190 = buildMenu(MENU_2190);
    expect(menuTokens(filterMenu(m2190, set('DISPLAY_PARAMETER_LEVEL_1')))).toEqual(['PARAM_45', 'PARAM_34']);
    expect(menuTokens(filterMenu(m2190, null))).toEqual(['PARAM_45', 'PARAM_34']);
  });
});

describe('panels and titles (§3.9)', () => {
  const route = (
    name: string,
    path: string,
    params: string[],
    children: Json[] = [],
    meta: Record<string, unknown> = {},
  ) => ({ path, name, meta: { displayName: name, parameters: { read: params }, ...meta }, children }) as Json;
  const I18N = i18nOf({
    routes: {
      modules: {
        menu: {
          valves: 'Zawory',
          thermostats: 'Termostaty',
          valve1: 'Zawór 1',
          thermostat: { valve1: 'Zawór 1', pump: 'Pompa CO' },
          modules: 'Moduły',
        },
      },
    },
    menu: { modules: { menu: { valves: 'ignored', extra: 'Dodatkowe' } } },
    MAINMENU_MENU_TERMOSTATU: { MAINMENU_MENU_TERMOSTATU: 'Menu termostatów' },
    MAINMENU_SINGLE: { whatever: 'Jedyny' },
  });
  const MENU = buildMenu(
    j([
      route('modules.menu.valves', 'valves', [], [route('modules.menu.valve1', 'valve/1', ['PARAM_B', 'PARAM_A'])]),
      route(
        'modules.menu.thermostats',
        'thermostats',
        [],
        [route('modules.menu.thermostat.valve1', 'valve/1', ['PARAM_C'])],
      ),
      route(
        'MAINMENU_MENU_TERMOSTATU',
        'thermo',
        [],
        [
          {
            path: 'pump',
            name: 'modules.menu.thermostat.pump',
            meta: { displayName: 'routes.modules.menu.thermostat.pump', parameters: { read: ['PARAM_D'] } },
          },
        ],
      ),
      route('routes.modules.menu.modules', 'modules', ['PARAM_E']),
      route('modules.menu.dev', 'dev', ['PARAM_F']),
      route('modules.menu.hidden', 'hidden', ['PARAM_G'], [], { isVisibleOnSideMenu: '!1' }),
      route('modules.menu.param', 'x/:id', ['PARAM_H']),
      route('MENUSERWIS_X', 'serwis', ['PARAM_I']),
      route('modules.menu.empty', 'empty', []),
      route('MAINMENU_SINGLE', 'single', ['PARAM_J']),
    ]),
  );
  const table = titleTable(MENU, I18N);
  it('module items', () => {
    expect(MENU.map(isModuleItem)).toEqual([true, true, true, false, true, true, true, true, true, true]);
  });
  it('titles from the table', () => {
    expect(routeTitle(MENU[0] as never, table)).toBe('Zawory');
    expect(routeTitle(MENU[2] as never, table)).toBe('Menu termostatów');
    expect(routeTitle(MENU[9] as never, table)).toBe('Jedyny');
    expect(routeTitle(MENU[8] as never, table)).toBe('modules.menu.empty');
    expect(
      table['modules'] && (table['modules'] as never as { menu: { extra: string; valves: string } }).menu,
    ).toMatchObject({
      extra: 'Dodatkowe',
      valves: 'Zawory',
    });
    expect(menuNamespaces(MENU)).toEqual([
      'routes',
      'menu',
      'MAINMENU_MENU_TERMOSTATU',
      'MENUSERWIS_X',
      'MAINMENU_SINGLE',
    ]);
  });
  it('all-panels mode: titles joined with /, symbols sorted, reasons', () => {
    const { panels: ps, diagnostics } = panels(MENU, table);
    expect(ps).toEqual([
      { title: 'Zawory/Zawór 1', symbols: ['PARAM_A', 'PARAM_B'] },
      { title: 'Termostaty/Zawór 1', symbols: ['PARAM_C'] },
      { title: 'Menu termostatów/Pompa CO', symbols: ['PARAM_D'] },
      { title: 'modules.menu.dev', symbols: ['PARAM_F'] },
      { title: 'modules.menu.hidden', symbols: ['PARAM_G'] },
      { title: 'modules.menu.param', symbols: ['PARAM_H'] },
      { title: 'MENUSERWIS_X', symbols: ['PARAM_I'] },
      { title: 'Jedyny', symbols: ['PARAM_J'] },
    ]);
    const reason = (n: string) => diagnostics.find((d) => d.name === n)?.reason;
    expect(reason('routes.modules.menu.modules')).toBe('rejected:not-module-item');
    expect(reason('modules.menu.empty')).toBe('rejected:no-symbols');
    expect(reason('modules.menu.valves')).toBe('rejected:no-symbols');
  });
  it('web-UI filter drops dev, hidden and parameterised routes (MENUSERWIS stays)', () => {
    const { panels: ps, diagnostics } = panels(MENU, table, { webUiOnly: true });
    expect(ps.map((p) => p.title)).toEqual([
      'Zawory/Zawór 1',
      'Termostaty/Zawór 1',
      'Menu termostatów/Pompa CO',
      'MENUSERWIS_X',
      'Jedyny',
    ]);
    expect(diagnostics.find((d) => d.name === 'modules.menu.dev')?.reason).toBe('rejected:not-web-ui');
  });
  it('equal titles merge; blank and - ancestors are omitted; hidden ancestors hide children', () => {
    const m = buildMenu(
      j([
        route('modules.menu.a', 'a', ['X2']),
        route('modules.menu.a', 'a2', ['X1']),
        { path: 'root', name: 'root', meta: { displayName: ' ' }, children: [route('modules.menu.b', 'b', ['Y'])] },
        route('companies.modules.menu.lock_board', 'lb', [], [route('modules.menu.c', 'c', ['Z'])]),
      ]),
    );
    const t = titleTable(m, i18nOf({}));
    const r = panels(m, t, { webUiOnly: true });
    expect(r.panels).toEqual([
      { title: 'modules.menu.a', symbols: ['X1', 'X2'] },
      { title: 'root/modules.menu.b', symbols: ['Y'] },
    ]);
    const all = panels(m, t);
    expect(all.panels.map((p) => p.title)).toContain('companies.modules.menu.lock_board/modules.menu.c');
  });
  it('loader facade: normalizeMenu, writeTokens, titleTokens, menuPanels (web-UI filter on by default)', () => {
    const m = normalizeMenu(MENU_2190);
    expect(writeTokens(m)).toEqual(['PARAM_45', 'PARAM_34']);
    expect(writeTokens(buildMenu(MENU_0))).toEqual(['PARAM_P32_184']);
    expect(titleTokens(m)).toEqual(['MAINMENU_MENU_UZYTKOWNIKA']);
    expect(menuPanels(MENU, I18N).map((p) => p.title)).toEqual([
      'Zawory/Zawór 1',
      'Termostaty/Zawór 1',
      'Menu termostatów/Pompa CO',
      'MENUSERWIS_X',
      'Jedyny',
    ]);
    expect(menuPanels(MENU, I18N, {})).toHaveLength(8);
    expect(menuPanels(m, i18nOf({ MAINMENU_MENU_UZYTKOWNIKA: { __default__: 'Menu użytkownika' } }))).toEqual([
      { title: 'Menu użytkownika', symbols: ['PARAM_34', 'PARAM_45'] },
    ]);
  });
});
