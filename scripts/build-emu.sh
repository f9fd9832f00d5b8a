#!/usr/bin/env bash
# Builds the emulated ntdsbcli.dll (tests only; tests/native/ntdsbcli-emu.c) with mingw-w64, x64:
#   build/native/ntdsbcli.dll                  every export of tests/native/ntdsbcli-emu.def
#   build/native/missing-export/ntdsbcli.dll   the same without DsBackupTruncateLogs ("missing export" tests)
#   build/native/vss/vssapi.dll              tests/native/vssapi-emu.c: the emulated VSS requester API (IVssBackupComponents)
#   build/native/harness.exe                   tests/native/harness.c, the driver tests/native/emulator.test.ts runs under Wine
# Idempotent: always rebuilds, each output written beside its final name and renamed over it (a concurrent run or a
# process using the old file never sees a half-written one). Fails loudly when the compiler is missing.
# The compiler can be overridden with MINGW_CC.
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
if ! command -v "$CC" > /dev/null 2>&1; then
  echo "build-emu.sh: the mingw-w64 compiler '$CC' was not found (Debian/Ubuntu package gcc-mingw-w64-x86-64; or set MINGW_CC)" >&2
  exit 1
fi

SRC=tests/native
OUT=build/native
mkdir -p "$OUT/missing-export" "$OUT/vss"
tmp=$(mktemp -d "$OUT/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# No PE timestamp and a fixed image base (the automatic one hashes the temporary output name): the same sources give
# byte-identical files.
CFLAGS=(-O2 -std=c11 -Wall -Wextra -Werror -municode -static-libgcc -Wl,--no-insert-timestamp -Wl,--disable-auto-image-base)

# Every export but DsBackupTruncateLogs.
grep -v '^[[:space:]]*DsBackupTruncateLogs[[:space:]]*$' "$SRC/ntdsbcli-emu.def" > "$tmp/missing-export.def"
if grep -v '^[[:space:]]*;' "$tmp/missing-export.def" | grep -q 'DsBackupTruncateLogs'; then
  echo "build-emu.sh: could not remove DsBackupTruncateLogs from the .def" >&2
  exit 1
fi

"$CC" "${CFLAGS[@]}" -shared -o "$tmp/ntdsbcli.dll" "$SRC/ntdsbcli-emu.c" "$SRC/ntdsbcli-emu.def" -ladvapi32
"$CC" "${CFLAGS[@]}" -shared -o "$tmp/missing-export.dll" "$SRC/ntdsbcli-emu.c" "$tmp/missing-export.def" -ladvapi32
"$CC" "${CFLAGS[@]}" -o "$tmp/harness.exe" "$SRC/harness.c"
"$CC" "${CFLAGS[@]}" -shared -o "$tmp/vssapi.dll" "$SRC/vssapi-emu.c" "$SRC/vssapi-emu.def" -lole32 -loleaut32 -luuid

mv -f "$tmp/ntdsbcli.dll" "$OUT/ntdsbcli.dll"
mv -f "$tmp/missing-export.dll" "$OUT/missing-export/ntdsbcli.dll"
mv -f "$tmp/harness.exe" "$OUT/harness.exe"
mv -f "$tmp/vssapi.dll" "$OUT/vss/vssapi.dll"
echo "build-emu.sh: built $OUT/ntdsbcli.dll, $OUT/missing-export/ntdsbcli.dll, $OUT/harness.exe, $OUT/vss/vssapi.dll"
