// The UTC time as it goes into names (archive names, pre-restore folders): 2026-03-01T12:04:05.123Z becomes
// 20260301T120405Z — sortable, second precision, no character a file name may not hold.
export function compactUtc(when: Date): string {
  return when
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
