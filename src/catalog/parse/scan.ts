/**
 * Text scanners independent of the AST (CATALOG.md §1.2–§1.5): they survive syntax the parser cannot handle.
 * Every pattern is linear-time on hostile input.
 */
import type { AssetIndex, AssetRef, I18nImport } from '../types.js';

const PATH_CHAR = /[A-Za-z0-9._/-]/;
const HASH_CHAR = /[A-Za-z0-9_-]/;

function isPathChar(c: string | undefined): boolean {
  return c !== undefined && PATH_CHAR.test(c);
}
function isHashChar(c: string | undefined): boolean {
  return c !== undefined && HASH_CHAR.test(c);
}

/** One raw registry match: the path part and the hash. */
export interface RegistryMatch {
  path: string;
  hash: string;
}

/**
 * All matches of `([A-Za-z0-9._/-]+?)-([A-Za-z0-9_-]+)\.js` scanned left to right (§1.3), computed in linear
 * time (a backtracking regex is quadratic on long runs of path characters).
 */
export function scanRegistryMatches(text: string): RegistryMatch[] {
  const out: RegistryMatch[] = [];
  let lastEnd = 0;
  let p = text.indexOf('.js');
  while (p >= 0) {
    // Start of the run of path characters ending at p, not before the previous match.
    let s = p;
    while (s > lastEnd && isPathChar(text[s - 1])) s--;
    // Start of the run of hash characters ending at p.
    let r = p;
    while (r > s && isHashChar(text[r - 1])) r--;
    // The first hyphen h with a non-empty path before it and a non-empty hash after it.
    let h = -1;
    for (let k = Math.max(r, s + 1); k < p - 1; k++) {
      if (text[k] === '-') {
        h = k;
        break;
      }
    }
    if (h >= 0) {
      out.push({ path: text.slice(s, h), hash: text.slice(h + 1, p) });
      lastEnd = p + 3;
    }
    p = text.indexOf('.js', p + 3);
  }
  return out;
}

/** Origin + path prefix that every asset URL must stay under (URL confinement, §5). */
function confine(url: URL, oneBase: URL): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.origin !== oneBase.origin) return false;
  const prefix = oneBase.pathname.endsWith('/') ? oneBase.pathname : `${oneBase.pathname}/`;
  return url.pathname.startsWith(prefix) || url.pathname === oneBase.pathname;
}

function safeUrl(s: string, base?: string): URL | null {
  try {
    return new URL(s, base);
  } catch {
    return null;
  }
}

/**
 * Resolves an asset path against the index URL (§1.3: a leading `assets/` is dropped when the index URL
 * already contains `/assets/`) and confines it to the one base. Returns null when it leaves the one base.
 */
export function resolveAssetUrl(path: string, indexUrl: string, oneBase?: string): string | null {
  const index = safeUrl(indexUrl);
  if (!index) return null;
  const base = safeUrl(oneBase ?? index.origin);
  if (!base) return null;
  let rel = path;
  if (rel.startsWith('assets/') && index.pathname.includes('/assets/')) rel = rel.slice('assets/'.length);
  const url = safeUrl(rel, index.href);
  if (!url || !confine(url, base)) return null;
  url.hash = '';
  url.search = '';
  return url.href;
}

/**
 * The asset registry of an index text (§1.3): basename → assets in registration order, de-duplicated by
 * (hash, URL); URLs resolved against the index URL and confined to the one base (default: its origin).
 */
