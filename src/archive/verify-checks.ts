// The checks of verify, each a pure function from what the pass saw (verify-scan.ts) to findings: the layout and
// entry names, the damage that ended a pass, the metadata entries, SHA256SUMS, the manifest's file list, the ESE
// headers and log range, the restore method, the database pages and the shelf life.
import { createHash } from 'node:crypto';
import type { AppError } from '../errors.ts';
import { analyzeArchivedFiles } from './ese-entries.ts';
import {
  ARCHIVE_FORMAT,
  ENTRY_HEADER,
  ENTRY_MANIFEST,
  ENTRY_SUMS,
  isBlobRole,
  roleOfEntry,
  unsafeEntryName,
} from './layout.ts';
import { type Manifest, manifestSealIntact } from './manifest.ts';
import { parseJsonEntry, parseManifestEntry } from './manifest-entry.ts';
import { unsafeRecordedPath } from '../paths.ts';
import { parseSha256Sums } from './sha256sums.ts';
import type { ArchivedEseFile } from './ese-entries.ts';
import type { PageStats } from '../ese/page-scanner.ts';
import { type OpenedEntry, METADATA_LIMIT, isMetadata } from './verify-scan.ts';
import { type VerifiedEntry, type VerifyFinding, type VerifyResult, finding } from './verify-types.ts';

/** The layout of every entry as its header announced it: first entry, safe and known names, no duplicates. */
export function layoutFindings(opened: readonly OpenedEntry[]): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const seen = new Set<string>();
  opened.forEach(({ name, size }, index) => {
    if (index === 0 && name !== ENTRY_HEADER)
      out.push(finding('error', 'archive-layout', `the first entry is '${name}', not ${ENTRY_HEADER}`, name));
    const unsafe = unsafeEntryName(name);
    if (unsafe) out.push(finding('error', 'entry-name-unsafe', `entry name refused: ${unsafe}`, name));
    if (seen.has(name)) out.push(finding('error', 'entry-duplicate', `entry '${name}' appears more than once`, name));
    seen.add(name);
    const meta = isMetadata(name);
    if (!meta && !unsafe && !roleOfEntry(name))
      out.push(finding('error', 'entry-unexpected', `'${name}' is not an entry this archive format has`, name));
    if (meta && size > METADATA_LIMIT) out.push(finding('error', 'entry-too-large', `${name} is ${size} bytes`, name));
  });
  return out;
}

/** The integrity error that ended the pass, located: in an entry, after one, or at the start. */
export function damageFinding(err: AppError, current: string | null, last: string | null): VerifyFinding {
  const where = current
    ? `'${current}'`
    : last === null
      ? `the start of the archive, before or in its first entry '${ENTRY_HEADER}'`
      : `after '${last}'`;
  const code =
    err.code === 'ARCHIVE_CORRUPT' || err.code.startsWith('TAR_') || err.code.startsWith('AGE_')
      ? 'archive-damaged'
      : err.code.toLowerCase();
  return finding('error', code, `${err.message} (in ${where})`, current ?? err.target ?? undefined);
}

export interface MetadataCheck {
  /** The manifest, only when it has the shape the checks below rely on. */
  manifest: Manifest | null;
  findings: VerifyFinding[];
}

/** adbackup.json and manifest.json: present, parsed, of our format, sealed, naming the same backup, safe paths. */
export function metadataFindings(metadata: ReadonlyMap<string, Buffer>, last: string | null): MetadataCheck {
  const out: VerifyFinding[] = [];
  if (last !== ENTRY_MANIFEST)
    out.push(finding('error', 'archive-layout', `the last entry is '${last}', not ${ENTRY_MANIFEST}`));
  const header = parseJsonEntry(metadata.get(ENTRY_HEADER), ENTRY_HEADER);
  if (header.problem) out.push(problemFinding(header.problem, ENTRY_HEADER));
  const parsed = parseManifestEntry(metadata.get(ENTRY_MANIFEST));
  if (parsed.problem) out.push(problemFinding(parsed.problem, ENTRY_MANIFEST));
  // Any JSON value may stand there; only a truthy one is judged (null, 0, "" are no document at all).
  const h = header.value as { format?: unknown; backupId?: unknown } | null;
  if (h && (typeof h !== 'object' || h.format !== ARCHIVE_FORMAT))
    out.push(
      finding(
        'error',
        'archive-format-unknown',
        `${ENTRY_HEADER} does not name the ${ARCHIVE_FORMAT} format`,
        ENTRY_HEADER,
      ),
    );
  const manifest = parsed.value;
  if (manifest) out.push(...sealFindings(manifest, metadata), ...recordedPathFindings(manifest));
  if (h && manifest && h.backupId !== manifest.backupId)
    out.push(finding('error', 'manifest-mismatch', `${ENTRY_HEADER} and ${ENTRY_MANIFEST} name different backups`));
  return { manifest, findings: out };
}

