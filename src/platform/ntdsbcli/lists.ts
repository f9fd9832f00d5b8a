// The API's file lists: UTF-16 strings, each one BFT character followed by a UNC path, NUL-terminated, the list
// ended by one more NUL (API.md §3). The directory tags are 0x82/0x83 in the header and 0x22/0x23 in the
// documentation; both are accepted by classifying on the low nibble.
export type BftKind = 'log' | 'log-dir' | 'checkpoint-dir' | 'database' | 'patch' | 'unknown';

export interface BftEntry {
  bft: number;
  kind: BftKind;
  path: string;
}

const KINDS: Record<number, BftKind> = { 1: 'log', 2: 'log-dir', 3: 'checkpoint-dir', 4: 'database', 5: 'patch' };

export function parseBftList(bytes: Uint8Array): BftEntry[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength - (bytes.byteLength % 2)).toString(
    'utf16le',
  );
  const out: BftEntry[] = [];
  for (const s of text.split('\0')) {
    if (s.length === 0) break; // the terminating empty string
    const bft = s.charCodeAt(0);
    out.push({ bft, kind: KINDS[bft & 0x0f] ?? 'unknown', path: s.slice(1) });
  }
  return out;
}

/** \\DC01\C$\Windows\NTDS\x → C:\Windows\NTDS\x when DC01 is this computer (admin shares); else unchanged. */
export function uncToLocal(path: string, computer: string): string {
  const m = /^\\\\([^\\]+)\\([A-Za-z])\$\\?(.*)$/.exec(path);
  if (!m || m[1]!.toUpperCase() !== computer.toUpperCase()) return path;
  return `${m[2]!.toUpperCase()}:\\${m[3]}`;
}

/** The server name the API wants: "\\NAME", from this computer's NetBIOS name (no underscores allowed). */
export function serverName(computer: string): string {
  return '\\\\' + computer.replace(/^\\+/, '');
}
