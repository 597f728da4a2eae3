#!/usr/bin/env bash
# Builds and tests duplex with the newest toolchains Debian has: in a chroot of
# Debian unstable (sid: emscripten >= 6, node, python3-websockets, GCC, Boost,
# OpenSSL of the day), the wasm preset (its whole suite, headless Chromium and
# Firefox included) and the native preset (its whole suite), in build/current-wasm
# and build/current-native.
#
# The chroot is made once with debootstrap from deb.debian.org and cached
# outside the clone:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/duplex/chroot-sid-<key>
# <key> hashes the package list and setup steps below, so editing them makes a
# new chroot (older ones are removed). The chroot also keeps emscripten's
# system libraries (/var/cache/emscripten), built at the first link.
#
# Usage: tools/current_toolchain.sh [--refresh] [--setup-only]
#   --refresh     remake the chroot (today's sid) before testing
#   --setup-only  make the chroot if needed, test nothing
# Needs root (debootstrap, mount, chroot) and, to make the chroot, HTTP access
# to deb.debian.org (or the Debian mirror in DUPLEX_DEBIAN_MIRROR). Expects
# tests/peers/node_modules (tools/setup.sh).
set -euo pipefail

say() { printf 'current-toolchain: %s\n' "$*" >&2; }
die() { printf 'current-toolchain: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/apt_packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt_packages.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

suite=sid
mirror=${DUPLEX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
min_emscripten=6
# Installed in the chroot (--no-install-recommends). Not sid's catch2: it is
# Catch2 3; the host's Catch2 2 (bookworm) is copied in instead.
packages=(emscripten nodejs cmake make g++ libboost-dev libssl-dev zlib1g-dev liburing-dev
          python3 python3-websockets openssl ca-certificates
          chromium  # the browser tests (headless, driven by npm playwright-core)
          firefox-esr  # the integration suite in Firefox (headless, WebDriver BiDi)
          tinyproxy microsocks)  # the proxy tests (HTTP CONNECT, SOCKS5)
# Bump when the setup steps change in a way the package list does not show.
setup_revision=1

refresh=0
setup_only=0
for arg in "$@"; do
  case $arg in
    --refresh) refresh=1 ;;
    --setup-only) setup_only=1 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, mount and chroot)"
# debootstrap makes the chroot; catch2 (Catch2 2) is copied into it.
install_missing_packages debootstrap catch2
if ((!setup_only)) && [[ ! -d $root/tests/peers/node_modules/ws || ! -d $root/tests/peers/node_modules/playwright-core ]]; then
  die "tests/peers/node_modules is incomplete: run tools/setup.sh first"
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/duplex"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)
catch2_version=$(dpkg-query -W -f='${Version}' catch2)
key=$(printf '%s\n' "$suite" "$mirror" "${packages[@]}" "catch2 $catch2_version" "$setup_revision" \
      | sha256sum | cut -c1-12)
chroot_dir="$cache/chroot-$suite-$key"
stamp="$chroot_dir/.duplex-complete"

# One run at a time: the chroot, its mounts and its emscripten cache are shared.
exec 9>"$cache/chroot.lock"
if ! flock -n 9; then
  say "waiting for another run to release $cache/chroot.lock"
  flock 9
fi

# --- Mounts. Everything mounted under a chroot is listed in /proc/mounts;
# nothing is ever removed while anything is mounted below it (a bind mount of
# the clone would otherwise be deleted through it).

