import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { projectRoot } from '../support/shared.ts';
import { tempDir } from '../support/temp.ts';

test('the scripts find the project root in a folder whose name has a space and a percent sign', async (t) => {
  const root = join(await tempDir(t), 'my project %20');
  mkdirSync(join(root, 'scripts'), { recursive: true });
  copyFileSync(join(projectRoot, 'scripts', 'project-root.ts'), join(root, 'scripts', 'project-root.ts'));
  const probe = "import { projectRoot } from './scripts/project-root.ts'; process.stdout.write(projectRoot);";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, root + sep);
});
