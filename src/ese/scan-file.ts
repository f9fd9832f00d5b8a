// `adbackup pages`: every page of a database file checked, like the summary of `esentutl /k`. Streams the file in
// 1 MiB reads; nothing but the page statistics is kept.
import { createReadStream } from 'node:fs';
import { fsError } from '../errors.ts';
import { EseHeaderError } from './errors.ts';
import { type PageStats, PageScanner } from './page-scanner.ts';
import { readHeaderFile } from './read.ts';
import { progressThrottle } from '../progress.ts';

export async function scanDatabaseFile(
  path: string,
  progress: (e: Record<string, unknown>) => void = () => {},
): Promise<{ path: string; fileSize: number } & PageStats> {
  const header = await readHeaderFile(path, 'database'); // a clear error for a file that is no database
  const scanner = new PageScanner();
  let done = 0;
  const due = progressThrottle();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      scanner.add(chunk as Buffer);
      done += (chunk as Buffer).length;
      if (due()) {
        progress({ phase: 'pages', file: path, bytesDone: done, bytesTotal: header.fileSize });
      }
    }
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  const stats = scanner.finish();
  if (!stats)
    throw new EseHeaderError(
      'ESE_CHECKSUM_MISMATCH',
      `${path}: the database header cannot be read, so its pages cannot be located`,
      {},
      path,
    );
  return { path, fileSize: header.fileSize, ...stats };
}
