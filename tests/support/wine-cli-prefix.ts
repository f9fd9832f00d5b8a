// One Wine prefix for the whole Windows-exe pass of scripts/run-tests.sh, so that its test files (separate ava
// workers) share one `wineboot -i` instead of booting one each:
//   node tests/support/wine-cli-prefix.ts boot      boots a prefix; prints its folder (for ADBACKUP_WINE_PREFIX)
//   node tests/support/wine-cli-prefix.ts dispose D stops D's wineserver and removes D
import { createWinePrefix, findWine, openWinePrefix, wineUnavailable } from './wine.ts';

const [command, dir] = process.argv.slice(2);
const tools = findWine();
if (tools === null) {
  console.error(`wine-cli-prefix: ${wineUnavailable()}`);
  process.exit(1);
}
if (command === 'boot') {
  const prefix = await createWinePrefix(tools);
  console.error(`wine-cli-prefix: booted in ${prefix.bootMs} ms`);
  console.log(prefix.workDir);
} else if (command === 'dispose' && dir) {
  await openWinePrefix(tools, dir).dispose();
} else {
  console.error('usage: wine-cli-prefix.ts boot | dispose DIR');
  process.exit(2);
}
