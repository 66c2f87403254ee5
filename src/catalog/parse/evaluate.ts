/**
 * The closed interpreter of CATALOG.md §1.11: AST node → plain JSON value. It never runs asset code; it
 * handles the listed node shapes and turns everything else into inert source text. Pure and total: limits
 * (depth, nodes, builder expansions, string length) degrade a subtree to `null`, nothing throws.
 */
import type { Node, Program } from 'acorn';
import type { Json, JsonObject } from '../types.js';
import { type AnyNode, isNode, parseProgram } from './ast.js';
import { decodeEscapes, parseNumberLiteral } from './escapes.js';
import { type ParseLimits, resolveLimits } from './limits.js';

/** A builder arrow (rule 13) with its closure. */
class Builder {
  constructor(
    readonly node: AnyNode,
    readonly env: Env,
    readonly shape: BuilderShape,
  ) {}
}

interface PatternEntry {
  key: string;
  local: string;
  dflt: AnyNode | null;
}
interface BuilderShape {
  param: { kind: 'id'; name: string } | { kind: 'pattern'; entries: PatternEntry[] };
}

type Val = Json | Builder;

/** Lexical environment: builder locals over the top-level bindings visible before `pos`. */
class Env {
  readonly vars = new Map<string, Val>();
  constructor(
    readonly parent: Env | null,
    readonly pos: number,
  ) {}
}

interface TopBinding {
  start: number;
  init: AnyNode | null;
  state: 0 | 1 | 2;
  value: Val;
}

const OBFUSCATED = /^_0x[0-9a-f]*$/i;
const SCREAMING = /^[A-Z][A-Z0-9_]*$/;
const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const ENUM_SUFFIX = /(?:Status|Operation|Property|Type|State|List|Commands|Component)$/;
const HELPER_MODES = new Set(['READ', 'WRITE', 'STATUS']);
const HELPER_TOKEN = /^(?:PARAM|STATUS)_/;
const NULLISH_TEXT = new Set(['undefined', 'void 0', 'void 0x0']);

/** True for a null-prototype-or-plain JSON object (not an array). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Builder);
}

/** A fresh null-prototype object. */
export function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

function isNullish(v: Val): boolean {
  return v === null || (typeof v === 'string' && (NULLISH_TEXT.has(v) || OBFUSCATED.test(v)));
}

function isEnumReceiver(name: string): boolean {
  return PASCAL.test(name) && (name === 'Permissions' || name === 'IconsList' || ENUM_SUFFIX.test(name));
}

/** Property key text of a non-computed key node (identifier, string, number), or null. */
export function staticKey(key: AnyNode, text: string): string | null {
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal') {
    const raw = text.slice(key.start, key.end);
    if (typeof key.value === 'string') return raw.indexOf('\\') < 0 ? key.value : stringBody(raw);
    if (typeof key.value === 'number' || typeof key.value === 'bigint') {
      const n = parseNumberLiteral(raw);
      return n === null ? raw : String(n);
    }
  }
  return null;
}

/** Decoded text of a string literal from its source (quotes removed, rule 15). */
function stringBody(raw: string): string {
  const q = raw[0];
  const body = raw.length >= 2 && raw[raw.length - 1] === q ? raw.slice(1, -1) : raw.slice(1);
  return decodeEscapes(body);
}

/** The evaluator of one parsed file. */
export class Evaluator {
  /** Nodes visited by evaluation so far. */
  nodes = 0;
  /** Builder expansions so far. */
  expansions = 0;
  /** Set when a limit was hit. */
  limited = false;
  readonly #top = new Map<string, TopBinding[]>();
  readonly #shapes = new WeakMap<object, BuilderShape | null>();

  constructor(
    readonly text: string,
    readonly program: Program,
    readonly limits: ParseLimits,
  ) {
    for (const stmt of program.body as unknown as AnyNode[]) {
      const decl = stmt.type === 'ExportNamedDeclaration' && isNode(stmt.declaration) ? stmt.declaration : stmt;
      if (decl.type !== 'VariableDeclaration' || !Array.isArray(decl.declarations)) continue;
      for (const d of decl.declarations as AnyNode[]) {
        const id = d.id as AnyNode | undefined;
        if (id?.type !== 'Identifier') continue;
        const name = id.name as string;
        let list = this.#top.get(name);
        if (!list) this.#top.set(name, (list = []));
        list.push({ start: d.start, init: isNode(d.init) ? d.init : null, state: 0, value: null });
      }
    }
  }

