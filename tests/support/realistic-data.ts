import { randomBytes } from 'node:crypto';

const MiB = 1024 * 1024;

/** Deterministic data that looks like a database: 8 KiB pages, some random, some text-like records, some zeros. */
export function realisticData(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let s = seed >>> 0;
  const rnd = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const words = 'CN=User OU=Accounts DC=corp DC=example DC=com objectClass user person top sAMAccountName'.split(' ');
  const noise = randomBytes(1 * MiB);
  for (let p = 0; p < size; p += 8192) {
    const kind = rnd() % 10;
    const end = Math.min(size, p + 8192);
    if (kind < 2) noise.copy(out, p, rnd() % (noise.length - 8192), (rnd() % (noise.length - 8192)) + (end - p));
    else if (kind < 8) {
      let o = p + 64;
      out.writeUInt32LE(rnd(), p);
      while (o < end - 48) o += out.write(`${words[rnd() % words.length]}=${rnd() % 100000};`, o, 'latin1');
    }
  }
  return out;
}
