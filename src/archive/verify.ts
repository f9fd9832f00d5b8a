// verify: re-hash every entry against SHA256SUMS and the manifest, re-check the ESE headers and the log range
// from the archived bytes, check the tar structure and entry names, and (with the sidecar) the hash of the whole
// file. One streaming pass (verify-scan.ts), nothing written to disk, then pure checks (verify-checks.ts): every
// problem becomes a named finding. An encrypted archive is decrypted in the same pass (every chunk authenticated);
// without a key only its outside can be checked (verify-locked.ts).
import type { Manifest } from './manifest.ts';
import { probeArchive, sniffArchive } from './read-archive.ts';
import { archiveHint, checkSidecar } from './sidecar.ts';
import { verifyWithoutKey } from './verify-locked.ts';
import { type ScannedEntry, currentEntry, isMetadata, scanArchive } from './verify-scan.ts';
import {
  damageFinding,
  eseFindings,
  expiryFindings,
  layoutFindings,
  manifestFileFindings,
  metadataFindings,
  pageFindings,
  sumsFindings,
} from './verify-checks.ts';
import { type VerifiedEntry, type VerifyEnv, type VerifyResult, finding } from './verify-types.ts';
import { ENTRY_SUMS } from './layout.ts';

export async function verifyArchive(path: string, env: VerifyEnv = {}): Promise<VerifyResult> {
  return (await verifyArchiveWithManifest(path, env)).result;
}

/** verify, also handing back the manifest it read (restore plans from it). */
export async function verifyArchiveWithManifest(
  path: string,
  env: VerifyEnv = {},
): Promise<{ result: VerifyResult; manifest: Manifest | null }> {
  const hint = await archiveHint(path);
  const { detected } = await sniffArchive(path);
  if (!env.keyring && (detected === 'age' || (detected === 'unknown' && hint.encrypted)))
    return { result: await verifyWithoutKey(path, env), manifest: null };
  const info = await probeArchive(path, hint, env.keyring);
  const stanzas = info.encryption ? info.encryption.header.stanzas.map((s) => s.args[0]!) : null;
  const scan = await scanArchive(info, env);
  const seen = whatWasSeen(scan.read);
  const findings = layoutFindings(scan.opened);
  const last = scan.read.at(-1)?.name ?? null;
  let manifest: Manifest | null = null;
  let ese: ReturnType<typeof eseFindings> | null = null;
  if (scan.end.failure) findings.push(damageFinding(scan.end.failure, currentEntry(scan), last));
  else {
    const meta = metadataFindings(seen.metadata, last);
    manifest = meta.manifest;
    findings.push(...meta.findings, ...sumsFindings(seen.metadata.get(ENTRY_SUMS), seen.entries));
    if (manifest) {
      ese = eseFindings(manifest, seen.captured);
      const now = env.now?.() ?? new Date();
      findings.push(
        ...manifestFileFindings(manifest, seen.entries),
        ...ese.findings,
        ...pageFindings(manifest, seen.pages),
        ...expiryFindings(manifest, now),
      );
    }
    const pass = scan.end.pass;
    await checkSidecar(
      path,
      { sha256: pass.fileSha256(), size: pass.fileBytes(), stanzas },
      manifest,
      (severity, code, message, entry) => findings.push(finding(severity, code, message, entry)),
    );
  }
  const result: VerifyResult = {
    ok: !findings.some((f) => f.severity === 'error'),
    archive: path,
    format: info.format,
    size: info.size,
    sha256: scan.end.pass?.fileSha256() ?? null,
    backupId: manifest?.backupId ?? null,
    entries: seen.entries,
    logRange: ese?.logRange ?? null,
    logFindings: ese?.logFindings ?? [],
    pages: seen.pages,
    findings,
    encryption: stanzas ? { format: 'age', stanzas, contentVerified: true } : null,
  };
  return { result, manifest };
}

/**
 * The scanned entries sorted by what the checks need (a later duplicate of a metadata entry wins, as it always did).
 */
function whatWasSeen(read: readonly ScannedEntry[]) {
  const metadata = new Map<string, Buffer>();
  const entries: VerifiedEntry[] = [];
  for (const e of read) {
    if (isMetadata(e.name))
      metadata.set(e.name, e.metadata ?? Buffer.alloc(0)); // an oversized one reads as empty
    else entries.push({ entry: e.name, size: e.size, sha256: e.sha256 });
  }
  const database = read.filter((e) => e.captured?.role === 'database').at(-1);
  return {
    metadata,
    entries,
    captured: read.flatMap((e) => (e.captured ? [e.captured] : [])),
    pages: database?.pages ?? null,
  };
}
