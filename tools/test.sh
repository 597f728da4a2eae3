#!/usr/bin/env bash
# Runs every test: installs what is missing (apt, npm), then builds and runs
# ctest for each preset: native (on Linux's io_uring I/O path, DUPLEX_IO=io_uring;
# then the native, integration and CLI tests again on the epoll path: test
# preset native-epoll), portable (the native suite over the portable
# Asio-only I/O path that Windows and macOS take), wasm (em++; core,
# integration and wasm tests in node, the integration tests also in Chromium
# and Firefox), package (tests/package/run.sh: a program built against duplex
# by find_package, add_subdirectory and pkg-config, static and shared, native
# and WebAssembly), asan (ASan+UBSan, the whole native suite),
# tsan (the parts that use threads), fuzz (a short run of every libFuzzer
# target), mingw (the Windows cross build, its tests under Wine),
# current-toolchain (the wasm and native suites with Debian sid's emscripten,
# node, GCC and OpenSSL, in a chroot cached outside the clone; needs root).
# Stops at the first failing preset.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh

# Compiler cache outside the clone (ccache, for every compiler here: g++,
# clang, em++, MinGW): a warm machine recompiles only what changed. Paths are
# taken relative to the clone, so another clone of the same sources hits too.
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/duplex/ccache}"
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache

# The last stage's Debian sid chroot is made meanwhile when it is missing: a
# download (debootstrap, apt) that overlaps the builds. The stage itself waits
# for it (the script's lock) and says what failed if it did.
mkdir -p build
tools/current_toolchain.sh --setup-only >build/current-toolchain-setup.log 2>&1 &
chroot_setup=$!
trap 'kill "$chroot_setup" 2>/dev/null || true' EXIT

run_preset() {
  echo "== configure + build (preset $1)"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1"
  echo "== test (preset $1)"
  ctest --preset "$1"
}

for preset in native portable wasm; do
  run_preset "$preset"
  if [ "$preset" = native ]; then
    echo "== test (preset native-epoll: the native, integration and CLI tests on the epoll I/O path)"
    ctest --preset native-epoll
  fi
done
# duplex as a package, from the native and wasm presets' trees, plus a shared build.
echo "== package (find_package, add_subdirectory, pkg-config; static, shared, wasm)"
tests/package/run.sh --static-build build/native --wasm-build build/wasm build
for preset in asan tsan fuzz; do
  run_preset "$preset"
done

# MinGW-w64, Wine and OpenSSL built for Windows (cached outside the clone).
tools/mingw_deps.sh >/dev/null
run_preset mingw
echo "== Windows trust store under Wine (a CA put in the ROOT store, no ca_file)"
tests/windows/trust_store_windows.sh build/mingw

# The newest toolchains Debian has (sid), in a chroot made once and cached
# outside the clone; wasm and native suites in build/current-*.
echo "== current-toolchain (Debian sid chroot: the wasm and native suites)"
if ! wait "$chroot_setup"; then
  echo "making the chroot in the background failed (build/current-toolchain-setup.log):" >&2
  tail -n 20 build/current-toolchain-setup.log >&2
fi
tools/current_toolchain.sh
