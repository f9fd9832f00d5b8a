// node tests/powershell/support/build-host.ts: builds the PowerShell engine test host (scripts/run-tests.sh runs it
// before ava so that the first, slow NuGet restore happens outside the tests' time limits). Exit 0 also when the
// .NET SDK is missing: the tests then skip (or fail under CI) and say why.
import { ensureHost, hostUnavailableReason } from './pshost.ts';

const reason = hostUnavailableReason();
if (reason !== null) {
  console.log(`PowerShell test host not built: ${reason}`);
} else {
  const started = Date.now();
  try {
    ensureHost((line) => console.log(line));
    console.log(`PowerShell test host ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    console.log((e as Error).message);
    process.exitCode = 1;
  }
}
