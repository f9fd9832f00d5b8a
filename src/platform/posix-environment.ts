// The restore environment on a Linux rescue/DR host: there is no DSRM here (the DC's volume is mounted and written
// offline), and a file is in use when some process has it open, as /proc tells.
import { readdir, readlink, realpath } from 'node:fs/promises';
import type { RestoreEnvironment } from '../restore/ports.ts';

export function posixEnvironment(): RestoreEnvironment {
  return {
    async restoreMode() {
      return { inRestoreMode: null, detail: 'not a Windows domain controller: the target is written offline' };
    },
    async fileInUse(path) {
      let target: string;
      try {
        target = await realpath(path);
      } catch {
        return false; // nothing there yet
      }
      let pids: string[];
      try {
        pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
      } catch {
        return false; // no procfs (macOS, BSD): cannot tell
      }
      for (const pid of pids) {
        let fds: string[];
        try {
          fds = await readdir(`/proc/${pid}/fd`);
        } catch {
          continue; // gone, or not ours to look at
        }
        for (const fd of fds) {
          if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === target) return true;
        }
      }
      return false;
    },
  };
}
