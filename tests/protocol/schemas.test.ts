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
