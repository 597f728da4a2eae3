#!/usr/bin/env bash
# Runs the demo: installs what is missing, builds, starts a local echo server
# (npm ws) on 127.0.0.1, runs the native demo client against it, stops the server.
# Then builds the browser demo page (preset wasm) and serves it with
# web/server.js: when run from a terminal the server stays up until Ctrl-C;
# otherwise (CI, a pipe) it stops after printing the page's URL.
# DUPLEX_DEMO_PORT picks the page server's port (default: any free one).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
echo "== build (preset native)"
cmake --preset native >/dev/null
cmake --build --preset native --target duplex_demo duplex_cli
echo "== build the browser demo page (preset wasm)"
export NODE_PATH=/usr/share/nodejs  # em++ -O2 needs Debian's acorn under NodeSource's node
cmake --preset wasm >/dev/null
cmake --build build/wasm --target duplex_demo_page

server_out=$(mktemp)
node tests/peers/ws_echo_server.js >"$server_out" &
server_pid=$!
page_out=$(mktemp)
node web/server.js --build-dir build/wasm/web --port "${DUPLEX_DEMO_PORT:-0}" >"$page_out" &
page_pid=$!
stop_servers() {
  kill "$server_pid" "$page_pid" 2>/dev/null || true
  wait "$server_pid" "$page_pid" 2>/dev/null || true
  rm -f "$server_out" "$page_out"
}
trap stop_servers EXIT

# Waits for `LISTENING <port>` in the file $1 and prints the port.
listening_port() {
  local port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$1")
    [ -n "$port" ] && break
    sleep 0.1
  done
  echo "$port"
}

port=$(listening_port "$server_out")
[ -n "$port" ] || { echo "demo: the echo server did not start" >&2; exit 1; }
page_port=$(listening_port "$page_out")
[ -n "$page_port" ] || { echo "demo: the page server (web/server.js) did not start" >&2; exit 1; }
url="ws://127.0.0.1:$port/"

echo "== echo server (npm ws) listening at $url, pid $server_pid"
echo "== native demo client"
build/native/native/duplex_demo "$url"
echo "== the same server through the command-line client: printf 'hello\\n' | duplex -v $url"
printf 'hello\n' | build/native/native/duplex -v "$url"

page_url="http://127.0.0.1:$page_port/"
echo "== browser demo: open $page_url"
echo "   (web/server.js, pid $page_pid: the page compiled from web/demo_page.cpp and its echo endpoint ws://127.0.0.1:$page_port/echo)"
if [ -t 0 ] && [ -t 1 ]; then
  echo "== serving the page; press Ctrl-C to stop"
  wait "$page_pid" || true
else
  echo "== not interactive: stopping the page server (run tools/demo.sh from a terminal to keep it up)"
fi
