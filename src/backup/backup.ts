// Backup orchestration: source -> header checks and log range -> one streaming pass per file (read -> sha256 ->
// tar -> compress -> [age encrypt] -> file) -> SHA256SUMS + manifest -> atomic publish -> sidecar.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stat, mkdir, unlink } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import { TOOL_VERSION } from '../version.ts';
import { type CompressionType, ARCHIVE_EXTENSIONS, createCompressor } from '../archive/compression/index.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, SIDECAR_SUFFIX } from '../archive/layout.ts';
import type { ArchiveHeaderDoc, Manifest, Sidecar } from '../archive/manifest.ts';
import { type PartialFile, createPartial } from '../publish.ts';
import { measureStream } from '../archive/measure.ts';
import { AGE_EXTENSION, type ArchiveEncryption, encryptionRecord } from '../archive/encryption.ts';
import { type PreparedEncryption, createAgeEncryptStream, prepareEncryption } from '../archive/age/encrypt.ts';
import type { BackupSource, SourceItem, SourcePlan } from './source.ts';
import { pathApi, toUnc } from '../paths.ts';
import { compactUtc } from '../compact-time.ts';
import { compressionForName } from './destination-name.ts';
import { type ArchiveEntries, type EntriesPlan, archiveEntries } from './archive-entries.ts';
import { errorMessages } from './judge-archived.ts';
import type { IdentifyDatabase } from './identify.ts';

export const DEFAULT_TOMBSTONE_LIFETIME_DAYS = 180;
export const DEFAULT_NAME_TEMPLATE = '{computer}-ntds-{time}';

export interface BackupOptions {
  destination: { path: string } | { directory: string; nameTemplate?: string };
  compression?: { type?: CompressionType; level?: number };
  /** Encrypt the archive at rest (age): to recipients or with a passphrase; the name gets `.age`. */
  encryption?: ArchiveEncryption;
  label?: string;
  tombstoneLifetimeDays?: number;
  overwrite?: boolean;
  /** Archive a source whose log set cannot restore the database; the findings go into the manifest. */
  allowUnrestorable?: boolean;
  /** Archive a database with pages whose checksums fail; they are listed in the manifest. */
  allowCorruptPages?: boolean;
  /** Check every database page checksum during the pass (default true); false only to measure what the check costs. */
  verifyPages?: boolean;
}

export interface BackupEnv {
  now(): Date;
  signal?: AbortSignal;
  progress(event: Record<string, unknown>): void;
  /** Reads the archived database's identity for the manifest (the CLI hands in src/ad's quick reader). */
  identify?: IdentifyDatabase;
}

export interface BackupResult {
  archive: string;
  sidecar: string;
  size: number;
  sha256: string;
  manifest: Manifest;
  /** What did not fail the backup but should be heard (an identity that could not be read). */
  warnings?: string[];
}

export async function runBackup(source: BackupSource, opts: BackupOptions, env: BackupEnv): Promise<BackupResult> {
  const started = env.now();
  // A file name given by the request decides the compression (and must agree with the encryption); checked first.
  const type =
    'path' in opts.destination
      ? compressionForName(opts.destination.path, opts.compression?.type, !!opts.encryption)
      : (opts.compression?.type ?? 'zstd');
  const compression = { type, level: opts.compression?.level ?? null } as Manifest['compression'];
  const finalPath = archivePath(opts, source.computer, started, compression.type);
  const sidecarPath = finalPath + SIDECAR_SUFFIX;
  await checkDestination([finalPath, sidecarPath], !!opts.overwrite);

  const outcome = { published: false };
  try {
    const plan = await source.plan();
    checkSource(plan, !!opts.allowUnrestorable);
    const items = Array.isArray(plan.items)
      ? chooseItems(plan.items, plan.analysis, !!opts.allowUnrestorable)
      : plan.items;
    // Known in advance for a folder; the backup API announces each size only when a file is opened.
    const total =
      Array.isArray(items) && items.every((i) => i.size !== null) ? items.reduce((n, i) => n + i.size!, 0) : null;
    const archive = archiveEntries(entriesPlan(source, plan, items, opts, compression, started, env), {
      computer: source.computer,
      started,
      total,
      verifyPages: opts.verifyPages !== false,
      allowCorruptPages: !!opts.allowCorruptPages,
      ...(env.signal ? { signal: env.signal } : {}),
      progress: env.progress,
      ...(env.identify ? { identify: env.identify } : {}),
    });
    return await writeAndPublish(
      archive,
      { finalPath, sidecarPath, compression, overwrite: !!opts.overwrite, encryption: opts.encryption },
      env,
      outcome,
    );
  } finally {
    await source.finish(outcome);
  }
}

