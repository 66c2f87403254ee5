/**
 * Static parsing (acorn, then acorn-loose) with stack protection, and an iterative AST walk.
 * Nothing here executes asset code; the parser only tokenizes and builds a tree.
 */
import { type Node, type Options, type Program, parse as strictParse } from 'acorn';
import { parse as looseParse } from 'acorn-loose';
import type { ParseLimits } from './limits.js';

/** Any acorn node, seen structurally. */
export type AnyNode = Node & { [key: string]: unknown };

/** The result of parsing one asset. */
export interface ParsedProgram {
  /** The program (an empty program when nothing could be parsed). */
  program: Program;
  /** The text the positions refer to (the input itself, or an empty text when it was not parsed). */
  text: string;
  /** How the tree was obtained. */
  mode: 'strict' | 'loose' | 'chunked' | 'empty';
  warnings: string[];
}

const OPTIONS: Options = {
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowHashBang: true,
  allowReturnOutsideFunction: true,
  allowImportExportEverywhere: true,
  allowAwaitOutsideFunction: true,
  allowReserved: true,
};

function emptyProgram(length: number): Program {
  return { type: 'Program', start: 0, end: length, body: [], sourceType: 'module' } as Program;
}

/** Character classes for the linear scanner. */
const REGEX_BEFORE = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));

/**
 * Linear scan of the code structure: calls `onOpen`/`onClose` for brackets outside strings, comments,
 * template text and (heuristically detected) regex literals, and `onTopSemicolon` for `;` at depth 0.
 */
function scanStructure(
  text: string,
  onOpen: (i: number, depth: number) => void,
  onClose: (i: number, depth: number) => void,
  onTopSemicolon?: (i: number) => void,
  onString?: (start: number, end: number) => void,
): void {
  let depth = 0;
  // Brace depths at which a template literal resumes (`${ … }`).
  const templateResume: number[] = [];
  let prev = '';
  const n = text.length;
  let i = 0;
  const scanTemplate = (from: number): number => {
    // From inside a template's text: returns the index after the closing backtick, or after `${`.
    let j = from;
    while (j < n) {
      const c = text[j];
      if (c === '\\') j += 2;
      else if (c === '`') {
        onString?.(from, j);
        return j + 1;
      } else if (c === '$' && text[j + 1] === '{') {
        onString?.(from, j);
        depth++;
        templateResume.push(depth);
        return j + 2;
      } else j++;
    }
    onString?.(from, n);
    return n;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const j = quotedEnd(text, i, c);
      onString?.(i + 1, Math.min(j, n));
      i = j + 1;
      prev = 'a';
      continue;
    }
    if (c === '`') {
      i = scanTemplate(i + 1);
      prev = 'a';
      continue;
    }
    if (c === '/') {
      const d = text[i + 1];
      if (d === '/' || d === '*') {
        i = commentEnd(text, i);
        continue;
      }
      if (prev === '' || REGEX_BEFORE.has(prev)) {
        i = regexEnd(text, i) + 1;
        prev = 'a';
        continue;
      }
    }
    if (c === '(' || c === '[' || c === '{') {
      depth++;
      onOpen(i, depth);
    } else if (c === ')' || c === ']' || c === '}') {
      if (c === '}' && templateResume.length > 0 && templateResume[templateResume.length - 1] === depth) {
        templateResume.pop();
        depth--;
        i = scanTemplate(i + 1);
        prev = 'a';
        continue;
      }
      onClose(i, depth);
      if (depth > 0) depth--;
    } else if (c === ';' && depth === 0 && onTopSemicolon) onTopSemicolon(i);
    if (c !== ' ' && c !== '\n' && c !== '\t' && c !== '\r') prev = c;
    i++;
  }
}

/** Index after the `//` or `/*` comment starting at `i`. */
function commentEnd(text: string, i: number): number {
  const line = text[i + 1] === '/';
  const e = line ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
  return e < 0 ? text.length : e + (line ? 1 : 2);
}

/** Index of the closing `quote` of the string literal opening at `i` (or of the line end / text end). */
function quotedEnd(text: string, i: number, quote: string): number {
  const n = text.length;
  let j = i + 1;
  while (j < n && text[j] !== quote && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
  return j;
}

/** Index of the closing `/` of the regex literal opening at `i` (a `/` inside a class `[…]` does not close it). */
function regexEnd(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  let cls = false;
  while (j < n) {
    const e = text[j];
    if (e === '\\') j += 2;
    else if (e === '\n') break;
    else {
      if (e === '[') cls = true;
      else if (e === ']') cls = false;
      else if (e === '/' && !cls) break;
      j++;
    }
  }
  return j;
}

/** True when the escape starting at `i` (a backslash) is not valid in strict-mode code. */
function invalidEscape(text: string, i: number, end: number): boolean {
  const c = text[i + 1];
  if (c === undefined || i + 1 >= end) return false;
  if (c === 'x') return !/^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, Math.min(i + 4, end)));
  if (c === 'u') {
    if (text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      if (close < 0 || close >= end) return true;
      const d = text.slice(i + 3, close);
      return !/^[0-9a-fA-F]+$/.test(d) || Number.parseInt(d, 16) > 0x10ffff;
    }
    return !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, Math.min(i + 6, end)));
  }
  if (c === '0') return /[0-9]/.test(text[i + 2] ?? '');
  return c >= '1' && c <= '9';
}

