// The identities and passphrases a command was given, and the one place a file key is unlocked: the stanza
// rules that hold for every identity, each identity in turn, then the header MAC. Unlocked keys are cached per
// header, so verify-then-restore derives a passphrase key (seconds of scrypt) once.
import { ageError } from './errors.ts';
import { type AgeHeader, macMatches } from './header.ts';
import type { AgeIdentity } from './key-types.ts';

export class AgeKeyring {
  readonly identities: readonly AgeIdentity[];
  private readonly unlocked = new Map<string, Buffer>();

  constructor(identities: readonly AgeIdentity[]) {
    this.identities = identities;
  }

  async unlock(header: AgeHeader): Promise<Buffer> {
    const cacheKey = header.bytes.toString('latin1');
    const known = this.unlocked.get(cacheKey);
    if (known) return known;
    const types = header.stanzas.map((s) => s.args[0]!);
    // A passphrase is only meaningful if nobody else can open the file too (age spec, scrypt recipient stanza).
    if (types.includes('scrypt') && types.length !== 1)
      throw ageError('header', 'an scrypt (passphrase) stanza must be the only stanza of the header');
    let fileKey: Buffer | null = null;
    for (const identity of this.identities) {
      fileKey = await identity.unwrap(header.stanzas);
      if (fileKey) break;
    }
    if (!fileKey) throw noMatch(types, this.identities);
    if (!macMatches(fileKey, header))
      throw ageError('mac', 'the age header MAC does not match: the header was altered after it was written');
    this.unlocked.set(cacheKey, fileKey);
    return fileKey;
  }
}

function noMatch(types: string[], identities: readonly AgeIdentity[]): Error {
  const kinds = new Set(identities.map((i) => i.kind));
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  const stanzas = [...counts].map(([t, n]) => `${n} ${t}`).join(', ');
  if (types.length === 1 && types[0] === 'scrypt') {
    return ageError(
      'no-match',
      kinds.has('scrypt')
        ? 'the passphrase is wrong: it does not open this passphrase-encrypted file'
        : 'the file is passphrase-encrypted: give the passphrase',
      { stanzas: types },
    );
  }
  return ageError(
    'no-match',
    `none of the ${identities.length} given identities or passphrases opens the file (its header has ${stanzas} stanza(s))`,
    { stanzas: types },
  );
}
