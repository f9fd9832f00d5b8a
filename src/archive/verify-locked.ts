// verify of an encrypted archive without an identity or passphrase: what can be checked from the outside. The age
// header must parse (a malformed one is an Integrity error, exit 3), the payload length must be a whole STREAM
// payload, and the file must hash to what its sidecar recorded. The content (entries, ESE headers, pages) cannot
// be read, which the result says with contentVerified false and a content-not-verified warning; the CLI turns
// that into exit 4 (a key is the missing precondition) when nothing else is wrong, exit 3 when something is.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fsError } from '../errors.ts';
import { payloadLengthProblem, readAgeHeader } from './encryption.ts';
import { checkSidecar, readSidecar } from './sidecar.ts';
import { progressThrottle } from '../progress.ts';
import type { VerifyEnv, VerifyFinding, VerifyResult } from './verify-types.ts';

export async function verifyWithoutKey(path: string, env: VerifyEnv): Promise<VerifyResult> {
  const findings: VerifyFinding[] = [];
  const add = (severity: VerifyFinding['severity'], code: string, message: string) =>
    findings.push({ code, severity, message });
  const header = await readAgeHeader(path);
  const stanzas = header.stanzas.map((s) => s.args[0]!);

  const hash = createHash('sha256');
  let size = 0;
  const due = progressThrottle();
  try {
    await pipeline(
      createReadStream(path, { highWaterMark: 1 << 20 }),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          hash.update(chunk);
          size += chunk.length;
          if (env.progress && due()) {
            env.progress({ phase: 'verify', bytesDone: size });
          }
        }
      },
      ...(env.signal ? [{ signal: env.signal }] : []),
    );
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  const sha256 = hash.digest('hex');
  const cut = payloadLengthProblem(size, header);
  if (cut) add('error', 'archive-damaged', cut);
  const sidecar = await checkSidecar(path, { sha256, size, stanzas }, null, add);
  add(
    'warning',
    'content-not-verified',
    `the archive is age-encrypted (${stanzas.join(', ')}) and no identity or passphrase was given: only its age header, payload length and whole-file hash${sidecar ? ' (against the sidecar)' : ''} were checked. Give decryption.identityFile or decryption.passphrase to verify the content.`,
  );
  const s = sidecar ?? (await readSidecar(path));
  return {
    ok: !findings.some((f) => f.severity === 'error'),
    archive: path,
    format: s?.compression?.type ?? null,
    size,
    sha256,
    backupId: s?.backupId ?? null,
    entries: [],
    logRange: null,
    logFindings: [],
    pages: null,
    findings,
    encryption: { format: 'age', stanzas, contentVerified: false },
  };
}
