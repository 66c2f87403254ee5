#!/usr/bin/env node
/**
 * Design checks that the type checker and the linter do not make (docs/ARCHITECTURE.md, "Rules the build checks"):
 *  1. no function in src/ is longer than MAX_FUNCTION_LINES lines;
 *  2. the package entries hold explicit named exports only (no `export * from`), never re-export src/internal/,
 *     and src/node.ts re-exports every name of src/index.ts;
 *  3. no forbidden cross-folder import: cache/ → stores/, realtime/ → http/, and nothing below the client
 *     (errors, log, server, internal, http, auth, stores, cache, schemas) imports a higher layer.
 * Run by `npm run lint`. Exit code 1 with one line per finding.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const MAX_FUNCTION_LINES = 80;

/** Package entries (package.json `exports` and the browser files' entries in vite.config.ts). */
const ENTRIES = [
  'src/index.ts',
  'src/node.ts',
  'src/catalog/index.ts',
  'src/catalog/iife.ts',
  'src/simulator/index.ts',
  'src/relay/index.ts',
  'src/cli/bin.ts',
];

/** `from` folder (under src/) → folders it must not import. */
const FORBIDDEN = {
  cache: ['stores'],
  realtime: ['http'],
};
/** Lower layers (folders or root files under src/) that must not import the layers above them. */
const LOWER = [
  'errors.ts',
  'log.ts',
  'server.ts',
  'options.ts',
  'version.ts',
  'internal',
  'http',
  'auth',
  'stores',
  'cache',
  'schemas',
];
const HIGHER = ['client.ts', 'realtime', 'live', 'catalog', 'simulator', 'cli', 'relay', 'index.ts', 'node.ts'];

const findings = [];
const rel = (f) => relative(ROOT, f).split(sep).join('/');

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** First path segment under src/ ('cache', 'client.ts', …). */
function topOf(file) {
  return relative(SRC, file).split(sep)[0];
}

function functionName(node, sf) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name && ts.isPrivateIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
  if (p && ts.isPropertyDeclaration(p)) return p.name.getText(sf);
  return '<anonymous>';
}

function checkFunctions(file, sf) {
  const r = rel(file);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        findings.push(`${r}:${start + 1} ${functionName(node, sf)}: ${lines} lines (max ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

function specifiers(sf) {
  const out = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push({ node, spec: node.moduleSpecifier.text });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ node, spec: node.arguments[0].text });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      out.push({ node, spec: node.argument.literal.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function checkImports(file, sf) {
  const from = topOf(file);
  for (const { node, spec } of specifiers(sf)) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (!target.startsWith(SRC)) continue;
    const to = topOf(target);
    if (to === from) continue;
    const where = `${rel(file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    if (FORBIDDEN[from]?.includes(to)) findings.push(`${where} imports ${to}/ (${from}/ must not import ${to}/)`);
    if (LOWER.includes(from) && HIGHER.includes(to))
      findings.push(`${where} imports ${to} (a lower layer must not import a higher one)`);
  }
}

function exportedNames(sf) {
  const values = new Set();
  const types = new Set();
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st) || !st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
    for (const el of st.exportClause.elements) (st.isTypeOnly || el.isTypeOnly ? types : values).add(el.name.text);
  }
  return { values, types };
}

function checkEntry(file, sf) {
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st)) continue;
    const where = `${rel(file)}:${sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1}`;
    // `export * from` merges a module's names unseen; `export * as ns from` is one named export and stays allowed.
    if (!st.exportClause) findings.push(`${where} \`export *\` in an entry: list the names`);
    const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : '';
    if (/(^|\/)internal\//.test(spec)) findings.push(`${where} an entry re-exports src/internal/ (not public)`);
  }
}

const program = ts.createProgram(walk(SRC), { allowJs: false, noResolve: true });
const byName = new Map();
for (const sf of program.getSourceFiles()) {
  if (!sf.fileName.startsWith(SRC.split(sep).join('/')) && !sf.fileName.startsWith(SRC)) continue;
  const file = resolve(sf.fileName);
  byName.set(rel(file), sf);
  checkFunctions(file, sf);
  checkImports(file, sf);
  if (ENTRIES.includes(rel(file))) checkEntry(file, sf);
}

const index = byName.get('src/index.ts');
const node = byName.get('src/node.ts');
if (index && node) {
  const a = exportedNames(index);
  const b = exportedNames(node);
  for (const n of a.values) if (!b.values.has(n)) findings.push(`src/node.ts does not re-export ${n} of src/index.ts`);
  for (const n of a.types)
    if (!b.types.has(n) && !b.values.has(n)) findings.push(`src/node.ts does not re-export type ${n} of src/index.ts`);
}

if (findings.length > 0) {
  for (const f of findings) console.error(`check-design: ${f}`);
  console.error(`check-design: ${findings.length} finding(s)`);
  process.exit(1);
}
console.log(`check-design: ok (${byName.size} files)`);
