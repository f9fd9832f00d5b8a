// Folder source: a VSS snapshot, `ntdsutil ifm` output or an offline copy of the DSA folders. Every file is
// read once, in 1 MiB reads with one read ahead, and must not change while it is read: it has to be a snapshot.
import { open, readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AppError, fsError } from '../errors.ts';
import { pathApi } from '../paths.ts';
import type { BackupSource, SourceItem, SourcePlan } from '../backup/source.ts';
import { scanLogSet } from '../logs/scan.ts';
import { DEFAULT_BASE } from '../logs/names.ts';
import { readBuffers } from '../buffer-pool.ts';
import { requireRegularFile } from '../regular-file.ts';

export interface FolderSourceRequest {
  /** One folder holding ntds.dit (or IFM's "Active Directory\ntds.dit"), the logs and edb.chk. */
  path?: string;
  databasePath?: string;
  logPath?: string;
  /** The checkpoint file, or the folder holding it (NTDS's DSA Working Directory): `<base>.chk` in it. */
  checkpointPath?: string;
  computer?: string;
  baseName?: string;
  /** The live locations on the DC, when the files are read from a snapshot or copy. */
  recordAs?: { databasePath?: string; logPath?: string; checkpointPath?: string };
}

export const READ_CHUNK = readBuffers.size;

export function localComputerName(): string {
  return hostname().split('.')[0]!.toUpperCase();
}

export function createFolderSource(req: FolderSourceRequest): BackupSource {
  const computer = req.computer ?? localComputerName();
  return {
    type: 'folder',
    computer,
    plan: () => planFolder(req),
    async finish() {},
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function planFolder(req: FolderSourceRequest): Promise<SourcePlan> {
  let databasePath = req.databasePath;
  if (databasePath === undefined) {
    if (req.path === undefined)
      throw new AppError('InvalidRequest', 'SOURCE_PATH_MISSING', 'the folder source needs path or databasePath');
    const p = pathApi(req.path);
    const candidates = [p.join(req.path, 'ntds.dit'), p.join(req.path, 'Active Directory', 'ntds.dit')];
    for (const c of candidates) if (await exists(c)) databasePath = c;
    if (databasePath === undefined) {
      throw new AppError(
        'IO',
        'FILE_NOT_FOUND',
        `no ntds.dit in '${req.path}' (looked for ${candidates.join(' and ')})`,
        { target: req.path },
      );
    }
  }
  const p = pathApi(databasePath);
  const logPath = req.logPath ?? req.path ?? p.dirname(databasePath);
  const base = req.baseName ?? DEFAULT_BASE;
  const checkpointPath =
    req.checkpointPath !== undefined
      ? await checkpointFile(req.checkpointPath, base)
      : await defaultCheckpoint([logPath, p.dirname(databasePath)], base);
  const analysis = await scanLogSet({
    logPath,
    databasePath,
    ...(checkpointPath !== null ? { checkpointPath } : {}),
    ...(req.baseName !== undefined ? { baseName: req.baseName } : {}),
  });
  const rec = req.recordAs ?? {};
  const recDb = rec.databasePath ?? databasePath;
  const recLogs =
    rec.logPath ??
    (rec.databasePath !== undefined && req.logPath === undefined ? pathApi(recDb).dirname(recDb) : logPath);
  const recCp = checkpointPath === null ? null : recordedCheckpoint(checkpointPath, rec, recLogs);
  const items: SourceItem[] = [await fileItem('database', databasePath, recDb)];
  for (const f of analysis.files) {
    if (f.role === 'numbered' || f.role === 'current') {
      items.push(await fileItem('log', pathApi(logPath).join(logPath, f.name), pathApi(recLogs).join(recLogs, f.name)));
    }
  }
  if (checkpointPath !== null) items.push(await fileItem('checkpoint', checkpointPath, recCp!));
  return { items, paths: { database: recDb, logs: recLogs, checkpoint: recCp }, analysis };
}

/**
 * Where the checkpoint file of `<base>` is in `dir`: `<base>.chk` in any case (NTFS names are case-insensitive, and a
 * copy may keep Windows' `EDB.CHK`), or null. The exact lower-case name wins when both exist.
 */
export async function findCheckpointIn(dir: string, base: string): Promise<string | null> {
  const wanted = `${base}.chk`.toLowerCase();
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.toLowerCase() === wanted)
      .map((d) => d.name);
  } catch {
    return null;
  }
  const name = names.includes(wanted) ? wanted : names.sort()[0];
  return name === undefined ? null : pathApi(dir).join(dir, name);
}

