/**
 * Guarded evaluation of `matches` / `notMatches` patterns from assets (CATALOG.md §3.6, §5): patterns that could
 * backtrack catastrophically are refused (the condition is then false).
 */

/** Longest pattern accepted. */
export const MAX_PATTERN_LENGTH = 200;
/** Longest input tested; longer inputs make the condition false. */
export const MAX_INPUT_LENGTH = 128;
/** At most this many repeating quantifiers (`*`, `+`, `{n,}`, `{n,m}` with m > 1) in one pattern. */
const MAX_REPEATS = 3;
/** At most this many quantifiers in all. */
const MAX_QUANTIFIERS = 6;

interface Group {
  quantified: boolean;
  alternation: boolean;
}

/** Length of a quantifier starting at `i`, and whether it repeats; `null` when none starts there. */
function quantifierAt(p: string, i: number): { len: number; repeats: boolean } | null {
  const c = p[i];
  if (c === '*' || c === '+') return { len: p[i + 1] === '?' ? 2 : 1, repeats: true };
  if (c === '?') return { len: p[i + 1] === '?' ? 2 : 1, repeats: false };
  if (c === '{') {
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}\??/.exec(p.slice(i, i + 14));
    if (!m) return null;
    const max =
      m[2] === undefined ? Number(m[1]) : m[3] === '' || m[3] === undefined ? Number.POSITIVE_INFINITY : Number(m[3]);
    return { len: m[0].length, repeats: max > 1 };
  }
  return null;
}

/**
 * True when the pattern source is safe to run: bounded length, no back-references, no repeated group that itself
 * contains a quantifier or an alternation (`(a+)+`, `(a|a)*`), and few quantifiers overall.
 */
export function isSafePattern(p: string): boolean {
  if (p.length > MAX_PATTERN_LENGTH) return false;
  const stack: Group[] = [{ quantified: false, alternation: false }];
  let repeats = 0;
  let quants = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(n) || n === 'k')) return false;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    const top = stack[stack.length - 1] as Group;
    if (c === '(') {
      stack.push({ quantified: false, alternation: false });
      const prefix = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(p.slice(i + 1, i + 40));
      if (prefix) i += prefix[0].length;
      continue;
    }
    if (c === '|') {
      top.alternation = true;
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) return false;
      const g = stack.pop() as Group;
      const q = quantifierAt(p, i + 1);
      const parent = stack[stack.length - 1] as Group;
      if (q) {
        if (q.repeats && (g.quantified || g.alternation)) return false;
        quants++;
        if (q.repeats) repeats++;
        i += q.len;
        parent.quantified = true;
      }
      if (g.quantified) parent.quantified = true;
      continue;
    }
    const q = quantifierAt(p, i);
    if (q) {
      quants++;
      if (q.repeats) repeats++;
      top.quantified = true;
      i += q.len - 1;
    }
  }
  return !inClass && stack.length === 1 && repeats <= MAX_REPEATS && quants <= MAX_QUANTIFIERS;
}

/**
 * Tests a `/pattern/flags` literal text against `input` (only the `i` flag is honoured). Invalid, unsafe or
 * over-long pattern or input → `null` (callers treat it as a false condition).
 */
export function safeRegexTest(literal: string, input: string): boolean | null {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(literal.trim());
  if (!m) return null;
  const source = m[1] ?? '';
  if (input.length > MAX_INPUT_LENGTH || !isSafePattern(source)) return null;
  let re: RegExp;
  try {
    re = new RegExp(source, (m[2] ?? '').includes('i') ? 'i' : '');
  } catch {
    return null;
  }
  return re.test(input);
}
