// The file steps of a restore, shared by the file and the API restore: where each archived file is written, the
// folders to create, the replaced files to set aside in pre-restore-<UTC> folders (never deleted), and carrying
// those actions out.
import { mkdir, readdir, rename, rmdir, stat } from 'node:fs/promises';
import { fsError } from '../errors.ts';
import type { Manifest, ManifestFile } from '../archive/manifest.ts';
import { PARTIAL_SUFFIX } from '../publish.ts';
import { isWindowsPath, pathApi } from '../paths.ts';
import { compactUtc } from '../compact-time.ts';
import { classifyLogName } from '../logs/names.ts';
import type { RestoreTargets } from './targets.ts';

export type RestoreAction =
  | { action: 'move-aside'; from: string; to: string }
  | { action: 'write'; entry: string; to: string; size: number; sha256: string }
  | { action: 'create-folder'; path: string };

type Folders = Pick<RestoreTargets, 'database' | 'logFolder' | 'backupLogFolder' | 'checkpointFolder'>;

/**
 * Where each archived file is written (entry -> path; `destination` null: left in the archive), and those writes as
 * actions.
 */
function planWrites(
  manifest: Manifest,
  destination: (f: ManifestFile) => string | null,
): { writes: Map<string, string>; actions: RestoreAction[] } {
  const writes = new Map<string, string>();
  const actions: RestoreAction[] = [];
  for (const f of manifest.files) {
    const to = destination(f);
    if (to === null) continue;
    writes.set(f.entry, to);
    actions.push({ action: 'write', entry: f.entry, to, size: f.size, sha256: f.sha256 });
  }
  return { writes, actions };
}

/** The files set aside, then the files written (in that order, as the restore carries them out). */
export async function planFileActions(
  t: Folders,
  manifest: Manifest,
  destination: (f: ManifestFile) => string | null,
  now: Date,
): Promise<{ writes: Map<string, string>; actions: RestoreAction[] }> {
  const { writes, actions } = planWrites(manifest, destination);
  return { writes, actions: [...(await planMoveAside(t, [...writes.values()], now)), ...actions] };
}

const PRE_RESTORE = 'pre-restore-';

/** pre-restore-<UTC, compact>: the folder a run sets replaced files aside in. */
function preRestoreName(now: Date): string {
  return PRE_RESTORE + compactUtc(now);
}

/** Creates the folders the plan lists (nothing else changes before the archive has verified). */
export async function createFolders(actions: readonly RestoreAction[], archive: string): Promise<string[]> {
  const created: string[] = [];
  try {
    for (const a of actions) {
      if (a.action !== 'create-folder') continue;
      const first = await mkdir(a.path, { recursive: true });
      if (first !== undefined) created.push(...foldersMade(a.path, first));
    }
  } catch (err) {
    throw fsError(err, archive, 'prepare the target');
  }
  return created;
}

/**
 * The folders `mkdir -p path` made, deepest first, given the first one it made (what mkdir returned). Node on
 * Windows returns that one in long-path form (\\?\D:\…, \\?\UNC\server\…) and drive paths differ in case only
 * when they name the same folder: compared as written, the walk went past it to the drive root, and the rollback of
 * a failed restore removed empty folders that were there before (the target root itself). A first folder not on
 * the path (never expected) gives the path alone.
 */
export function foldersMade(path: string, first: string): string[] {
  const api = pathApi(path);
  const plain = first.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^\\\\\?\\/, '');
  const same = isWindowsPath(path)
    ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
    : (a: string, b: string) => a === b;
  const chain: string[] = [];
  for (let p = path; ; p = api.dirname(p)) {
    chain.push(p);
    if (same(p, plain)) return chain;
    if (api.dirname(p) === p) return [path];
  }
}

/** Undoes createFolders after a failed pass: removes the folders it made, where they are still empty. */
export async function removeCreatedFolders(created: readonly string[]): Promise<void> {
  for (const p of created) await rmdir(p).catch(() => {});
}

/**
 * The move-aside actions: every file the restore replaces, and a .partial that a killed restore left beside a file
 * it writes, go into a pre-restore-<UTC> folder of their own folder — a new one: an existing folder (a restore
 * re-run within the same second) gets a numbered sibling, so nothing already set aside can be overwritten.
 */
