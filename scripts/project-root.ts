// The project root as a file-system path, with a trailing separator. `fileURLToPath` rather than `URL.pathname`:
// the pathname keeps URL escapes (a space is `%20`) and gives `/C:/...` for a Windows drive, so it is no path there.
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