/**
 * Prepares a text that failed to parse for a second attempt, keeping every position: blanks (with spaces)
 * the inside of brackets nested deeper than `maxNesting`, and replaces the backslash of escapes that strict
 * code rejects (`\xZZ`, `\01`, `\u{110000}`) by a space. The evaluator decodes strings from the original text.
 */
export function sanitiseForParse(text: string, maxNesting: number): { text: string; cuts: number; escapes: number } {
  const ranges: Array<[number, number]> = [];
  const fixes: number[] = [];
  let cutAt = -1;
  let cutDepth = 0;
  scanStructure(
    text,
    (i, depth) => {
      if (cutAt < 0 && depth > maxNesting) {
        cutAt = i + 1;
        cutDepth = depth;
      }
    },
    (i, depth) => {
      if (cutAt >= 0 && depth === cutDepth) {
        ranges.push([cutAt, i]);
        cutAt = -1;
      }
    },
    undefined,
    (a, b) => {
      for (let k = text.indexOf('\\', a); k >= 0 && k < b; k = text.indexOf('\\', k + 2)) {
        if (invalidEscape(text, k, b)) fixes.push(k);
      }
    },
  );
  if (cutAt >= 0) ranges.push([cutAt, text.length]);
  if (ranges.length === 0 && fixes.length === 0) return { text, cuts: 0, escapes: 0 };
  const chars = text.split('');
  for (const k of fixes) chars[k] = ' ';
  for (const [a, b] of ranges) for (let k = a; k < b; k++) chars[k] = ' ';
  return { text: chars.join(''), cuts: ranges.length, escapes: fixes.length };
}

/** Shifts every position of a subtree by `offset` (iteratively). */
function shiftPositions(root: AnyNode, offset: number): void {
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    node.start += offset;
    node.end += offset;
    for (const key in node) {
      const v = node[key];
      if (Array.isArray(v)) {
        for (const x of v) if (isNode(x)) stack.push(x);
      } else if (isNode(v)) stack.push(v);
    }
  }
}

/** True when `v` is an AST node. */
export function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function tryParse(text: string, loose: boolean): Program | Error {
  try {
    return loose ? looseParse(text, OPTIONS) : strictParse(text, OPTIONS);
  } catch (e) {
    return e instanceof Error ? e : new Error('parse failed');
  }
}

/**
 * Parses an asset: strict first; on any error, the loose parser over a copy whose over-deep brackets are
 * blanked; if that still overflows the stack, each top-level `;`-separated statement is parsed on its own
 * (statements that still fail are dropped). Never throws.
 */
export function parseProgram(text: string, limits: ParseLimits): ParsedProgram {
  const warnings: string[] = [];
  if (text.length > limits.maxAssetSize) {
    warnings.push(`asset of ${text.length} characters exceeds the limit of ${limits.maxAssetSize}; not parsed`);
    return { program: emptyProgram(0), text: '', mode: 'empty', warnings };
  }
  const strict = tryParse(text, false);
  if (!(strict instanceof Error)) return { program: strict, text, mode: 'strict', warnings };
  const { text: safe, cuts } = sanitiseForParse(text, limits.maxParseNesting);
  if (cuts > 0) warnings.push(`${cuts} region(s) nested deeper than ${limits.maxParseNesting} were skipped`);
  if (safe !== text) {
    const again = tryParse(safe, false);
    if (!(again instanceof Error)) return { program: again, text, mode: 'strict', warnings };
  }
  const loose = tryParse(safe, true);
  if (!(loose instanceof Error)) {
    warnings.push('syntax errors: parsed with error recovery');
    return { program: loose, text, mode: 'loose', warnings };
  }
  // Statement by statement.
  const body: Program['body'] = [];
  const bounds: number[] = [];
  scanStructure(
    safe,
    () => {},
    () => {},
    (i) => bounds.push(i + 1),
  );
  if (bounds[bounds.length - 1] !== safe.length) bounds.push(safe.length);
  let from = 0;
  let dropped = 0;
  for (const to of bounds) {
    const part = safe.slice(from, to);
    if (part.trim().length > 0) {
      const p = tryParse(part, true);
      if (p instanceof Error) dropped++;
      else
        for (const stmt of p.body) {
          shiftPositions(stmt as unknown as AnyNode, from);
          body.push(stmt);
        }
    }
    from = to;
  }
  warnings.push(`parsed statement by statement; ${dropped} statement(s) dropped`);
  const program = emptyProgram(safe.length);
  program.body = body;
  return { program, text, mode: body.length > 0 ? 'chunked' : 'empty', warnings };
}

