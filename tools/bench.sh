#!/usr/bin/env bash
# Builds the benchmark suite (preset `bench`, Release) and runs it: the echo
# workloads W1–W7 for duplex, Boost.Beast, websocketpp and raw TCP, then the
# micro-benchmarks. Prints markdown tables (see tests/bench/README.md).
#   tools/bench.sh [--smoke] [--runs N] [--only W1,W2] [--no-micro] [--build-dir DIR]
# --smoke: a few hundred messages per workload, one run: proves every binary works.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0 runs=3 only="" micro=1 build_dir=build/bench
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --runs) runs="$2"; shift ;;
    --only) only="$2"; shift ;;
    --no-micro) micro=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build_dir" = build/bench ]; then
  cmake --preset bench >/dev/null
  cmake --build --preset bench
fi
bin="$build_dir/tests/bench"

# W7 opens 10,000 sockets on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# A throwaway TLS 1.3 server certificate for 127.0.0.1 (W6 wss).
tls="$build_dir/bench-tls"
mkdir -p "$tls"
if [ ! -f "$tls/cert.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/key.pem" \
    -out "$tls/cert.pem" -days 3650 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
fi

echo "# duplex bench — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load:$(uptime | sed 's/.*load average://')"
args=(--bin-dir "$bin" --ca "$tls/cert.pem" --key "$tls/key.pem" --runs "$runs")
[ "$smoke" = 1 ] && args+=(--smoke --runs 1)
[ -n "$only" ] && args+=(--only "$only")
/usr/bin/python3 tests/bench/run_bench.py "${args[@]}"

if [ "$micro" = 1 ]; then
  echo
  echo "## Micro-benchmarks (Google Benchmark)"
  min_time=0.2
  [ "$smoke" = 1 ] && min_time=0.001
  taskset -c 1 "$bin/bench_micro" --benchmark_min_time="$min_time" 2>&1 | grep -v '^\*\*\*'
fi
echo "# load after:$(uptime | sed 's/.*load average://')"
