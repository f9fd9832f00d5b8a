// Shared by the hive tests: the hivex tools as independent readers and writers, and a whole-hive dump in one
// shape for our reader and theirs (path → subkey names in stored order, values as type code + data hex).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Hive } from '../../../src/registry/hive/hive.ts';

const run = promisify(execFile);

export interface KeyDump {
  subkeys: string[];
  values: Record<string, { type: number; hex: string }>;
}
export type HiveDump = Record<string, KeyDump>;

/** Every key of the hive as our reader sees it. */
export function dumpHive(hive: Hive): HiveDump {
  const out: HiveDump = {};
  const walk = (path: string): void => {
    const subkeys = hive.subkeys(path)!;
    const values = Object.fromEntries(
      hive.values(path)!.map((v) => [v.name, { type: v.type, hex: v.data.toString('hex') }]),
    );
    out[path] = { subkeys, values };
    for (const s of subkeys) walk(path === '' ? s : `${path}\\${s}`);
  };
  walk('');
  return out;
}

const DUMP_PL = String.raw`
use strict; use warnings; use Win::Hivex; use JSON::PP;
my $h = Win::Hivex->open($ARGV[0]);
my %out;
sub walk {
  my ($node, $path) = @_;
  my @kids = $h->node_children($node);
  my %vals;
  for my $v ($h->node_values($node)) {
    my ($type, $data) = $h->value_value($v);
    $vals{$h->value_key($v)} = { type => $type, hex => unpack('H*', $data) };
  }
  $out{$path} = { subkeys => [ map { $h->node_name($_) } @kids ], values => \%vals };
  walk($_, $path eq '' ? $h->node_name($_) : "$path\\" . $h->node_name($_)) for @kids;
}
walk($h->root, '');
print JSON::PP->new->canonical->ascii->encode(\%out), "\n";
`;

/** Every key of the hive as the hivex library (Win::Hivex) reads it. */
export async function hivexDump(file: string): Promise<HiveDump> {
  const { stdout } = await run('perl', ['-e', DUMP_PL, file], { maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as HiveDump;
}

/**
 * Runs a hivex tool; its output decoded line by line as Perl prints it without an encoding layer: a line whose
 * characters all fit in a byte comes out as Latin-1 bytes, any other as UTF-8.
 */
export async function tool(cmd: string, args: string[], input?: string): Promise<string> {
  const stdout = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 256 << 20, encoding: 'buffer' }, (err, out, stderr) =>
      err ? reject(new Error(`${cmd}: ${err.message}\n${stderr.toString()}`)) : resolve(out),
    );
    child.stdin!.end(input ?? '');
  });
  return perlLines(stdout);
}

function perlLines(bytes: Buffer): string {
  const lines: string[] = [];
  for (let start = 0; start <= bytes.length;) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    const utf8 = line.toString('utf8');
    lines.push(utf8.includes('\ufffd') ? line.toString('latin1') : utf8);
    start = end + 1;
  }
  return lines.join('\n');
}

/**
 * hivexregedit --export / hivexsh lsval output as values: `"name"=hex(N):..`, `dword:..`, `"string"`,
 * `str(N):"string"`; `@` is the default value. Returns key path (relative to the root) → name → value.
 */
export function parseRegExport(
  text: string,
): Record<string, Record<string, { type: number; hex?: string; text?: string }>> {
  const out: Record<string, Record<string, { type: number; hex?: string; text?: string }>> = {};
  let key = '';
  for (const line of text.replace(/\\\r?\n\s*/g, '').split(/\r?\n/)) {
    const header = /^\[\\?(.*)\]$/.exec(line);
    if (header) {
      key = header[1]!;
      out[key] ??= {};
      continue;
    }
    const m = /^(@|"((?:[^"\\]|\\.)*)")=(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1] === '@' ? '' : unescape(m[2]!);
    (out[key] ??= {})[name] = parseData(m[3]!);
  }
  return out;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

function parseData(d: string): { type: number; hex?: string; text?: string } {
  const hex = /^hex(?:\(([0-9a-f]+)\))?:(.*)$/i.exec(d);
  if (hex)
    return { type: hex[1] === undefined ? 3 : parseInt(hex[1], 16), hex: hex[2]!.replace(/,/g, '').toLowerCase() };
  const dword = /^dword:([0-9a-f]{8})$/i.exec(d);
  if (dword) return { type: 4, hex: Buffer.from(dword[1]!, 'hex').reverse().toString('hex') };
  const str = /^(?:str\(([0-9a-f]+)\):)?"((?:[^"\\]|\\.)*)"$/i.exec(d);
  if (str) return { type: str[1] === undefined ? 1 : parseInt(str[1], 16), text: unescape(str[2]!) };
  throw new Error(`unparsed value data: ${d}`);
}
