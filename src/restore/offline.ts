// Restore target "offline": a DC's Windows volume mounted on this machine (a DC that will not reach DSRM, a VM
// disk attached to a rescue host). Everything is as for target "files" — one verifying pass, .partial files,
// pre-restore-* folders, plan mode, receipt — with three differences: the files go where the volume's own SYSTEM
// hive says NTDS keeps them (NTDS\Parameters, as withNtdsDefaults reads them on a live DC), the DC's drive letters
// map onto the mounted volume (offline-volume.ts), and the registration is written into that hive file (and read
// from it "before", for the receipt) through the hive port. NTDS processes it at the DC's next normal start.
import { Hive } from '../registry/hive/hive.ts';
import { type NtdsLocations, hiveRegistry, ntdsLocations } from '../registry/hive/hive-registry.ts';
import type { RestoreEnvironment, RestorePorts } from './ports.ts';
import { type RestoreOptions, type RestoreResult, runRestore } from './restore.ts';
import type { FilesTarget } from './targets.ts';
import { offlineVolume, systemHivePath, volumePath } from './offline-volume.ts';

export interface OfflineTarget extends Omit<FilesTarget, 'root'> {
  type: 'offline';
  /** The root of the mounted Windows volume (the DC's system drive). */
  windows: string;
  /** The SYSTEM hive file (default: <windows>/Windows/System32/config/SYSTEM, found case-insensitively). */
  hive?: string;
  /** Where the DC's other drive letters are mounted here ({ "D": "/mnt/d" }). */
  drives?: Record<string, string>;
  /** The drive letter the mounted volume is on the DC (default C). */
  systemDrive?: string;
  createFolders?: boolean;
  restoreCheckpoint?: boolean;
}

export type OfflineRestoreOptions = Omit<RestoreOptions, 'target' | 'volume'> & { target: OfflineTarget };

/** `ports.registryWriters` are extra writers (a .reg copy); the hive is always written and is the reader. */
export async function runOfflineRestore(opts: OfflineRestoreOptions, ports: RestorePorts): Promise<RestoreResult> {
  const { type: _t, windows: _w, hive: _h, drives: _d, systemDrive: _s, ...places } = opts.target;
  const volume = offlineVolume(opts.target);
  const hivePath = opts.target.hive ?? systemHivePath(volume);
  // Opening the hive refuses a dirty (HIVE_DIRTY), damaged or foreign one: before any file is written, and in a
  // plan too, since the real run would stop at the same point.
  const located = ntdsLocations(await Hive.open(hivePath));
  const hive = hiveRegistry(hivePath, { now: ports.now });
  return runRestore(
    {
      ...opts,
      target: { ...withHiveDefaults(places, located), type: 'files' },
      volume: { root: volume.root, hive: hivePath, physical: (logical) => volumePath(volume, logical) },
    },
    {
      ...ports,
      environment: offlineEnvironment(ports.environment),
      registryWriters: [hive, ...ports.registryWriters],
      registryReader: hive,
    },
  );
}

/** The request's places first, then where the hive says NTDS keeps its files, then (in resolveTargets) the backup's. */
function withHiveDefaults<T extends Omit<FilesTarget, 'root'>>(t: T, loc: NtdsLocations): T {
  return {
    ...t,
    ...(t.databasePath === undefined && loc.databaseFile ? { databasePath: loc.databaseFile } : {}),
    ...(t.logPath === undefined && loc.logPath ? { logPath: loc.logPath } : {}),
    ...(t.checkpointPath === undefined && loc.workingDirectory ? { checkpointPath: loc.workingDirectory } : {}),
  };
}

/**
 * The Windows on the volume is not running: there is no restore mode to be in and no NTDS to stop, so the checks a
 * files restore makes on a live DC (DSRM, NTDS stopped) do not apply. Whether a process on this host holds the
 * database open still does.
 */
function offlineEnvironment(host: RestoreEnvironment): RestoreEnvironment {
  return {
    restoreMode: async () => ({
      inRestoreMode: null,
      detail: 'an offline Windows volume: not running, so restore mode does not apply',
    }),
    fileInUse: (path) => host.fileInUse(path),
  };
}
