#!/usr/bin/env bash
# Builds pwsh for Windows for the module's Windows tests: tests/powershell/windows/host (PowerShell 7.6.10,
# self-contained win-x64, with its built-in modules and Pester 6.2.0 in Modules/) published into build/pwsh-win/.
# Skipped when the sources are unchanged since the last build (build/pwsh-win/.fingerprint). Needs the .NET SDK and
# a NuGet feed; fails loudly without them. The sources are copied to build/pwsh-win-src/ first, so that dotnet's
# obj/ and bin/ stay out of the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
src=tests/powershell/windows/host
out=build/pwsh-win
work=build/pwsh-win-src
fingerprint=$(cat "$src"/*.cs "$src"/*.csproj | sha256sum | cut -d' ' -f1)
if [ -x "$out/pwsh.exe" ] && [ "$(cat "$out/.fingerprint" 2> /dev/null)" = "$fingerprint" ]; then
  exit 0
fi
command -v dotnet > /dev/null || { echo "build-pwsh-windows.sh: the .NET SDK (dotnet) was not found" >&2; exit 1; }
mkdir -p build
exec 9> build/pwsh-win.lock
flock 9
[ -x "$out/pwsh.exe" ] && [ "$(cat "$out/.fingerprint" 2> /dev/null)" = "$fingerprint" ] && exit 0 # built meanwhile
started=$SECONDS
rm -rf "$work" "$out"
mkdir -p "$work"
cp "$src"/*.cs "$src"/*.csproj "$work/"
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
  dotnet publish "$work/pwsh.csproj" -c Release -o "$out" --nologo -v q > build/pwsh-win-publish.log 2>&1 ||
  { tail -n 30 build/pwsh-win-publish.log >&2; echo "build-pwsh-windows.sh: dotnet publish failed" >&2; exit 1; }
[ -f "$out/Modules/Pester/Pester.psd1" ] && [ -d "$out/Modules/Microsoft.PowerShell.Utility" ] ||
  { echo "build-pwsh-windows.sh: Modules/ lacks Pester or the built-in modules" >&2; exit 1; }
echo "$fingerprint" > "$out/.fingerprint"
echo "build-pwsh-windows.sh: built $out/pwsh.exe ($(du -sh "$out" | cut -f1)) in $((SECONDS - started)) s"
