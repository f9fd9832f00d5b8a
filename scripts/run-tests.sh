#!/usr/bin/env bash
# npm test: build the bundle the CLI tests run, type-check, run ava, and end with one line
# "N passed, N failed, N skipped" (the type check counts as one test).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-output
node scripts/build.ts || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

tc_failed=0
if node_modules/.bin/tsc -p . > .test-output/tsc.txt 2>&1; then
  echo "ok - typecheck (tsc --noEmit, strict)"
else
  cat .test-output/tsc.txt
  echo "not ok - typecheck"
  tc_failed=1
fi

node_modules/.bin/ava --tap "$@" < /dev/null > .test-output/ava.tap 2> .test-output/ava.stderr
rc=$?
# Show the TAP test lines and any failure diagnostics; keep the full stream in .test-output/ava.tap.
grep -E '^(ok|not ok|  ---|    |  \.\.\.|# )' .test-output/ava.tap | grep -vE '^# (tests|pass|fail|skip|todo) ' || true
[ -s .test-output/ava.stderr ] && cat .test-output/ava.stderr >&2

# An empty run is a failure, not a pass.
grep -qE '^# pass [1-9]' .test-output/ava.tap || { echo "not ok - no ava test ran"; rc=1; tc_failed=$((tc_failed + 1)); }
awk -v tcf="$tc_failed" '
  /^# pass /{p=$3} /^# fail /{f=$3} /^# skip /{s=$3} /^# todo /{s+=$3}
  END{ printf "%d passed, %d failed, %d skipped\n", p + (tcf ? 0 : 1), f + tcf, s }' .test-output/ava.tap
[ $rc -eq 0 ] && [ $tc_failed -eq 0 ]
