/**
 * Primary address of a symbol (CATALOG.md §3.2) and the address → symbol index (§3.10).
 */
import { isObject, own } from './json.js';
import type { ParamMap } from './param-map.js';
import { type Selector, parseSelector, pickPrimary, selectorList, walkCandidates } from './selectors.js';

/** A parsed live key `P4.v1`. */
export interface Address {
  pool: string;
  chan: string;
  idx: number;
}

/** Where a primary address came from. */
export type AddressSource = 'value-selector' | 'use.v' | 'symbol' | 'walk' | 'none';

/** Result of {@link primaryAddress}. */
export interface PrimaryAddress {
  address: string | null;
  /** The selector behind `address` (bit/mask dropped from the address), when one was used. */
  selector: Selector | null;
  source: AddressSource;
  /** For `STATUS_P<p>_<i>` symbols: the map's own primary when it differs from `P<p>.s<i>`. */
  computedPrimary: string | null;
}

const KEY_RE = /^(P\d{1,4})\.([a-z])(\d{1,6})$/;
const SYMBOL_RE = /^(PARAM|STATUS)_P(\d{1,4})_(\d{1,6})$/;

/** Parses `P4.v1` → `{pool:'P4', chan:'v', idx:1}`, else `null`. */
export function parseAddress(key: string): Address | null {
  const m = KEY_RE.exec(key);
  if (!m) return null;
  return { pool: m[1] ?? '', chan: m[2] ?? '', idx: Number(m[3]) };
}

/** Address by naming convention: `PARAM_P4_1` → `P4.v1`, `STATUS_P5_0` → `P5.s0`, else `null`. */
export function conventionAddress(symbol: string): string | null {
  const m = SYMBOL_RE.exec(symbol);
  if (!m) return null;
  return `P${Number(m[2])}.${m[1] === 'STATUS' ? 's' : 'v'}${Number(m[3])}`;
}

/** Symbol by naming convention: `P4.v1` → `PARAM_P4_1`, `P5.s0` → `STATUS_P5_0`, other channels → `null`. */
export function conventionSymbol(address: string): string | null {
  const a = parseAddress(address);
  if (!a || (a.chan !== 'v' && a.chan !== 's')) return null;
  return `${a.chan === 's' ? 'STATUS' : 'PARAM'}_${a.pool}_${a.idx}`;
}

/** The channels `v s u n x` of an address's family (`P4:1`). */
export function familyKeys(address: string): string[] {
  const a = parseAddress(address);
  return a ? ['v', 's', 'u', 'n', 'x'].map((c) => `${a.pool}.${c}${a.idx}`) : [];
}

/** The `chan` channel of an address's family: `familyKey('P4.v1', 'u')` → `P4.u1`. */
export function familyKey(address: string, chan: string): string | null {
  const a = parseAddress(address);
  return a ? `${a.pool}.${chan}${a.idx}` : null;
}

function mapPrimary(map: ParamMap | null): { sel: Selector; source: AddressSource } | null {
  if (!map) return null;
  const sels = selectorList(map.paths.value);
  const fromValue = sels ? pickPrimary(sels) : null;
  if (fromValue) return { sel: fromValue, source: 'value-selector' };
  const useV = own(map.raw, 'use');
  const v = isObject(useV) ? own(useV, 'v') : undefined;
  const fromUse = parseSelector(Array.isArray(v) ? v.find(isObject) : v);
  if (fromUse) return { sel: fromUse, source: 'use.v' };
  return null;
}

/**
 * Primary address (§3.2 with the [SIM] order): `paths.value` selector → `use.v` → symbol name → the generic walk
 * of `raw`. A `STATUS_P<p>_<i>` symbol is always at `P<p>.s<i>`; its map's own primary, when different, is
 * `computedPrimary`.
 */
export function primaryAddress(symbol: string, map: ParamMap | null): PrimaryAddress {
  const conv = conventionAddress(symbol);
  const own1 = mapPrimary(map);
  const walked = own1 ? null : map ? pickPrimary(walkCandidates(map.raw)) : null;
  const fromMap = own1 ?? (walked ? { sel: walked, source: 'walk' as const } : null);
  if (conv && symbol.startsWith('STATUS_')) {
    const mine = fromMap ? fromMap.sel.address : null;
    return { address: conv, selector: null, source: 'symbol', computedPrimary: mine && mine !== conv ? mine : null };
  }
  if (own1) return { address: own1.sel.address, selector: own1.sel, source: own1.source, computedPrimary: null };
  if (conv) return { address: conv, selector: null, source: 'symbol', computedPrimary: null };
  if (walked) return { address: walked.address, selector: walked, source: 'walk', computedPrimary: null };
  return { address: null, selector: null, source: 'none', computedPrimary: null };
}

/**
 * Address → symbols (§3.10): filled with the symbols whose primary address is known; `symbolsFor` also names the
 * convention symbol (`PARAM_P4_1` for `P4.v1`) last when it is not indexed already.
 */
export class SymbolIndex {
  readonly #byAddress = new Map<string, string[]>();
  readonly #bySymbol = new Map<string, string>();

  /** Records `symbol` at `address` (a later call for the same symbol moves it). */
  add(symbol: string, address: string | null): void {
    const prev = this.#bySymbol.get(symbol);
    if (prev === address) return;
    if (prev !== undefined) {
      const list = (this.#byAddress.get(prev) ?? []).filter((s) => s !== symbol);
      if (list.length > 0) this.#byAddress.set(prev, list);
      else this.#byAddress.delete(prev);
      this.#bySymbol.delete(symbol);
    }
    if (address === null) return;
    this.#bySymbol.set(symbol, address);
    const list = this.#byAddress.get(address) ?? [];
    list.push(symbol);
    this.#byAddress.set(address, list);
  }

  /** Records a symbol with its map (primary address by §3.2); `undefined`/`null` = no map (naming convention). */
  addMap(symbol: string, map: ParamMap | null | undefined): void {
    this.add(symbol, primaryAddress(symbol, map ?? null).address);
  }

  /** Symbols whose primary address is `address`, in insertion order, then the convention symbol. */
  symbolsFor(address: string, opts: { convention?: boolean } = {}): string[] {
    const out = [...(this.#byAddress.get(address) ?? [])];
    const conv = opts.convention === false ? null : conventionSymbol(address);
    if (conv && !out.includes(conv)) out.push(conv);
    return out;
  }

  /** The indexed address of `symbol`. */
  addressOf(symbol: string): string | null {
    return this.#bySymbol.get(symbol) ?? null;
  }
}