  /** Top-level declarator nodes (identifier id) in source order. */
  topDeclarators(): Array<{ name: string; start: number; init: AnyNode | null }> {
    const out: Array<{ name: string; start: number; init: AnyNode | null }> = [];
    for (const [name, list] of this.#top) for (const b of list) out.push({ name, start: b.start, init: b.init });
    return out.sort((a, b) => a.start - b.start);
  }

  /** True when a top-level binding `name` is visible at `pos`. */
  hasTop(name: string, pos = Number.POSITIVE_INFINITY): boolean {
    return this.#findTop(name, pos) !== undefined;
  }

  /** Value of the top-level binding `name` (the last declared before `pos`), or undefined when unbound. */
  topValue(name: string, pos = Number.POSITIVE_INFINITY): Json | undefined {
    const b = this.#findTop(name, pos);
    if (!b) return undefined;
    return this.#toJson(this.#resolveTop(b), b.init);
  }

  /** Evaluates a node to JSON; `pos` limits which top-level bindings are visible (default: the node's start). */
  value(node: Node, pos?: number): Json {
    const env = new Env(null, pos ?? node.start);
    return this.#toJson(this.#evaluate(node as AnyNode, env, 0), node as AnyNode);
  }

  /** Source text of a node, or null beyond the string limit. */
  source(node: Node): string | null {
    if (node.end - node.start > this.limits.maxStringLength) {
      this.limited = true;
      return null;
    }
    return this.text.slice(node.start, node.end);
  }

  #findTop(name: string, pos: number): TopBinding | undefined {
    const list = this.#top.get(name);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.start < pos) return list[i];
    return undefined;
  }

