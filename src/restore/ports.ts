// What the restore needs from the machine it runs on, as small ports the platform adapters implement and tests fake.
import type { RegChange, RegValue } from '../registry/values.ts';

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

export interface RegistryWriter {
  /** Where the values go, for the result: "HKLM (advapi32)", "C:\x\restore.reg", "memory". */
  readonly description: string;
  /** Refuses, before the restore changes anything, what apply would refuse at the end (a .reg file that exists). */
  check?(): Promise<void>;
  apply(values: readonly RegChange[]): Promise<void>;
}

/** Reads the registry the registration goes into (advapi32 on Windows, memory in tests); absent = null. */
export interface RegistryReader {
  readonly description: string;
  value(key: string, name: string): Promise<RegValue | null>;
  keyExists(key: string): Promise<boolean>;
}

export interface RestorePorts {
  environment: RestoreEnvironment;
  /** Where the registration goes (.reg file, the live registry, memory); none is refused (REGISTRATION_REQUIRED) except for a plan. */
  registryWriters: RegistryWriter[];
  /** The registry the registration goes into, read before it changes (for the receipt); null where none is readable. */
  registryReader?: RegistryReader | null;
  nativeStyle: 'win32' | 'posix';
  now(): Date;
  signal?: AbortSignal;
  progress(event: Record<string, unknown>): void;
}
