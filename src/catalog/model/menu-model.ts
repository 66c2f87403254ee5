/**
 * Menu model (CATALOG.md §1.9 route extraction, §2.4 with the [SIM] repairs: `displayName` defaults to `name`,
 * minified booleans are normalized, invalid entries are dropped instead of failing the whole menu).
 */
import type { Json, JsonObject } from '../types.js';
import { cleanText, isObject, normalizeLiteral, normalizeName, own } from './json.js';

/** One parameter entry of a menu section. */
export interface MenuParam {
  token: string;
  /** The entry's parameter text as found. */
  parameter: string;
  /** Normalized permission (`DISPLAY_PARAMETER_LEVEL_1`), or `null`. */
  permission?: string | null;
  /** The raw `permissionModule` text. */
  permissionModule?: string;
}

/** The four sections of a parameter container. */
export interface MenuParameters {
  read: MenuParam[];
  write: MenuParam[];
  status: MenuParam[];
  special: MenuParam[];
}

/** Route meta. */
export interface MenuMeta {
  displayName: string;
  icon?: string | null;
  permission?: string | null;
  isVisibleOnSideMenu?: boolean | null;
  displayDropdown?: string | null;
  parameters: MenuParameters;
}

/** One route (§2.4). `permission` is the route's effective normalized permission (an addition). */
export interface MenuRoute {
  path: string;
  name: string;
  component?: string | null;
  meta?: MenuMeta;
  parameters: MenuParameters;
  children: MenuRoute[];
  permission?: string | null;
}

/** Section names in order. */
export const SECTIONS = ['read', 'write', 'status', 'special'] as const;
/** One section name. */
export type Section = (typeof SECTIONS)[number];

const MAX_DEPTH = 5;
const MAX_ROUTE_DEPTH = 32;
const MAX_TEXT = 1000;
const ROUTE_KEYS = ['path', 'name', 'children', 'meta'];

/**
 * Route list from the converted root value of a menu chunk (§1.9, depth ≤ 5): an array → its object elements having
 * any of `path name children meta`; an object → the first non-empty result among `routes`, `deviceMenu`, `menu`,
 * `items`, then among all other values.
 */
export function extractRoutes(root: Json | undefined, depth = 0): JsonObject[] {
  if (depth > MAX_DEPTH) return [];
  if (Array.isArray(root)) {
    const routes = root.filter((x): x is JsonObject => isObject(x) && ROUTE_KEYS.some((k) => own(x, k) !== undefined));
    if (routes.length > 0) return routes;
    for (const x of root) {
      const r = extractRoutes(x, depth + 1);
      if (r.length > 0) return r;
    }
    return [];
  }
  if (!isObject(root)) return [];
  const preferred = ['routes', 'deviceMenu', 'menu', 'items'];
  for (const k of [...preferred, ...Object.keys(root).filter((k) => !preferred.includes(k))]) {
    const v = own(root, k);
    if (v === undefined) continue;
    const r = extractRoutes(v, depth + 1);
    if (r.length > 0) return r;
  }
  return [];
}

/**
 * Token of a menu text (§2.4): the last quoted argument of a call `ident(…, 'TOKEN')`, else the trimmed text.
 */
export function tokenFromText(text: string): string {
  const t = text.trim().slice(0, MAX_TEXT);
  const call = /^[A-Za-z_$][\w$.]*\s*\(([\s\S]*)\)$/.exec(t);
  if (call) {
    const m = /,\s*(['"])([^'"]*)\1\s*$/.exec(call[1] ?? '');
    if (m) return (m[2] ?? '').trim();
  }
  return t;
}

/** Mines the text form of an object for a call token (`{label:"E(A.READ,'PARAM_X')"}` → `PARAM_X`). */
function mineObject(o: JsonObject): string | null {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v !== 'string') continue;
    const tok = tokenFromText(v);
    if (tok !== v.trim() && tok !== '') return tok;
  }
  return null;
}

