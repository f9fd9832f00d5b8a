import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
/** ../shared beside the project (CI lays it there); fixtures are read from it, never copied in. */
export const sharedDir = join(projectRoot, '..', 'shared');
export const realDatabaseFixture = join(sharedDir, 'fixtures', 'basic.edb.gz');
export const haveShared = existsSync(realDatabaseFixture);
/** The Windows Server 2012 R2 ntds.dit template (gzip): the schema of an empty forest under O=Boot. */
export const ntdsFixture = join(sharedDir, 'fixtures', 'ntds-2012r2.dit.gz');
export const haveNtds = existsSync(ntdsFixture);
