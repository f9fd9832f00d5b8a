// The per-file stage of a backup: each source item streamed into the tar stream exactly once, hashed, its ESE header
// captured and (the database) its pages checked on the way past. It yields the tar bytes and returns what it saw:
// the file records for the manifest, the captured headers and the page statistics.
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import { tarHeader, tarPadding } from '../archive/tar.ts';
import { entryNameFor } from '../archive/layout.ts';
import type { ManifestFile } from '../archive/manifest.ts';
import type { DatabaseIdentity } from '../database-identity.ts';
import { type IdentifyDatabase, type IdentityOutcome, identifyArchived } from './identify.ts';
import { type ArchivedEseFile, HeaderCapture } from '../archive/ese-entries.ts';
import { type PageStats, PageScanner } from '../ese/page-scanner.ts';
import type { SourceItem } from './source.ts';
import { toUnc } from '../paths.ts';
import { progressThrottle } from '../progress.ts';

/** Owner read/write only: the archive holds the directory's secrets. */
export const ENTRY_MODE = 0o600;

export interface ItemsContext {
  computer: string;
  /** The mtime of an item that has none. */
  started: Date;
  /** Bytes of all items, when known in advance (progress only). */
  total: number | null;
  verifyPages: boolean;
  allowCorruptPages: boolean;
  signal?: AbortSignal;
  progress(event: Record<string, unknown>): void;
  /** Reads the identity of the archived database from its file, when the source has one to open. */
  identify?: IdentifyDatabase;
}

export interface ArchivedItems {
  /** Manifest records, in archive order, without their ESE summaries (those come from the captured headers). */
  files: ManifestFile[];
  captured: ArchivedEseFile[];
  /** Page checksums of the database (null when not checked). */
  pages: PageStats | null;
  /** The database's identity (null: not read, or not an AD database). */
  identity: DatabaseIdentity | null;
  warnings: string[];
}

interface ArchivedItem {
  file: ManifestFile;
  captured: ArchivedEseFile;
  pages: PageStats | null;
  identity?: IdentityOutcome;
}

/** Bytes done across the items, and the one throttle of the whole pass, for progress. */
interface Progress {
  done: number;
  due(): boolean;
}

export async function* archiveItems(
  items: Iterable<SourceItem> | AsyncIterable<SourceItem>,
  ctx: ItemsContext,
): AsyncGenerator<Buffer, ArchivedItems> {
  const out: ArchivedItems = { files: [], captured: [], pages: null, identity: null, warnings: [] };
  const progress: Progress = { done: 0, due: progressThrottle() };
  for await (const item of items) {
    const one = yield* archiveItem(item, ctx, progress);
    out.files.push(one.file);
    out.captured.push(one.captured);
    if (one.pages) out.pages = one.pages;
    if (one.identity) out.identity = one.identity.identity;
    if (one.identity?.warning) out.warnings.push(one.identity.warning);
  }
  return out;
}

async function* archiveItem(
  item: SourceItem,
  ctx: ItemsContext,
  progress: Progress,
): AsyncGenerator<Buffer, ArchivedItem> {
  const entry = entryNameFor(item.role, item.name);
  const hash = createHash('sha256');
  const capture = new HeaderCapture(item.role);
  const scanner = item.role === 'database' && ctx.verifyPages ? new PageScanner() : null;
  const opened = await item.open(ctx.signal);
  const size = opened.size;
  yield tarHeader({ name: entry, size, mtime: item.mtime ?? ctx.started, mode: ENTRY_MODE });
  const report = (n: number) =>
    ctx.progress({
      phase: 'backup',
      file: entry,
      fileBytesDone: n,
      fileBytesTotal: size,
      bytesDone: progress.done,
      bytesTotal: ctx.total,
    });
  let n = 0;
  report(0);
  for await (const chunk of opened.data) {
    hash.update(chunk);
    capture.add(chunk);
    scanner?.add(chunk);
    n += chunk.length;
    progress.done += chunk.length;
    if (n > size) break;
    if (progress.due()) report(n);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (n !== size) {
    throw new AppError(
      'Precondition',
      'SOURCE_CHANGED',
      `'${item.originalPath}' delivered ${n} bytes instead of ${size}: it changed while being read`,
      { target: item.originalPath },
    );
  }
  yield tarPadding(size);
  const pages = scanner ? checkedPages(scanner.finish(), item, ctx.allowCorruptPages) : null;
  const identity = item.role === 'database' ? identityOf(item, ctx) : undefined;
  return {
    ...(identity ? { identity } : {}),
    file: {
      entry,
      role: item.role,
      originalPath: item.originalPath,
      originalPathUnc: item.originalPathUnc ?? toUnc(item.originalPath, ctx.computer),
      size,
      sha256: hash.digest('hex'),
      mtime: item.mtime?.toISOString() ?? null,
      ese: null,
    },
    captured: { entry, role: item.role, name: item.name, size, header: capture.bytes() },
    pages,
  };
}

/** After the bytes went by (the file was stable while read): a few pages by key, timed for the progress log. */
function identityOf(item: SourceItem, ctx: ItemsContext): IdentityOutcome | undefined {
  if (ctx.identify === undefined || item.localPath === undefined) return undefined;
  const { ms, ...outcome } = identifyArchived(ctx.identify, item.localPath);
  const step = { step: 'identity', ms: Math.round(ms * 10) / 10, found: outcome.identity !== null };
  ctx.progress({ phase: 'backup', file: entryNameFor(item.role, item.name), ...step });
  return outcome;
}

/** A database with pages that fail their checksum is refused unless archived knowingly. */
function checkedPages(pages: PageStats | null, item: SourceItem, allowCorruptPages: boolean): PageStats | null {
  if (pages && pages.corrupt > 0 && !allowCorruptPages) {
    const list = pages.corruptPages
      .map((c) => c.pgno + (c.singleBit ? ` (one flipped bit: byte ${c.singleBit.byte}, bit ${c.singleBit.bit})` : ''))
      .join(', ');
    throw new AppError(
      'Integrity',
      'DATABASE_PAGES_CORRUPT',
      `${pages.corrupt} database page(s) fail their checksum: ${list}. Repair the database (esentutl /k, /p) or archive it knowingly with allowCorruptPages.`,
      {
        target: item.originalPath,
        details: { pages },
      },
    );
  }
  return pages;
}
