#!/usr/bin/env bash
# Wine 10 for the tests: a Debian trixie chroot (minbase + wine64), built once into build/wine10/ and reused.
#
#   scripts/wine10-chroot.sh ensure         builds the chroot unless a complete one exists; prints its root
#   scripts/wine10-chroot.sh run CMD [ARG…] runs CMD inside it (see below); exits with CMD's exit code
#   scripts/wine10-chroot.sh status         prints the root and the recorded Wine version, or exits 1
#
# Why a chroot: Node 24 (V8 13) needs VirtualAlloc2 with MEM_RESERVE_PLACEHOLDER, which Wine 8 (Debian 12) lacks;
# Wine 10 is in trixie only, and installing it on a bookworm host would replace libc6 and more.
#
# Every mount lives in a private mount namespace (unshare -m) that ends with the process using it: a killed test or
# build leaves nothing mounted on the host, and the cache folder can always be deleted with rm -rf. `run` mounts
# /proc, /dev (recursively: /dev/pts, /dev/shm), and binds /tmp and the project folder at their own paths, so a POSIX
# path means the same file inside and out and Wine's Z:\ (the chroot's /) reaches it unchanged.
#
# The Debian mirror is read from this machine's apt sources at run time. Building needs root, debootstrap (bookworm's
# package is fetched with apt-get download when it is not installed) and the network; it fails loudly otherwise.
# Idempotent and safe to re-run: concurrent callers serialise on a lock; an unfinished build is discarded; a complete
# one is marked by root.ready, written last, which also records the recipe (a changed recipe rebuilds).
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
cache=${ADBACKUP_WINE10_DIR:-$project/build/wine10}
root=$cache/root
stamp=$cache/root.ready
suite=trixie
packages=wine64
recipe="debootstrap --variant=minbase $suite + apt-get install --no-install-recommends $packages"

die() { echo "wine10-chroot.sh: $*" >&2; exit 1; }

ready() { [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$recipe" ]; }

# The first Debian mirror (not the security archive) named in the apt sources, deb822 or one-line format.
mirror() {
  local uris
  uris=$( (cat /etc/apt/sources.list.d/*.sources 2> /dev/null | sed -nE 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2> /dev/null |
      sed -nE 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p') | grep -E '^https?://' | grep -v security || true)
  [ -n "$uris" ] || die "no Debian mirror (http/https URI) found in /etc/apt/sources.list or /etc/apt/sources.list.d"
  echo "$uris" | head -n 1
}

# debootstrap from PATH, else bookworm's package unpacked into the cache (it is shell scripts and data only): sets
# $tool (and DEBOOTSTRAP_DIR for the unpacked one).
find_debootstrap() {
  if command -v debootstrap > /dev/null; then
    tool=$(command -v debootstrap)
    return
  fi
  local x=$cache/debootstrap
  if [ ! -x "$x/usr/sbin/debootstrap" ]; then
    rm -rf "$x" "$cache/dl" && mkdir -p "$cache/dl"
    (cd "$cache/dl" && apt-get download debootstrap > "$cache/dl.log" 2>&1) || die "apt-get download debootstrap failed: $(tail -n 5 "$cache/dl.log")"
    dpkg-deb -x "$cache"/dl/debootstrap_*.deb "$x" || die "could not unpack the debootstrap package"
    rm -rf "$cache/dl"
  fi
  export DEBOOTSTRAP_DIR=$x/usr/share/debootstrap
  tool=$x/usr/sbin/debootstrap
}

# Runs inside the private mount namespace of `build`.
build_inside() {
  local work=$1 url=$2 tool=$3
  "$tool" --variant=minbase "$suite" "$work" "$url" > "$cache/debootstrap.log" 2>&1 ||
    die "debootstrap $suite from $url failed; the end of $cache/debootstrap.log:
$(tail -n 20 "$cache/debootstrap.log")"
  cp /etc/resolv.conf "$work/etc/resolv.conf"
  mount -t proc proc "$work/proc"
  mount --rbind /dev "$work/dev"
  chroot "$work" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages && apt-get clean" \
    > "$cache/install.log" 2>&1 || die "apt-get install $packages in the chroot failed; the end of $cache/install.log:
$(tail -n 20 "$cache/install.log")"
}

build() {
  [ "$(id -u)" -eq 0 ] || die "building the Wine 10 chroot needs root (debootstrap, chroot, mount)"
  command -v unshare > /dev/null || die "unshare (util-linux) not found"
  local url tool work=$cache/root.building started=$SECONDS
  url=$(mirror)
  find_debootstrap
  # Leftovers of an interrupted build or an outdated recipe; nothing is mounted in them (private namespaces).
  rm -rf "$work" "$root" "$stamp"
  echo "wine10-chroot.sh: building the $suite chroot with $packages in $cache (a few minutes, ~1.5 GB)" >&2
  unshare -m --propagation private -- "$0" _build "$work" "$url" "$tool"
  mv "$work" "$root"
  local version
  version=$("$0" run /usr/lib/wine/wine64 --version) || die "the built chroot's wine64 does not run"
  printf '%s\n%s\nbuilt in %d s\n' "$recipe" "$version" $((SECONDS - started)) > "$stamp.partial"
  mv "$stamp.partial" "$stamp"
  echo "wine10-chroot.sh: $version ready in $((SECONDS - started)) s ($(du -sh "$root" | cut -f1))" >&2
}

run_inside() {
  [ -x "$root/usr/lib/wine/wine64" ] || die "no Wine 10 chroot in $cache: run '$0 ensure' first"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  mount --bind /tmp "$root/tmp"
  case "$project/" in
    /tmp/*) ;;
    *) mkdir -p "$root$project" && mount --bind "$project" "$root$project" ;;
  esac
  exec chroot "$root" /usr/bin/env PATH=/usr/lib/wine:/usr/sbin:/usr/bin:/sbin:/bin \
    XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}" "$@"
}

case "${1:-}" in
  ensure)
    mkdir -p "$cache"
    exec 9> "$cache/lock"
    flock 9
    ready || build
    echo "$root"
    ;;
  status)
    ready || { echo "no complete Wine 10 chroot in $cache" >&2; exit 1; }
    echo "$root"
    sed -n 2,3p "$stamp"
    ;;
  run)
    shift
    [ $# -gt 0 ] || die "run: no command"
    [ "$(id -u)" -eq 0 ] || die "running in the Wine 10 chroot needs root (mount, chroot)"
    exec unshare -m --propagation private -- "$0" _run "$@"
    ;;
  _run) shift; run_inside "$@" ;;
  _build) shift; build_inside "$@" ;;
  *) die "usage: $0 ensure | run CMD [ARG…] | status" ;;
esac
