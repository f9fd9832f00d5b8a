// Atomic publication: data is written to `<final>.partial`, flushed to disk, renamed over the final name and the
// folder entry flushed too. A crash leaves at most a .partial, never a half-written file under the final name.
//
// A killed process cannot remove its .partial. The .partial is therefore created exclusively: an existing one
// (left by a killed run, or being written right now by another run to the same name) is refused with
// PARTIAL_EXISTS unless the caller takes it over explicitly (`replaceStale`), and even then the rename only
// publishes the file this process wrote: if another process replaced the .partial meanwhile, commit refuses.
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { AppError, fsError } from './errors.ts';
import { release } from './owned-buffer.ts';

export const PARTIAL_SUFFIX = '.partial';
/** Owner-only: an ntds.dit archive holds every password hash of the domain. */
export const ARCHIVE_FILE_MODE = 0o600;

export interface PartialFile {
  readonly finalPath: string;
  readonly partialPath: string;
  readonly handle: FileHandle;
  /**
   * A stream writing sequentially through the handle; the handle stays ours to sync and close. `releaseWritten`: the
   * stream is the last user of the adopted buffers it is given (owned-buffer.ts) and lets go of each once written.
   */
  writable(options?: { releaseWritten?: boolean }): Writable;
  /** fsync, close, rename over the final name, fsync the folder. */
  commit(): Promise<void>;
  /** close and remove the .partial; never throws. */
  discard(): Promise<void>;
}

export interface PartialOptions {
  /** Bytes between two background flushes (FLUSH_EVERY; tests make it small). */
  flushEvery?: number;
  /** Remove a leftover `<final>.partial` first instead of refusing (the caller owns the name). */
  replaceStale?: boolean;
}

export async function createPartial(finalPath: string, options: PartialOptions = {}): Promise<PartialFile> {
  const partialPath = finalPath + PARTIAL_SUFFIX;
  const handle = await openPartial(finalPath, partialPath, options);
  const mine = await handle.stat().catch(() => null);
  /** Whether the .partial on disk is still the file this process created. */
  const stillMine = async () => {
    const there = await stat(partialPath).catch(() => null);
    return mine === null || (there !== null && there.ino === mine.ino && there.dev === mine.dev);
  };
  let closed = false;
  const flusher = backgroundFlusher(handle, options.flushEvery ?? FLUSH_EVERY);
  const close = async () => {
    if (!closed) {
      closed = true;
      await flusher.settled().catch(() => {});
      await handle.close();
    }
  };
  return {
    finalPath,
    partialPath,
    handle,
    writable: (options) => sequentialWritable(handle, flusher, options?.releaseWritten ?? false),
    async commit() {
      try {
        await flusher.settled();
        await handle.sync();
        await close();
        if (!(await stillMine())) {
          throw new AppError(
            'Precondition',
            'PARTIAL_REPLACED',
            `'${partialPath}' was replaced by another process while this one wrote it; nothing was published`,
            { target: partialPath },
          );
        }
        await rename(partialPath, finalPath);
        await syncDirectory(dirname(finalPath));
      } catch (err) {
        throw fsError(err, finalPath, 'publish');
      }
    },
    async discard() {
      await close().catch(() => {});
      if (await stillMine()) await unlink(partialPath).catch(() => {});
    },
  };
}

/** The .partial, created exclusively (PARTIAL_EXISTS when one is there), after removing a stale one if asked. */
async function openPartial(finalPath: string, partialPath: string, options: PartialOptions): Promise<FileHandle> {
  try {
    if (options.replaceStale)
      await unlink(partialPath).catch((err) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    return await open(partialPath, 'wx', ARCHIVE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AppError(
        'Precondition',
        'PARTIAL_EXISTS',
        `'${partialPath}' exists: another run is writing '${finalPath}' now, or one was killed before it could clean up. If none is running, delete it (or allow overwriting, which replaces it)`,
        { target: partialPath },
      );
    }
    throw fsError(err, partialPath, 'create');
  }
}

/** Bytes written between two background flushes. */
export const FLUSH_EVERY = 64 << 20;

/**
 * Flushes a file's data while it is being written, one fdatasync at a time, each over what was written up to then.
 * Without it the kernel holds a whole restored database dirty until the commit's fsync, which then waits for all
 * of it; with it the disk writes while the pass still decompresses and hashes, and the final fsync has only the last
 * stretch left. A failed flush fails the commit (`settled`).
 */
function backgroundFlusher(handle: FileHandle, every: number) {
  let unflushed = 0;
  let running: Promise<void> | null = null;
  let failure: unknown = null;
  return {
    wrote(n: number): void {
      unflushed += n;
      if (unflushed < every || running) return;
      unflushed = 0;
      running = handle
        .datasync()
        .catch((err: unknown) => void (failure ??= err))
        .finally(() => (running = null));
    },
    async settled(): Promise<void> {
      await running;
      if (failure) throw failure;
    },
  };
}

/** A stream writing sequentially through `handle`, which stays the caller's to sync and close. */
function sequentialWritable(
  handle: FileHandle,
  flusher: ReturnType<typeof backgroundFlusher>,
  releaseWritten: boolean,
): Writable {
  const written = (chunks: Buffer[]) => {
    if (releaseWritten) for (const c of chunks) release(c);
  };
  // Not handle.createWriteStream(): a stream made from a FileHandle keeps it busy, and close() then waits forever.
  return new Writable({
    highWaterMark: 4 << 20,
    write(chunk: Buffer, _e, cb) {
      writeAll(handle, flusher, [chunk]).then(() => {
        written([chunk]);
        cb();
      }, cb);
    },
    writev(entries, cb) {
      const chunks = entries.map((c) => c.chunk as Buffer);
      writeAll(handle, flusher, chunks).then(() => {
        written(chunks);
        cb();
      }, cb);
    },
  });
}

/** Every byte of `chunks`, in order: a write may take fewer bytes than it was given (a full disk, a signal). */
async function writeAll(
  handle: FileHandle,
  flusher: ReturnType<typeof backgroundFlusher>,
  chunks: Buffer[],
): Promise<void> {
  let left = chunks.filter((c) => c.length > 0);
  while (left.length > 0) {
    let n = (await handle.writev(left)).bytesWritten;
    flusher.wrote(n);
    if (n === 0) throw Object.assign(new Error('the disk took no bytes'), { code: 'EIO' });
    while (left.length > 0 && n >= left[0]!.length) n -= left.shift()!.length;
    if (n > 0) left = [left[0]!.subarray(n), ...left.slice(1)];
  }
}

export async function writeFileAtomic(
  finalPath: string,
  data: string | Uint8Array,
  options: PartialOptions = {},
): Promise<void> {
  const p = await createPartial(finalPath, options);
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
