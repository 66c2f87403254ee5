/**
 * Menu facade for the loader: the menu model (§2.4), the permission filter and panels (§3.9) under one import.
 */
import type { I18nGetter } from './i18n.js';
import { type MenuRoute, buildMenu, menuTokens } from './menu-model.js';
import { type Panel, type PanelOptions, menuTitleTokens, panels, titleTable } from './panels.js';

export * from './menu-model.js';
export { type FilterOptions, filterMenu } from './permissions.js';

/** The menu model of a converted menu chunk root (alias of {@link buildMenu}). */
export function normalizeMenu(root: Parameters<typeof buildMenu>[0]): MenuRoute[] {
  return buildMenu(root);
}

/** Tokens listed in `write` sections (writability, §3.8 [SIM]). */
export function writeTokens(routes: readonly MenuRoute[]): string[] {
  return menuTokens(routes, ['write']);
}

/** Menu-title tokens whose namespaces title the routes (load them with `routes` and `menu`). */
export function titleTokens(routes: readonly MenuRoute[]): string[] {
  return menuTitleTokens(routes);
}

/** Panels of a (filtered) menu with the title table built from `i18n`; the web-UI filter is on unless disabled. */
export function menuPanels(
  routes: readonly MenuRoute[],
  i18n: I18nGetter,
  opts: PanelOptions = { webUiOnly: true },
): Panel[] {
  return panels(routes, titleTable(routes, i18n), opts).panels;
}
