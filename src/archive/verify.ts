// verify: re-hash every entry against SHA256SUMS and the manifest, re-check the ESE headers and the log range
// from the archived bytes, check the tar structure and entry names, and (with the sidecar) the hash of the whole
// file. One streaming pass; nothing is written to disk. Every problem becomes a named finding. An encrypted archive
// is decrypted in the same pass (every chunk authenticated); without a key only its outside can be checked
// (verify-locked.ts).
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import { type ArchivedEseFile, HeaderCapture, analyzeArchivedFiles } from './ese-entries.ts';
import { ENTRY_HEADER, ENTRY_MANIFEST, ENTRY_SUMS, ARCHIVE_FORMAT, isBlobRole, roleOfEntry, unsafeEntryName } from './layout.ts';
import { type Manifest, manifestProblem, manifestSealIntact } from './manifest.ts';
import { unsafeRecordedPath } from '../backup/paths.ts';
import { parseSha256Sums } from './sha256sums.ts';
import { probeArchive, readArchive, sniffArchive } from './read-archive.ts';
import type { Finding as LogFinding } from '../logs/findings.ts';
import type { RestoreMethod } from '../logs/restore-method.ts';
import { type PageStats, PageScanner } from '../ese/page-scanner.ts';
import type { AgeKeyring } from './age/keyring.ts';
import { archiveHint, checkSidecar } from './sidecar.ts';
import { verifyWithoutKey } from './verify-locked.ts';

export type VerifySeverity = 'error' | 'warning' | 'info';

export interface VerifyFinding {
  code: string;
  severity: VerifySeverity;
  message: string;
  entry?: string;
}

export interface VerifiedEntry {
  entry: string;
  size: number;
  sha256: string;
}

export interface VerifyResult {
  ok: boolean;
  archive: string;
  /** The tar stream's compression; null when it is inside an encryption that was not opened. */
  format: string | null;
  size: number;
  sha256: string | null;
  backupId: string | null;
  entries: VerifiedEntry[];
  /** Re-derived from the archived bytes; restoreMethod is what a restore of this archive registers (null: none works). */
  logRange: { low: number; high: number; count: number; restorable: boolean; restoreMethod: RestoreMethod | null; restoreMethods: RestoreMethod[] } | null;
  logFindings: LogFinding[];
  /** Page checksums of the archived database (null when it has none or its header is unreadable). */
  pages: PageStats | null;
  findings: VerifyFinding[];
  /** age encryption of the file: the header's stanza types, and whether the content could be checked. */
  encryption: { format: 'age'; stanzas: string[]; contentVerified: boolean } | null;
}

export interface VerifyEnv {
  signal?: AbortSignal;
  progress?: (e: Record<string, unknown>) => void;
  now?: () => Date;
  /** Identities / passphrases for an encrypted archive. */
  keyring?: AgeKeyring;
  /** Where a restore writes the entries it verifies (see EntrySink). */
  sink?: EntrySink;
}

const METADATA_LIMIT = 64 << 20;

/**
 * Lets a restore write entries in the same pass that verifies them: `open` is asked for every file entry with a safe
 * name and returns where its bytes go (or null to skip it). The caller keeps what was written provisional until the
 * result says ok; a writer only ever sees bytes in the order they were hashed.
 */
export interface EntrySink {
  open(entry: string, size: number): Promise<EntryWriter | null>;
}

export interface EntryWriter {
  /** Takes the next bytes; may return before they are on disk (resolve = ready for more). */
  write(chunk: Uint8Array): Promise<unknown>;
  /** After the last chunk: resolves once every byte was written. */
  end(): Promise<void>;
}

export async function verifyArchive(path: string, env: VerifyEnv = {}): Promise<VerifyResult> {
  return (await verifyArchiveWithManifest(path, env)).result;
}

