// The archive's entries in order: adbackup.json, the source files (archive-items.ts), SHA256SUMS, the sealed
// manifest, the tar end. The tar bytes go to the compression pipeline; the manifest, known only once the last file
// has been judged, is handed back as a promise that settles when the stream has ended.
import { TAR_END, tarHeader, tarPadding } from '../archive/tar.ts';
import { ENTRY_HEADER, ENTRY_MANIFEST, ENTRY_SUMS } from '../archive/layout.ts';
import { formatSha256Sums } from '../archive/sha256sums.ts';
import { type ArchiveHeaderDoc, type Manifest, sealManifest } from '../archive/manifest.ts';
import { type ManifestParts, buildManifest } from '../archive/build-manifest.ts';
import type { LogSetAnalysis } from '../logs/analyze.ts';
import type { SourceItem } from './source.ts';
import { ENTRY_MODE, type ItemsContext, archiveItems } from './archive-items.ts';
import { judgeArchived } from './judge-archived.ts';

export interface EntriesPlan {
  header: ArchiveHeaderDoc;
  items: Iterable<SourceItem> | AsyncIterable<SourceItem>;
  /** The log-set analysis made before the first byte was read (folder sources). */
  checkedFirst: LogSetAnalysis | null;
  /** Everything of the manifest the backup knows before it starts. */
  manifest: Omit<
    ManifestParts,
    'header' | 'headerText' | 'completedAt' | 'files' | 'database' | 'pages' | 'logs' | 'identity'
  >;
  now(): Date;
}

export interface ArchiveEntries {
  chunks: AsyncGenerator<Buffer>;
  /** Settles once `chunks` has been read to its end: the manifest exactly as archived, with its seal. */
  manifest: Promise<Manifest>;
  /** What the caller should hear that did not fail the backup (filled while `chunks` is read). */
  warnings: string[];
}

export function archiveEntries(plan: EntriesPlan, ctx: ItemsContext): ArchiveEntries {
  let resolve: (m: Manifest) => void = () => {};
  // Never rejected: a failure surfaces through the stream, and nobody awaits the manifest of a failed backup.
  const manifest = new Promise<Manifest>((r) => (resolve = r));
  const warnings: string[] = [];
  return { chunks: entries(plan, ctx, resolve, warnings), manifest, warnings };
}

async function* entries(
  plan: EntriesPlan,
  ctx: ItemsContext,
  done: (m: Manifest) => void,
  warnings: string[],
): AsyncGenerator<Buffer> {
  const headerText = JSON.stringify(plan.header, null, 2) + '\n';
  yield* textEntry(ENTRY_HEADER, headerText, ctx.started);
  const items = yield* archiveItems(plan.items, ctx);
  warnings.push(...items.warnings);
  const judged = judgeArchived(items, plan.checkedFirst, plan.manifest.allowUnrestorable);
  yield* textEntry(ENTRY_SUMS, formatSha256Sums(judged.files), ctx.started);
  const parts = {
    ...plan.manifest,
    header: plan.header,
    headerText,
    completedAt: plan.now().toISOString(),
    files: judged.files,
    database: judged.database,
    pages: items.pages,
    logs: judged.logs,
    identity: items.identity,
  };
  const sealed = sealManifest(buildManifest(parts));
  yield* textEntry(ENTRY_MANIFEST, sealed, ctx.started);
  yield TAR_END;
  done(JSON.parse(sealed) as Manifest); // with its seal, exactly as archived
}

function* textEntry(name: string, text: string, mtime: Date): Generator<Buffer> {
  const data = Buffer.from(text, 'utf8');
  yield tarHeader({ name, size: data.length, mtime, mode: ENTRY_MODE });
  yield data;
  yield tarPadding(data.length);
}
