// The ports of an in-process restore for tests: a machine in Directory Services Restore Mode, nothing in use, a
// registry in memory; `over` replaces any of them.
import type { RestorePorts } from '../../src/restore/restore.ts';
import { MemoryRegistry } from '../../src/registry/writers.ts';

export function restorePorts(over: Partial<RestorePorts> = {}): RestorePorts {
  return {
    environment: { restoreMode: async () => ({ inRestoreMode: true, detail: 'DSRM' }), fileInUse: async () => false },
    registryWriters: [new MemoryRegistry()],
    nativeStyle: 'posix',
    now: () => new Date(),
    progress: () => {},
    ...over,
  };
}
