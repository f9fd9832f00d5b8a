// npm run build, module step: copies the cmdlet sources (ps-wrappers/*.ps1 and ps-wrappers/private/*.ps1) into
// module/functions/ so that module/ is the complete, self-contained PowerShell module folder (with bin/<rid>/ from
// build-sea.ts). module/functions/ is build output (ignored by git); ps-wrappers/ is the source.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root.ts';

export function buildModuleFunctions(root: string): string[] {
  const out = join(root, 'module', 'functions');
  rmSync(out, { recursive: true, force: true });
  const copied: string[] = [];
  for (const sub of ['', 'private']) {
    const from = join(root, 'ps-wrappers', sub);
    mkdirSync(join(out, sub), { recursive: true });
    for (const name of readdirSync(from)
      .filter((n) => n.endsWith('.ps1'))
      .sort()) {
      copyFileSync(join(from, name), join(out, sub, name));
      copied.push(sub ? `${sub}/${name}` : name);
    }
  }
  return copied;
}

if (import.meta.main) {
  const files = buildModuleFunctions(projectRoot);
  console.log(`module/functions: ${files.length} files from ps-wrappers/`);
}
