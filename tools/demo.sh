#!/usr/bin/env bash
# Runs the demo: installs what is missing, builds, starts a local echo server
# (npm ws) on 127.0.0.1, runs the native demo client against it, stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
echo "== build (preset native)"
cmake --preset native >/dev/null
cmake --build --preset native --target duplex_demo duplex_cli

server_out=$(mktemp)
node tests/peers/ws_echo_server.js >"$server_out" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -f "$server_out"' EXIT

port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$server_out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "demo: the echo server did not start" >&2; exit 1; }
url="ws://127.0.0.1:$port/"

echo "== echo server (npm ws) listening at $url, pid $server_pid"
echo "== native demo client"
build/native/native/duplex_demo "$url"
echo "== the same server through the command-line client: printf 'hello\\n' | duplex -v $url"
printf 'hello\n' | build/native/native/duplex -v "$url"
