#!/usr/bin/env bash
# Builds the benchmark suite (preset `bench`, Release) and runs it: the echo
# workloads W1–W7 for duplex, Boost.Beast, websocketpp and raw TCP, then the
# WebAssembly bench (the duplex wasm client beside plain JavaScript in headless
# Chromium), then the micro-benchmarks. Prints markdown tables (see
# tests/bench/README.md).
#   tools/bench.sh [--smoke] [--runs N] [--only W1,W2,WASM] [--clients duplex,duplex_co] [--no-wasm] [--no-micro]
#                  [--build-dir DIR] [--tls]
# --smoke: a few hundred messages per workload, one run: proves every binary works.
# --only: native workload ids and/or WASM (the WebAssembly bench alone: --only WASM).
# --clients: the native clients to run (default all: duplex, duplex_epoll, duplex_co, duplex_asio, beast, raw,
#   websocketpp; duplex runs on the io_uring I/O path, duplex_epoll on epoll).
# --tls: the echo workloads W1–W5 over wss:// (TLS 1.3); raw TCP has no TLS and sits them out.
# The WebAssembly bench is built into build/bench-wasm with em++ and needs
# Chromium and tests/peers' playwright-core; without them it is skipped (an
# error with --only WASM).
set -euo pipefail
cd "$(dirname "$0")/.."

# What the tests need, and websocketpp, the one peer only the bench uses.
tools/setup.sh >&2
say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/apt_packages.sh
source tools/apt_packages.sh
install_missing_packages libwebsocketpp-dev

smoke=0 runs="" only="" clients="" micro=1 wasm=1 tls=0 build_dir=build/bench wasm_build_dir=build/bench-wasm
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --runs) runs="$2"; shift ;;
    --only) only="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    --no-wasm) wasm=0 ;;
    --no-micro) micro=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    --tls) tls=1 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

# Which sections --only asks for: WASM, and/or native workload ids.
native=1 wasm_required=0
if [ -n "$only" ]; then
  native_only=$(echo ",$only," | sed 's/,WASM,/,/g; s/^,*//; s/,*$//')
  case ",$only," in
    *,WASM,*) wasm=1 wasm_required=1 ;;
    *) wasm=0 ;;
  esac
  [ -z "$native_only" ] && native=0 micro=0
  only="$native_only"
fi

if [ "$build_dir" = build/bench ]; then
  cmake --preset bench >/dev/null
  if [ "$native" = 1 ]; then
    cmake --build --preset bench
  else
    cmake --build --preset bench --target bench_echo_server
  fi
fi
bin="$build_dir/tests/bench"

# W7 opens 10,000 sockets on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# A throwaway TLS 1.3 server certificate for 127.0.0.1 (W6 wss).
tls_dir="$build_dir/bench-tls"
mkdir -p "$tls_dir"
if [ ! -f "$tls_dir/cert.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls_dir/key.pem" \
    -out "$tls_dir/cert.pem" -days 3650 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
fi

echo "# duplex bench — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load:$(uptime | sed 's/.*load average://')"
status=0
if [ "$native" = 1 ]; then
  args=(--bin-dir "$bin" --ca "$tls_dir/cert.pem" --key "$tls_dir/key.pem" --runs "${runs:-3}")
  [ "$smoke" = 1 ] && args+=(--smoke --runs 1)
  [ -n "$only" ] && args+=(--only "$only")
  [ -n "$clients" ] && args+=(--clients "$clients")
  [ "$tls" = 1 ] && args+=(--tls)
  /usr/bin/python3 tests/bench/run_bench.py "${args[@]}" || status=$?
fi

# The WebAssembly bench: why it cannot run here, or nothing.
wasm_missing() {
  command -v em++ >/dev/null || { echo "no em++ (Debian package emscripten)"; return; }
  command -v node >/dev/null || { echo "no node"; return; }
  [ -x "${DUPLEX_CHROMIUM:-/usr/bin/chromium}" ] || { echo "no Chromium (Debian package chromium)"; return; }
  [ -d tests/peers/node_modules/playwright-core ] || echo "no playwright-core (npm install in tests/peers)"
}
if [ "$wasm" = 1 ]; then
  echo
  echo "## WebAssembly: duplex wasm client vs plain JavaScript WebSocket, headless Chromium"
  missing=$(wasm_missing)
  if [ -z "$missing" ]; then
    # Debian's emscripten needs acorn from Debian's node modules for -O2 and above.
    if ! log=$({ NODE_PATH=/usr/share/nodejs cmake -S tests/bench/wasm -B "$wasm_build_dir" -DCMAKE_BUILD_TYPE=Release \
                   -DCMAKE_TOOLCHAIN_FILE=/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake &&
                 NODE_PATH=/usr/share/nodejs cmake --build "$wasm_build_dir" -j2; } 2>&1); then
      echo "$log" | tail -20 >&2
      missing="the wasm build into $wasm_build_dir failed"
    fi
  fi
  if [ -n "$missing" ]; then
    echo "skipped: $missing"
    [ "$wasm_required" = 1 ] && status=1
  else
    args=(--server "$bin/bench_echo_server" --wasm-dir "$wasm_build_dir" --runs "${runs:-5}")
    [ "$smoke" = 1 ] && args+=(--smoke)
    node tests/bench/wasm/run_wasm_bench.js "${args[@]}" || status=$?
  fi
fi

if [ "$micro" = 1 ]; then
  echo
  echo "## Micro-benchmarks (Google Benchmark)"
  min_time=0.2
  [ "$smoke" = 1 ] && min_time=0.001
  taskset -c 1 "$bin/bench_micro" --benchmark_min_time="$min_time" 2>&1 | grep -v '^\*\*\*'
fi
echo "# load after:$(uptime | sed 's/.*load average://')"
exit "$status"
