import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
/** ../shared beside the project (CI lays it there); fixtures are read from it, never copied in. */
export const sharedDir = join(projectRoot, '..', 'shared');
export const realDatabaseFixture = join(sharedDir, 'fixtures', 'basic.edb.gz');
export const haveShared = existsSync(realDatabaseFixture);
