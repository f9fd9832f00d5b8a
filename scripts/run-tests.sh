#!/usr/bin/env bash
# npm test: build the bundle and the executables the tests run, type-check, run ava, run the CLI contract suites
# again against the Linux standalone executable and a third time against the shipped adbackup.exe under Wine 10, run
# the PowerShell module's Pester suites in real pwsh and the Windows Pester suite under Wine 10, and end with one line
# "N passed, N failed, N skipped" over all the runs (the type check counts as one test).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-output
node scripts/build.ts || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

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
cli_suites=(tests/cli/cli.test.ts tests/backup/backup.test.ts tests/backup/encrypted-backup.test.ts
  tests/backup/secret-hygiene.test.ts tests/archive/verify.test.ts
  tests/restore/restore.test.ts tests/restore/offline-restore-cli.test.ts tests/registry/restore-map.test.ts
  tests/cli/retention-cli.test.ts)
exe=module/bin/linux-x64/adbackup
echo "# CLI contract suites against $exe (ADBACKUP_EXE)"
ADBACKUP_EXE=$exe node_modules/.bin/ava --tap "${cli_suites[@]}" < /dev/null > .test-output/ava-exe.tap 2> .test-output/ava-exe.stderr
rc_exe=$?
show .test-output/ava-exe.tap .test-output/ava-exe.stderr '[exe] '
taps=(.test-output/ava.tap .test-output/ava-exe.tap)

# --- Windows stack: the same suites against the shipped module/bin/win-x64/adbackup.exe, unmodified, under Wine 10
# (ADBACKUP_EXE_WINE=1, tests/support/wine-cli.ts: file-based stdio, Z:\ paths, its sha256 checked against the
# build's). One Wine prefix booted here serves every file. Not run there, and why (README, Testing): cli.test.ts's
# "reader that closes the pipe early" (skipped: Node under Wine gets files, not pipes, for its standard streams).
rc_exewin=0
started=$SECONDS
rm -f .test-output/ava-exe-win.tap
if winprefix=$(node tests/support/wine-cli-prefix.ts boot 2> .test-output/wine-cli-prefix.txt); then
  echo "# CLI contract suites against module/bin/win-x64/adbackup.exe under Wine 10 (ADBACKUP_EXE_WINE)"
  ADBACKUP_WINE_PREFIX=$winprefix ADBACKUP_EXE_WINE=1 node_modules/.bin/ava --tap "${cli_suites[@]}" < /dev/null \
    > .test-output/ava-exe-win.tap 2> .test-output/ava-exe-win.stderr
  rc_exewin=$?
  node tests/support/wine-cli-prefix.ts dispose "$winprefix"
  show .test-output/ava-exe-win.tap .test-output/ava-exe-win.stderr '[exe-win] '
  echo "# [exe-win] $((SECONDS - started)) s ($(tail -n 1 .test-output/wine-cli-prefix.txt))"
  taps+=(.test-output/ava-exe-win.tap)
elif [ -n "${CI:-}" ]; then
  echo "not ok - [exe-win] no Wine prefix for the CLI suites: $(tail -n 3 .test-output/wine-cli-prefix.txt)"
  tc_failed=$((tc_failed + 1))
else
  echo "# [exe-win] skipped: $(tail -n 3 .test-output/wine-cli-prefix.txt)"
fi
# --- end Windows stack

# --- Pester: the PowerShell module in real pwsh (scripts/pester.sh installs pwsh and Pester; tests/powershell). ---
# Its test lines are shown as TAP-like lines tagged [pester], a failure with its message; the full log stays in
# .test-output/pester.txt. Its counts join the summary, and a failure or a missing summary fails the run.
echo "# Pester suites in real pwsh (tests/powershell)"
bash scripts/pester.sh > .test-output/pester.txt 2>&1
rc_pester=$?
awk '/^ *\[\+\] /{sub(/^ *\[\+\] /, ""); print "ok - [pester] " $0; f=0; next}
     /^ *\[!\] /{sub(/^ *\[!\] /, ""); print "ok - [pester] " $0 " # SKIP"; f=0; next}
     /^ *\[-\] /{sub(/^ *\[-\] /, ""); print "not ok - [pester] " $0; f=1; next}
     /^(not ok|pester:)/{print; f=0; next}
     f && /^   /{print "  " $0}' .test-output/pester.txt
pester_summary=$(grep -E '^pester: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' .test-output/pester.txt | tail -n 1)
if [ -z "$pester_summary" ]; then
  tail -n 30 .test-output/pester.txt
  pester_summary="pester: 0 passed, 1 failed, 0 skipped"
  echo "not ok - no Pester summary (scripts/pester.sh exit code $rc_pester)"
  rc_pester=1
fi
# --- end of the Pester section ---

# --- Windows stack: the module's Windows Pester suite in pwsh for Windows under Wine 10 (its TAP lines carry [win-pester]).
rm -f .test-output/pester-windows.tap
node tests/powershell/windows/run-pester.ts .test-output/pester-windows.tap > /dev/null 2> .test-output/pester-windows.stderr
rc_winpester=$?
grep -q '^# fail ' .test-output/pester-windows.tap 2> /dev/null ||
  { echo "not ok - the Windows Pester run ended without its summary (exit $rc_winpester)"; tc_failed=$((tc_failed + 1)); }
show .test-output/pester-windows.tap .test-output/pester-windows.stderr ''
# --- end Windows stack

# An empty run is a failure, not a pass.
for tap in "${taps[@]}"; do
  grep -qE '^# pass [1-9]' "$tap" || { echo "not ok - no ava summary in $tap (ava exit codes: $rc, $rc_exe, $rc_exewin; 128+N = killed by signal N)"; rc=1; tc_failed=$((tc_failed + 1)); }
done
read -r pp pf ps < <(echo "$pester_summary" | sed -E 's/^pester: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/')
awk -v tcf="$tc_failed" -v pp="$pp" -v pf="$pf" -v ps="$ps" '
  /^# pass /{p+=$3} /^# fail /{f+=$3} /^# skip /{s+=$3} /^# todo /{s+=$3}
  END{ printf "%d passed, %d failed, %d skipped\n", p + pp + (tcf ? 0 : 1), f + pf + tcf, s + ps }' "${taps[@]}" .test-output/pester-windows.tap
[ $rc -eq 0 ] && [ $rc_exe -eq 0 ] && [ $rc_exewin -eq 0 ] && [ $tc_failed -eq 0 ] && [ $rc_pester -eq 0 ] && [ $rc_winpester -eq 0 ]
