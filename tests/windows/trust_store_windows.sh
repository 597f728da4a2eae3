#!/usr/bin/env bash
# Runs trust_store_windows_test.exe (the Windows system trust store) under
# Wine against a real wss:// server: makes the test certificates
# (tests/peers/make_certs.sh), starts the npm ws echo server with server.pem on
# 127.0.0.1, runs the test, stops the server by its PID.
# Usage: trust_store_windows.sh BUILD_DIR [catch2 arguments...]
#   BUILD_DIR: a MinGW-w64 build (the mingw preset) that built trust_store_windows_test
# WINEPREFIX defaults to the prefix tools/mingw_deps.sh prepared.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [catch2 arguments...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
peers="$here/../peers"
test_exe="$build/tests/trust_store_windows_test.exe"
[[ -f "$test_exe" ]] || { echo "$test_exe is missing: build the trust_store_windows_test target" >&2; exit 2; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/duplex
if [[ -z "${WINEPREFIX:-}" ]]; then
  WINEPREFIX=$(ls -d "$cache"/wine-*-prefix 2>/dev/null | head -n 1 || true)
  [[ -n "$WINEPREFIX" ]] || { echo "no Wine prefix under $cache: run tools/mingw_deps.sh" >&2; exit 2; }
fi
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)

work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

bash "$peers/make_certs.sh" "$work/certs"

# The server prints "LISTENING <port>" once it accepts connections.
mkfifo "$work/server.out"
node "$peers/ws_echo_server.js" --tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server.key" \
  >"$work/server.out" &
server_pid=$!
exec 3<"$work/server.out"
read -r -t 30 listening port <&3 || { echo "the echo server did not start" >&2; exit 1; }
[[ "$listening" == LISTENING ]] || { echo "unexpected server output: $listening $port" >&2; exit 1; }

# Wine maps the host's / to drive Z:.
DUPLEX_TEST_CERTS="Z:$work/certs" DUPLEX_TEST_WSS_PORT="$port" "$wine" "$test_exe" "$@"
