/**
 * The permission filter of a menu (CATALOG.md §3.9 steps 1–4).
 */
import type { MenuParam, MenuParameters, MenuRoute } from './menu-model.js';
import { SECTIONS } from './menu-model.js';

/** Options of {@link filterMenu}. */
export interface FilterOptions {
  /** Keep everything, including hidden items (debug). */
  debug?: boolean;
}

function filterParams(p: MenuParameters, allowed: (perm: string | null | undefined) => boolean): MenuParameters {
  const out: MenuParameters = { read: [], write: [], status: [], special: [] };
  for (const s of SECTIONS) out[s] = p[s].filter((e: MenuParam) => allowed(e.permission));
  return out;
}

function nonEmpty(p: MenuParameters): boolean {
  return SECTIONS.some((s) => p[s].length > 0);
}

/**
 * Filters a menu by a permission set (`null`/`undefined` = no filtering). Names are matched exactly after
 * normalization. A disallowed route stays when it has children (even if all of them are removed, [Q] kept for
 * parity) or a non-empty route-level `parameters` section; entries of both containers are filtered by their own
 * permission. `allTokens` of the spec = `menuTokens(filterMenu(…))`.
 */
export function filterMenu(
  routes: readonly MenuRoute[],
  permissions?: Iterable<string> | null,
  opts: FilterOptions = {},
): MenuRoute[] {
  const set = permissions === null || permissions === undefined ? null : new Set(permissions);
  const allowed = (perm: string | null | undefined): boolean =>
    opts.debug === true || set === null || !perm || set.has(perm);
  const visit = (r: MenuRoute): MenuRoute | null => {
    const parameters = filterParams(r.parameters, allowed);
    const meta = r.meta ? { ...r.meta, parameters: filterParams(r.meta.parameters, allowed) } : undefined;
    const children = r.children.flatMap((c) => visit(c) ?? []);
    if (!allowed(r.permission) && r.children.length === 0 && !nonEmpty(parameters)) return null;
    const out: MenuRoute = { ...r, parameters, children };
    if (meta) out.meta = meta;
    return out;
  };
  return routes.flatMap((r) => visit(r) ?? []);
}
