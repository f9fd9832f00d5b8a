// Registry writers without Windows: a .reg file (imported later with `reg import`) and memory (tests).
import { stat } from 'node:fs/promises';
import { AppError } from '../errors.ts';
import { writeFileAtomic } from '../publish.ts';
import type { RegistryReader, RegistryWriter } from './ports.ts';
import type { RegChange, RegValue } from './values.ts';
import { regFileBytes } from './reg-file.ts';

export function regFileWriter(path: string, options: { overwrite?: boolean } = {}): RegistryWriter {
  const check = async () => {
    if (
      !options.overwrite &&
      (await stat(path).then(
        () => true,
        () => false,
      ))
    ) {
      throw new AppError('Precondition', 'DESTINATION_EXISTS', `'${path}' already exists`, { target: path });
    }
  };
  return {
    description: path,
    check,
    async apply(values) {
      await check();
      // A .partial beside it can only be a restore's own, killed before it could clean up: replaced.
      await writeFileAtomic(path, regFileBytes(values), { replaceStale: true });
    },
  };
}

/** A registry in memory (tests): a writer and a reader. */
export class MemoryRegistry implements RegistryWriter, RegistryReader {
  readonly description = 'memory';
  readonly values = new Map<string, RegValue>();
  async apply(values: readonly RegChange[]): Promise<void> {
    for (const v of values) {
      if (v.type === 'DELETE') this.values.delete(id(v.key, v.name));
      else this.values.set(id(v.key, v.name), v);
    }
  }
  get(key: string, name: string): RegValue | undefined {
    return this.values.get(id(key, name));
  }
  async value(key: string, name: string): Promise<RegValue | null> {
    return this.get(key, name) ?? null;
  }
  async keyExists(key: string): Promise<boolean> {
    const k = key.toLowerCase() + '\\';
    return [...this.values.keys()].some((v) => v.startsWith(k));
  }
  /** Removes a key and its values (what NTDS does with Restore in Progress once it has restored). */
  deleteKey(key: string): void {
    const k = key.toLowerCase() + '\\';
    for (const v of [...this.values.keys()]) if (v.startsWith(k)) this.values.delete(v);
  }
}

const id = (key: string, name: string) => `${key.toLowerCase()}\\${name.toLowerCase()}`;