  #resolveTop(b: TopBinding): Val {
    if (b.state === 2) return b.value;
    if (b.state === 1) return null;
    b.state = 1;
    b.value = b.init ? this.#evaluate(b.init, new Env(null, b.start), 0) : null;
    b.state = 2;
    return b.value;
  }

  #toJson(v: Val, node: AnyNode | null): Json {
    if (v instanceof Builder) return this.source(v.node);
    return v ?? (node === null ? null : v);
  }

  /** Looks a name up: builder locals, then top-level bindings before env.pos. */
  #lookup(name: string, env: Env): { found: boolean; value: Val } {
    let e: Env | null = env;
    let pos = env.pos;
    while (e) {
      if (e.vars.has(name)) return { found: true, value: e.vars.get(name)! };
      pos = e.pos;
      e = e.parent;
    }
    const b = this.#findTop(name, pos);
    if (!b) return { found: false, value: null };
    return { found: true, value: this.#resolveTop(b) };
  }

  #text1(node: AnyNode): Json {
    return this.source(node);
  }

  #str(s: string): Json {
    if (s.length > this.limits.maxStringLength) {
      this.limited = true;
      return null;
    }
    return s;
  }

  #evaluate(node: AnyNode, env: Env, depth: number): Val {
    if (depth > this.limits.maxDepth || ++this.nodes > this.limits.maxNodes) {
      this.limited = true;
      return null;
    }
    const d = depth + 1;
    switch (node.type) {
      case 'ObjectExpression':
        return this.#evObject(node, env, d);
      case 'ArrayExpression': {
        const out: Json[] = [];
        for (const el of node.elements as Array<AnyNode | null>) {
          if (el === null) out.push(null);
          else if (el.type === 'SpreadElement') {
            const v = this.#evaluate(el.argument as AnyNode, env, d);
            if (Array.isArray(v)) out.push(...v);
          } else out.push(this.#toJson(this.#evaluate(el, env, d), el));
        }
        return out;
      }
      case 'Literal':
        return this.#evLiteral(node);
      case 'TemplateLiteral':
        return this.#evTemplate(node, env);
      case 'Identifier': {
        const name = node.name as string;
        const r = this.#lookup(name, env);
        if (r.found) return r.value;
        return name === 'undefined' ? null : name;
      }
      case 'UnaryExpression': {
        if (node.operator === 'void') return null;
        const arg = node.argument as AnyNode;
        if (
          (node.operator === '-' || node.operator === '+') &&
          arg.type === 'Literal' &&
          typeof arg.value === 'number'
        ) {
          const n = parseNumberLiteral(`${node.operator}${this.text.slice(arg.start, arg.end)}`);
          if (n !== null) return n;
        }
        return this.#text1(node);
      }
      case 'MemberExpression':
        return this.#evMember(node, env, d);
      case 'BinaryExpression':
        return this.#evBinary(node, env, d);
      case 'LogicalExpression': {
        if (node.operator !== '??') return this.#text1(node);
        const l = this.#evaluate(node.left as AnyNode, env, d);
        return isNullish(l) ? this.#evaluate(node.right as AnyNode, env, d) : l;
      }
      case 'ConditionalExpression': {
        const t = this.#evaluate(node.test as AnyNode, env, d);
        const falsy = isNullish(t) || t === false || t === 0 || t === '';
        return this.#evaluate((falsy ? node.alternate : node.consequent) as AnyNode, env, d);
      }
      case 'ArrowFunctionExpression': {
        const shape = this.#builderShape(node);
        return shape ? new Builder(node, env, shape) : this.#text1(node);
      }
      case 'CallExpression':
        return this.#evCall(node, env, d);
      case 'ParenthesizedExpression':
        return this.#evaluate(node.expression as AnyNode, env, d);
      default:
        return this.#text1(node);
    }
  }

  #evObject(node: AnyNode, env: Env, d: number): JsonObject {
    const obj = newObject();
    for (const p of node.properties as AnyNode[]) {
      if (p.type === 'SpreadElement') {
        const v = this.#evaluate(p.argument as AnyNode, env, d);
        if (isJsonObject(v)) for (const k of Object.keys(v)) obj[k] = v[k]!;
        continue;
      }
      if (p.type !== 'Property' || p.kind !== 'init' || p.method === true || p.shorthand === true) continue;
      const key = this.#propertyKey(p, env, d);
      if (key === null) continue;
      const value = p.value as AnyNode;
      obj[key] = this.#toJson(this.#evaluate(value, env, d), value);
    }
    return obj;
  }

  /** Key of a property per rule 2 (computed keys evaluated). */
  #propertyKey(p: AnyNode, env: Env, d: number): string | null {
    const key = p.key as AnyNode;
    if (p.computed !== true) return staticKey(key, this.text);
    const v = this.#evaluate(key, env, d);
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    return this.source(key);
  }

  #evLiteral(node: AnyNode): Val {
    const v = node.value;
    if (typeof v === 'string') {
      const raw = this.text.slice(node.start, node.end);
      return this.#str(raw.indexOf('\\') < 0 ? v : stringBody(raw));
    }
    if (typeof v === 'number') {
      // acorn's value follows the same grammar for valid literals (rule 16); re-parse only odd ones.
      if (Number.isFinite(v) && typeof node.raw === 'string' && !/^0\d/.test(node.raw)) return v;
      const n = parseNumberLiteral(this.text.slice(node.start, node.end));
      return n === null ? this.#text1(node) : n;
    }
    if (typeof node.bigint === 'string' || typeof v === 'bigint') {
      const n = parseNumberLiteral(this.text.slice(node.start, node.end));
      return n !== null && Number.isSafeInteger(n) ? n : this.#text1(node);
    }
    if (typeof v === 'boolean') return v;
    if (v === null && node.regex === undefined && node.end - node.start === 4) return null;
    return this.#text1(node);
  }

  #evTemplate(node: AnyNode, env: Env): Val {
    const quasis = node.quasis as AnyNode[];
    const exprs = node.expressions as AnyNode[];
    let out = '';
    for (let i = 0; i < quasis.length; i++) {
      const q = quasis[i]!;
      out += decodeEscapes(this.text.slice(q.start, q.end));
      const e = exprs[i];
      if (!e) continue;
      let replaced = false;
      if (e.type === 'Identifier') {
        const r = this.#lookup(e.name as string, env);
        const v = r.value;
        if (r.found && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
          out += String(v);
          replaced = true;
        }
      }
      if (!replaced) out += `\${${this.text.slice(e.start, e.end)}}`;
      if (out.length > this.limits.maxStringLength) return this.#str(out);
    }
    return this.#str(out);
  }

  #evMember(node: AnyNode, env: Env, d: number): Val {
    const prop = node.property as AnyNode;
    const obj = node.object as AnyNode;
    if (
      node.computed !== true ||
      prop.type !== 'Literal' ||
      typeof prop.value !== 'string' ||
      obj.type !== 'Identifier'
    ) {
      return this.#text1(node);
    }
    const name = stringBody(this.text.slice(prop.start, prop.end));
    const recv = obj.name as string;
    const r = this.#lookup(recv, env);
    if (r.found && isJsonObject(r.value) && Object.hasOwn(r.value, name)) return r.value[name]!;
    if (OBFUSCATED.test(recv)) return name;
    if (isEnumReceiver(recv) && SCREAMING.test(name)) return name;
    void d;
    return this.#text1(node);
  }

  #evBinary(node: AnyNode, env: Env, d: number): Val {
    const op = node.operator as string;
    const isEq = op === '===' || op === '==' || op === '!==' || op === '!=';
    if (op !== '+' && !isEq) return this.#text1(node);
    const l = this.#evaluate(node.left as AnyNode, env, d);
    const r = this.#evaluate(node.right as AnyNode, env, d);
    if (op === '+') {
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      const prim = (v: Val) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if ((typeof l === 'string' || typeof r === 'string') && prim(l) && prim(r))
        return this.#str(String(l) + String(r));
      return this.#text1(node);
    }
    const simple = (v: Val) => v === null || typeof v !== 'object';
    if (!simple(l) || !simple(r)) return this.#text1(node);
    const nl = isNullish(l);
    const nr = isNullish(r);
    const eq = nl || nr ? nl && nr : l === r;
    return op === '===' || op === '==' ? eq : !eq;
  }

  #evCall(node: AnyNode, env: Env, d: number): Val {
    const callee = node.callee as AnyNode;
    const args = node.arguments as AnyNode[];
    if (args.some((a) => a.type === 'SpreadElement')) return this.#text1(node);
    // [ … ]['map'](builder)
    if (callee.type === 'MemberExpression' && args.length === 1) {
      const p = callee.property as AnyNode;
      const isMap =
        (callee.computed === true && p.type === 'Literal' && p.value === 'map') ||
        (callee.computed !== true && p.type === 'Identifier' && p.name === 'map');
      if (isMap) {
        const list = this.#evaluate(callee.object as AnyNode, env, d);
        const fn = this.#evaluate(args[0]!, env, d);
        if (Array.isArray(list) && fn instanceof Builder) {
          const out: Json[] = [];
          for (const item of list) out.push(this.#toJson(this.#call(fn, item, d), null));
          return out;
        }
        return this.#text1(node);
      }
    }
    if (callee.type === 'Identifier') {
      const r = this.#lookup(callee.name as string, env);
      if (r.found && r.value instanceof Builder) {
        const vals = args.map((a) => this.#toJson(this.#evaluate(a, env, d), a));
        const arg: Json = vals.length === 0 ? null : vals.length === 1 ? vals[0]! : vals;
        return this.#call(r.value, arg, d);
      }
      if (OBFUSCATED.test(callee.name as string) && args.length >= 2) {
        const mode = this.#evaluate(args[0]!, env, d);
        const token = this.#evaluate(args[args.length - 1]!, env, d);
        if (
          typeof mode === 'string' &&
          HELPER_MODES.has(mode) &&
          typeof token === 'string' &&
          HELPER_TOKEN.test(token)
        ) {
          return token;
        }
        // [SIM] A helper call over a bound name (`['X','Y']['map'](e=>…h(M['WRITE'],e))`) whose token is not
        // PARAM_*/STATUS_* stays text (TV-11), but with the bound token quoted in place of the name, so the menu's
        // token extraction (CATALOG.md §2.4, last quoted argument) still finds `X` instead of the parameter name.
        const last = args[args.length - 1]!;
        if (
          typeof mode === 'string' &&
          HELPER_MODES.has(mode) &&
          last.type === 'Identifier' &&
          typeof token === 'string' &&
          SCREAMING.test(token)
        ) {
          const src = this.source(node);
          const at = (last.start as number) - (node.start as number);
          const end = (last.end as number) - (node.start as number);
          if (typeof src === 'string' && at >= 0 && end <= src.length)
            return `${src.slice(0, at)}'${token}'${src.slice(end)}`;
        }
      }
    }
    return this.#text1(node);
  }

  /** Calls a builder with one (already evaluated) argument. */
  #call(b: Builder, arg: Json, d: number): Val {
    if (++this.expansions > this.limits.maxBuilderExpansions || d > this.limits.maxDepth) {
      this.limited = true;
      return null;
    }
    const env = new Env(b.env, b.env.pos);
    const param = b.shape.param;
    if (param.kind === 'id') env.vars.set(param.name, arg);
    else {
      for (const e of param.entries) {
        if (isJsonObject(arg) && Object.hasOwn(arg, e.key)) env.vars.set(e.local, arg[e.key]!);
        else env.vars.set(e.local, e.dflt ? this.#evaluate(e.dflt, env, d + 1) : null);
      }
    }
    const body = b.node.body as AnyNode;
    if (body.type !== 'BlockStatement') return this.#evaluate(body, env, d + 1);
    for (const stmt of body.body as AnyNode[]) {
      if (stmt.type === 'VariableDeclaration') {
        for (const decl of stmt.declarations as AnyNode[]) {
          const id = decl.id as AnyNode;
          if (id.type !== 'Identifier') continue;
          env.vars.set(id.name as string, isNode(decl.init) ? this.#evaluate(decl.init, env, d + 1) : null);
        }
      } else if (stmt.type === 'ReturnStatement') {
        return isNode(stmt.argument) ? this.#evaluate(stmt.argument, env, d + 1) : null;
      }
    }
    return null;
  }

  /** Rule 13: the builder shape of an arrow, or null when it is not a builder. */
  #builderShape(node: AnyNode): BuilderShape | null {
    const cached = this.#shapes.get(node);
    if (cached !== undefined) return cached;
    const shape = analyseBuilder(node, this.text);
    this.#shapes.set(node, shape);
    return shape;
  }
}

