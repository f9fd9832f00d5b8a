// Bech32 (BIP 173) as age uses it: no length limit on the data part, all-lowercase or all-uppercase (never mixed),
// checksum computed over the lowercase form. Recipients are `age1…` (lowercase), identities `AGE-SECRET-KEY-1…`
// (uppercase by convention).

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ GENERATOR[i]!) >>> 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

/** Regroups bits; with pad false, leftover bits must be fewer than `from` and all zero (canonical encoding). */
function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const max = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    acc = (acc << from) | data[i]!;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & max);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & max);
  } else if (bits >= from || acc !== 0) {
    return null;
  }
  return out;
}

export function bech32Encode(hrp: string, data: Uint8Array, upper = false): string {
  const lowerHrp = hrp.toLowerCase();
  const words = convertBits(data, 8, 5, true)!;
  const checksumInput = [...hrpExpand(lowerHrp), ...words, 0, 0, 0, 0, 0, 0];
  const mod = polymod(checksumInput) ^ 1;
  for (let i = 0; i < 6; i++) words.push((mod >>> (5 * (5 - i))) & 31);
  const text = lowerHrp + '1' + words.map((w) => CHARSET[w]).join('');
  return upper ? text.toUpperCase() : text;
}

export type Bech32Problem = 'mixed-case' | 'no-separator' | 'bad-character' | 'bad-checksum' | 'bad-padding';

/** Decodes a Bech32 string; the HRP comes back lowercase. */
export function bech32Decode(text: string): { hrp: string; data: Buffer } | { problem: Bech32Problem } {
  const lower = text.toLowerCase();
  if (lower !== text && text.toUpperCase() !== text) return { problem: 'mixed-case' };
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || lower.length - sep - 1 < 6) return { problem: 'no-separator' };
  const hrp = lower.slice(0, sep);
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126) return { problem: 'bad-character' };
  }
  const words: number[] = [];
  for (const ch of lower.slice(sep + 1)) {
    const w = CHARSET.indexOf(ch);
    if (w < 0) return { problem: 'bad-character' };
    words.push(w);
  }
  if (polymod([...hrpExpand(hrp), ...words]) !== 1) return { problem: 'bad-checksum' };
  const bytes = convertBits(words.slice(0, -6), 5, 8, false);
  if (!bytes) return { problem: 'bad-padding' };
  return { hrp, data: Buffer.from(bytes) };
}
