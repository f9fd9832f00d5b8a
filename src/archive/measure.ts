// A pass-through stage that counts and hashes the bytes of an archive file as they go by: what the backup publishes
// (the sidecar records it) and what a read takes in (verify holds it against the sidecar).
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface Measured {
  stream: Transform;
  bytes(): number;
  /** The sha256 of every byte that passed; ask once the stream has ended. */
  sha256(): string;
}

export function measureStream(onBytes?: (total: number) => void): Measured {
  const hash = createHash('sha256');
  let bytes = 0;
  let digest: string | null = null;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(bytes);
      cb(null, chunk);
    },
  });
  return { stream, bytes: () => bytes, sha256: () => (digest ??= hash.digest('hex')) };
}