function analyseBuilder(node: AnyNode, text: string): BuilderShape | null {
  const params = node.params as AnyNode[];
  if (params.length !== 1 || node.async === true || node.generator === true) return null;
  const p = params[0]!;
  let param: BuilderShape['param'];
  if (p.type === 'Identifier') param = { kind: 'id', name: p.name as string };
  else if (p.type === 'ObjectPattern') {
    const entries: PatternEntry[] = [];
    for (const prop of p.properties as AnyNode[]) {
      if (prop.type !== 'Property' || prop.computed === true) return null;
      const key = staticKey(prop.key as AnyNode, text);
      if (key === null) return null;
      const v = prop.value as AnyNode;
      if (v.type === 'Identifier') entries.push({ key, local: v.name as string, dflt: null });
      else if (v.type === 'AssignmentPattern' && (v.left as AnyNode).type === 'Identifier') {
        entries.push({ key, local: (v.left as AnyNode).name as string, dflt: v.right as AnyNode });
      } else return null;
    }
    param = { kind: 'pattern', entries };
  } else return null;
  const body = node.body as AnyNode;
  if (body.type === 'ObjectExpression') return { param };
  if (body.type !== 'BlockStatement') return null;
  const objects = new Set<string>();
  for (const stmt of body.body as AnyNode[]) {
    if (stmt.type === 'VariableDeclaration') {
      for (const decl of stmt.declarations as AnyNode[]) {
        const id = decl.id as AnyNode;
        if (id.type !== 'Identifier') continue;
        const init = decl.init as AnyNode | null;
        if (init && init.type === 'ObjectExpression') objects.add(id.name as string);
        else objects.delete(id.name as string);
      }
    } else if (stmt.type === 'ReturnStatement') {
      const arg = stmt.argument as AnyNode | null;
      if (!arg) return null;
      if (arg.type === 'ObjectExpression') return { param };
      if (arg.type === 'Identifier' && objects.has(arg.name as string)) return { param };
      return null;
    }
  }
  return null;
}

