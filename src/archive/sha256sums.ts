// SHA256SUMS in the format `sha256sum -c` reads: "<64 hex>  <name>\n" (two spaces = text mode, which GNU
// coreutils treats the same as binary on POSIX).
export function formatSha256Sums(entries: readonly { entry: string; sha256: string }[]): string {
  return entries.map((e) => `${e.sha256}  ${e.entry}\n`).join('');
}

export function parseSha256Sums(text: string): { entries: Map<string, string>; bad: string[] } {
  const entries = new Map<string, string>();
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m || entries.has(m[2]!)) bad.push(line);
    else entries.set(m[2]!, m[1]!);
  }
  return { entries, bad };
}
