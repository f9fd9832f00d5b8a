// Registry writers without Windows: a .reg file (imported later with `reg import`) and memory (tests).
import { stat } from 'node:fs/promises';
import { AppError } from '../errors.ts';
import { writeFileAtomic } from '../archive/publish.ts';
import type { RegistryWriter } from '../restore/ports.ts';
import type { RegValue } from './values.ts';
import { regFileBytes } from './reg-file.ts';

export function regFileWriter(path: string, options: { overwrite?: boolean } = {}): RegistryWriter {
  const check = async () => {
    if (!options.overwrite && (await stat(path).then(() => true, () => false))) {
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

export class MemoryRegistry implements RegistryWriter {
  readonly description = 'memory';
  readonly values = new Map<string, RegValue>();
  async apply(values: readonly RegValue[]): Promise<void> {
    for (const v of values) this.values.set(`${v.key.toLowerCase()}\\${v.name.toLowerCase()}`, v);
  }
  get(key: string, name: string): RegValue | undefined {
    return this.values.get(`${key.toLowerCase()}\\${name.toLowerCase()}`);
  }
}
