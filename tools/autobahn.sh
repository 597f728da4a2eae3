#!/usr/bin/env bash
# Runs the Autobahn|Testsuite fuzzing server's client cases against the native
# client and prints the summary table (tests/conformance/RESULTS.md holds the
# last one). The suite itself is not part of duplex: pass the directory of a
# checkout of its Python 3 port (the one holding the `autobahntestsuite`
# package). Cases 1-11 take about a minute, 12-13 (permessage-deflate) far longer.
#
#   tools/autobahn.sh AUTOBAHN_TESTSUITE_DIR ['"1.*","2.*"']
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:?usage: tools/autobahn.sh AUTOBAHN_TESTSUITE_DIR [case-patterns]}
cases=${2:-'"*"'}

tools/setup.sh >/dev/null
deps=(python3-twisted python3-autobahn python3-txaio python3-wsaccel python3-jinja2 python3-openssl
      python3-service-identity)
missing=()
for pkg in "${deps[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake --preset native >/dev/null
cmake --build --preset native --target autobahn_client >/dev/null

work=$(mktemp -d)
cat >"$work/spec.json" <<SPEC
{"url": "ws://127.0.0.1:9001", "outdir": "$work/reports", "cases": [$cases],
 "exclude-cases": [], "exclude-agent-cases": {}}
SPEC
/usr/bin/python3 tests/conformance/fuzzingserver.py "$suite" "$work/spec.json" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "Fuzzing Server" "$work/server.log" && break
  sleep 0.2
done

start=$(date +%s)
build/native/tests/conformance/autobahn_client ws://127.0.0.1:9001 duplex
echo "autobahn: $(($(date +%s) - start)) s; reports in $work/reports"
/usr/bin/python3 tests/conformance/summarize.py "$work/reports/index.json" duplex
