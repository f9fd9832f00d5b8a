// The benchmark's command line: every option is known, anything else is an error (a typo must not start a long run).
export interface BenchOptions {
  sizes: number[];
  runs: number;
  keep: boolean;
  check: boolean;
  startupOnly: boolean;
  /** GiB of the generated ESE databases the reader step walks (scripts/bench/reader.ts). */
  readerSizes: number[];
  readerOnly: boolean;
  help: boolean;
}

export const BENCH_USAGE = `npm run bench [-- options]
  --sizes LIST     GiB of ntds.dit to generate and measure, comma-separated (default 1,8)
  --runs N         runs per step, the best counts (default 1)
  --keep           keep the archives and restored files in the temp folder
  --startup-only   measure only the start-up (adbackup version against a bare node -e 0)
  --reader-sizes LIST  GiB of the generated ESE databases \`adbackup tables\` walks (default 0.25,1,4)
  --reader-only    measure only the reader (its peak RSS must stay flat across the sizes)
  --check          exit 1 when a measured ratio misses its target (for a CI job; never part of npm test)
  --help           this text
Every ratio is printed with its target and met/missed; everything goes to bench-output/results.json.
`;

const VALUED = new Set(['--sizes', '--size-gib', '--runs', '--reader-sizes']);
const FLAGS = new Set(['--keep', '--check', '--startup-only', '--reader-only', '--help', '-h']);

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = {
    sizes: [1, 8],
    runs: 1,
    keep: false,
    check: false,
    startupOnly: false,
    readerSizes: [0.25, 1, 4],
    readerOnly: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (FLAGS.has(a)) {
      if (a === '--keep') o.keep = true;
      else if (a === '--check') o.check = true;
      else if (a === '--startup-only') o.startupOnly = true;
      else if (a === '--reader-only') o.readerOnly = true;
      else o.help = true;
      continue;
    }
    if (!VALUED.has(a)) throw new Error(`unknown option '${a}' (see --help)`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${a} needs a value`);
    if (a === '--runs') {
      o.runs = Number(value);
      if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error(`--runs must be a whole number ≥ 1, not '${value}'`);
    } else {
      const sizes = value.split(',').map(Number);
      if (sizes.some((s) => !(s > 0))) throw new Error(`${a} must be positive numbers of GiB, not '${value}'`);
      if (a === '--reader-sizes') o.readerSizes = sizes;
      else o.sizes = sizes;
    }
  }
  return o;
}
