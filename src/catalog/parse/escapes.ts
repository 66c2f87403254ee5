/** String escapes (CATALOG.md §1.11 rule 15) and number literals (rule 16). Pure, total. */

const SIMPLE: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const HEX = /^[0-9a-fA-F]+$/;

function isHex(s: string): boolean {
  return s.length > 0 && HEX.test(s);
}

/** One `\u` escape at `i` (pointing at the backslash): the code point and the index after it, or null. */
function unicodeAt(s: string, i: number): { cp: number; next: number } | null {
  if (s[i] !== '\\' || s[i + 1] !== 'u') return null;
  if (s[i + 2] === '{') {
    const close = s.indexOf('}', i + 3);
    if (close < 0) return null;
    const digits = s.slice(i + 3, close);
    if (!isHex(digits) || digits.length > 16) return null;
    const cp = Number.parseInt(digits, 16);
    return { cp: cp > 0x10ffff ? 0xfffd : cp, next: close + 1 };
  }
  const digits = s.slice(i + 2, i + 6);
  if (digits.length !== 4 || !isHex(digits)) return null;
  return { cp: Number.parseInt(digits, 16), next: i + 6 };
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Decodes the escapes of a string body (without quotes) per CATALOG.md §1.11 rule 15: `\xHH`, `\uHHHH`,
 * `\u{…}` (beyond U+10FFFF → U+FFFD), surrogate pairs joined, lone surrogates → U+FFFD, `\b \f \n \r \t \v`,
 * `\0` (only when no digit follows), line continuations dropped, any other `\c` → `c`; malformed escapes keep
 * the letter; a lone trailing backslash stays.
 */
export function decodeEscapes(body: string): string {
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  let i = 0;
  const n = body.length;
  while (i < n) {
    const bs = body.indexOf('\\', i);
    if (bs < 0) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, bs);
    if (bs + 1 >= n) {
      out += '\\';
      break;
    }
    const c = body[bs + 1]!;
    if (c === 'x') {
      const h = body.slice(bs + 2, bs + 4);
      if (h.length === 2 && isHex(h)) {
        out += String.fromCharCode(Number.parseInt(h, 16));
        i = bs + 4;
      } else {
        out += 'x';
        i = bs + 2;
      }
    } else if (c === 'u') {
      const u = unicodeAt(body, bs);
      if (!u) {
        out += 'u';
        i = bs + 2;
      } else if (isHigh(u.cp)) {
        const lo = unicodeAt(body, u.next);
        if (lo && isLow(lo.cp)) {
          out += String.fromCharCode(u.cp, lo.cp);
          i = lo.next;
        } else {
          out += '\ufffd';
          i = u.next;
        }
      } else if (isLow(u.cp)) {
        out += '\ufffd';
        i = u.next;
      } else {
        out += String.fromCodePoint(u.cp);
        i = u.next;
      }
    } else if (c === '0') {
      const d = body.charCodeAt(bs + 2);
      out += d >= 48 && d <= 57 ? '0' : '\0';
      i = bs + 2;
    } else if (c === '\r') {
      i = body[bs + 2] === '\n' ? bs + 3 : bs + 2;
    } else if (c === '\n' || c === '\u2028' || c === '\u2029') {
      i = bs + 2;
    } else {
      out += SIMPLE[c] ?? c;
      i = bs + 2;
    }
  }
  return out;
}

const DEC = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RADIX: Record<string, { re: RegExp; radix: number }> = {
  x: { re: /^[0-9a-fA-F]+$/, radix: 16 },
  o: { re: /^[0-7]+$/, radix: 8 },
  b: { re: /^[01]+$/, radix: 2 },
};

/**
 * Parses a JS number literal text per CATALOG.md §1.11 rule 16: optional sign, `_` separators, BigInt `n`
 * suffix, `0x`/`0o`/`0b` radix, integers and floats (`.5`, `1e3`). Returns null when it is not a number.
 */
export function parseNumberLiteral(text: string): number | null {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  s = s.replace(/_/g, '');
  if (s.endsWith('n') || s.endsWith('N')) s = s.slice(0, -1);
  if (s.length === 0) return null;
  if (s[0] === '0' && s.length > 2) {
    const r = RADIX[s[1]!.toLowerCase()];
    if (r) {
      const digits = s.slice(2);
      if (!r.re.test(digits)) return null;
      return sign * Number.parseInt(digits, r.radix);
    }
  }
  if (!DEC.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? sign * v : null;
}
