/**
 * Secure by default: an ntds.dit holds every password hash of the domain, and outside the DC only the boot key
 * (readable by any administrator of a DC) protects them. A backup written without encryption says so, louder when
 * it went to a network share, where everyone who can read the share can read the hashes.
 */
export function withPlaintextWarning<T extends { archive: string }>(
  result: T & { warnings?: string[] },
  encrypted: boolean,
): T & { warnings?: string[] } {
  if (encrypted) return result;
  const share = /^(\\\\|\/\/)[^\\/]+[\\/]/.test(result.archive);
  const warning = share
    ? `the archive is not encrypted and was written to a network share: everyone who can read ${result.archive} can read every password hash of the domain; encrypt backups (encryption.recipients) or write them where only Domain Admins can read`
    : 'the archive is not encrypted: it holds every password hash of the domain, protected only by the boot key of any DC; encrypt backups (encryption.recipients) or keep them where only Domain Admins can read';
  return { ...result, warnings: [...(result.warnings ?? []), warning] };
}
