// Backup orchestration: source -> header checks and log range -> one streaming pass per file (read -> sha256 ->
// tar -> compress -> [age encrypt] -> file) -> SHA256SUMS + manifest -> atomic publish -> sidecar.
import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stat, mkdir, unlink } from 'node:fs/promises';
import { AppError, fsError } from '../errors.ts';
import { TOOL_VERSION } from '../version.ts';
import { type CompressionType, ARCHIVE_EXTENSIONS, createCompressor } from '../archive/compression/index.ts';
import { TAR_END, tarHeader, tarPadding } from '../archive/tar.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, ENTRY_HEADER, ENTRY_MANIFEST, ENTRY_SUMS, SIDECAR_SUFFIX, entryNameFor } from '../archive/layout.ts';
import { formatSha256Sums } from '../archive/sha256sums.ts';
import { type ArchiveHeaderDoc, type Manifest, type ManifestFile, type Sidecar, databaseSummary, eseSummary, expiryOf, sealManifest } from '../archive/manifest.ts';
import { type ArchivedEseFile, HeaderCapture, analyzeArchivedFiles } from '../archive/ese-entries.ts';
import { type PartialFile, createPartial } from '../archive/publish.ts';
import { type PageStats, PageScanner } from '../ese/page-scanner.ts';
import { AGE_EXTENSION, type ArchiveEncryption, encryptionRecord } from '../archive/encryption.ts';
import { createAgeEncryptStream, prepareEncryption } from '../archive/age/encrypt.ts';
import type { BackupSource, SourceItem } from './source.ts';
import { pathApi, toUnc } from './paths.ts';
import { compressionForName } from './destination-name.ts';

export const DEFAULT_TOMBSTONE_LIFETIME_DAYS = 180;
export const DEFAULT_NAME_TEMPLATE = '{computer}-ntds-{time}';
const ENTRY_MODE = 0o600;

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
}

export interface BackupResult {
  archive: string;
  sidecar: string;
  size: number;
  sha256: string;
  manifest: Manifest;
}

