#!/usr/bin/env bash
# Installs what the Windows cross build (the mingw preset) needs on Debian
# bookworm: MinGW-w64, its zlib, Wine; builds OpenSSL for MinGW-w64 (not
# packaged) from the source of Debian's own openssl package; initialises a
# Wine prefix. Both are cached outside the clone, keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/duplex/openssl-<version>-mingw64
#   ${XDG_CACHE_HOME:-$HOME/.cache}/duplex/wine-<version>-prefix
# cmake/mingw-w64.cmake computes the same paths. The last line printed is
# the OpenSSL prefix.
set -euo pipefail

say() { printf 'mingw-deps: %s\n' "$*" >&2; }
die() { printf 'mingw-deps: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/apt_packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt_packages.sh"

packages=(g++-mingw-w64-x86-64-posix libz-mingw-w64-dev
          wine64 wine  # wine ships the launchers (wine64, wineboot, wineserver) in /usr/bin
          catch2 libboost1.81-dev libssl-dev  # headers shared with the native build
          curl ca-certificates perl make)  # fetching and building OpenSSL

install_missing_packages "${packages[@]}"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/duplex"
mkdir -p "$cache"
# One run at a time per cache: a second waits, then finds everything built.
exec 9>"$cache/mingw-deps.lock"
flock 9

# --- Wine prefix: created once, so the first test does not wait for wineboot.
wine_version=$(dpkg-query -W -f='${Version}' wine64)
wineprefix="$cache/wine-${wine_version}-prefix"
if [[ ! -f "$wineprefix/.complete" ]]; then
  say "initialising the Wine prefix $wineprefix"
  rm -rf "$wineprefix"
  # No Mono or Gecko: the tests are console programs, and their installers would ask.
  WINEPREFIX="$wineprefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' \
    wineboot --init >"$cache/wineboot.log" 2>&1 \
    || { tail -n 20 "$cache/wineboot.log" >&2; die "wineboot --init failed for $wineprefix"; }
  WINEPREFIX="$wineprefix" wineserver -w || true
  touch "$wineprefix/.complete"
else
  say "Wine prefix present: $wineprefix"
fi

# --- OpenSSL for MinGW-w64, the upstream version of Debian's libssl-dev.
debian_version=$(dpkg-query -W -f='${Version}' libssl-dev)  # e.g. 3.0.19-1~deb12u2
upstream=${debian_version#*:}
upstream=${upstream%-*}
prefix="$cache/openssl-${upstream}-mingw64"
if [[ -f "$prefix/lib/libssl.a" && -f "$prefix/include/openssl/ssl.h" ]]; then
  say "OpenSSL $upstream for MinGW-w64 present: $prefix"
  printf '%s\n' "$prefix"
  exit 0
fi

tarball="openssl_${upstream}.orig.tar.gz"
dsc="openssl_${debian_version#*:}.dsc"
# Security updates live in debian-security's pool, point releases in the main one.
pools=(https://deb.debian.org/debian-security/pool/updates/main/o/openssl
       https://deb.debian.org/debian/pool/main/o/openssl)
work=$(mktemp -d "$cache/openssl-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

fetched=
for pool in "${pools[@]}"; do
  if curl -fsSL --retry 3 -o "$work/$dsc" "$pool/$dsc" 2>/dev/null; then
    say "downloading $pool/$tarball"
    curl -fsSL --retry 3 -o "$work/$tarball" "$pool/$tarball" \
      || die "download failed: $pool/$tarball"
    fetched=$pool
    break
  fi
done
[[ -n $fetched ]] || die "no $dsc in ${pools[*]} (is libssl-dev $debian_version still published?)"

# The .dsc lists the tarball's SHA-256; it is fetched over HTTPS from Debian.
expected=$(awk -v f="$tarball" '/^Checksums-Sha256:/ {on=1; next} /^[^ ]/ {on=0} on && $3 == f {print $1}' "$work/$dsc")
[[ -n $expected ]] || die "$dsc lists no SHA-256 for $tarball"
actual=$(sha256sum "$work/$tarball" | cut -d' ' -f1)
[[ $actual == "$expected" ]] || die "SHA-256 mismatch for $tarball: got $actual, $dsc says $expected"

say "building OpenSSL $upstream for MinGW-w64 (several minutes)"
tar -xzf "$work/$tarball" -C "$work"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'openssl-*' | head -n1)
[[ -n $src ]] || die "$tarball holds no openssl-* directory"
# no-autoload-config: a static OpenSSL would otherwise read openssl.cnf from
# OPENSSLDIR (C:\usr\local\ssl), a directory any Windows user may create.
(
  cd "$src"
  ./Configure mingw64 --cross-compile-prefix=x86_64-w64-mingw32- no-shared no-tests \
    no-autoload-config --prefix="$prefix" --libdir=lib >"$work/configure.log" 2>&1 \
    || { tail -n 30 "$work/configure.log" >&2; exit 1; }
  make -j2 build_libs >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
  # Staged, then renamed: the cache holds a prefix only once it is complete.
  make install_dev DESTDIR="$work/stage" >"$work/install.log" 2>&1 \
    || { tail -n 30 "$work/install.log" >&2; exit 1; }
) || die "building OpenSSL $upstream failed (logs above)"
rm -rf "$prefix"
mv "$work/stage$prefix" "$prefix"
say "OpenSSL $upstream for MinGW-w64 installed: $prefix"
printf '%s\n' "$prefix"
