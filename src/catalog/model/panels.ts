/**
 * Panels and route titles (CATALOG.md §3.9): all-panels mode with the optional web-UI filter.
 */
import type { Json, JsonObject } from '../types.js';
import type { I18nGetter } from './i18n.js';
import { lookupPath } from './i18n.js';
import { cleanText, isObject, own, record } from './json.js';
import { type MenuRoute, routeTokens } from './menu-model.js';

/** One panel: a title and its sorted symbols. */
export interface Panel {
  title: string;
  symbols: string[];
}

/** Why a route is or is not a panel. */
export type PanelReason = 'accepted' | 'rejected:not-module-item' | 'rejected:not-web-ui' | 'rejected:no-symbols';

/** One diagnostics row. */
export interface PanelDiagnostic {
  name: string;
  path: string;
  title: string;
  reason: PanelReason;
}

/** Options of {@link panels}. */
export interface PanelOptions {
  /** Apply the web-UI filter (hidden/developer routes). Default false (all-panels mode). */
  webUiOnly?: boolean;
}

const MENU_TITLE_RE = /^(MAINMENU|MENUSERWIS|MENUPALNIKA|MENU)_[A-Z0-9_]+$/;
const NOT_WEB_UI = new Set(
  ['dev', 'producer', 'configuration', 'schema', 'testsoutputinput', 'calibration', 'lockboard'].map(
    (s) => `modules.menu.${s}`,
  ),
);

/** A menu-title token (`MAINMENU_MENU_TERMOSTATU`): also the name of its own i18n namespace. */
export function isMenuTitleToken(s: string): boolean {
  return MENU_TITLE_RE.test(s);
}

/** Module-item route: a menu-title name, or a name starting `modules.menu.` / `companies.modules.menu.`. */
export function isModuleItem(r: MenuRoute): boolean {
  const n = r.name;
  if (n.startsWith('routes.')) return false;
  const l = n.toLowerCase();
  return MENU_TITLE_RE.test(n) || l.startsWith('modules.menu.') || l.startsWith('companies.modules.menu.');
}

function hiddenFromWebUi(r: MenuRoute): boolean {
  const norm = r.name
    .toLowerCase()
    .replace(/^companies\./, '')
    .replace(/_/g, '');
  return NOT_WEB_UI.has(norm) || r.path.includes(':') || r.meta?.isVisibleOnSideMenu === false;
}

function nonBlank(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? cleanText(v).trim() : null;
}

function setPath(root: JsonObject, path: readonly string[], value: string): void {
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    let next = own(cur, k);
    if (!isObject(next)) {
      next = record<Json>();
      cur[k] = next;
    }
    cur = next;
  }
  cur[path[path.length - 1] as string] = value;
}

function deepCopy(v: Json | undefined, depth = 0): Json {
  if (depth > 16 || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => deepCopy(x, depth + 1));
  if (!isObject(v)) return v;
  const out = record<Json>();
  for (const k of Object.keys(v)) out[k] = deepCopy(v[k], depth + 1);
  return out;
}

function stringLeaves(v: Json | undefined, path: string[], out: Array<[string[], string]>, depth = 0): void {
  if (depth > 16) return;
  if (typeof v === 'string') out.push([path, v]);
  else if (isObject(v)) for (const k of Object.keys(v)) stringLeaves(v[k], [...path, k], out, depth + 1);
}

/** Menu-title tokens used as route names or display names, depth-first. */
export function menuTitleTokens(routes: readonly MenuRoute[]): string[] {
  const out = new Set<string>();
  const visit = (r: MenuRoute) => {
    for (const s of [r.name, r.meta?.displayName]) if (s && MENU_TITLE_RE.test(s)) out.add(s);
    r.children.forEach(visit);
  };
  routes.forEach(visit);
  return [...out];
}

/** Namespaces needed to title a menu: `routes`, `menu` and one per menu-title token. */
export function menuNamespaces(routes: readonly MenuRoute[]): string[] {
  return ['routes', 'menu', ...menuTitleTokens(routes)];
}

/**
 * The title table `T` (§3.9): the `routes` namespace; plus every non-blank string of `menu` where `T` has none;
 * plus, for each untitled menu-title token, its namespace's value at the token, else `__default__`, else its single
 * string value.
 */
export function titleTable(routes: readonly MenuRoute[], i18n: I18nGetter): JsonObject {
  const copied = deepCopy(i18n('routes'));
  const t: JsonObject = isObject(copied) ? copied : record<Json>();
  const leaves: Array<[string[], string]> = [];
  stringLeaves(i18n('menu'), [], leaves);
  for (const [path, text] of leaves) {
    if (path.length > 0 && text.trim() !== '' && nonBlank(lookupPath(t, path)) === null) setPath(t, path, text);
  }
  for (const token of menuTitleTokens(routes)) {
    if (nonBlank(own(t, token)) !== null) continue;
    const ns = i18n(token);
    if (!ns) continue;
    const strings = Object.keys(ns).filter((k) => typeof ns[k] === 'string' && (ns[k] as string).trim() !== '');
    const v =
      nonBlank(own(ns, token)) ??
      nonBlank(own(ns, '__default__')) ??
      (strings.length === 1 ? nonBlank(ns[strings[0] as string]) : null);
    if (v !== null) t[token] = v;
  }
  return t;
}

/** Title of one route against the table (§3.9 "Route title"). */
export function routeTitle(r: MenuRoute, table: JsonObject): string {
  const dn = r.meta?.displayName ?? '';
  const at = (s: string) => (s === '' ? null : nonBlank(lookupPath(table, s.split('.'))));
  const fromDisplay = dn.startsWith('routes.') ? at(dn.slice('routes.'.length)) : at(dn);
  return fromDisplay ?? at(r.name) ?? nonBlank(dn) ?? nonBlank(r.name) ?? nonBlank(r.path) ?? '-';
}

/**
 * Panels of a (filtered) menu in all-panels mode (§3.9): every accepted module-item route with ≥ 1 token, titled
 * `"<ancestor>/…/<own>"` (blank or `-` ancestor titles omitted); equal titles merge; symbols sorted.
 */
export function panels(
  routes: readonly MenuRoute[],
  table: JsonObject,
  opts: PanelOptions = {},
): { panels: Panel[]; diagnostics: PanelDiagnostic[] } {
  const byTitle = new Map<string, Set<string>>();
  const diagnostics: PanelDiagnostic[] = [];
  const visit = (r: MenuRoute, ancestors: string[], hidden: boolean) => {
    const own1 = routeTitle(r, table);
    const hiddenHere = hidden || (opts.webUiOnly === true && hiddenFromWebUi(r));
    const title = [...ancestors, own1].filter((s) => s.trim() !== '' && s !== '-').join('/') || own1;
    const tokens = routeTokens(r);
    let reason: PanelReason = 'accepted';
    if (!isModuleItem(r)) reason = 'rejected:not-module-item';
    else if (hiddenHere) reason = 'rejected:not-web-ui';
    else if (tokens.length === 0) reason = 'rejected:no-symbols';
    diagnostics.push({ name: r.name, path: r.path, title, reason });
    if (reason === 'accepted') {
      const set = byTitle.get(title) ?? new Set<string>();
      for (const t of tokens) set.add(t);
      byTitle.set(title, set);
    }
    for (const c of r.children) visit(c, [...ancestors, own1], hiddenHere);
  };
  for (const r of routes) visit(r, [], false);
  return { panels: [...byTitle].map(([title, set]) => ({ title, symbols: [...set].sort() })), diagnostics };
}