export async function runBackup(source: BackupSource, opts: BackupOptions, env: BackupEnv): Promise<BackupResult> {
  const started = env.now();
  // A file name given by the request decides the compression (and must agree with the encryption); checked first.
  const type = 'path' in opts.destination ? compressionForName(opts.destination.path, opts.compression?.type, !!opts.encryption) : (opts.compression?.type ?? 'zstd');
  const compression = { type, level: opts.compression?.level ?? null } as Manifest['compression'];
  const encryption = opts.encryption ? encryptionRecord(opts.encryption) : null;
  const finalPath = archivePath(opts, source.computer, started, compression.type);
  const sidecarPath = finalPath + SIDECAR_SUFFIX;
  for (const p of [finalPath, sidecarPath]) {
    const st = await stat(p).catch(() => null);
    // overwrite replaces an archive, never a folder, a device or a FIFO that happens to have the name.
    if (st && !st.isFile()) {
      throw new AppError('Precondition', 'DESTINATION_NOT_A_FILE', `'${p}' exists and is not a regular file; choose another name`, { target: p });
    }
    if (st && !opts.overwrite) {
      throw new AppError('Precondition', 'DESTINATION_EXISTS', `'${p}' already exists; choose another name or allow overwriting`, { target: p });
    }
  }

  let published = false;
  try {
    const plan = await source.plan();
    const analysis = plan.analysis;
    if (analysis && !analysis.restorable && !opts.allowUnrestorable) {
      const errors = analysis.findings.filter((f) => f.severity === 'error');
      throw new AppError('Integrity', 'SOURCE_NOT_RESTORABLE', `the source cannot restore the database: ${errors.map((f) => f.message).join('; ')}`, {
        details: { findings: analysis.findings },
        target: plan.paths.database,
      });
    }
    const items = Array.isArray(plan.items) ? chooseItems(plan.items, analysis, !!opts.allowUnrestorable) : plan.items;
    // Known in advance for a folder; the backup API announces each size only when a file is opened.
    const total = Array.isArray(items) && items.every((i) => i.size !== null) ? items.reduce((n, i) => n + i.size!, 0) : null;

    await mkdir(pathApi(finalPath).dirname(finalPath), { recursive: true }).catch((err) => {
      throw fsError(err, pathApi(finalPath).dirname(finalPath), 'create the destination folder');
    });
    // The file key wrapped for every recipient (for a passphrase: seconds of scrypt), before the first byte is read.
    const ageSeal = opts.encryption ? await prepareEncryption(opts.encryption.recipients) : null;
    // overwrite also takes over a .partial that a killed backup to this name left behind.
    const partial = await createPartial(finalPath, { replaceStale: !!opts.overwrite });
    let sidecarPartial: PartialFile | null = null;
    const archiveHash = createHash('sha256');
    let archiveSize = 0;
    let manifest: Manifest | null = null;
    try {
      const header: ArchiveHeaderDoc = {
        format: ARCHIVE_FORMAT,
        formatVersion: ARCHIVE_FORMAT_VERSION,
        tool: { name: 'adbackup', version: TOOL_VERSION },
        backupId: randomUUID(),
        label: opts.label ?? null,
        createdAt: started.toISOString(),
        source: { type: source.type, computer: source.computer },
      };
      const tombstoneLifetimeDays = opts.tombstoneLifetimeDays ?? DEFAULT_TOMBSTONE_LIFETIME_DAYS;

      async function* tarStream(): AsyncGenerator<Buffer> {
        const headerText = JSON.stringify(header, null, 2) + '\n';
        yield* textEntry(ENTRY_HEADER, headerText, started);
        const files: ManifestFile[] = [];
        let pages: PageStats | null = null;
        const captured: ArchivedEseFile[] = [];
        let done = 0;
        let lastReport = 0;
        for await (const item of items) {
          const entry = entryNameFor(item.role, item.name);
          const hash = createHash('sha256');
          const capture = new HeaderCapture(item.role);
          const scanner = item.role === 'database' && opts.verifyPages !== false ? new PageScanner() : null;
          const opened = await item.open(env.signal);
          const size = opened.size;
          yield tarHeader({ name: entry, size, mtime: item.mtime ?? started, mode: ENTRY_MODE });
          let n = 0;
          env.progress({ phase: 'backup', file: entry, fileBytesDone: 0, fileBytesTotal: size, bytesDone: done, bytesTotal: total });
          for await (const chunk of opened.data) {
            hash.update(chunk);
            capture.add(chunk);
            scanner?.add(chunk);
            n += chunk.length;
            done += chunk.length;
            if (n > size) break;
            const t = Date.now();
            if (t - lastReport >= 250) {
              lastReport = t;
              env.progress({ phase: 'backup', file: entry, fileBytesDone: n, fileBytesTotal: size, bytesDone: done, bytesTotal: total });
            }
            yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          }
          if (n !== size) {
            throw new AppError('Precondition', 'SOURCE_CHANGED', `'${item.originalPath}' delivered ${n} bytes instead of ${size}: it changed while being read`, { target: item.originalPath });
          }
          yield tarPadding(size);
          if (scanner) {
            pages = scanner.finish();
            if (pages && pages.corrupt > 0 && !opts.allowCorruptPages) {
              const list = pages.corruptPages.map((c) => c.pgno + (c.singleBit ? ` (one flipped bit: byte ${c.singleBit.byte}, bit ${c.singleBit.bit})` : '')).join(', ');
              throw new AppError('Integrity', 'DATABASE_PAGES_CORRUPT', `${pages.corrupt} database page(s) fail their checksum: ${list}. Repair the database (esentutl /k, /p) or archive it knowingly with allowCorruptPages.`, {
                target: item.originalPath,
                details: { pages },
              });
            }
          }
          captured.push({ entry, role: item.role, name: item.name, size, header: capture.bytes() });
          files.push({
            entry,
            role: item.role,
            originalPath: item.originalPath,
            originalPathUnc: item.originalPathUnc ?? toUnc(item.originalPath, source.computer),
            size,
            sha256: hash.digest('hex'),
            mtime: item.mtime?.toISOString() ?? null,
            ese: null,
          });
        }
        // Judge what was archived, from the archived bytes themselves.
        const archived = analyzeArchivedFiles(captured);
        for (const [entry, err] of archived.problems) {
          if (files.find((f) => f.entry === entry)?.role !== 'log') throw err; // the database or checkpoint header went bad mid-read
        }
        for (const f of files) {
          const p = archived.parsed.get(f.entry);
          f.ese = p ? eseSummary(p) : null;
        }
        const dbParsed = [...archived.parsed.values()].find((p) => p.kind === 'database');
        if (!dbParsed || dbParsed.kind !== 'database') throw new AppError('Integrity', 'DATABASE_MISSING', 'the source has no readable database header');
        const a = archived.analysis;
        if (analysis && (a.low !== analysis.low || a.high !== analysis.high || a.restorable !== analysis.restorable)) {
          throw new AppError('Precondition', 'SOURCE_CHANGED', 'the log set changed while it was being archived (its headers differ from the ones checked first)');
        }
        if (!a.restorable && !opts.allowUnrestorable) {
          throw new AppError('Integrity', 'SOURCE_NOT_RESTORABLE', `the archived files cannot restore the database: ${a.findings.filter((f) => f.severity === 'error').map((f) => f.message).join('; ')}`, { details: { findings: a.findings } });
        }
        yield* textEntry(ENTRY_SUMS, formatSha256Sums(files), started);
        const completedAt = env.now().toISOString();
        manifest = {
          format: ARCHIVE_FORMAT,
          formatVersion: ARCHIVE_FORMAT_VERSION,
          tool: header.tool,
          backupId: header.backupId,
          label: header.label,
          createdAt: header.createdAt,
          completedAt,
          source: {
            type: source.type,
            computer: source.computer,
            paths: {
              database: recorded(plan.paths.database, source.computer),
              logs: recorded(plan.paths.logs, source.computer),
              checkpoint: plan.paths.checkpoint === null ? null : recorded(plan.paths.checkpoint, source.computer),
            },
            ...(plan.extra ? { extra: plan.extra } : {}),
          },
          compression,
          encryption,
          files,
          database: { ...databaseSummary(dbParsed.database), pages },
          logRange: { low: a.low, high: a.high, count: a.count, signLog: a.signLog, required: a.required, registration: a.registration, restorable: a.restorable, restoreMethod: a.restoreMethod, restoreMethods: a.restoreMethods },
          findings: a.findings,
          allowUnrestorable: !!opts.allowUnrestorable,
          allowCorruptPages: !!opts.allowCorruptPages,
          tombstoneLifetimeDays,
          expiresAt: expiryOf(header.createdAt, tombstoneLifetimeDays),
          headerSha256: createHash('sha256').update(headerText).digest('hex'),
        };
        const sealed = sealManifest(manifest);
        manifest = JSON.parse(sealed) as Manifest; // with its seal, exactly as archived
        yield* textEntry(ENTRY_MANIFEST, sealed, started);
        yield TAR_END;
      }

      const measure = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          archiveHash.update(chunk);
          archiveSize += chunk.length;
          cb(null, chunk);
        },
      });
      const compressor = createCompressor(compression.level === null ? { type: compression.type } : { type: compression.type, level: compression.level });
      await pipeline(
        Readable.from(tarStream(), { objectMode: false }),
        compressor,
        ...(ageSeal ? [createAgeEncryptStream(ageSeal)] : []),
        measure,
        partial.writable(),
        ...(env.signal ? [{ signal: env.signal }] : []),
      );
      // The sidecar is written before the archive is published, so that a full disk or a failing write leaves
      // nothing under either name; only the two renames (and their flushes) remain after that point.
      const sidecar: Sidecar = { ...manifest!, archive: { name: pathApi(finalPath).basename(finalPath), size: archiveSize, sha256: archiveHash.digest('hex') } };
      sidecarPartial = await createPartial(sidecarPath, { replaceStale: !!opts.overwrite });
      await sidecarPartial.handle.writeFile(JSON.stringify(sidecar, null, 2) + '\n');
      // An old sidecar must not outlive the archive it describes: killed between the two renames, the new archive
      // then stands alone (it verifies without a sidecar) instead of beside a sidecar that contradicts it.
      if (opts.overwrite) await unlink(sidecarPath).catch((err) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
      await partial.commit();
      published = true;
      await sidecarPartial.commit();
      env.progress({ phase: 'backup', done: true });
      return { archive: finalPath, sidecar: sidecarPath, size: archiveSize, sha256: sidecar.archive.sha256, manifest: manifest! };
    } catch (err) {
      await partial.discard();
      await sidecarPartial?.discard();
      if (published) {
        // The archive went out but its sidecar could not follow: an error must not leave a published archive.
        await unlink(finalPath).catch(() => {});
        published = false;
      }
      throw interrupted(err, finalPath, env.signal);
    }
  } finally {
    await source.finish({ published });
  }
}

