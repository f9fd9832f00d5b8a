// The restore environment on Windows without native calls: Windows sets SAFEBOOT_OPTION=DSREPAIR in the
// environment of a system booted into Directory Services Restore Mode, and NTDS holds ntds.dit open without
// sharing it for writing, so opening it for writing fails while the service runs. The NTDS service state (advapi32,
// given by the caller) adds to both answers.
import { open } from 'node:fs/promises';
import type { RestoreEnvironment } from '../restore/ports.ts';

export function windowsEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  serviceState: () => string = () => 'unknown',
): RestoreEnvironment {
  return {
    async restoreMode() {
      const mode = (env['SAFEBOOT_OPTION'] ?? '').toUpperCase();
      const ntds = safely(serviceState);
      if (mode === 'DSREPAIR')
        return {
          inRestoreMode: true,
          detail: `booted in Directory Services Restore Mode (SAFEBOOT_OPTION=DSREPAIR); NTDS service ${ntds}`,
        };
      return {
        inRestoreMode: false,
        detail: `${mode ? `booted in safe mode ${mode}` : 'booted normally'}, not in Directory Services Restore Mode; NTDS service ${ntds}`,
      };
    },
    async fileInUse(path) {
      if (safely(serviceState) === 'running') return true; // NTDS holds its database whatever the path looks like
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

function safely(f: () => string): string {
  try {
    return f();
  } catch {
    return 'unknown';
  }
}
