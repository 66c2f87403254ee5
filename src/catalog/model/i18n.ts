/**
 * i18n tokens and labels (CATALOG.md §2.5, §3.3).
 */
import type { JsonObject } from '../types.js';
import { cleanText, isObject, own } from './json.js';
import type { ParamMap } from './param-map.js';

/** Namespace getter of one language (namespaces preloaded by the loader; `undefined` when absent). */
export type I18nGetter = (namespace: string) => JsonObject | undefined;

/** Extra hops followed when a resolved text is itself a token (§3.3). */
export const MAX_TOKEN_HOPS = 4;

const NS_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits a token `ns.path` into namespace and path segments, or `null` when it is not token-shaped. */
export function splitToken(token: string): { namespace: string; path: string[] } | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return null;
  const namespace = token.slice(0, dot);
  if (!NS_RE.test(namespace)) return null;
  return { namespace, path: token.slice(dot + 1).split('.') };
}

/** Value at a dotted path inside an object tree (own properties only). */
export function lookupPath(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const i = /^\d+$/.test(seg) ? Number(seg) : -1;
      cur = i >= 0 && i < cur.length ? cur[i] : undefined;
    } else if (isObject(cur)) {
      cur = own(cur, seg);
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

function lookupOnce(token: string, i18n: I18nGetter): unknown {
  const t = splitToken(token);
  if (!t) return undefined;
  return lookupPath(i18n(t.namespace), t.path);
}

/**
 * Resolves an i18n token to its text (§3.3): the end of the path must be a string (blank allowed); a text that is
 * itself a resolvable token is followed at most {@link MAX_TOKEN_HOPS} more times. `null` when unresolvable.
 */
export function resolveToken(token: string, i18n: I18nGetter): string | null {
  const first = lookupOnce(token, i18n);
  if (typeof first !== 'string') return null;
  let text = first;
  for (let hop = 0; hop < MAX_TOKEN_HOPS; hop++) {
    const next = lookupOnce(text, i18n);
    if (typeof next !== 'string') break;
    text = next;
  }
  return text;
}

/** Resolves a token to its raw node (string or object, e.g. an enum text group `units.17`), or `undefined`. */
export function resolveNode(token: string, i18n: I18nGetter): unknown {
  const v = lookupOnce(token, i18n);
  return typeof v === 'string' ? (resolveToken(token, i18n) ?? v) : v;
}

/** Which source produced a label. */
export type LabelSource = 'name' | 'parameters' | 'default-language' | 'symbol';

/** A label and where it came from. */
export interface Label {
  text: string;
  source: LabelSource;
}

function nonBlank(s: string | null): string | null {
  return s !== null && s.trim() !== '' ? cleanText(s) : null;
}

function labelIn(symbol: string, map: ParamMap | null, i18n: I18nGetter): { text: string; viaName: boolean } | null {
  const name = map ? own(map.raw, 'name') : undefined;
  if (typeof name === 'string' && name.trim() !== '') {
    const t = nonBlank(resolveToken(name.trim(), i18n));
    if (t !== null) return { text: t, viaName: true };
  }
  const p = lookupPath(i18n('parameters'), [symbol]);
  const t = typeof p === 'string' ? nonBlank(p) : null;
  return t !== null ? { text: t, viaName: false } : null;
}

/**
 * Label of a symbol (§3.3 with the [SIM] chain): `raw.name` resolved in the current language, then
 * `parameters[symbol]`, then both in the default language (`defaultI18n`), then the symbol itself.
 */
export function resolveLabel(symbol: string, map: ParamMap | null, i18n: I18nGetter, defaultI18n?: I18nGetter): Label {
  const cur = labelIn(symbol, map, i18n);
  if (cur) return { text: cur.text, source: cur.viaName ? 'name' : 'parameters' };
  const def = defaultI18n ? labelIn(symbol, map, defaultI18n) : null;
  if (def) return { text: def.text, source: 'default-language' };
  return { text: symbol, source: 'symbol' };
}

/** Namespaces the given tokens (and texts) need, sorted, without duplicates. Non-tokens are ignored. */
export function namespacesFor(tokens: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of tokens) {
    const s = typeof t === 'string' ? splitToken(t.trim()) : null;
    if (s) out.add(s.namespace);
  }
  return [...out].sort();
}

/**
 * Tokens a set of maps needs for labels, units and options: each `raw.name`, the `text` and `options` tokens of the
 * unit descriptors they reference, plus `parameters` and `units` (fallbacks). Feed the result to
 * {@link namespacesFor}. Tokens reached through hops may need further namespaces.
 */
export function tokensForMaps(maps: Iterable<ParamMap>, descriptors: Readonly<Record<string, JsonObject>>): string[] {
  const out = new Set<string>(['parameters.x', 'units.x']);
  const addDescriptor = (code: string) => {
    const d = Object.hasOwn(descriptors, code) ? descriptors[code] : undefined;
    if (!d) {
      out.add(`units.${code}`);
      return;
    }
    const text = own(d, 'text');
    if (typeof text === 'string') out.add(text);
    const opts = own(d, 'options');
    if (isObject(opts)) for (const k of Object.keys(opts)) if (typeof opts[k] === 'string') out.add(opts[k] as string);
  };
  for (const m of maps) {
    const name = own(m.raw, 'name');
    if (typeof name === 'string') out.add(name.trim());
    if (m.units !== null) addDescriptor(String(m.units));
  }
  for (const code of Object.keys(descriptors)) addDescriptor(code);
  return [...out];
}
