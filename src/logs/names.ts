// Log-folder file names (logstream.cxx LGSzLogIdAppend; src/ese/FORMAT.md §4.3). The current log is `edb.log`;
// closed logs are `edb` + the generation in hex, 5 digits (8.3 mode, generation ≤ 0xFFFFF) or 8 digits. Names are
// case-insensitive, as on NTFS. Reserve logs, the temp log and the checkpoint share the folder but are not in the
// numbered sequence.

export type LogFileRole = 'current' | 'numbered' | 'reserve' | 'temp' | 'checkpoint' | 'other';

export interface ClassifiedName {
  name: string;
  role: LogFileRole;
  /** For numbered logs: the generation the name states. The current log's generation is in its header. */
  generation?: number;
  digits?: 5 | 8;
}

export const DEFAULT_BASE = 'edb';
const MAX_5_DIGIT_GENERATION = 0xfffff;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function classifyLogName(name: string, base = DEFAULT_BASE): ClassifiedName {
  const b = escapeRe(base);
  const lower = name.toLowerCase();
  const numbered = new RegExp(`^${b}([0-9a-f]{5}|[0-9a-f]{8})\\.(log|jtx)$`, 'i').exec(name);
  if (numbered) {
    const digits = numbered[1]!;
    return { name, role: 'numbered', generation: parseInt(digits, 16), digits: digits.length as 5 | 8 };
  }
  if (new RegExp(`^${b}\\.(log|jtx)$`, 'i').test(name)) return { name, role: 'current' };
  if (new RegExp(`^${b}tmp\\.(log|jtx)$`, 'i').test(name)) return { name, role: 'temp' };
  if (new RegExp(`^${b}res[0-9a-f]+\\.jrs$`, 'i').test(name) || /^res[12]\.log$/.test(lower))
    return { name, role: 'reserve' };
  if (new RegExp(`^${b}\\.(chk|jcp)$`, 'i').test(name)) return { name, role: 'checkpoint' };
  return { name, role: 'other' };
}

/** The name ESE gives generation `gen`: 5 hex digits while they suffice, else 8 (or as asked). */
export function numberedLogName(
  gen: number,
  options: { base?: string; digits?: 5 | 8; extension?: string } = {},
): string {
  const digits = options.digits ?? (gen <= MAX_5_DIGIT_GENERATION ? 5 : 8);
  if (digits === 5 && gen > MAX_5_DIGIT_GENERATION)
    throw new RangeError(`generation 0x${gen.toString(16)} needs 8 digits`);
  const hex = gen.toString(16).toUpperCase().padStart(digits, '0');
  return `${options.base ?? DEFAULT_BASE}${hex}.${options.extension ?? 'log'}`;
}
