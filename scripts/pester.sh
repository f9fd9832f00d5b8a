#!/usr/bin/env bash
# Runs Pester suites in real PowerShell and ends with one line "pester: N passed, N failed, N skipped".
#
#   bash scripts/pester.sh [--pwsh PATH] [--pester MANIFEST] [FILE|FOLDER...]     (default: tests/powershell/*.Tests.ps1)
#   bash scripts/pester.sh --install-only                                          (pwsh and Pester only)
#
# Without --pwsh (or $PWSH) it installs PowerShell 7.6.10 from NuGet into build/pwsh (`dotnet tool install`; without
# a version the resolver takes 7.7.0, which fails on this SDK); without --pester (or $PESTER_MANIFEST) it fetches
# Pester 6.2.0 into the NuGet cache with a PackageDownload restore. Another pwsh (pwsh for Windows under Wine, say)
# runs the same suites by giving its path. Without the .NET SDK the suites are skipped and say why, unless CI is
# set: then that is a failure. Exit 0 only when Pester ran tests and none failed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-output
PWSH_VERSION=7.6.10
PESTER_VERSION=6.2.0
pwsh_path=${PWSH:-}
pester=${PESTER_MANIFEST:-}
paths=()
install_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --pwsh) pwsh_path=$2; shift 2 ;;
    --pester) pester=$2; shift 2 ;;
    --install-only) install_only=1; shift ;;
    *) paths+=("$1"); shift ;;
  esac
done
# The suites of tests/powershell itself; windows/ holds the suite pwsh for Windows runs under Wine (run-pester.ts).
[ ${#paths[@]} -eq 0 ] && paths=(tests/powershell/*.Tests.ps1)

unavailable() {
  echo "pester: $1"
  if [ -n "${CI:-}" ]; then echo "not ok - Pester suites: $1 (required when CI is set)"; echo "pester: 0 passed, 1 failed, 0 skipped"; exit 1; fi
  echo "pester: 0 passed, 0 failed, 1 skipped"
  exit 0
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ -z "$pwsh_path" ] || [ -z "$pester" ]; then
  command -v dotnet > /dev/null || unavailable "the .NET SDK (dotnet) is not installed: real pwsh and Pester cannot be installed"
fi
if [ -z "$pwsh_path" ]; then
  pwsh_path=build/pwsh/pwsh
  if ! [ -x "$pwsh_path" ] || [ "$("$pwsh_path" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2> /dev/null)" != "$PWSH_VERSION" ]; then
    rm -rf build/pwsh
    dotnet tool install --tool-path build/pwsh PowerShell --version "$PWSH_VERSION" > .test-output/pwsh-install.txt 2>&1 ||
      { cat .test-output/pwsh-install.txt; unavailable "dotnet tool install PowerShell $PWSH_VERSION failed"; }
  fi
fi
if [ -z "$pester" ]; then
  cache=${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list 2> /dev/null | sed -n 's/^global-packages: *//p')}
  pester="${cache%/}/pester/$PESTER_VERSION/tools/Pester.psd1"
  if ! [ -f "$pester" ]; then
    mkdir -p build/pester-restore
    cat > build/pester-restore/pester-restore.csproj << XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
XML
    dotnet restore build/pester-restore/pester-restore.csproj > .test-output/pester-restore.txt 2>&1 ||
      { cat .test-output/pester-restore.txt; unavailable "fetching Pester $PESTER_VERSION (dotnet restore) failed"; }
    [ -f "$pester" ] || unavailable "Pester $PESTER_VERSION is not at $pester after the restore"
  fi
fi

if [ -n "$install_only" ]; then echo "pester: pwsh $pwsh_path, Pester $pester"; exit 0; fi

# Node (the project's, v24 under npm) makes the synthetic test material; the suites find it through ADB_TEST_NODE.
export ADB_TEST_NODE=${ADB_TEST_NODE:-$(command -v node)}
[ -n "$ADB_TEST_NODE" ] || unavailable "node is not on PATH (run through npm, or set ADB_TEST_NODE)"
export NO_COLOR=1
# Child pwsh processes of the suites (prompts, -NonInteractive, exit codes) run this same pwsh.
ADB_TEST_PWSH=$(cd "$(dirname "$pwsh_path")" && pwd)/$(basename "$pwsh_path")
export ADB_TEST_PWSH
"$pwsh_path" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File tests/powershell/support/Invoke-PesterSuite.ps1 \
  -PesterManifest "$pester" "${paths[@]}" < /dev/null
