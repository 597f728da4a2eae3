#!/usr/bin/env bash
# duplex as a package: builds tests/package/app (a program using the public
# API only) against duplex each way a project can take it, and runs it against
# npm `ws` (tests/peers/ws_echo_server.js, on 127.0.0.1, stopped by PID):
#   static     find_package from an install prefix, static libraries
#   shared     find_package from an install prefix, shared libduplex: the
#              program's NEEDED names its SONAME, nothing internal is exported
#   buildtree  find_package from the static build tree (-Dduplex_DIR)
#   subdir     add_subdirectory of the source tree: the consumer's build type
#              and install tree stay its own
#   pkgconfig  g++ -std=c++20 app.cpp $(pkg-config --cflags --libs duplex),
#              against the static and the shared prefix
#   wasm       duplex built with em++ and installed into the static prefix (one
#              prefix holds both); the program built with find_package under
#              the Emscripten toolchain (CMAKE_FIND_ROOT_PATH=<prefix>) and with
#              em++ and pkg-config, run in node with npm ws as WebSocket, and
#              with node's own WebSocket where it has one
# Usage: tests/package/run.sh [--static-build DIR] [--wasm-build DIR] [BUILD_ROOT]
# (default: build). Everything goes into BUILD_ROOT/package-* and is reused by
# the next run; -j2. --static-build / --wasm-build name a static native / an
# Emscripten build tree of duplex already built (tools/test.sh passes the
# native and wasm presets' trees): installed and used as they are instead of
# building duplex once more.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
static_build=""
wasm_build=""
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --static-build) static_build=$(cd "$2" && pwd); shift 2 ;;
    --wasm-build) wasm_build=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: tests/package/run.sh [--static-build DIR] [--wasm-build DIR] [BUILD_ROOT]" >&2; exit 2 ;;
  esac
done
root=$(mkdir -p "${1:-build}" && cd "${1:-build}" && pwd)
app="$src/tests/package/app"
jobs=2
static_prefix="$root/package-prefix"  # the native static and the WebAssembly install
shared_prefix="$root/package-prefix-shared"

say() { printf '== package: %s\n' "$*"; }
die() { printf 'package: FAILED: %s\n' "$*" >&2; exit 1; }
started=$SECONDS
step_start=$SECONDS
step() {
  say "$* (at $((SECONDS - started)) s)"
  step_start=$SECONDS
}
quiet() {  # runs a command, showing its output only if it fails
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "$*"
  fi
  rm -f "$log"
}
# newer OUT INPUT...: OUT exists and is newer than every INPUT
newer() {
  local out=$1 input
  shift
  [[ -e "$out" ]] || return 1
  for input in "$@"; do [[ "$out" -nt "$input" ]] || return 1; done
}
# Output is searched as a here-string, not through a pipe: with pipefail, grep -q
# leaving early can fail the writer with SIGPIPE.
cache_value() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"; }