async function planMoveAside(t: Folders, writes: readonly string[], now: Date): Promise<RestoreAction[]> {
  const replace = await filesToReplace(t);
  for (const to of writes) {
    const api = pathApi(to);
    const stale = to + PARTIAL_SUFFIX;
    if (
      await stat(stale).then(
        (s) => s.isFile(),
        () => false,
      )
    ) {
      const folder = api.dirname(to);
      replace.set(folder, [...(replace.get(folder) ?? []), api.basename(stale)]);
    }
  }
  const stamp = preRestoreName(now);
  const actions: RestoreAction[] = [];
  for (const [folder, names] of replace) {
    const api = pathApi(folder);
    const aside = await unusedSibling(folder, stamp);
    for (const n of names) actions.push({ action: 'move-aside', from: api.join(folder, n), to: api.join(aside, n) });
  }
  return actions;
}

/**
 * Carries out the move-aside actions that `which` selects (never deletes). Each pre-restore folder is created on
 * first use and must not exist yet (`created` remembers ours across calls): a rename into a folder of our own cannot
 * replace anything set aside before.
 */
export async function moveAside(
  actions: readonly RestoreAction[],
  archive: string,
  created: Set<string>,
  which: (a: { from: string; to: string }) => boolean = () => true,
): Promise<void> {
  try {
    for (const a of actions) {
      if (a.action !== 'move-aside' || !which(a)) continue;
      const aside = pathApi(a.to).dirname(a.to);
      if (!created.has(aside)) {
        await mkdir(aside);
        created.add(aside);
      }
      await rename(a.from, a.to);
    }
  } catch (err) {
    throw fsError(err, archive, 'move the replaced files aside');
  }
}

export async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** What the restore replaces, per folder: the database (and its flush map), and every file of the log set. */
async function filesToReplace(t: Folders): Promise<Map<string, string[]>> {
  const out = new Map<string, Set<string>>();
  const add = (folder: string, name: string) => out.set(folder, (out.get(folder) ?? new Set()).add(name));
  const api = pathApi(t.database.physical);
  const dbFolder = api.dirname(t.database.physical);
  const dbName = api.basename(t.database.physical);
  const existing = async (folder: string) =>
    (await isDirectory(folder))
      ? (await readdir(folder, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name)
      : [];
  for (const n of await existing(dbFolder)) {
    if (n.toLowerCase() === dbName.toLowerCase() || n.toLowerCase() === dbName.toLowerCase().replace(/\.dit$/, '.jfm'))
      add(dbFolder, n);
  }
  // Stale logs of the broken DC would be replayed or rejected by recovery: all log-set files move aside.
  for (const folder of new Set([t.logFolder.physical, t.backupLogFolder.physical])) {
    for (const n of await existing(folder)) {
      const role = classifyLogName(n).role;
      if (role !== 'other') add(folder, n);
    }
  }
  // The broken DC's checkpoint would point recovery at its own generation: it moves aside even when none is restored.
  for (const n of await existing(t.checkpointFolder.physical)) {
    if (classifyLogName(n).role === 'checkpoint') add(t.checkpointFolder.physical, n);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** The database folder's pre-restore folder of this run (a new one when nothing there was set aside). */
export async function receiptFolder(
  actions: readonly RestoreAction[],
  targets: Pick<RestoreTargets, 'database'>,
  now: Date,
): Promise<string> {
  const api = pathApi(targets.database.physical);
  const dbFolder = api.dirname(targets.database.physical);
  const moved = actions.find((a) => a.action === 'move-aside' && api.dirname(a.from) === dbFolder);
  return moved && moved.action === 'move-aside' ? api.dirname(moved.to) : unusedSibling(dbFolder, preRestoreName(now));
}

/** folder/name, or folder/name-2, -3 …: the first that does not exist yet. */
async function unusedSibling(folder: string, name: string): Promise<string> {
  const api = pathApi(folder);
  let p = api.join(folder, name);
  for (
    let n = 2;
    await stat(p).then(
      () => true,
      () => false,
    );
    n++
  )
    p = api.join(folder, `${name}-${n}`);
  return p;
}

/** Whether `a` sets aside a .partial that a killed restore left behind (done before the pass; the rest after it). */
export const isStalePartial = (a: { from: string }) => a.from.endsWith(PARTIAL_SUFFIX);
