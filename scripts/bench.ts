// npm run bench [-- --size-gib N] [--keep]
// Backs up a synthetic DSA folder of N GiB (default 2) with adbackup and with the stock tools on the same files,
// in one run, and reports time and peak RSS as ratios (ours / stock). The page cache is warmed first so every run
// reads the same way. Results: a table on stdout and bench-output/results.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATOR_VERSION, makeDsaFolder } from '../tests/fixtures/synthetic-dsa.ts';

const root = new URL('..', import.meta.url).pathname;
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const sizeGiB = Number(arg('--size-gib', '2'));
const keep = process.argv.includes('--keep');
const work = join(tmpdir(), `adbackup-bench-${sizeGiB}g`);
const bundle = join(root, 'dist/adbackup.cjs');
if (!existsSync(bundle)) execFileSync(process.execPath, [join(root, 'scripts/build.ts'), '--bundle-only'], { stdio: 'inherit' });

interface Run {
  seconds: number;
  maxRssMiB: number;
}

/** Wall time and peak RSS of a command (GNU time; for a pipeline, the largest process in it). */
function measure(label: string, argv: string[], input?: string): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(-2000)} ${r.stdout.slice(-2000)}`);
  const [secs, kib] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: secs!, maxRssMiB: Math.round(kib! / 1024) };
}

const src = join(work, 'NTDS');
const out = join(work, 'out');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const dbBytes = Math.round(sizeGiB * 1024 ** 3);
const stamp = join(work, `generator-v${GENERATOR_VERSION}`);
if (!existsSync(stamp) || !existsSync(join(src, 'ntds.dit')) || statSync(join(src, 'ntds.dit')).size !== dbBytes) {
  rmSync(work, { recursive: true, force: true });
  console.log(`generating a ${sizeGiB} GiB synthetic DSA folder in ${src} …`);
  await makeDsaFolder(src, { databaseBytes: dbBytes, logs: 20, logFileBytes: 10 << 20, state: 'dirty', seed: 7 });
  writeFileSync(stamp, '');
}
mkdirSync(out, { recursive: true });
const files = readdirSync(src).map((n) => join(src, n));
const dataBytes = files.reduce((n, f) => n + statSync(f).size, 0);
execFileSync('bash', ['-c', `cat ${files.map((f) => `'${f}'`).join(' ')} > /dev/null`]); // warm the page cache

const ours = measure('adbackup backup', [process.execPath, bundle, 'backup'], JSON.stringify({ source: { type: 'folder', path: src, computer: 'BENCH' }, destination: { path: join(out, 'ours.tar.zst') } }));
const stock = measure('tar | zstd -3 -T0', ['bash', '-c', `tar -cf - -C '${src}' . | zstd -3 -T0 -q -o '${join(out, 'stock.tar.zst')}'`]);
const verify = measure('adbackup verify', [process.execPath, bundle, 'verify'], JSON.stringify({ archive: join(out, 'ours.tar.zst') }));
const sums = measure('sha256sum', ['sha256sum', ...files]);

const mbps = (s: number) => Math.round(dataBytes / 1e6 / s);
// Each step is judged by its own measure: backup by time (ours / stock), verify by throughput (stock time / ours).
const rows = [
  ['backup', ours, stock, 'tar -cf - | zstd -3 -T0', 'time', 'time ≤ 1.0×'],
  ['verify', verify, sums, 'sha256sum', 'throughput', 'throughput ≥ 0.9×'],
] as const;
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`,
  dataBytes,
  archiveBytes: { ours: statSync(join(out, 'ours.tar.zst')).size, stock: statSync(join(out, 'stock.tar.zst')).size },
  runs: Object.fromEntries(rows.map(([name, a, b, ref]) => [name, { ours: a, stock: b, reference: ref, timeRatio: +(a.seconds / b.seconds).toFixed(2), throughputRatio: +(b.seconds / a.seconds).toFixed(2), rssRatio: +(a.maxRssMiB / b.maxRssMiB).toFixed(2) }])),
};
console.log(`\n${(dataBytes / 2 ** 30).toFixed(2)} GiB of DSA files; ${result.machine}`);
console.log('step    ours (s, MB/s, RSS MiB)      stock (s, MB/s, RSS MiB)  stock tool               ratio             target');
for (const [name, a, b, ref, measureName, target] of rows) {
  const ratio = measureName === 'time' ? a.seconds / b.seconds : b.seconds / a.seconds;
  console.log(
    `${name.padEnd(7)} ${a.seconds.toFixed(2).padStart(6)} ${String(mbps(a.seconds)).padStart(5)} ${String(a.maxRssMiB).padStart(5)}        ` +
      `${b.seconds.toFixed(2).padStart(6)} ${String(mbps(b.seconds)).padStart(5)} ${String(b.maxRssMiB).padStart(5)}  ${ref.padEnd(24)} ${measureName} ${ratio.toFixed(2)}×  ${target}`,
  );
}
console.log(`archive size: ours ${result.archiveBytes.ours} bytes, stock ${result.archiveBytes.stock} bytes`);
mkdirSync(join(root, 'bench-output'), { recursive: true });
writeFileSync(join(root, 'bench-output/results.json'), JSON.stringify(result, null, 2) + '\n');
if (!keep) rmSync(out, { recursive: true, force: true });
