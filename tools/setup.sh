#!/usr/bin/env bash
# Installs what building and testing duplex needs on Debian bookworm:
# the Debian packages below and the npm packages of tests/peers.
# Idempotent: when everything is present it only checks and exits.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peers="$root/tests/peers"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/apt_packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt_packages.sh"

packages=(cmake g++ make pkg-config ccache libboost1.81-dev libssl-dev zlib1g-dev
          catch2 python3-websockets openssl clang-14 libclang-rt-14-dev
          emscripten  # the wasm preset (em++ 3.1.6, tests run in node)
          chromium  # the browser tests (headless, driven by npm playwright-core)
          firefox-esr  # the integration suite in Firefox (headless, WebDriver BiDi: tests/web/firefox_bidi.js)
          tinyproxy microsocks  # the proxy tests (HTTP CONNECT, SOCKS5)
          libedit-dev  # the CLI's interactive line editing (BSD-licensed, readline-compatible)
          liburing-dev  # the native backend's io_uring I/O path on Linux
          tmux)  # the CLI's interactive mode driven in a real terminal by tests/cli

# node may come from NodeSource (its nodejs package ships npm); Debian's
# nodejs and npm are only installed when there is no node at all.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  if dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -q nodesource; then
    die "node is NodeSource's but npm is missing; reinstall NodeSource's nodejs package"
  fi
  packages+=(npm)
fi

install_missing_packages "${packages[@]}"

command -v node >/dev/null 2>&1 || die "node not found after installation"
command -v npm >/dev/null 2>&1 || die "npm not found after installation"
/usr/bin/python3 -c 'import websockets' 2>/dev/null \
  || die "/usr/bin/python3 cannot import websockets (python3-websockets)"

# npm packages of the test peers: reinstall when node_modules is missing or
# older than the lock file.
lock="$peers/package-lock.json"
modules="$peers/node_modules"
if [[ ! -d "$modules/ws" || ! -d "$modules/playwright-core" || ( -f "$lock" && "$lock" -nt "$modules" ) ]]; then
  if [[ -f "$lock" ]]; then
    say "npm ci in tests/peers"
    (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $peers"
  else
    say "npm install in tests/peers (no package-lock.json)"
    (cd "$peers" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed in $peers"
  fi
  touch "$modules"
else
  say "tests/peers/node_modules up to date"
fi

say "ok (node $(node --version), $(cmake --version | head -n1))"
