// src/ stays readable: no function over 80 lines, no import cycle, no import from a higher layer, comments wrapped at
// Prettier's width. The measures are scripts/structure-report.ts's; the first tests show they see what they must.
import test from 'ava';
import {
  type SourceFile,
  importCycles,
  importGraph,
  layerOf,
  layerViolations,
  longCommentLines,
  longFunctions,
  readSources,
} from '../../scripts/structure-report.ts';

const MAX_FUNCTION_LINES = 80;
/**
 * Functions allowed over MAX_FUNCTION_LINES, as `path:name`: only pure rule tables that read top to bottom (a list
 * of cases, no control flow between them). None today.
 */
const LONG_RULE_TABLES: readonly string[] = [];

const sources = readSources();
const graph = importGraph(sources);

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

test('the measures see a long function, a method and an arrow, a cycle, an upward import and a long comment', (t) => {
  const files: SourceFile[] = [
    { path: 'ese/a.ts', text: `import { b } from './b.ts';\nexport function a() {\n${body(81)}\n}\n` },
    { path: 'ese/b.ts', text: `import type { a } from './a.ts';\nexport const b = () => {\n${body(10)}\n};\n` },
    { path: 'ese/c.ts', text: `export class C {\n  m() {\n${body(79)}\n  }\n}\n// ${'x'.repeat(118)}\n` },
    { path: 'archive/d.ts', text: `import { r } from '../backup/r.ts';\nimport { e } from '../errors.ts';\n` },
  ];
  t.deepEqual(
    longFunctions(files, 80).map((f) => [f.path, f.name, f.line, f.lines]),
    [
      ['ese/a.ts', 'a', 2, 83],
      ['ese/c.ts', 'm', 2, 81],
    ],
  );
  t.deepEqual(longFunctions(files, 83), []);
  const g = importGraph(files);
  t.deepEqual(g.get('archive/d.ts'), ['backup/r.ts', 'errors.ts']);
  t.deepEqual(importCycles(g), [['ese/a.ts', 'ese/b.ts']]);
  t.deepEqual(
    layerViolations(g).map((v) => `${v.from} -> ${v.to}`),
    ['archive/d.ts -> backup/r.ts'],
  );
  t.deepEqual(longCommentLines(files, 120), [{ path: 'ese/c.ts', line: 84, width: 121 }]);
});

test(`no function in src/ is longer than ${MAX_FUNCTION_LINES} lines, rule tables aside`, (t) => {
  t.true(sources.length > 50, 'src/ was read');
  const long = longFunctions(sources, MAX_FUNCTION_LINES)
    .filter((f) => !LONG_RULE_TABLES.includes(`${f.path}:${f.name}`))
    .map((f) => `src/${f.path}:${f.line} ${f.name} (${f.lines} lines)`);
  t.deepEqual(long, []);
});

test('no import cycle among the modules of src/', (t) => {
  t.true(graph.size === sources.length);
  t.deepEqual(importCycles(graph), []);
});

test('archive, ese, logs and registry import nothing from backup, restore, cli or platform', (t) => {
  const low = ['archive', 'ese', 'logs', 'registry'];
  const high = ['backup', 'restore', 'cli', 'platform'];
  const wrong = [...graph]
    .filter(([from]) => low.includes(layerOf(from)))
    .flatMap(([from, targets]) => targets.filter((to) => high.includes(layerOf(to))).map((to) => `${from} -> ${to}`));
  t.deepEqual(wrong, []);
});

test('the core (backup, restore, retention, ops and ad too) never imports the platform adapters or the CLI', (t) => {
  const core = ['archive', 'ese', 'logs', 'registry', 'backup', 'restore', 'retention', 'ops', 'ad'];
  const wrong = [...graph]
    .filter(([from]) => core.includes(layerOf(from)))
    .flatMap(([from, targets]) =>
      targets.filter((to) => ['cli', 'platform'].includes(layerOf(to))).map((to) => `${from} -> ${to}`),
    );
  t.deepEqual(wrong, []);
});

test('every import of src/ goes down the layers of ARCHITECTURE.md', (t) => {
  t.deepEqual(
    layerViolations(graph).map((v) => `${v.from} -> ${v.to}`),
    [],
  );
});

test('comment lines in src/ fit in 120 characters (Prettier wraps code, not comments)', (t) => {
  t.deepEqual(
    longCommentLines(sources, 120).map((c) => `src/${c.path}:${c.line} (${c.width})`),
    [],
  );
});