/** Parses `text` and returns an evaluator over it plus the parse warnings. */
export function evaluatorFor(
  text: string,
  limits?: Partial<ParseLimits>,
): { evaluator: Evaluator; warnings: string[] } {
  const lim = resolveLimits(limits);
  const parsed = parseProgram(text, lim);
  return { evaluator: new Evaluator(parsed.text, parsed.program, lim), warnings: parsed.warnings };
}

/**
 * Evaluates every top-level `const`/`let`/`var` binding of a source text (§1.11), in source order.
 * Returns a null-prototype object name → value (builders become their source text).
 */
export function evaluateBindings(text: string, limits?: Partial<ParseLimits>): JsonObject {
  const { evaluator } = evaluatorFor(text, limits);
  const out = newObject();
  for (const d of evaluator.topDeclarators()) {
    const v = evaluator.topValue(d.name, d.start + 1);
    out[d.name] = v ?? null;
  }
  return out;
}

/**
 * Evaluates one expression in the context of an optional prelude (whose top-level bindings are visible).
 * `evaluateExpression("{'a':1}")` → `{a: 1}`.
 */
export function evaluateExpression(expr: string, prelude = '', limits?: Partial<ParseLimits>): Json {
  const marker = '__bragerone_expr__';
  const text = `${prelude}\n;const ${marker}=(${expr}\n);`;
  const { evaluator } = evaluatorFor(text, limits);
  return evaluator.topValue(marker) ?? null;
}