# --- the echo server --------------------------------------------------------
tmp=$(mktemp -d)
peer_pid=""
cleanup() {
  if [[ -n "$peer_pid" ]]; then kill "$peer_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkfifo "$tmp/peer.in"
node "$src/tests/peers/ws_echo_server.js" --exit-with-stdin <"$tmp/peer.in" >"$tmp/peer.out" 2>&1 &
peer_pid=$!
exec 9>"$tmp/peer.in"  # the peer exits when this script does (stdin EOF)
for _ in $(seq 100); do
  grep -q '^LISTENING ' "$tmp/peer.out" && break
  kill -0 "$peer_pid" 2>/dev/null || die "the echo server did not start: $(cat "$tmp/peer.out")"
  sleep 0.1
done
port=$(sed -n 's/^LISTENING //p' "$tmp/peer.out")
[[ -n "$port" ]] || die "the echo server did not say LISTENING"
url="ws://127.0.0.1:$port/"

run_app() {  # run_app WAY COMMAND...: runs COMMAND... URL, which must succeed
  local way=$1
  shift
  "$@" "$url" >"$tmp/run.out" 2>&1 || { cat "$tmp/run.out" >&2; die "$way: $* $url failed"; }
  printf '   %-11s %s (%s s)\n' "$way" "$(cat "$tmp/run.out")" "$((SECONDS - step_start))"
}

# duplex_build DIR ARGS...: configure and build duplex itself (libraries only)
duplex_build() {
  local dir=$1
  shift
  quiet cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DDUPLEX_BUILD_TESTS=OFF \
    -DDUPLEX_BUILD_CLI=OFF -DDUPLEX_BUILD_DEMO=OFF "$@"
  quiet cmake --build "$dir" -j "$jobs"
}
# consumer DIR ARGS...: configure and build tests/package/app
consumer() {
  local dir=$1
  shift
  quiet cmake -S "$app" -B "$dir" "$@"
  quiet cmake --build "$dir" -j "$jobs"
}

# --- static: find_package from an install prefix -----------------------------
step "static: duplex built and installed, then find_package(duplex) from the prefix"
if [[ -z "$static_build" ]]; then
  static_build="$root/package-static"
  duplex_build "$static_build"
fi
rm -rf "$static_prefix"
quiet cmake --install "$static_build" --prefix "$static_prefix"
consumer "$root/package-app-static" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$static_prefix"
[[ "$(cache_value "$root/package-app-static" duplex_DIR)" == "$static_prefix/lib/cmake/duplex" ]] \
  || die "static: found $(cache_value "$root/package-app-static" duplex_DIR), not the prefix's package"
run_app static "$root/package-app-static/echo_check"

# --- buildtree: find_package from the static build tree ---------------------
step "buildtree: find_package(duplex) with duplex_DIR=<build tree>"
consumer "$root/package-app-buildtree" -DCMAKE_BUILD_TYPE=Release -Dduplex_DIR="$static_build"
run_app buildtree "$root/package-app-buildtree/echo_check"

# --- shared: the shared library from an install prefix ----------------------
step "shared: libduplex built and installed, then find_package(duplex) from the prefix"
duplex_build "$root/package-shared" -DBUILD_SHARED_LIBS=ON
quiet cmake --install "$root/package-shared" --prefix "$shared_prefix"
consumer "$root/package-app-shared" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$shared_prefix"
so="$shared_prefix/lib/libduplex.so.0.1"
[[ -f "$so" ]] || die "shared: $so is missing"
grep -q 'SONAME.*\[libduplex\.so\.0\.1\]' <<<"$(readelf -d "$so")" || die "shared: SONAME of $so is not libduplex.so.0.1"
grep -q 'NEEDED.*\[libduplex\.so\.0\.1\]' <<<"$(readelf -d "$root/package-app-shared/echo_check")" \
  || die "shared: echo_check does not link libduplex.so.0.1"
grep -qF "libduplex.so.0.1 => $so" <<<"$(ldd "$root/package-app-shared/echo_check")" \
  || die "shared: echo_check does not load $so: $(ldd "$root/package-app-shared/echo_check" | grep duplex)"
# Exported: the public API. Not exported: every internal type and function of
# core, the engine and the backend (private headers), e.g. the State classes
# nested in WebSocket, the Asio session, the frame decoder, the mask. Asio's
# own templates stay exported, some instantiated with an internal type: Asio
# gives its code default visibility on purpose (push_options.hpp), so that a
# program and libduplex sharing an io_context share its service registry.
nm -D --defined-only -C "$so" | sed 's/^[0-9a-f]* [A-Za-z] //' >"$tmp/exports"
for symbol in 'duplex::WebSocket::WebSocket(std::basic_string_view' 'duplex::run()' 'typeinfo for duplex::Error' \
              'duplex::native::AsioBackend::AsioBackend(' 'duplex::rfc6455::Connection::receive('; do
  grep -qF "$symbol" "$tmp/exports" || die "shared: $so does not export $symbol"
done
internal='::State\b|AsioSession|DeadlineQueue|DeadlineTimer|EventTarget|FrameHeader|HappyEyeballs|HttpConnect'
internal+='|HttpResponseHead|MessageDeflater|MessageInflater|ProxyTunnel|ReadScratch|Socks5|TlsContext|TrustPaths'
internal+='|ClosePayload|apply_mask|interleave_families|trust_system_store|parse_close_payload|parse_proxy_url'
internal+='|best_validator|BrowserBackend'
if grep -F 'duplex::' "$tmp/exports" | grep -vE '^((typeinfo( name)?|vtable|guard variable) for )?boost::' \
   | grep -E "$internal" >"$tmp/leaks"; then
  die "shared: $so exports internals: $(head -5 "$tmp/leaks")"
fi
run_app shared "$root/package-app-shared/echo_check"
printf '   %-11s %s symbols of duplex exported, no internal one\n' "" \
  "$(grep -cE '^((typeinfo( name)?|vtable) for )?duplex::' "$tmp/exports")"

# --- subdir: add_subdirectory of the source tree ---------------------------
step "subdir: add_subdirectory(duplex) in a project with no build type of its own"
consumer "$root/package-app-subdir" -DDUPLEX_SOURCE_DIR="$src"
for expected in "CMAKE_BUILD_TYPE=" "DUPLEX_INSTALL=OFF" "DUPLEX_BUILD_TESTS=OFF" "DUPLEX_WARNINGS=OFF"; do
  [[ "${expected%%=*}=$(cache_value "$root/package-app-subdir" "${expected%%=*}")" == "$expected" ]] \
    || die "subdir: the consumer's cache has ${expected%%=*}=$(cache_value "$root/package-app-subdir" "${expected%%=*}"), expected $expected"
done
rm -rf "$root/package-app-subdir-prefix"
quiet cmake --install "$root/package-app-subdir" --prefix "$root/package-app-subdir-prefix"
installed=$(cd "$root/package-app-subdir-prefix" && find . -type f -o -type l | sort | tr '\n' ' ')
[[ "$installed" == "./bin/echo_check " ]] || die "subdir: the consumer's install holds more than its program: $installed"
# A build type the consumer chose stays as chosen (configure only).
quiet cmake -S "$app" -B "$root/package-app-subdir-debug" -DDUPLEX_SOURCE_DIR="$src" -DCMAKE_BUILD_TYPE=Debug
[[ "$(cache_value "$root/package-app-subdir-debug" CMAKE_BUILD_TYPE)" == Debug ]] \
  || die "subdir: the consumer's CMAKE_BUILD_TYPE=Debug became $(cache_value "$root/package-app-subdir-debug" CMAKE_BUILD_TYPE)"
run_app subdir "$root/package-app-subdir/echo_check"

# --- pkgconfig: a plain compiler command ------------------------------------
step "pkgconfig: g++ -std=c++20 echo_check.cpp \$(pkg-config --cflags --libs duplex)"
mkdir -p "$root/package-pkgconfig"
for kind in static shared; do
  prefix=$static_prefix
  [[ $kind == shared ]] && prefix=$shared_prefix
  out="$root/package-pkgconfig/echo_check_$kind"
  pc="$prefix/lib/pkgconfig/duplex.pc"
  flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs duplex) || die "pkgconfig: pkg-config failed for $pc"
  if ! newer "$out" "$app/echo_check.cpp" "$pc" "$prefix"/lib/libduplex*; then
    # shellcheck disable=SC2086  # the flags are words
    quiet g++ -std=c++20 -O1 "$app/echo_check.cpp" $flags -o "$out"
  fi
  if [[ $kind == shared ]]; then
    grep -q 'NEEDED.*\[libduplex\.so\.0\.1\]' <<<"$(readelf -d "$out")" || die "pkgconfig: $out does not link libduplex.so.0.1"
    run_app "pkg-$kind" env LD_LIBRARY_PATH="$prefix/lib" "$out"
  else
    run_app "pkg-$kind" "$out"
  fi
