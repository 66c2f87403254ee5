/**
 * Tiny JavaScript text emitter for the synthetic web app: literals, keys and escapes in a "minified and
 * obfuscated" style (quoted keys, hex numbers, `\xHH`/`\uHHHH` escapes, `_0x…` names) or a readable style.
 * @module
 */

import { createHash } from 'node:crypto';

/** 8 characters of base64url SHA-256: a Vite-style content hash (may contain `-` and `_`). */
export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 8);
}

/** How a string literal is escaped. */
export type EscapeMode =
  /** only what must be escaped; non-ASCII as `\xHH`/`\uHHHH` */
  | 'plain'
  /** like `plain`, and spaces as `\x20` (labels, as in the live bundle) */
  | 'text'
  /** every character as `\xHH`/`\uHHHH` (obfuscator string encoding) */
  | 'hex';

function hex2(c: number): string {
  return c.toString(16).padStart(2, '0');
}

function escapeChar(code: number): string {
  if (code <= 0xff) return `\\x${hex2(code)}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

const SAFE = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

/** A quoted JS string literal of `s` (default quote `'`). */
export function quote(s: string, mode: EscapeMode = 'plain', q: "'" | '"' = "'"): string {
  if (mode === 'plain' && SAFE.test(s) && !s.includes(q)) return q + s + q;
  let out = q;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code > 0xffff) {
      // surrogate pair as two \u escapes
      const hi = Math.floor((code - 0x10000) / 0x400) + 0xd800;
      const lo = ((code - 0x10000) % 0x400) + 0xdc00;
      out += `\\u${hi.toString(16)}\\u${lo.toString(16)}`;
    } else if (mode === 'hex') out += escapeChar(code);
    else if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === ' ' && mode === 'text') out += '\\x20';
    else if (code < 0x20 || code > 0x7e) out += escapeChar(code);
    else out += ch;
  }
  return out + q;
}

/** A number literal: hex for non-negative integers in minified style, shortest decimal otherwise. */
export function numLit(n: number, readable = false): string {
  if (Number.isInteger(n)) {
    if (readable) return String(n);
    return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
  }
  const s = String(n);
  return s.startsWith('0.') ? s.slice(1) : s;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Deterministic `_0x…` identifier factory (mulberry32 on a seed). */
export class Names {
  #state: number;
  readonly #used = new Set<string>();

  /** Seeds the factory; equal seeds give equal sequences. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A fresh 32-bit pseudo-random number. */
  rand(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A new unique `_0x` + 6 hex digits name. */
  next(): string {
    for (;;) {
      const n = `_0x${(this.rand() & 0xffffff).toString(16).padStart(6, '0')}`;
      if (!this.#used.has(n)) {
        this.#used.add(n);
        return n;
      }
    }
  }
}

/** Emits literals in one style. */
export class Emitter {
  #counter = 0;

  /** Every how many data strings one is fully hex-escaped (0: never). */
  readonly #hexEvery: number;

  /** `readable` = Vite output without obfuscation (identifier keys, decimal numbers, `"` strings). */
  constructor(
    readonly readable: boolean,
    hexEvery = 0,
  ) {
    this.#hexEvery = hexEvery;
  }

  /** Number literal. */
  num(n: number): string {
    return numLit(n, this.readable);
  }

  /** A data string; in minified style every `hexEvery`-th one is fully hex-escaped. */
  str(s: string, mode: EscapeMode = 'plain'): string {
    if (this.readable) return quote(s, mode, '"');
    if (this.#hexEvery > 0 && mode === 'plain' && ++this.#counter % this.#hexEvery === 0) return quote(s, 'hex');
    return quote(s, mode);
  }

  /** A property key; a string starting with `[` is a computed key and kept as is. */
  key(k: string | number): string {
    if (typeof k === 'number') return this.num(k);
    if (k.startsWith('[')) return k;
    if (this.readable) return IDENT.test(k) ? k : quote(k, 'plain', '"');
    return quote(k);
  }

  /** Object literal of already-emitted values (`undefined` values are skipped). */
  obj(entries: Array<[string | number, string | undefined]>): string {
    const parts: string[] = [];
    for (const [k, v] of entries) if (v !== undefined) parts.push(`${this.key(k)}:${v}`);
    return `{${parts.join(',')}}`;
  }

  /** Array literal. */
  arr(items: string[]): string {
    return `[${items.join(',')}]`;
  }

  /** `Recv['NAME']` (minified) or `Recv.NAME` (readable). */
  member(recv: string, name: string): string {
    return this.readable ? `${recv}.${name}` : `${recv}[${quote(name)}]`;
  }

  /** `true`/`false` as `!0`/`!1` in minified style. */
  bool(b: boolean): string {
    if (this.readable) return String(b);
    return b ? '!0' : '!1';
  }
}