export function scanAssetRegistry(text: string, indexUrl: string, oneBase?: string): Record<string, AssetRef[]> {
  const out = Object.create(null) as Record<string, AssetRef[]>;
  const seen = new Set<string>();
  for (const m of scanRegistryMatches(text)) {
    const slash = m.path.lastIndexOf('/');
    const base = m.path.slice(slash + 1);
    if (base.length === 0) continue;
    const url = resolveAssetUrl(`${m.path}-${m.hash}.js`, indexUrl, oneBase);
    if (!url) continue;
    const key = `${m.hash}\n${url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let list = out[base];
    if (!list) out[base] = list = [];
    list.push({ url, base, hash: m.hash });
  }
  return out;
}

const Q = `["']`;
const LAZY = String.raw`\s*:\s*\(\s*\)\s*=>\s*[\w$]+\s*\(\s*\(\s*\)\s*=>\s*import\s*\(\s*["']\./([A-Za-z0-9._-]+)\.js["']`;
const MENU_RE = new RegExp(
  String.raw`${Q}(?:(?:\.\./)+|/src/)config/router/deviceMenu/(\d+)/([A-Za-z0-9._-]+)\.ts${Q}${LAZY}`,
  'g',
);
const I18N_RE = new RegExp(
  String.raw`${Q}(?:(?:\.\./)+|/src/)resources/languages/([A-Za-z0-9_-]+)/([A-Za-z0-9._-]+)\.json${Q}${LAZY}`,
  'g',
);

/** The deviceMenu glob map (§1.4): deviceMenu (decimal string) → `"<base>-<hash>"`; variant `0` wins, else the first. */
export function scanMenuMap(text: string): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  const fromZero = new Set<string>();
  for (const m of text.matchAll(MENU_RE)) {
    const dm = String(Number.parseInt(m[1]!, 10));
    const variant = m[2]!;
    const file = m[3]!;
    if (variant === '0') {
      if (!fromZero.has(dm)) {
        out[dm] = file;
        fromZero.add(dm);
      }
    } else if (!(dm in out)) out[dm] = file;
  }
  return out;
}

/** The i18n import map (§1.5), in order of appearance. */
export function scanI18nImports(text: string): I18nImport[] {
  const out: I18nImport[] = [];
  for (const m of text.matchAll(I18N_RE)) out.push({ lang: m[1]!, namespace: m[2]!, file: `${m[3]!}.js` });
  return out;
}

/**
 * Splits an i18n import file with its namespace (§1.5 step 2, TV-3): `tariff` + `tariff-Db9Vj8s-.js` →
 * `{base: 'tariff', hash: 'Db9Vj8s-'}`; a stem equal to the namespace has an empty hash; another stem is
 * the base with an empty hash.
 */
export function splitI18nFile(namespace: string, file: string): { base: string; hash: string } {
  const stem = file.replace(/^\.\//, '').replace(/\.js$/, '');
  const ns = namespace.toLowerCase();
  const low = stem.toLowerCase();
  if (low === ns) return { base: namespace, hash: '' };
  if (low.startsWith(`${ns}-`)) return { base: namespace, hash: stem.slice(ns.length + 1) };
  return { base: stem, hash: '' };
}

/** The last asset registered under a basename (§1.3). */
export function assetByBasename(index: AssetIndex, base: string): AssetRef | null {
  const list = Object.hasOwn(index.assets, base) ? index.assets[base] : undefined;
  return list && list.length > 0 ? list[list.length - 1]! : null;
}

/** The asset with a full name `base-hash` (with or without `.js`), matched against `base-hash` or the URL's file name. */
export function assetByFullName(index: AssetIndex, name: string): AssetRef | null {
  const full = name.replace(/\.js$/, '');
  for (const base of Object.keys(index.assets)) {
    for (const ref of index.assets[base]!) {
      if (`${ref.base}-${ref.hash}` === full) return ref;
      const file = ref.url.slice(ref.url.lastIndexOf('/') + 1);
      if (file === `${full}.js`) return ref;
    }
  }
  return null;
}

/**
 * URL of the i18n chunk for (lang, namespace) (§1.5): language and namespace matched case-insensitively;
 * registry by full name, else by base with the split hash, else a URL built against the index URL
 * (confined). Null when the namespace is absent.
 */
export function i18nAssetUrl(index: AssetIndex, lang: string, namespace: string, oneBase?: string): string | null {
  const l = lang.trim().toLowerCase();
  const ns = namespace.trim().toLowerCase();
  const entry = index.i18nImports.find((e) => e.lang.toLowerCase() === l && e.namespace.toLowerCase() === ns);
  if (!entry) return null;
  const stem = entry.file.replace(/\.js$/, '');
  const byName = assetByFullName(index, stem);
  if (byName) return byName.url;
  const split = splitI18nFile(entry.namespace, entry.file);
  const list = Object.hasOwn(index.assets, split.base) ? index.assets[split.base]! : [];
  for (let i = list.length - 1; i >= 0; i--) {
    const ref = list[i]!;
    if (split.hash === '' || ref.hash === split.hash) return ref.url;
  }
  if (!index.indexUrl) return null;
  return resolveAssetUrl(`./${entry.file}`, index.indexUrl, oneBase);
}

/**
 * The menu chunk for a deviceMenu (§1.4): the mapped full name, else the basename `module.menu`, else `0`.
 */
export function menuAssetFor(index: AssetIndex, deviceMenu: number | string): AssetRef | null {
  const key = String(deviceMenu);
  const full = Object.hasOwn(index.menuMap, key) ? index.menuMap[key] : undefined;
  if (full) {
    const ref = assetByFullName(index, full);
    if (ref) return ref;
  }
  return assetByBasename(index, 'module.menu') ?? assetByBasename(index, '0');
}

/** The dedicated chunk of a symbol (§1.8: basename equals the symbol), or null. */
export function assetBySymbol(index: AssetIndex, symbol: string): AssetRef | null {
  return assetByBasename(index, symbol);
}

const INDEX_RE = /\/assets\/(index-[A-Za-z0-9_-]+\.js)/g;

/**
 * Index candidates (§1.2): every `/assets/index-<hash>.js` in the given page bodies (the `/` and `/assets/`
 * pages), de-duplicated in order, then `index-main.js` and `index.js`. Absolute URLs under the one base.
 */
export function findIndexCandidates(bodies: string | readonly string[], oneBase: string): string[] {
  const base = oneBase.replace(/\/+$/, '');
  const out: string[] = [];
  const add = (file: string) => {
    const url = `${base}/assets/${file}`;
    if (!out.includes(url)) out.push(url);
  };
  for (const body of typeof bodies === 'string' ? [bodies] : bodies) {
    for (const m of body.matchAll(INDEX_RE)) add(m[1]!);
  }
  add('index-main.js');
  add('index.js');
  return out;
}