done

# --- wasm: the same program with em++, run in node ---------------------------
step "wasm: duplex built with em++, installed beside the native one, find_package under Emscripten"
command -v em++ >/dev/null || die "wasm: em++ not found (tools/setup.sh installs emscripten)"
export NODE_PATH=/usr/share/nodejs  # Debian's emscripten optimizer needs Debian's acorn
if [[ -z "$wasm_build" ]]; then
  wasm_build="$root/package-wasm"
  duplex_build "$wasm_build" --toolchain "$src/cmake/emscripten.cmake"
fi
quiet cmake --install "$wasm_build" --prefix "$static_prefix"
for lib in lib/libduplex_core.a lib/wasm32-emscripten/libduplex_core.a lib/wasm32-emscripten/libduplex_wasm.a \
           lib/cmake/duplex/duplexConfig.cmake lib/wasm32-emscripten/cmake/duplex/duplexConfig.cmake; do
  [[ -f "$static_prefix/$lib" ]] || die "wasm: the prefix lacks $lib"
done
quiet emcmake cmake -S "$app" -B "$root/package-app-wasm" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_FIND_ROOT_PATH="$static_prefix"
quiet cmake --build "$root/package-app-wasm" -j "$jobs"
[[ "$(cache_value "$root/package-app-wasm" duplex_DIR)" == "$static_prefix/lib/wasm32-emscripten/cmake/duplex" ]] \
  || die "wasm: found $(cache_value "$root/package-app-wasm" duplex_DIR), not the WebAssembly package"
pc_wasm="$static_prefix/lib/wasm32-emscripten/pkgconfig"
out="$root/package-pkgconfig/echo_check_wasm.js"
if ! newer "$out" "$app/echo_check.cpp" "$pc_wasm/duplex.pc" "$static_prefix"/lib/wasm32-emscripten/libduplex*; then
  flags=$(PKG_CONFIG_LIBDIR="$pc_wasm" pkg-config --cflags --libs duplex) || die "wasm: pkg-config failed"
  # shellcheck disable=SC2086
  quiet em++ -std=c++20 -O1 "$app/echo_check.cpp" $flags -sASYNCIFY=1 -sEXIT_RUNTIME=1 -o "$out"
fi

# node flags: emscripten before 3.1.14 fetch()es the .wasm whenever node has
# fetch (node >= 18), which fails for a file (cmake/node.cmake says more).
node_flags=()
em_version=$(em++ --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
if [[ "$(printf '%s\n' "$em_version" 3.1.14 | sort -V | head -1)" != 3.1.14 ]] \
   && node -e 'process.exit(typeof fetch === "function" ? 0 : 1)'; then
  node_flags+=(--no-experimental-fetch)
fi
run_app wasm-cmake node "${node_flags[@]}" -r "$src/tests/wasm/host_websocket.js" \
  "$root/package-app-wasm/echo_check.js"
run_app wasm-pkg node "${node_flags[@]}" -r "$src/tests/wasm/host_websocket.js" "$out"
# node's own WebSocket (node >= 22; node 20.10+ behind a flag) instead of npm ws.
if node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)'; then
  run_app wasm-node node "${node_flags[@]}" "$root/package-app-wasm/echo_check.js"
elif node --experimental-websocket -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null; then
  run_app wasm-node node "${node_flags[@]}" --experimental-websocket "$root/package-app-wasm/echo_check.js"
fi
say "all ways passed in $((SECONDS - started)) s"