/** verify, also handing back the manifest it read (restore plans from it). */
export async function verifyArchiveWithManifest(path: string, env: VerifyEnv = {}): Promise<{ result: VerifyResult; manifest: Manifest | null }> {
  const hint = await archiveHint(path);
  const { detected } = await sniffArchive(path);
  if (!env.keyring && (detected === 'age' || (detected === 'unknown' && hint.encrypted))) return { result: await verifyWithoutKey(path, env), manifest: null };
  const findings: VerifyFinding[] = [];
  const add = (severity: VerifySeverity, code: string, message: string, entry?: string) =>
    findings.push(entry === undefined ? { code, severity, message } : { code, severity, message, entry });
  const info = await probeArchive(path, hint, env.keyring);
  const stanzas = info.encryption ? info.encryption.header.stanzas.map((s) => s.args[0]!) : null;
  const entries: VerifiedEntry[] = [];
  const metadata = new Map<string, Buffer>();
  const captured: ArchivedEseFile[] = [];
  const seen = new Set<string>();
  let current: string | null = null;
  let last: string | null = null;
  let lastReport = 0;
  let manifest: Manifest | null = null;
  let logRange: VerifyResult['logRange'] = null;
  let logFindings: LogFinding[] = [];
  let pages: PageStats | null = null;

  let pass: Awaited<ReturnType<typeof readArchive>> | null = null;
  try {
    pass = await readArchive(
      info,
      async (entry, index) => {
        const name = entry.header.name;
        current = name;
        if (index === 0 && name !== ENTRY_HEADER) add('error', 'archive-layout', `the first entry is '${name}', not ${ENTRY_HEADER}`, name);
        const unsafe = unsafeEntryName(name);
        if (unsafe) add('error', 'entry-name-unsafe', `entry name refused: ${unsafe}`, name);
        if (seen.has(name)) add('error', 'entry-duplicate', `entry '${name}' appears more than once`, name);
        seen.add(name);
        const isMeta = name === ENTRY_HEADER || name === ENTRY_SUMS || name === ENTRY_MANIFEST;
        const role = unsafe ? null : roleOfEntry(name);
        if (!isMeta && !role && !unsafe) add('error', 'entry-unexpected', `'${name}' is not an entry this archive format has`, name);
        if (isMeta && entry.header.size > METADATA_LIMIT) add('error', 'entry-too-large', `${name} is ${entry.header.size} bytes`, name);
        const hash = createHash('sha256');
        const capture = role ? new HeaderCapture(role) : null;
        const scanner = role === 'database' ? new PageScanner() : null;
        const keep: Buffer[] = [];
        const writer = role && env.sink ? await env.sink.open(name, entry.header.size) : null;
        for await (const chunk of entry.body) {
          hash.update(chunk);
          capture?.add(chunk);
          scanner?.add(chunk);
          if (isMeta && entry.header.size <= METADATA_LIMIT) keep.push(Buffer.from(chunk));
          if (writer) await writer.write(chunk);
        }
        await writer?.end();
        const sha256 = hash.digest('hex');
        if (scanner) pages = scanner.finish();
        if (isMeta) metadata.set(name, Buffer.concat(keep));
        else entries.push({ entry: name, size: entry.header.size, sha256 });
        if (role && capture) captured.push({ entry: name, role, name: name.slice(name.indexOf('/') + 1), size: entry.header.size, header: capture.bytes() });
        last = name;
        current = null;
      },
      {
        ...(env.signal ? { signal: env.signal } : {}),
        onRawBytes: (n) => {
          const t = Date.now();
          if (env.progress && t - lastReport >= 250) {
            lastReport = t;
            env.progress({ phase: env.sink ? 'restore' : 'verify', bytesDone: n, bytesTotal: info.size, file: current });
          }
        },
      },
    );
  } catch (err) {
    if (!(err instanceof AppError) || err.category !== 'Integrity') throw err;
    const where: string = current ? `'${current}'` : last === null ? `the start of the archive, before or in its first entry '${ENTRY_HEADER}'` : `after '${last}'`;
    add('error', err.code === 'ARCHIVE_CORRUPT' || err.code.startsWith('TAR_') || err.code.startsWith('AGE_') ? 'archive-damaged' : err.code.toLowerCase(), `${err.message} (in ${where})`, current ?? err.target ?? undefined);
    return finish();
  }

  if (last !== ENTRY_MANIFEST) add('error', 'archive-layout', `the last entry is '${last}', not ${ENTRY_MANIFEST}`);
  const header = parseJson<{ format?: string; backupId?: string }>(metadata.get(ENTRY_HEADER), ENTRY_HEADER, add);
  manifest = parseJson<Manifest>(metadata.get(ENTRY_MANIFEST), ENTRY_MANIFEST, add);
  if (header && (typeof header !== 'object' || header.format !== ARCHIVE_FORMAT)) add('error', 'archive-format-unknown', `${ENTRY_HEADER} does not name the ${ARCHIVE_FORMAT} format`, ENTRY_HEADER);
  const shape = manifest === null ? null : manifestProblem(manifest);
  if (shape !== null) {
    add('error', 'manifest-invalid', `${ENTRY_MANIFEST} is not an ${ARCHIVE_FORMAT} manifest: ${shape}`, ENTRY_MANIFEST);
    manifest = null; // nothing below may rely on its shape
  }
  if (manifest) {
    // Only the seal covers the manifest's own bytes, and only the manifest covers adbackup.json's.
    if (!manifestSealIntact(metadata.get(ENTRY_MANIFEST)!.toString('utf8'))) add('error', 'manifest-seal-broken', `${ENTRY_MANIFEST} does not match its own seal (manifestSha256): it was altered`, ENTRY_MANIFEST);
    const headerBytes = metadata.get(ENTRY_HEADER);
    if (headerBytes && manifest.headerSha256 !== createHash('sha256').update(headerBytes).digest('hex')) {
      add('error', 'entry-hash-mismatch', `'${ENTRY_HEADER}' does not match the hash the manifest records`, ENTRY_HEADER);
    }
    // (the expiry token is a blob, not a file with a place to go back to)
    for (const [what, p] of [['database path', manifest.source.paths.database.path], ['log folder', manifest.source.paths.logs.path], ['checkpoint path', manifest.source.paths.checkpoint?.path], ...manifest.files.filter((f) => !isBlobRole(f.role)).map((f) => [`original path of '${f.entry}'`, f.originalPath])] as const) {
      const unsafe = p === undefined ? null : unsafeRecordedPath(p);
      if (unsafe) add('error', 'manifest-path-unsafe', `the manifest records the ${what} as '${p}' (${unsafe}): a restore would refuse it`, ENTRY_MANIFEST);
    }
  }
  if (header && manifest && header.backupId !== manifest.backupId) add('error', 'manifest-mismatch', `${ENTRY_HEADER} and ${ENTRY_MANIFEST} name different backups`);

  const byName = new Map(entries.map((e) => [e.entry, e]));
  const sumsText = metadata.get(ENTRY_SUMS);
  if (sumsText === undefined) add('error', 'entry-missing', `${ENTRY_SUMS} is missing`);
  else {
    const sums = parseSha256Sums(sumsText.toString('utf8'));
    for (const line of sums.bad) add('error', 'sums-invalid', `${ENTRY_SUMS} has a malformed or repeated line: ${JSON.stringify(line.slice(0, 100))}`, ENTRY_SUMS);
    for (const [name, sha] of sums.entries) {
      const e = byName.get(name);
      if (!e) add('error', 'entry-missing', `${ENTRY_SUMS} lists '${name}' but the archive has no such entry`, name);
      else if (e.sha256 !== sha) add('error', 'entry-hash-mismatch', `'${name}' does not match its SHA256SUMS hash`, name);
    }
    for (const e of entries) if (!sums.entries.has(e.entry)) add('error', 'entry-unlisted', `'${e.entry}' is not in ${ENTRY_SUMS}`, e.entry);
  }

  if (manifest) {
    const listed = new Set<string>();
    for (const f of manifest.files) {
      listed.add(f.entry);
      const e = byName.get(f.entry);
      if (!e) add('error', 'entry-missing', `the manifest lists '${f.entry}' but the archive has no such entry`, f.entry);
      else if (e.size !== f.size || e.sha256 !== f.sha256) add('error', 'entry-hash-mismatch', `'${f.entry}' differs from the manifest (size or sha256)`, f.entry);
    }
    for (const e of entries) if (!listed.has(e.entry)) add('error', 'entry-unlisted', `'${e.entry}' is not in the manifest`, e.entry);

    const ese = analyzeArchivedFiles(captured);
    for (const [entry, err] of ese.problems) {
      if (roleOfEntry(entry) !== 'log') add('error', 'ese-header-invalid', `${entry}: ${err.message}`, entry);
    }
    const a = ese.analysis;
    logRange = { low: a.low, high: a.high, count: a.count, restorable: a.restorable, restoreMethod: a.restoreMethod, restoreMethods: a.restoreMethods };
    logFindings = a.findings;
    const m = manifest.logRange;
    if (!m || m.low !== a.low || m.high !== a.high || m.count !== a.count) {
      add('error', 'log-range-mismatch', `the archived logs give range ${a.low}-${a.high} (${a.count}), the manifest says ${m?.low}-${m?.high} (${m?.count})`);
    }
    // Archives written before the manifest named its method lack the field; one that names it must tell the truth.
    if (m && m.restoreMethod !== undefined && m.restoreMethod !== a.restoreMethod) {
      add('error', 'restore-method-mismatch', `the archived files restore through ${a.restoreMethod ?? 'no registration'}, the manifest says ${m.restoreMethod ?? 'none'}`);
    }
    if (!a.restorable) {
      const why = a.findings.filter((f) => f.severity === 'error').map((f) => f.message).join('; ');
      if (manifest.allowUnrestorable) add('warning', 'archive-not-restorable', `archived knowing it cannot restore the database: ${why}`);
      else add('error', 'archive-not-restorable', `the archived files cannot restore the database: ${why}`);
    }
    const db = [...ese.parsed.values()].find((p) => p.kind === 'database');
    if (!db) add('error', 'entry-missing', 'the archive holds no readable database');
    else if (db.kind === 'database' && manifest.database && manifest.database.dbtime !== db.database.header.dbtimeDirtied.toString()) {
      add('error', 'manifest-mismatch', 'the archived database header differs from the one the manifest describes', manifest.files.find((f) => f.role === 'database')?.entry);
    }
    const scanned = pages as PageStats | null; // assigned in the entry callback, which TypeScript cannot follow
    if (scanned && scanned.corrupt > 0) {
      const known = manifest.allowCorruptPages && manifest.database?.pages?.corrupt === scanned.corrupt;
      const list = scanned.corruptPages.map((c) => c.pgno).join(', ');
      add(known ? 'warning' : 'error', 'database-page-corrupt', `${scanned.corrupt} database page(s) fail their checksum (${list})${known ? ': archived knowingly' : ''}`, manifest.files.find((f) => f.role === 'database')?.entry);
    }
    const now = env.now?.() ?? new Date();
    if (manifest.expiresAt && Date.parse(manifest.expiresAt) < now.getTime()) {
      add('warning', 'backup-expired', `the backup is older than its tombstone lifetime (${manifest.tombstoneLifetimeDays} days, expired ${manifest.expiresAt}): restoring it would reintroduce deleted objects`);
    }
  }

  await checkSidecar(path, { sha256: pass.fileSha256(), size: pass.fileBytes(), stanzas }, manifest, add);
  return finish();

  function finish(): { result: VerifyResult; manifest: Manifest | null } {
    const result: VerifyResult = {
      ok: !findings.some((f) => f.severity === 'error'),
      archive: path,
      format: info.format,
      size: info.size,
      sha256: pass?.fileSha256() ?? null,
      backupId: manifest?.backupId ?? null,
      entries,
      logRange,
      logFindings,
      pages,
      findings,
      encryption: stanzas ? { format: 'age', stanzas, contentVerified: true } : null,
    };
    return { result, manifest };
  }
}

function parseJson<T>(bytes: Buffer | undefined, name: string, add: (s: VerifySeverity, c: string, m: string, e?: string) => void): T | null {
  if (bytes === undefined) {
    add('error', 'entry-missing', `${name} is missing`);
    return null;
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    add('error', 'manifest-invalid', `${name} is not valid JSON`, name);
    return null;
  }
}
