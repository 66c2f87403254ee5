import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/catalog/catalog.js';
import { type CatalogState, SNAPSHOT_SCHEMA } from '../../src/catalog/snapshot.js';
import type { AssetIndex } from '../../src/catalog/types.js';

function state(over: Partial<CatalogState> = {}, index: Partial<AssetIndex> = {}): CatalogState {
  return {
    schema: SNAPSHOT_SCHEMA,
    fingerprint: 'v|index-A.js',
    oneBase: 'https://one.example',
    index: {
      indexUrl: 'https://one.example/assets/index-A.js',
      indexName: 'index-A.js',
      assets: { units: [{ url: 'https://one.example/assets/units-B.js', base: 'units', hash: 'B' }] },
      menuMap: { 0: 'module.menu-C' },
      i18nImports: [],
      languageConfig: { translations: [{ id: 'PL', flag: 'pl' }], defaultTranslation: 'pl' },
      unitDescriptors: { 1: { text: 'units.1' } },
      inlineMaps: { PARAM_P4_1: { group: 'P4' } },
      ...index,
    },
    i18n: {},
    menus: {},
    maps: {},
    transforms: {},
    ...over,
  };
}

describe('healthOf (CATALOG.md §3.11 health check)', () => {
  it('passes a sound state and counts what it found', () => {
    const h = healthOf(state({ menus: { 0: [{ meta: { permissionModule: 'DISPLAY_MENU_DHW' } }] } }));
    expect(h).toEqual({
      ok: true,
      problems: [],
      stats: { assets: 1, deviceMenus: 1, languages: 1, unitDescriptors: 1, inlineMaps: 1 },
    });
  });

  it('reports each failure of the reference upstream watch', () => {
    const h = healthOf(
      state(
        {
          menus: { 153: [{ meta: { permissionModule: "_0x51['DISPLAY_MENU_DHW']" } }] },
          maps: { PARAM_66: { raw: { componentType: "_0x4d['SWITCH']" }, origin: 'inline:index-token' } },
          i18n: { pl: { units: { 1: '\\u00b0C' } } },
        },
        { assets: {}, languageConfig: null, unitDescriptors: {}, inlineMaps: { FOO: {} } },
      ),
    );
    expect(h.ok).toBe(false);
    expect(h.problems).toEqual([
      'no asset basenames found in the index',
      'no language configuration found',
      'empty unit descriptor table',
      'no inline PARAM_*/STATUS_* symbols in the index',
      'escape leaks in i18n pl/units',
      'obfuscated component type left in PARAM_66',
      'obfuscated permission names in the menu of deviceMenu 153',
    ]);
  });
});
