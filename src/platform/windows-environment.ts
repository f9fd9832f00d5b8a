// The restore environment on Windows without native calls: Windows sets SAFEBOOT_OPTION=DSREPAIR in the
// environment of a system booted into Directory Services Restore Mode, and NTDS holds ntds.dit open without
// sharing it for writing, so opening it for writing fails while the service runs.
import { open } from 'node:fs/promises';
import type { RestoreEnvironment } from '../restore/ports.ts';

export function windowsEnvironment(env: NodeJS.ProcessEnv = process.env): RestoreEnvironment {
  return {
    async restoreMode() {
      const mode = (env['SAFEBOOT_OPTION'] ?? '').toUpperCase();
      if (mode === 'DSREPAIR') return { inRestoreMode: true, detail: 'booted in Directory Services Restore Mode (SAFEBOOT_OPTION=DSREPAIR)' };
      return {
        inRestoreMode: false,
        detail: mode ? `booted in safe mode ${mode}, not Directory Services Restore Mode` : 'booted normally, not in Directory Services Restore Mode',
      };
    },
    async fileInUse(path) {
      try {
        const fh = await open(path, 'r+');
        await fh.close();
        return false;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return code === 'EBUSY' || code === 'EPERM' || code === 'EACCES';
      }
    },
  };
}
