// Atomic publication: data is written to `<final>.partial`, flushed to disk, renamed over the final name and the
// folder entry flushed too. A crash leaves at most a .partial, never a half-written file under the final name.
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { fsError } from '../errors.ts';

export const PARTIAL_SUFFIX = '.partial';
/** Owner-only: an ntds.dit archive holds every password hash of the domain. */
export const ARCHIVE_FILE_MODE = 0o600;

export interface PartialFile {
  readonly finalPath: string;
  readonly partialPath: string;
  readonly handle: FileHandle;
  /** A stream writing sequentially through the handle; the handle stays ours to sync and close. */
  writable(): Writable;
  /** fsync, close, rename over the final name, fsync the folder. */
  commit(): Promise<void>;
  /** close and remove the .partial; never throws. */
  discard(): Promise<void>;
}

export async function createPartial(finalPath: string): Promise<PartialFile> {
  const partialPath = finalPath + PARTIAL_SUFFIX;
  let handle: FileHandle;
  try {
    handle = await open(partialPath, 'w', ARCHIVE_FILE_MODE);
    // The mode above applies only to a new file: a stale .partial left by a crash keeps its own, so set it (best
    // effort: on Windows this is only the read-only attribute, which some shares refuse to change).
    await handle.chmod(ARCHIVE_FILE_MODE).catch(() => {});
  } catch (err) {
    throw fsError(err, partialPath, 'create');
  }
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    finalPath,
    partialPath,
    handle,
    writable() {
      // Not handle.createWriteStream(): a stream made from a FileHandle keeps it busy, and close() then waits forever.
      return new Writable({
        highWaterMark: 4 << 20,
        write(chunk: Buffer, _e, cb) {
          handle.write(chunk).then(() => cb(), cb);
        },
        writev(chunks, cb) {
          handle.writev(chunks.map((c) => c.chunk as Buffer)).then(() => cb(), cb);
        },
      });
    },
    async commit() {
      try {
        await handle.sync();
        await close();
        await rename(partialPath, finalPath);
        await syncDirectory(dirname(finalPath));
      } catch (err) {
        throw fsError(err, finalPath, 'publish');
      }
    },
    async discard() {
      await close().catch(() => {});
      await unlink(partialPath).catch(() => {});
    },
  };
}

export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  const p = await createPartial(finalPath);
  try {
    await p.handle.writeFile(data);
    await p.commit();
  } catch (err) {
    await p.discard();
    throw fsError(err, finalPath, 'write');
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; NTFS journals the rename itself.
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    /* best effort where the platform does not support it */
  } finally {
    await fh?.close().catch(() => {});
  }
}