# Mount points at or below $1, deepest first.
mounts_under() {
  local dir=$1 target
  while read -r _ target _; do
    target=$(printf '%b' "${target//\\/\\0}")  # /proc/mounts escapes space, tab, \ as \ooo
    if [[ $target == "$dir" || $target == "$dir"/* ]]; then
      printf '%s\n' "$target"
    fi
  done </proc/mounts | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-
}

# Ends the processes whose root directory is $1 (peers and servers started in
# the chroot by this run or by a run that was killed), then unmounts all
# under $1.
release_chroot() {
  local dir=$1 pid pids=() target
  for pid in /proc/[0-9]*; do
    if [[ $(readlink "$pid/root" 2>/dev/null) == "$dir" ]]; then
      pids+=("${pid#/proc/}")
    fi
  done
  if ((${#pids[@]})); then
    say "ending processes left in the chroot: ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    sleep 2
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  while IFS= read -r target; do
    [[ -n $target ]] || continue
    umount "$target" 2>/dev/null || umount -l "$target" \
      || say "warning: cannot unmount $target"
  done < <(mounts_under "$dir")
}

remove_chroot() {
  local dir=$1 left
  release_chroot "$dir"
  left=$(mounts_under "$dir")
  [[ -z $left ]] || die "refusing to remove $dir: still mounted below it: $left"
  rm -rf --one-file-system "$dir"
}

mount_chroot() {
  local dir=$1
  release_chroot "$dir"  # mounts a killed run left
  mount -t proc proc "$dir/proc"
  mount -t sysfs -o ro sysfs "$dir/sys"
  mount --bind /dev "$dir/dev"
  mount --make-private "$dir/dev"
  mkdir -p "$dir/dev/pts" "$dir/dev/shm"
  mount --bind /dev/pts "$dir/dev/pts"
  mount --make-private "$dir/dev/pts"
  mount -t tmpfs -o mode=1777,nosuid,nodev shm "$dir/dev/shm"  # Chromium's shared memory
  mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$dir/tmp"
  # The chroot shares the host's network, so it takes the host's name tables
  # (debootstrap's /etc/hosts maps localhost to ::1 too, the host's may not).
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
  cp -L /etc/hosts "$dir/etc/hosts"
}

# Runs a command in the chroot with a clean environment.
in_chroot() {
  chroot "$chroot_dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_PATH=/usr/share/nodejs DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 "$@"
}

mounted_dir=
cleanup() {
  [[ -n $mounted_dir ]] && release_chroot "$mounted_dir"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The chroot: made once, complete only with its stamp.
make_chroot() {
  local dir=$1 log="$cache/chroot-$suite-$key.log" copied=0 file
  say "making the $suite chroot $dir (debootstrap and packages, several minutes; log: $log)"
  wget -q -T 30 -t 2 -O /dev/null "$mirror/dists/$suite/InRelease" \
    || die "cannot reach $mirror/dists/$suite/InRelease: making the $suite chroot needs network access to $mirror"
  : >"$log"
  debootstrap --variant=minbase "$suite" "$dir" "$mirror" >>"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; die "debootstrap $suite from $mirror failed (log: $log)"; }

  # No service starts in the chroot (tinyproxy's postinst would); no docs.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' \
    'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*' >"$dir/etc/dpkg/dpkg.cfg.d/01-duplex-nodoc"
  # Check-Valid-Until off: a mirror or cache that serves an older snapshot of
  # sid (its Release file a few days past Valid-Until) is still usable.
  printf '%s\n' 'APT::Install-Recommends "0";' 'APT::Install-Suggests "0";' 'Acquire::Retries "3";' \
    'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/01-duplex"

  mount_chroot "$dir"
  mounted_dir=$dir
  { in_chroot apt-get update -q && in_chroot apt-get install -y -q "${packages[@]}"; } >>"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; die "apt-get install in the $suite chroot failed (log: $log)"; }
  in_chroot apt-get clean >>"$log" 2>&1

  # Catch2 2's single header and CMake scripts, where tests/CMakeLists.txt and
  # tests/wasm/CMakeLists.txt look (/usr/include, /usr/lib/cmake/Catch2).
  while IFS= read -r file; do
    if [[ -f $file && ! -L $file && ( $file == /usr/include/catch2/* || $file == /usr/lib/* ) ]]; then
      install -D -m 644 "$file" "$dir$file"
      copied=$((copied + 1))
    fi
  done < <(dpkg -L catch2)
  [[ -f $dir/usr/include/catch2/catch.hpp && -f $dir/usr/lib/cmake/Catch2/Catch.cmake ]] \
    || die "copying Catch2 2 into the chroot failed"
  say "copied $copied files of catch2 $catch2_version into the chroot"

  check_chroot "$dir"
  release_chroot "$dir"
  mounted_dir=
  touch "$dir/.duplex-complete"
  say "chroot ready: $dir"
}

# What the presets rely on, in the chroot.
check_chroot() {
  local dir=$1 version
  version=$(in_chroot dpkg-query -W -f="\${Version}" emscripten) || die "emscripten is not installed in the chroot"
  version=${version#*:}
  if ! [[ ${version%%.*} =~ ^[0-9]+$ ]] || ((${version%%.*} < min_emscripten)); then
    die "$suite has emscripten $version, older than $min_emscripten: pick a newer suite"
  fi
  [[ -f $dir/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake ]] \
    || die "the chroot has no /usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake (the wasm preset's toolchain file)"
}

if ((refresh)) && [[ -d $chroot_dir ]]; then
  say "--refresh: removing $chroot_dir"
  remove_chroot "$chroot_dir"
fi
if [[ ! -f $stamp ]]; then
  if [[ -e $chroot_dir ]]; then
    say "removing an incomplete chroot: $chroot_dir"
    remove_chroot "$chroot_dir"
  fi
  make_chroot "$chroot_dir"
fi
# Chroots of older package lists.
for old in "$cache"/chroot-"$suite"-*; do
  [[ -d $old && $old != "$chroot_dir" ]] || continue
  say "removing an outdated chroot: $old"
  remove_chroot "$old"
  rm -f "$old.log"
done
made=$(stat -c %Y "$stamp")
say "chroot $chroot_dir, made $(date -u -d "@$made" +%F) ($(( ($(date +%s) - made) / 86400 )) days ago; --refresh remakes it)"
((setup_only)) && exit 0

# --- Build and test, with the clone bind-mounted at its own path (CMake caches
# and node_modules hold absolute paths).
mount_chroot "$chroot_dir"
mounted_dir=$chroot_dir
mkdir -p "$chroot_dir$root"
mount --bind "$root" "$chroot_dir$root"
mount --make-private "$chroot_dir$root"

# shellcheck disable=SC2016  # expanded in the chroot, by the inner bash
in_chroot /bin/bash -c '
set -uo pipefail
cd "$1"
suite=$2
websockets=$(python3 -c "import websockets; print(websockets.__version__)" 2>/dev/null || echo missing)
boost=$(dpkg-query -W -f="\${Version}" libboost-dev)
echo "== versions ($suite): $(emcc --version | head -n1)"
echo "   node $(node --version), python3-websockets $websockets, $(python3 --version)"
echo "   $(g++ --version | head -n1), Boost (libboost-dev) $boost, $(openssl version)"
echo "   $(cmake --version | head -n1), $(chromium --version 2>/dev/null || echo "chromium missing"), $(firefox-esr --version 2>/dev/null || echo "firefox-esr missing")"
failed=()
run() {  # run PRESET BINARY_DIR: the preset with its own binary directory
  local start=$SECONDS
  echo "== configure + build (preset $1, $2, $suite)"
  if ! cmake --preset "$1" -B "$2" >/dev/null || ! cmake --build "$2" -j2; then
    failed+=("$1 (build)")
    return
  fi
  echo "== test (preset $1, $2, $suite; built in $((SECONDS - start)) s)"
  start=$SECONDS
  # As the test presets: 2 jobs, 600 s, output on failure.
  ctest --test-dir "$2" -j2 --timeout 600 --output-on-failure || failed+=("$1 (tests)")
  echo "== tested in $((SECONDS - start)) s"
}
run wasm build/current-wasm
run native build/current-native
if ((${#failed[@]})); then
  echo "== failed with the current toolchains: ${failed[*]}" >&2
  exit 1
fi
' current-toolchain "$root" "$suite" &
# Waited for in the background: a TERM or INT to this script ends the run at
# once, and cleanup ends what still runs in the chroot.
wait $!
