#!/usr/bin/env bash
# Runs every test: installs what is missing (apt, npm), then builds and runs
# ctest for each preset: native, portable (the native suite over the portable
# Asio-only I/O path that Windows and macOS take), wasm (em++; core,
# integration and wasm tests in node), asan (ASan+UBSan, the whole native suite),
# tsan (the parts that use threads), fuzz (a short run of every libFuzzer
# target), mingw (the Windows cross build, its tests under Wine).
# Stops at the first failing preset.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
run_preset() {
  echo "== configure + build (preset $1)"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1"
  echo "== test (preset $1)"
  ctest --preset "$1"
}

for preset in native portable wasm asan tsan fuzz; do
  run_preset "$preset"
done

# MinGW-w64, Wine and OpenSSL built for Windows (cached outside the clone).
tools/mingw_deps.sh >/dev/null
run_preset mingw
echo "== Windows trust store under Wine (a CA put in the ROOT store, no ca_file)"
tests/windows/trust_store_windows.sh build/mingw
