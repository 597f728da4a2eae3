// A host with no WebSocket (node before 22 with nothing preloaded): a socket
// fails once with an error that says so, and ReconnectingWebSocket gives up
// at once, since no retry could open.

#include <catch2/catch.hpp>

#include <emscripten/emscripten.h>

#include <duplex/duplex.hpp>
#include <string>
#include <vector>

namespace duplex::test {
namespace {

/// Hides the host's WebSocket global for its lifetime (the launcher preloads one).
class HostWithoutWebSocket {
 public:
  HostWithoutWebSocket() {
    emscripten_run_script("globalThis.duplexHiddenWebSocket = globalThis.WebSocket; delete globalThis.WebSocket;");
  }
  ~HostWithoutWebSocket() {
    emscripten_run_script("globalThis.WebSocket = globalThis.duplexHiddenWebSocket;"
                          "delete globalThis.duplexHiddenWebSocket;");
  }
  HostWithoutWebSocket(const HostWithoutWebSocket&) = delete;
  HostWithoutWebSocket& operator=(const HostWithoutWebSocket&) = delete;
};

bool host_has_websocket() { return emscripten_run_script_int("typeof WebSocket === 'function' ? 1 : 0") == 1; }

}  // namespace

TEST_CASE("a host with no WebSocket fails the socket once, saying so", "[wasm][unavailable]") {
  std::vector<std::string> events;
  {
    HostWithoutWebSocket hidden;
    REQUIRE_FALSE(host_has_websocket());
    WebSocket ws("ws://127.0.0.1:9/");
    ws.onopen([&](const Event&) { events.push_back("open"); });
    ws.onerror([&](const ErrorEvent& e) { events.push_back("error:" + e.message()); });
    ws.onclose([&](const CloseEvent& e) { events.push_back("close:" + std::to_string(e.code())); });
    run();
    CHECK(ws.ready_state() == ReadyState::CLOSED);
  }
  CHECK(host_has_websocket());  // put back for the next tests
  REQUIRE(events.size() == 2);
  CHECK(events[0].rfind("error:this host has no WebSocket", 0) == 0);
  CHECK(events[1] == "close:1006");
}

TEST_CASE("ReconnectingWebSocket gives up at once on a host with no WebSocket", "[wasm][unavailable]") {
  HostWithoutWebSocket hidden;
  ReconnectOptions options;
  options.base_delay = std::chrono::milliseconds(1);
  options.max_attempts = 3;
  ReconnectingWebSocket ws("ws://127.0.0.1:9/", {}, {}, options);
  std::vector<std::string> events;
  ws.onerror([&](const ErrorEvent&) { events.push_back("error"); });
  ws.onclose([&](const CloseEvent& e) { events.push_back("close:" + std::to_string(e.code())); });
  ws.onreconnecting([&](const ReconnectEvent& e) { events.push_back("reconnecting:" + std::to_string(e.attempt())); });
  ws.ongiveup([&](const ReconnectEvent& e) { events.push_back("giveup:" + std::to_string(e.attempt())); });
  run();
  CHECK(events == std::vector<std::string>{"error", "close:1006", "giveup:0"});
}

}  // namespace duplex::test
