// Reading a file that must be small (a request, a sidecar manifest): stat first, so that a FIFO or a device is
// refused instead of blocking on open or being read forever (/dev/zero), and a size limit.
import { readFile, stat } from 'node:fs/promises';
import { requireRegularFile } from './regular-file.ts';

/** Rejects with a Node-style error (code EISDIR, EINVAL for a non-regular file, EFBIG over `limit` bytes). */
export async function readSmallFile(path: string, limit: number): Promise<Buffer> {
  const st = await stat(path);
  requireRegularFile(st);
  if (st.size > limit) throw Object.assign(new Error(`larger than ${limit} bytes`), { code: 'EFBIG' });
  const data = await readFile(path);
  if (data.length > limit) throw Object.assign(new Error(`larger than ${limit} bytes`), { code: 'EFBIG' });
  return data;
}
