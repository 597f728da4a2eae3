#!/usr/bin/env bash
# Runs every test: installs what is missing (apt, npm), builds the native
# preset, runs ctest. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
echo "== configure + build (preset native)"
cmake --preset native
cmake --build --preset native
echo "== test (preset native)"
ctest --preset native