function problemFinding(p: { code: string; message: string }, name: string): VerifyFinding {
  return p.code === 'entry-missing' ? finding('error', p.code, p.message) : finding('error', p.code, p.message, name);
}

/** Only the seal covers the manifest's own bytes, and only the manifest covers adbackup.json's. */
function sealFindings(manifest: Manifest, metadata: ReadonlyMap<string, Buffer>): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const text = metadata.get(ENTRY_MANIFEST)?.toString('utf8') ?? '';
  if (!manifestSealIntact(text))
    out.push(
      finding(
        'error',
        'manifest-seal-broken',
        `${ENTRY_MANIFEST} does not match its own seal (manifestSha256): it was altered`,
        ENTRY_MANIFEST,
      ),
    );
  const headerBytes = metadata.get(ENTRY_HEADER);
  if (headerBytes && manifest.headerSha256 !== createHash('sha256').update(headerBytes).digest('hex')) {
    out.push(
      finding(
        'error',
        'entry-hash-mismatch',
        `'${ENTRY_HEADER}' does not match the hash the manifest records`,
        ENTRY_HEADER,
      ),
    );
  }
  return out;
}

/** Every path a restore would write to, as recorded (the expiry token is a blob, not a file with a place to go back to). */
function recordedPathFindings(manifest: Manifest): VerifyFinding[] {
  const paths = manifest.source.paths;
  const recorded: [string, string | undefined][] = [
    ['database path', paths.database.path],
    ['log folder', paths.logs.path],
    ['checkpoint path', paths.checkpoint?.path],
    ...manifest.files
      .filter((f) => !isBlobRole(f.role))
      .map((f): [string, string] => [`original path of '${f.entry}'`, f.originalPath]),
  ];
  return recorded.flatMap(([what, p]) => {
    const unsafe = p === undefined ? null : unsafeRecordedPath(p);
    return unsafe
      ? [
          finding(
            'error',
            'manifest-path-unsafe',
            `the manifest records the ${what} as '${p}' (${unsafe}): a restore would refuse it`,
            ENTRY_MANIFEST,
          ),
        ]
      : [];
  });
}

/** SHA256SUMS against the entries: well-formed, every listed entry present with its hash, every entry listed. */
export function sumsFindings(sumsText: Buffer | undefined, entries: readonly VerifiedEntry[]): VerifyFinding[] {
  if (sumsText === undefined) return [finding('error', 'entry-missing', `${ENTRY_SUMS} is missing`)];
  const out: VerifyFinding[] = [];
  const byName = new Map(entries.map((e) => [e.entry, e]));
  const sums = parseSha256Sums(sumsText.toString('utf8'));
  for (const line of sums.bad)
    out.push(
      finding(
        'error',
        'sums-invalid',
        `${ENTRY_SUMS} has a malformed or repeated line: ${JSON.stringify(line.slice(0, 100))}`,
        ENTRY_SUMS,
      ),
    );
  for (const [name, sha] of sums.entries) {
    const e = byName.get(name);
    if (!e)
      out.push(
        finding('error', 'entry-missing', `${ENTRY_SUMS} lists '${name}' but the archive has no such entry`, name),
      );
    else if (e.sha256 !== sha)
      out.push(finding('error', 'entry-hash-mismatch', `'${name}' does not match its SHA256SUMS hash`, name));
  }
  for (const e of entries)
    if (!sums.entries.has(e.entry))
      out.push(finding('error', 'entry-unlisted', `'${e.entry}' is not in ${ENTRY_SUMS}`, e.entry));
  return out;
}

/** The manifest's file list against the entries: each present with its size and hash, every entry listed. */
export function manifestFileFindings(manifest: Manifest, entries: readonly VerifiedEntry[]): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const byName = new Map(entries.map((e) => [e.entry, e]));
  const listed = new Set(manifest.files.map((f) => f.entry));
  for (const f of manifest.files) {
    const e = byName.get(f.entry);
    if (!e)
      out.push(
        finding('error', 'entry-missing', `the manifest lists '${f.entry}' but the archive has no such entry`, f.entry),
      );
    else if (e.size !== f.size || e.sha256 !== f.sha256)
      out.push(
        finding('error', 'entry-hash-mismatch', `'${f.entry}' differs from the manifest (size or sha256)`, f.entry),
      );
  }
  for (const e of entries)
    if (!listed.has(e.entry))
      out.push(finding('error', 'entry-unlisted', `'${e.entry}' is not in the manifest`, e.entry));
  return out;
}