/** overwrite replaces an archive, never a folder, a device or a FIFO that happens to have the name. */
async function checkDestination(paths: string[], overwrite: boolean): Promise<void> {
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st && !st.isFile()) {
      throw new AppError(
        'Precondition',
        'DESTINATION_NOT_A_FILE',
        `'${p}' exists and is not a regular file; choose another name`,
        { target: p },
      );
    }
    if (st && !overwrite) {
      throw new AppError(
        'Precondition',
        'DESTINATION_EXISTS',
        `'${p}' already exists; choose another name or allow overwriting`,
        { target: p },
      );
    }
  }
}

/** A log set checked from its headers before the backup (folder sources) must be able to restore the database. */
function checkSource(plan: SourcePlan, allowUnrestorable: boolean): void {
  const analysis = plan.analysis;
  if (analysis && !analysis.restorable && !allowUnrestorable) {
    throw new AppError(
      'Integrity',
      'SOURCE_NOT_RESTORABLE',
      `the source cannot restore the database: ${errorMessages(analysis)}`,
      {
        details: { findings: analysis.findings },
        target: plan.paths.database,
      },
    );
  }
}

function entriesPlan(
  source: BackupSource,
  plan: SourcePlan,
  items: EntriesPlan['items'],
  opts: BackupOptions,
  compression: Manifest['compression'],
  started: Date,
  env: BackupEnv,
): EntriesPlan {
  const computer = source.computer;
  const header: ArchiveHeaderDoc = {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    tool: { name: 'adbackup', version: TOOL_VERSION },
    backupId: randomUUID(),
    label: opts.label ?? null,
    createdAt: started.toISOString(),
    source: { type: source.type, computer },
  };
  const paths = {
    database: recorded(plan.paths.database, computer),
    logs: recorded(plan.paths.logs, computer),
    checkpoint: plan.paths.checkpoint === null ? null : recorded(plan.paths.checkpoint, computer),
  };
  return {
    header,
    items,
    checkedFirst: plan.analysis,
    manifest: {
      paths,
      ...(plan.extra ? { extra: plan.extra } : {}),
      compression,
      encryption: opts.encryption ? encryptionRecord(opts.encryption) : null,
      allowUnrestorable: !!opts.allowUnrestorable,
      allowCorruptPages: !!opts.allowCorruptPages,
      tombstoneLifetimeDays: opts.tombstoneLifetimeDays ?? DEFAULT_TOMBSTONE_LIFETIME_DAYS,
    },
    now: env.now,
  };
}

interface PublishTo {
  finalPath: string;
  sidecarPath: string;
  compression: Manifest['compression'];
  overwrite: boolean;
  encryption: ArchiveEncryption | undefined;
}

