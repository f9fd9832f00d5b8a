// What the restore needs from the machine it runs on, as small ports the platform adapters implement and tests fake.
import type { RegistryReader, RegistryWriter } from '../registry/ports.ts';

export interface RestoreModeAnswer {
  /** true: booted in Directory Services Restore Mode; false: a DC running normally; null: not applicable here. */
  inRestoreMode: boolean | null;
  detail: string;
}

export interface RestoreEnvironment {
  restoreMode(): Promise<RestoreModeAnswer>;
  /** Whether another process holds the file open (the database of a running NTDS). */
  fileInUse(path: string): Promise<boolean>;
}

export interface RestorePorts {
  environment: RestoreEnvironment;
  /**
   * Where the registration goes (.reg file, the live registry, memory); none is refused (REGISTRATION_REQUIRED) except
   * for a plan.
   */
  registryWriters: RegistryWriter[];
  /** The registry the registration goes into, read before it changes (for the receipt); null where none is readable. */
  registryReader?: RegistryReader | null;
  nativeStyle: 'win32' | 'posix';
  now(): Date;
  signal?: AbortSignal;
  progress(event: Record<string, unknown>): void;
}