export interface EseCheck {
  logRange: NonNullable<VerifyResult['logRange']>;
  logFindings: VerifyResult['logFindings'];
  findings: VerifyFinding[];
}

/** The ESE headers and the log range re-derived from the archived bytes, against what the manifest records. */
export function eseFindings(manifest: Manifest, captured: readonly ArchivedEseFile[]): EseCheck {
  const out: VerifyFinding[] = [];
  const ese = analyzeArchivedFiles(captured);
  for (const [entry, err] of ese.problems) {
    if (roleOfEntry(entry) !== 'log')
      out.push(finding('error', 'ese-header-invalid', `${entry}: ${err.message}`, entry));
  }
  const a = ese.analysis;
  const m = manifest.logRange;
  if (!m || m.low !== a.low || m.high !== a.high || m.count !== a.count) {
    out.push(
      finding(
        'error',
        'log-range-mismatch',
        `the archived logs give range ${a.low}-${a.high} (${a.count}), the manifest says ${m?.low}-${m?.high} (${m?.count})`,
      ),
    );
  }
  out.push(...restoreMethodFindings(m, a.restoreMethod));
  if (!a.restorable) {
    const why = a.findings
      .filter((f) => f.severity === 'error')
      .map((f) => f.message)
      .join('; ');
    if (manifest.allowUnrestorable)
      out.push(finding('warning', 'archive-not-restorable', `archived knowing it cannot restore the database: ${why}`));
    else out.push(finding('error', 'archive-not-restorable', `the archived files cannot restore the database: ${why}`));
  }
  const db = [...ese.parsed.values()].find((p) => p.kind === 'database');
  if (!db) out.push(finding('error', 'entry-missing', 'the archive holds no readable database'));
  else if (
    db.kind === 'database' &&
    manifest.database &&
    manifest.database.dbtime !== db.database.header.dbtimeDirtied.toString()
  ) {
    out.push(
      finding(
        'error',
        'manifest-mismatch',
        'the archived database header differs from the one the manifest describes',
        databaseEntry(manifest),
      ),
    );
  }
  const logRange = {
    low: a.low,
    high: a.high,
    count: a.count,
    restorable: a.restorable,
    restoreMethod: a.restoreMethod,
    restoreMethods: a.restoreMethods,
  };
  return { logRange, logFindings: a.findings, findings: out };
}

/** Archives written before the manifest named its method lack the field; one that names it must tell the truth. */
function restoreMethodFindings(
  recorded: Manifest['logRange'] | undefined,
  derived: NonNullable<VerifyResult['logRange']>['restoreMethod'],
): VerifyFinding[] {
  if (!recorded || recorded.restoreMethod === undefined || recorded.restoreMethod === derived) return [];
  return [
    finding(
      'error',
      'restore-method-mismatch',
      `the archived files restore through ${derived ?? 'no registration'}, the manifest says ${recorded.restoreMethod ?? 'none'}`,
    ),
  ];
}

/** Pages that fail their checksum: an error, or a warning when the backup archived them knowingly. */
export function pageFindings(manifest: Manifest, pages: PageStats | null): VerifyFinding[] {
  if (!pages || pages.corrupt === 0) return [];
  const known = manifest.allowCorruptPages && manifest.database?.pages?.corrupt === pages.corrupt;
  const list = pages.corruptPages.map((c) => c.pgno).join(', ');
  return [
    finding(
      known ? 'warning' : 'error',
      'database-page-corrupt',
      `${pages.corrupt} database page(s) fail their checksum (${list})${known ? ': archived knowingly' : ''}`,
      databaseEntry(manifest),
    ),
  ];
}

export function expiryFindings(manifest: Manifest, now: Date): VerifyFinding[] {
  if (!(manifest.expiresAt && Date.parse(manifest.expiresAt) < now.getTime())) return [];
  return [
    finding(
      'warning',
      'backup-expired',
      `the backup is older than its tombstone lifetime (${manifest.tombstoneLifetimeDays} days, expired ${manifest.expiresAt}): restoring it would reintroduce deleted objects`,
    ),
  ];
}

function databaseEntry(manifest: Manifest): string | undefined {
  return manifest.files.find((f) => f.role === 'database')?.entry;
}