/** The pipeline (tar -> compress -> [age] -> measure -> .partial), then the sidecar, then the atomic publish. */
async function writeAndPublish(
  archive: ArchiveEntries,
  to: PublishTo,
  env: BackupEnv,
  outcome: { published: boolean },
): Promise<BackupResult> {
  const { finalPath, sidecarPath, compression } = to;
  await mkdir(pathApi(finalPath).dirname(finalPath), { recursive: true }).catch((err) => {
    throw fsError(err, pathApi(finalPath).dirname(finalPath), 'create the destination folder');
  });
  // The file key wrapped for every recipient (for a passphrase: seconds of scrypt), before the first byte is read.
  const ageSeal = to.encryption ? await prepareEncryption(to.encryption.recipients) : null;
  // overwrite also takes over a .partial that a killed backup to this name left behind.
  const partial = await createPartial(finalPath, { replaceStale: to.overwrite });
  let sidecarPartial: PartialFile | null = null;
  try {
    const written = await streamArchive(archive.chunks, compression, ageSeal, partial, env.signal);
    const manifest = await archive.manifest;
    // The sidecar is written before the archive is published, so that a full disk or a failing write leaves
    // nothing under either name; only the two renames (and their flushes) remain after that point.
    const sidecar: Sidecar = {
      ...manifest,
      archive: { name: pathApi(finalPath).basename(finalPath), ...written },
    };
    sidecarPartial = await createPartial(sidecarPath, { replaceStale: to.overwrite });
    await sidecarPartial.handle.writeFile(JSON.stringify(sidecar, null, 2) + '\n');
    // An old sidecar must not outlive the archive it describes: killed between the two renames, the new archive
    // then stands alone (it verifies without a sidecar) instead of beside a sidecar that contradicts it.
    if (to.overwrite)
      await unlink(sidecarPath).catch((err) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    await partial.commit();
    outcome.published = true;
    await sidecarPartial.commit();
    env.progress({ phase: 'backup', done: true });
    return {
      archive: finalPath,
      sidecar: sidecarPath,
      size: sidecar.archive.size,
      sha256: sidecar.archive.sha256,
      manifest,
      ...(archive.warnings.length > 0 ? { warnings: archive.warnings } : {}),
    };
  } catch (err) {
    await partial.discard();
    await sidecarPartial?.discard();
    if (outcome.published) {
      // The archive went out but its sidecar could not follow: an error must not leave a published archive.
      await unlink(finalPath).catch(() => {});
      outcome.published = false;
    }
    throw interrupted(err, finalPath, env.signal);
  }
}

/** tar -> compress -> [age] -> measure -> the .partial: the size and sha256 of the archive file written. */
async function streamArchive(
  chunks: AsyncGenerator<Buffer>,
  compression: Manifest['compression'],
  ageSeal: PreparedEncryption | null,
  partial: PartialFile,
  signal: AbortSignal | undefined,
): Promise<{ size: number; sha256: string }> {
  const measured = measureStream();
  const compressor = createCompressor(
    compression.level === null ? { type: compression.type } : { type: compression.type, level: compression.level },
  );
  await pipeline(
    Readable.from(chunks, { objectMode: false }),
    compressor,
    ...(ageSeal ? [createAgeEncryptStream(ageSeal)] : []),
    measured.stream,
    partial.writable({ releaseWritten: true }),
    ...(signal ? [{ signal }] : []),
  );
  return { size: measured.bytes(), sha256: measured.sha256() };
}

function chooseItems(
  all: SourceItem[],
  analysis: { low: number; high: number; files: { name: string; generation: number | null; status: string }[] } | null,
  everything: boolean,
): SourceItem[] {
  if (!analysis || everything) return all;
  // Only the logs of the range a restore registers; logs cut off by an older gap cannot be replayed anyway.
  const inRange = new Set(
    analysis.files
      .filter(
        (f) =>
          f.generation !== null && f.generation >= analysis.low && f.generation <= analysis.high && f.status === 'ok',
      )
      .map((f) => f.name),
  );
  return all.filter((i) => i.role !== 'log' || inRange.has(i.name));
}

function recorded(path: string, computer: string) {
  return { path, unc: toUnc(path, computer) };
}

function archivePath(opts: BackupOptions, computer: string, when: Date, type: CompressionType): string {
  if ('path' in opts.destination) return opts.destination.path;
  const dir = opts.destination.directory;
  const time = compactUtc(when);
  const name =
    (opts.destination.nameTemplate ?? DEFAULT_NAME_TEMPLATE)
      .replace(/\{computer\}/g, computer || 'DC')
      .replace(/\{time\}/g, time)
      .replace(/\{date\}/g, time.slice(0, 8))
      .replace(/\{label\}/g, opts.label ?? '') +
    ARCHIVE_EXTENSIONS[type] +
    (opts.encryption ? AGE_EXTENSION : '');
  if (/[\\/:*?"<>|\x00-\x1f]/.test(name) || name.startsWith('.')) {
    throw new AppError(
      'InvalidRequest',
      'INVALID_NAME_TEMPLATE',
      `the archive name '${name}' is not a valid file name`,
    );
  }
  return pathApi(dir).join(dir, name);
}

function interrupted(err: unknown, archive: string, signal?: AbortSignal): unknown {
  if (signal?.aborted || (err as Error)?.name === 'AbortError') {
    return new AppError('IO', 'INTERRUPTED', 'the backup was interrupted; nothing was published', {
      cause: err,
      target: archive,
    });
  }
  return fsError(err, archive, 'write');
}
