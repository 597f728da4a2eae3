// The peers of WebAssembly test builds. A wasm program cannot spawn processes,
// so tests/wasm/run_with_peers.js starts the servers before the test, passes
// their ports in environment variables (copied into emscripten's ENV before
// main), and stops them by PID afterwards. Every Peer of one run shares them.

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "support/peers.hpp"

namespace duplex::test {
namespace {

std::uint16_t port_from_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr)
    throw std::runtime_error(std::string(name) + " is not set: run this test through tests/wasm/run_with_peers.js");
  const int port = std::atoi(value);
  if (port <= 0 || port > 65535) throw std::runtime_error(std::string(name) + " is not a port: " + value);
  return static_cast<std::uint16_t>(port);
}

Peer peer_at(const char* variable) {
  Peer peer;
  peer.port = port_from_environment(variable);
  return peer;
}

}  // namespace

std::string Peer::url(std::string_view path) const {
  std::string out = tls ? "wss://localhost:" : "ws://127.0.0.1:";
  out += std::to_string(port);
  if (path.empty() || path.front() != '/') out += '/';
  out += path;
  return out;
}

Peer start_ws_peer() { return peer_at("DUPLEX_WS_PEER_PORT"); }

Peer start_python_peer() { return peer_at("DUPLEX_PYTHON_PEER_PORT"); }

std::uint16_t refused_port() { return port_from_environment("DUPLEX_REFUSED_PORT"); }

SilentListener::SilentListener() : port_(port_from_environment("DUPLEX_SILENT_PORT")) {}

SilentListener::~SilentListener() = default;

}  // namespace duplex::test
