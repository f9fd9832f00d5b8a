// The table reader's memory and speed (issue 20): `adbackup tables` walks every table of generated ESE databases
// (tests/fixtures/large-ese.ts: a catalog, a five-row table and one large multi-level B-tree) of growing size, and
// its peak RSS must stay flat: the RSS at the largest size over the RSS at the smallest, against TARGETS.readerFlat.
// The databases are generated once into the temp folder and kept (made anew when the generator changes).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LABELS, LARGE_ESE_VERSION, ROWS, largeEseShape, writeLargeEse } from '../../tests/fixtures/large-ese.ts';
import { type Run, measure } from './measure.ts';
import { type Judged, TARGETS, judge } from './targets.ts';

export interface ReaderRun extends Run {
  sizeGiB: number;
  bytes: number;
  rows: number;
  mbps: number;
  rowsPerSecond: number;
}

export interface ReaderResult {
  command: string;
  runs: ReaderRun[];
  /** Peak RSS at the largest size ÷ at the smallest. */
  flatRatio: number;
}

function databaseFor(sizeGiB: number): { path: string; bytes: number; rows: number } {
  const dir = join(tmpdir(), 'adbackup-bench-reader');
  const path = join(dir, `${sizeGiB}g-v${LARGE_ESE_VERSION}.edb`);
  const shape = largeEseShape(Math.round(sizeGiB * 1024 ** 3));
  const bytes = (shape.dataPages + 2) * 8192;
  const rows = shape.leaves * ROWS.rowsPerLeaf + LABELS.rows;
  if (!existsSync(path) || statSync(path).size !== bytes) {
    mkdirSync(dir, { recursive: true });
    console.log(`generating a ${sizeGiB} GiB ESE database in ${path} …`);
    writeLargeEse(`${path}.partial`, bytes); // renamed only once whole: an interrupted run is not taken for a database
    renameSync(`${path}.partial`, path);
  }
  return { path, bytes, rows };
}

/** Measures `command` (argv of `adbackup tables`, JSON request on stdin) on a database of each size. */
export function benchReader(sizes: number[], command: string[], runs: number): ReaderResult {
  const out: ReaderRun[] = [];
  for (const sizeGiB of [...sizes].sort((a, b) => a - b)) {
    const db = databaseFor(sizeGiB);
    let best: Run | null = null;
    for (let i = 0; i < runs; i++) {
      execFileSync('bash', ['-c', `cat '${db.path}' > /dev/null`]); // warm: the walk, not the disk, is measured
      const r = measure(`adbackup tables (${sizeGiB} GiB)`, command, JSON.stringify({ path: db.path }));
      if (!best || r.seconds < best.seconds) best = r;
    }
    const mbps = Math.round(db.bytes / 1e6 / best!.seconds);
    out.push({
      ...best!,
      sizeGiB,
      bytes: db.bytes,
      rows: db.rows,
      mbps,
      rowsPerSecond: Math.round(db.rows / best!.seconds),
    });
  }
  const flatRatio = out.length < 2 ? 1 : +(out.at(-1)!.maxRssMiB / out[0]!.maxRssMiB).toFixed(2);
  const label = command.slice(0, -1).map((a) => (a.startsWith('/') ? relative(process.cwd(), a) : a));
  return { command: label.join(' '), runs: out, flatRatio };
}

export function judgeReader(r: ReaderResult): Judged[] {
  if (r.runs.length < 2) return [];
  const name = `reader peak RSS ${r.runs.at(-1)!.sizeGiB} GiB / ${r.runs[0]!.sizeGiB} GiB (tables)`;
  return [judge(name, r.flatRatio, TARGETS.readerFlat)];
}

export function printReader(r: ReaderResult): void {
  console.log(`reader: ${r.command} tables, every table walked and counted`);
  console.log('size      rows         s     MB/s   rows/s     RSS MiB');
  for (const x of r.runs)
    console.log(
      `${(x.sizeGiB + ' GiB').padEnd(9)} ${String(x.rows).padStart(9)} ${x.seconds.toFixed(2).padStart(7)} ${String(x.mbps).padStart(7)} ${String(x.rowsPerSecond).padStart(9)} ${String(x.maxRssMiB).padStart(9)}`,
    );
}
