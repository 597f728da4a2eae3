#pragma once
// The host an integration test runs in, for the few outcomes that are the
// host's decision rather than duplex's (each such branch says what the host
// does).

#include <cstdlib>
#include <string>

namespace duplex::test {

/// "node-ws", "node-own" or "chromium" in WebAssembly runs (DUPLEX_TEST_HOST,
/// set by tests/wasm/run_with_peers.js); "native" when unset: the native
/// backend.
inline std::string test_host() {
  const char* host = std::getenv("DUPLEX_TEST_HOST");
  return host != nullptr && *host != '\0' ? host : "native";
}

}  // namespace duplex::test
