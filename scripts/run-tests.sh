#!/usr/bin/env bash
# npm test: build the bundle and the executables the tests run, type-check, run ava, run the CLI contract suites
# again against the Linux standalone executable, and end with one line "N passed, N failed, N skipped" over both
# ava runs (the type check counts as one test).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-output
node scripts/build.ts || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
# The PowerShell engine host of tests/powershell (dotnet publish, NuGet System.Management.Automation): built here,
# outside ava's time limits, since the first NuGet restore on a fresh machine can take minutes. Without the .NET SDK
# the PowerShell tests are skipped (they fail when CI is set) and say why; a failed build shows up in those tests.
node tests/powershell/support/build-host.ts > .test-output/pshost-build.txt 2>&1 || cat .test-output/pshost-build.txt

# --- Windows stack (Wine 10 chroot, pwsh for Windows): built here, outside ava's time limits; both reuse their cache
# under build/. A chroot that cannot be built is reported here, and every Wine test fails under CI (skips otherwise).
bash scripts/wine10-chroot.sh ensure 2>&1 | sed 's/^/# /'
bash scripts/build-pwsh-windows.sh 2>&1 | sed 's/^/# /'
# --- end Windows stack

tc_failed=0
# npm run lint: the formatter's check (Prettier) and the type check (tsc --noEmit, strict), counted as one test.
if npm run -s lint > .test-output/lint.txt 2>&1; then
  echo "ok - lint (prettier --check; tsc --noEmit, strict)"
else
  cat .test-output/lint.txt
  echo "not ok - lint (npm run format fixes the formatting)"
  tc_failed=1
fi

# Show the TAP test lines and any failure diagnostics ($3 tags each test line); the full stream stays in $1.
show() {
  grep -E '^(ok|not ok|  ---|    |  \.\.\.|# )' "$1" | grep -vE '^# (tests|pass|fail|skip|todo) ' |
    sed -E "s/^(ok|not ok) ([0-9]+) - /\1 \2 - $3/" || true
  [ -s "$2" ] && cat "$2" >&2
}

node_modules/.bin/ava --tap "$@" < /dev/null > .test-output/ava.tap 2> .test-output/ava.stderr
rc=$?
show .test-output/ava.tap .test-output/ava.stderr ''

# The suites that drive the CLI, again, against the standalone executable instead of `node dist/adbackup.cjs`.
exe=module/bin/linux-x64/adbackup
echo "# CLI contract suites against $exe (ADBACKUP_EXE)"
ADBACKUP_EXE=$exe node_modules/.bin/ava --tap tests/cli/cli.test.ts tests/backup/backup.test.ts tests/backup/encrypted-backup.test.ts \
  tests/backup/secret-hygiene.test.ts tests/archive/verify.test.ts \
  tests/restore/restore.test.ts tests/registry/restore-map.test.ts < /dev/null > .test-output/ava-exe.tap 2> .test-output/ava-exe.stderr
rc_exe=$?
show .test-output/ava-exe.tap .test-output/ava-exe.stderr '[exe] '

# --- Windows stack: the module's Windows Pester suite in pwsh for Windows under Wine 10 (its TAP lines carry [win-pester]).
rm -f .test-output/pester-windows.tap
node tests/powershell/windows/run-pester.ts .test-output/pester-windows.tap > /dev/null 2> .test-output/pester-windows.stderr
rc_winpester=$?
grep -q '^# fail ' .test-output/pester-windows.tap 2> /dev/null ||
  { echo "not ok - the Windows Pester run ended without its summary (exit $rc_winpester)"; tc_failed=$((tc_failed + 1)); }
show .test-output/pester-windows.tap .test-output/pester-windows.stderr ''
# --- end Windows stack

# An empty run is a failure, not a pass.
for tap in .test-output/ava.tap .test-output/ava-exe.tap; do
  grep -qE '^# pass [1-9]' "$tap" || { echo "not ok - no ava summary in $tap (ava exit codes: $rc, $rc_exe; 128+N = killed by signal N)"; rc=1; tc_failed=$((tc_failed + 1)); }
done
awk -v tcf="$tc_failed" '
  /^# pass /{p+=$3} /^# fail /{f+=$3} /^# skip /{s+=$3} /^# todo /{s+=$3}
  END{ printf "%d passed, %d failed, %d skipped\n", p + (tcf ? 0 : 1), f + tcf, s }' .test-output/ava.tap .test-output/ava-exe.tap .test-output/pester-windows.tap
[ $rc -eq 0 ] && [ $rc_exe -eq 0 ] && [ $tc_failed -eq 0 ] && [ $rc_winpester -eq 0 ]