/** source.checkpointPath: the checkpoint file, or a folder (DSA Working Directory, CheckpointFilePath) holding it. */
async function checkpointFile(given: string, base: string): Promise<string> {
  const st = await stat(given).catch(() => null);
  if (!st?.isDirectory()) return given; // a file, or a missing path that reading then reports
  const found = await findCheckpointIn(given, base);
  if (found === null) {
    const expected = pathApi(given).join(given, `${base}.chk`);
    throw new AppError('IO', 'FILE_NOT_FOUND', `no ${base}.chk in the checkpoint folder '${given}'`, {
      target: expected,
    });
  }
  return found;
}

async function defaultCheckpoint(folders: string[], base: string): Promise<string | null> {
  for (const dir of folders) {
    const found = await findCheckpointIn(dir, base);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The checkpoint's path on the DC. recordAs.checkpointPath may name the file or, like NTDS's own settings, its
 * folder: a restore puts the checkpoint into the folder of the recorded path, so a folder gets the file name added.
 */
function recordedCheckpoint(read: string, rec: NonNullable<FolderSourceRequest['recordAs']>, recLogs: string): string {
  const name = pathApi(read).basename(read);
  const given = rec.checkpointPath;
  if (given !== undefined)
    return /\.chk$/i.test(pathApi(given).basename(given)) ? given : pathApi(given).join(given, name);
  return rec.logPath !== undefined || rec.databasePath !== undefined ? pathApi(recLogs).join(recLogs, name) : read;
}

async function fileItem(role: SourceItem['role'], path: string, recordedPath = path): Promise<SourceItem> {
  let st;
  try {
    st = await stat(path);
    // A folder, a device or a FIFO is no database, log or checkpoint (and opening a FIFO would block).
    requireRegularFile(st);
  } catch (err) {
    throw fsError(err, path, 'read');
  }
  const size = st.size;
  const mtimeMs = st.mtimeMs;
  return {
    role,
    name: pathApi(path).basename(path),
    originalPath: recordedPath,
    localPath: path,
    size,
    mtime: st.mtime,
    open: async (signal) => ({ size, data: readStable(path, size, mtimeMs, signal) }),
  };
}

function changed(path: string, why: string): AppError {
  return new AppError(
    'Precondition',
    'SOURCE_CHANGED',
    `'${path}' ${why} while it was being read: back up from a VSS snapshot, IFM output or a stopped NTDS service, not a live folder`,
    { target: path },
  );
}

async function* readStable(
  path: string,
  size: number,
  mtimeMs: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fsError(err, path, 'open');
  }
  let next: Promise<Buffer> | null = null;
  try {
    const before = await fh.stat();
    if (before.size !== size || before.mtimeMs !== mtimeMs) throw changed(path, 'changed between planning and reading');
    const readAt = async (pos: number) => {
      // A pooled buffer: the block compressor gives it back once it has copied the bytes.
      const buf = readBuffers.take();
      const { bytesRead } = await fh!.read(buf, 0, Math.min(READ_CHUNK, size - pos), pos);
      if (bytesRead === 0) {
        readBuffers.giveBack(buf);
        throw changed(path, 'shrank');
      }
      return buf.subarray(0, bytesRead);
    };
    let pos = 0;
    next = size > 0 ? readAt(0) : null;
    while (next !== null) {
      signal?.throwIfAborted();
      const chunk = await next;
      pos += chunk.length;
      next = pos < size ? readAt(pos) : null; // one read ahead while the caller hashes and compresses
      yield chunk;
    }
    const probe = await fh.read(Buffer.alloc(1), 0, 1, size);
    if (probe.bytesRead !== 0) throw changed(path, 'grew');
    const after = await fh.stat();
    if (after.size !== size || after.mtimeMs !== mtimeMs) throw changed(path, 'was modified');
  } catch (err) {
    throw fsError(err, path, 'read');
  } finally {
    await next?.catch(() => {}); // a read still in flight when the consumer stops early
    await fh.close().catch(() => {});
  }
}
