// Where registry values go and where they are read back from: ports the restore uses and the adapters implement (a
// .reg file and memory in writers.ts, advapi32 in the platform). Here rather than in restore/ because the registry's
// own writers implement them, and the registry layer imports nothing above it.
import type { RegChange, RegValue } from './values.ts';

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
