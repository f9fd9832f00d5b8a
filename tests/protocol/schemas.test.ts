import test from 'ava';
import { schemas } from '../../src/protocol/generated/schemas.js';
import { FINDING_CODES } from '../../src/logs/findings.ts';
import { COMMANDS } from '../../src/cli/commands.ts';

test('the finding codes in the log-range response schema are exactly the ones the analysis emits', (t) => {
  const schema = schemas['log-range.response'] as any;
  t.deepEqual([...schema.$defs.finding.properties.code.enum].sort(), [...FINDING_CODES].sort());
});

test('every command has a request schema', (t) => {
  for (const name of Object.keys(COMMANDS)) t.truthy(schemas[`${name}.request`], name);
});

test("every sample request in samples/ matches its command's request schema", async (t) => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { projectRoot } = await import('../support/shared.ts');
  const v = (await import('../../src/protocol/generated/validators.js')) as unknown as Record<
    string,
    import('../../src/protocol/validator.ts').Validator
  >;
  const dir = join(projectRoot, 'samples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.request.json'));
  t.true(files.length >= 5);
  for (const f of files) {
    const name = f.replace(/\.request\.json$/, '');
    // backup-encrypted.request.json is a backup request; log-range.request.json is log-range's.
    const command = name in COMMANDS ? name : name.replace(/-[^-]+$/, '');
    const validate = v[`${command.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Request`];
    t.truthy(validate, f);
    t.true(validate!(JSON.parse(readFileSync(join(dir, f), 'utf8'))), `${f}: ${JSON.stringify(validate!.errors)}`);
  }
});