/** Child keys per node type, in source order. Unknown types fall back to every node-valued field. */
const CHILD_KEYS: Record<string, readonly string[]> = /* @__PURE__ */ childKeys([
  [['body'], 'Program', 'BlockStatement', 'StaticBlock', 'LabeledStatement', 'ClassBody'],
  [['expression'], 'ExpressionStatement', 'ChainExpression', 'ParenthesizedExpression'],
  [['object', 'body'], 'WithStatement'],
  [
    ['argument'],
    'ReturnStatement',
    'ThrowStatement',
    'UnaryExpression',
    'UpdateExpression',
    'YieldExpression',
    'AwaitExpression',
    'SpreadElement',
    'RestElement',
  ],
  [['test', 'consequent', 'alternate'], 'IfStatement', 'ConditionalExpression'],
  [['discriminant', 'cases'], 'SwitchStatement'],
  [['test', 'consequent'], 'SwitchCase'],
  [['block', 'handler', 'finalizer'], 'TryStatement'],
  [['param', 'body'], 'CatchClause'],
  [['test', 'body'], 'WhileStatement'],
  [['body', 'test'], 'DoWhileStatement'],
  [['init', 'test', 'update', 'body'], 'ForStatement'],
  [['left', 'right', 'body'], 'ForInStatement', 'ForOfStatement'],
  [['params', 'body'], 'FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'],
  [['declarations'], 'VariableDeclaration'],
  [['id', 'init'], 'VariableDeclarator'],
  [['superClass', 'body'], 'ClassDeclaration', 'ClassExpression'],
  [['key', 'value'], 'MethodDefinition', 'PropertyDefinition', 'Property'],
  [['elements'], 'ArrayExpression', 'ArrayPattern'],
  [['properties'], 'ObjectExpression', 'ObjectPattern'],
  [['left', 'right'], 'BinaryExpression', 'AssignmentExpression', 'LogicalExpression', 'AssignmentPattern'],
  [['object', 'property'], 'MemberExpression'],
  [['callee', 'arguments'], 'CallExpression', 'NewExpression'],
  [['expressions'], 'SequenceExpression', 'TemplateLiteral'],
  [['tag', 'quasi'], 'TaggedTemplateExpression'],
  [['source', 'options'], 'ImportExpression'],
  [
    [],
    'ImportDeclaration',
    'ExportAllDeclaration',
    'Identifier',
    'Literal',
    'ThisExpression',
    'Super',
    'EmptyStatement',
    'DebuggerStatement',
    'BreakStatement',
    'ContinueStatement',
    'PrivateIdentifier',
    'MetaProperty',
    'TemplateElement',
  ],
  [['declaration'], 'ExportNamedDeclaration', 'ExportDefaultDeclaration'],
]);

/** The table of {@link CHILD_KEYS}, written as (child keys, node types that have them). */
function childKeys(
  groups: ReadonlyArray<readonly [readonly string[], ...string[]]>,
): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const [keys, ...types] of groups) for (const t of types) out[t] = keys;
  return out;
}

/**
 * Iterative pre-order walk in document order. `visit` returns false to skip a node's children.
 * Stops after `maxNodes` nodes; returns the number of nodes visited.
 */
export function walk(root: Node, visit: (node: AnyNode) => boolean | undefined, maxNodes: number): number {
  const stack: AnyNode[] = [root as AnyNode];
  let count = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (++count > maxNodes) return count;
    if (visit(node) === false) continue;
    const keys = CHILD_KEYS[node.type];
    if (keys) {
      for (let k = keys.length - 1; k >= 0; k--) {
        const v = node[keys[k]!];
        if (Array.isArray(v)) {
          for (let j = v.length - 1; j >= 0; j--) {
            const x: unknown = v[j];
            if (isNode(x)) stack.push(x);
          }
        } else if (isNode(v)) stack.push(v);
      }
    } else {
      const children: AnyNode[] = [];
      for (const key in node) {
        if (key === 'type' || key === 'loc') continue;
        const v = node[key];
        if (Array.isArray(v)) {
          for (const x of v) if (isNode(x)) children.push(x);
        } else if (isNode(v)) children.push(v);
      }
      for (let j = children.length - 1; j >= 0; j--) stack.push(children[j]!);
    }
  }
  return count;
}
