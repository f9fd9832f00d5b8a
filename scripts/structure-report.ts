// node scripts/structure-report.ts [--lines N] [--width W]
// What makes src/ hard to read, found with the TypeScript compiler's parser: every function, method and arrow longer
// than N lines (default 60; its own lines, nested functions included), every import cycle among src/ modules (type-only
// imports count: they tie the modules together for a reader too), every import across layers the other way
// (LAYERS below) and every comment line longer than W characters (default 120, Prettier's width; Prettier does not
// wrap comments). tests/scripts/structure.test.ts holds src/ to the rules with the same functions.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { projectRoot } from './project-root.ts';

export interface SourceFile {
  /** Relative to src/, with forward slashes: `archive/verify.ts`. */
  path: string;
  text: string;
}

export interface LongFunction {
  path: string;
  name: string;
  line: number;
  lines: number;
}

export interface LongCommentLine {
  path: string;
  line: number;
  width: number;
}

export interface LayerViolation {
  from: string;
  to: string;
  fromLayer: string;
  toLayer: string;
}

/**
 * The layer of each part of src/ and the layers it may import from (ARCHITECTURE.md: the core never calls the
 * platform or prints; adapters at the edge implement ports the core defines; the CLI wires everything). The files at
 * the top of src/ (errors, paths, progress, publish, ...) are the shared base every layer may use. retention (prune,
 * freshness) reads archives as backup does; ops (run log, run outcome) needs only the base: the event-log writer is
 * the platform's, handed in by the CLI. ad (AD objects from a database) reads through the ESE table reader only.
 */
export const LAYERS: Record<string, readonly string[]> = {
  base: [],
  protocol: ['base'],
  ese: ['base'],
  logs: ['base', 'ese'],
  registry: ['base'],
  archive: ['base', 'ese', 'logs'],
  backup: ['base', 'ese', 'logs', 'archive'],
  restore: ['base', 'ese', 'logs', 'registry', 'archive'],
  retention: ['base', 'ese', 'logs', 'archive'],
  ops: ['base'],
  ad: ['base', 'ese'],
  platform: ['base', 'ese', 'logs', 'registry', 'archive', 'backup', 'restore'],
  cli: [
    'base',
    'protocol',
    'ese',
    'logs',
    'registry',
    'archive',
    'backup',
    'restore',
    'retention',
    'ops',
    'ad',
    'platform',
  ],
};

export function layerOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? 'base' : path.slice(0, i);
}

/** Every .ts file under `dir`, sorted, with paths relative to it. */
export function readSources(dir = join(projectRoot, 'src')): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts'))
        out.push({ path: relative(dir, p).split(sep).join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

function parse(file: SourceFile): ts.SourceFile {
  return ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** A name a reader can search for: the declaration's, else the variable or property it is assigned to. */
function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  const own = node.name ?? (ts.isConstructorDeclaration(node) ? 'constructor' : undefined);
  if (own) return typeof own === 'string' ? own : own.getText(sf);
  const p = node.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name)
    return p.name.getText(sf);
  return '<anonymous>';
}

/** Functions longer than `limit` lines, from the line of their first token to the line of their last. */
export function longFunctions(files: readonly SourceFile[], limit: number): LongFunction[] {
  const out: LongFunction[] = [];
  for (const file of files) {
    const sf = parse(file);
    const visit = (node: ts.Node) => {
      if (isFunctionLike(node) && node.body) {
        const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = last - first + 1;
        if (lines > limit) out.push({ path: file.path, name: functionName(node, sf), line: first + 1, lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** The relative module specifiers of a file: imports, re-exports and dynamic import() of a literal. */
function specifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const lit = node.argument.literal;
      if (ts.isStringLiteral(lit)) out.push(lit.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith('.'));
}

/** Module → the src/ modules it imports (paths relative to src/). An import that leaves src/ is left out. */
export function importGraph(files: readonly SourceFile[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of specifiers(parse(file))) {
      const target = resolve('/', dirname(file.path), spec).slice(1);
      if (!target.startsWith('..')) targets.add(target);
    }
    graph.set(file.path, [...targets].sort());
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return cycles;
}

/** Imports a layer may not make under `layers` (an unknown layer may import nothing but the base). */
export function layerViolations(
  graph: ReadonlyMap<string, readonly string[]>,
  layers: Record<string, readonly string[]> = LAYERS,
): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const [from, targets] of graph) {
    const fromLayer = layerOf(from);
    const allowed = layers[fromLayer] ?? ['base'];
    for (const to of targets) {
      const toLayer = layerOf(to);
      if (toLayer !== fromLayer && !allowed.includes(toLayer)) out.push({ from, to, fromLayer, toLayer });
    }
  }
  return out;
}

/** Lines longer than `width` that hold a comment (a line comment, or any line of a block comment). */
export function longCommentLines(files: readonly SourceFile[], width: number): LongCommentLine[] {
  const out: LongCommentLine[] = [];
  for (const file of files) {
    const sf = parse(file);
    const lines = file.text.split('\n');
    const seen = new Set<number>();
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, file.text);
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
      if (kind !== ts.SyntaxKind.SingleLineCommentTrivia && kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
      const first = sf.getLineAndCharacterOfPosition(scanner.getTokenStart()).line;
      const last = sf.getLineAndCharacterOfPosition(scanner.getTokenEnd()).line;
      for (let l = first; l <= last; l++) {
        const w = lines[l]!.replace(/\r$/, '').length;
        if (w > width && !seen.has(l)) {
          seen.add(l);
          out.push({ path: file.path, line: l + 1, width: w });
        }
      }
    }
  }
  return out;
}

function report(lineLimit: number, width: number): void {
  const files = readSources();
  const graph = importGraph(files);
  const fns = longFunctions(files, lineLimit).sort((a, b) => b.lines - a.lines);
  const cycles = importCycles(graph);
  const layers = layerViolations(graph);
  const comments = longCommentLines(files, width);
  const say = (s: string) => process.stdout.write(s + '\n');
  say(`${files.length} modules in src/`);
  say(`functions over ${lineLimit} lines: ${fns.length}`);
  for (const f of fns) say(`  ${String(f.lines).padStart(4)}  src/${f.path}:${f.line}  ${f.name}`);
  say(`import cycles: ${cycles.length}`);
  for (const c of cycles) say(`  ${c.map((m) => 'src/' + m).join(' <-> ')}`);
  say(`imports against the layers: ${layers.length}`);
  for (const v of layers) say(`  src/${v.from} (${v.fromLayer}) -> src/${v.to} (${v.toLayer})`);
  say(`comment lines over ${width} characters: ${comments.length}`);
  for (const c of comments) say(`  src/${c.path}:${c.line}  ${c.width}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  if (process.argv.includes('--help')) {
    process.stdout.write('node scripts/structure-report.ts [--lines N (60)] [--width W (120)]\n');
  } else {
    report(arg('--lines', 60), arg('--width', 120));
  }
}