function chooseItems(all: SourceItem[], analysis: { low: number; high: number; files: { name: string; generation: number | null; status: string }[] } | null, everything: boolean): SourceItem[] {
  if (!analysis || everything) return all;
  // Only the logs of the range a restore registers; logs cut off by an older gap cannot be replayed anyway.
  const inRange = new Set(analysis.files.filter((f) => f.generation !== null && f.generation >= analysis.low && f.generation <= analysis.high && f.status === 'ok').map((f) => f.name));
  return all.filter((i) => i.role !== 'log' || inRange.has(i.name));
}

function recorded(path: string, computer: string) {
  return { path, unc: toUnc(path, computer) };
}

function* textEntry(name: string, text: string, mtime: Date): Generator<Buffer> {
  const data = Buffer.from(text, 'utf8');
  yield tarHeader({ name, size: data.length, mtime, mode: ENTRY_MODE });
  yield data;
  yield tarPadding(data.length);
}

export function archivePath(opts: BackupOptions, computer: string, when: Date, type: CompressionType): string {
  if ('path' in opts.destination) return opts.destination.path;
  const dir = opts.destination.directory;
  const time = when.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const name =
    (opts.destination.nameTemplate ?? DEFAULT_NAME_TEMPLATE)
      .replace(/\{computer\}/g, computer || 'DC')
      .replace(/\{time\}/g, time)
      .replace(/\{date\}/g, time.slice(0, 8))
      .replace(/\{label\}/g, opts.label ?? '') + ARCHIVE_EXTENSIONS[type] + (opts.encryption ? AGE_EXTENSION : '');
  if (/[\\/:*?"<>|\x00-\x1f]/.test(name) || name.startsWith('.')) {
    throw new AppError('InvalidRequest', 'INVALID_NAME_TEMPLATE', `the archive name '${name}' is not a valid file name`);
  }
  return pathApi(dir).join(dir, name);
}

function interrupted(err: unknown, archive: string, signal?: AbortSignal): unknown {
  if (signal?.aborted || (err as Error)?.name === 'AbortError') {
    return new AppError('IO', 'INTERRUPTED', 'the backup was interrupted; nothing was published', { cause: err, target: archive });
  }
  return fsError(err, archive, 'write');
}