function textOf(v: Json | undefined): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** One parameter entry → {@link MenuParam}, or `null` when nothing usable is in it. */
export function menuParam(entry: Json): MenuParam | null {
  const text = textOf(entry);
  if (text !== null) {
    const token = tokenFromText(text);
    return token === '' ? null : { token, parameter: text.trim() };
  }
  if (!isObject(entry)) return null;
  const p = textOf(own(entry, 'parameter'));
  const existing = textOf(own(entry, 'token'));
  const token = existing?.trim() || (p !== null ? tokenFromText(p) : mineObject(entry));
  if (!token) return null;
  const out: MenuParam = { token, parameter: (p ?? token).trim() };
  const pm = own(entry, 'permissionModule');
  if (typeof pm === 'string' && pm.trim() !== '') {
    out.permissionModule = pm;
    out.permission = normalizeName(pm);
  } else {
    out.permission = null;
  }
  return out;
}

/** A parameter container; sections that are not lists become `[]`. */
export function menuParameters(v: Json | undefined): MenuParameters {
  const out: MenuParameters = { read: [], write: [], status: [], special: [] };
  if (!isObject(v)) return out;
  for (const s of SECTIONS) {
    const list = own(v, s);
    if (!Array.isArray(list)) continue;
    for (const e of list) {
      const p = menuParam(e);
      if (p) out[s].push(p);
    }
  }
  return out;
}

function str(v: Json | undefined): string | null {
  return typeof v === 'string' ? cleanText(v).trim() : null;
}

function bool(v: Json | undefined): boolean | null {
  const n = normalizeLiteral(v);
  return typeof n === 'boolean' ? n : null;
}

/** Route permission: `meta.permissionModule`, else `permissionModule` on the route, normalized. */
function routePermission(r: JsonObject): string | null {
  const pm = own(own(r, 'meta'), 'permissionModule') ?? own(r, 'permissionModule');
  return typeof pm === 'string' && pm.trim() !== '' ? normalizeName(pm) : null;
}

/** Builds one route with its subtree; `null` when it has no non-empty `path` and `name` (pruned with its subtree). */
export function menuRoute(r: JsonObject, depth = 0): MenuRoute | null {
  const path = str(own(r, 'path'));
  const name = str(own(r, 'name'));
  if (!path || !name || depth > MAX_ROUTE_DEPTH) return null;
  const rawChildren = own(r, 'children');
  const children = Array.isArray(rawChildren)
    ? rawChildren.filter(isObject).flatMap((c) => menuRoute(c, depth + 1) ?? [])
    : [];
  const route: MenuRoute = {
    path,
    name,
    parameters: menuParameters(own(r, 'parameters')),
    children,
    permission: routePermission(r),
  };
  const comp = own(r, 'component');
  if (comp !== undefined) route.component = typeof comp === 'string' ? comp : null;
  const meta = own(r, 'meta');
  if (isObject(meta)) {
    const icon = str(own(meta, 'icon'));
    const dd = own(meta, 'displayDropdown');
    route.meta = {
      displayName: str(own(meta, 'displayName')) || name,
      icon: icon ? icon.replace(/^[A-Za-z]{1,3}\./, '') : null,
      permission: route.permission ?? null,
      isVisibleOnSideMenu: bool(own(meta, 'isVisibleOnSideMenu')),
      displayDropdown: typeof dd === 'string' ? dd : null,
      parameters: menuParameters(own(meta, 'parameters')),
    };
  }
  return route;
}

/** The menu model of a converted menu chunk root (§1.9 + §2.4). */
export function buildMenu(root: Json | undefined): MenuRoute[] {
  return extractRoutes(root).flatMap((r) => menuRoute(r) ?? []);
}

/** Tokens of both containers of one route, in order, without duplicates. */
export function routeTokens(r: MenuRoute, sections: readonly Section[] = SECTIONS): string[] {
  const out = new Set<string>();
  for (const c of [r.meta?.parameters, r.parameters]) {
    if (!c) continue;
    for (const s of sections) for (const p of c[s]) out.add(p.token);
  }
  return [...out];
}

/** Every token of a menu (depth-first), or only those of the given sections (`['write']` for writability). */
export function menuTokens(routes: readonly MenuRoute[], sections: readonly Section[] = SECTIONS): string[] {
  const out = new Set<string>();
  const visit = (r: MenuRoute) => {
    for (const t of routeTokens(r, sections)) out.add(t);
    r.children.forEach(visit);
  };
  routes.forEach(visit);
  return [...out];
}
