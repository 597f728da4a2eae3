// The closing handshake from either side, and connections that end badly,
// against real servers.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>

#include "integration/recorder.hpp"
#include "integration/test_host.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

Peer start_peer(const std::string& kind) { return kind == "ws" ? start_ws_peer() : start_python_peer(); }

// What the npm ws peer saw on its /no-close-reply connection `id`, asked over
// its /report/<id> path (a WebAssembly test cannot read the peer's output).
std::string peer_report(const Peer& peer, const std::string& id) {
  WebSocket query(peer.url("/report/" + id));
  std::string report;
  query.onmessage([&](const MessageEvent& e) { report = e.text(); });
  run();  // the peer closes after its one message
  return report;
}

// The value of `name=` in a report of space-separated name=value fields.
std::string report_field(const std::string& report, const std::string& name) {
  const std::string key = name + "=";
  std::size_t at = 0;
  while ((at = report.find(key, at)) != std::string::npos) {
    if (at == 0 || report[at - 1] == ' ') {
      const std::size_t start = at + key.size();
      return report.substr(start, report.find(' ', start) - start);
    }
    at += key.size();
  }
  return {};
}

}  // namespace

TEST_CASE("client close with a code and a reason is echoed and clean", "[integration][close]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  const auto code = GENERATE(std::uint16_t{1000}, std::uint16_t{4000});
  INFO("peer: " << kind << ", code " << code);
  auto peer = start_peer(kind);
  WebSocket ws(peer.url("/"));
  Recorder recorder(ws);
  ReadyState after_close{};
  ws.onopen([&](const Event&) {
    ws.close(code, "bye ✓");
    after_close = ws.ready_state();
  });
  run();
  CHECK(after_close == ReadyState::CLOSING);
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
  REQUIRE(recorder.close);
  CHECK(recorder.close->was_clean());
  CHECK(recorder.close->code() == code);
  CHECK(recorder.close->reason() == "bye ✓");
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("close() without a code reports 1005", "[integration][close]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  WebSocket ws(peer.url("/"));
  Recorder recorder(ws);
  ws.onopen([&](const Event&) { ws.close(); });
  run();
  REQUIRE(recorder.close);
  CHECK(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1005);
  CHECK(recorder.close->reason().empty());
}

TEST_CASE("a server-initiated close delivers its code and reason", "[integration][close]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  WebSocket ws(peer.url("/close/4001/going%20home"));
  Recorder recorder(ws);
  run();
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
  REQUIRE(recorder.close);
  CHECK(recorder.close->was_clean());
  CHECK(recorder.close->code() == 4001);
  CHECK(recorder.close->reason() == "going home");
  CHECK(recorder.states_seen.back() == ReadyState::CLOSED);
}

TEST_CASE("a server that drops TCP gives close 1006, not clean, and no error", "[integration][close]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  WebSocket ws(peer.url("/drop"));
  Recorder recorder(ws);
  run();
  std::vector<std::string> expected{"open", "close"};
  if (test_host() == "firefox" && recorder.events.size() == 1) {
    // The peer resets the connection right after its 101 response; a reset
    // discards what the client has not read yet. Firefox reads in a process
    // of its own, and may lose the 101 that way: it then logs "can't
    // establish a connection" and fires close alone, never open.
    expected = {"close"};
  }
  if (test_host() == "node-own" && recorder.events.size() == 3) {
    // node's own WebSocket decides: undici 7 (node 24) fires error before
    // close whenever no Close frame came, a dropped connection included;
    // undici 6 (node 20), like Chromium and npm ws, fires close alone. duplex
    // reports what the host fired.
    expected = {"open", "error", "close"};
  }
  CHECK(recorder.events == expected);
  REQUIRE(recorder.close);
  CHECK_FALSE(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1006);
}

TEST_CASE("a refused port gives error then close 1006", "[integration][failure]") {
  WebSocket ws("ws://127.0.0.1:" + std::to_string(refused_port()) + "/");
  Recorder recorder(ws);
  run();
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  REQUIRE(recorder.close);
  CHECK_FALSE(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1006);
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("an unanswered opening handshake fails after the open timeout", "[integration][failure]") {
  SilentListener silent;
  Options options;
  options.open_timeout = std::chrono::milliseconds(300);
  WebSocket ws("ws://127.0.0.1:" + std::to_string(silent.port()) + "/", {}, options);
  Recorder recorder(ws);
  run();
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  CHECK(recorder.error_message.find("timed out") != std::string::npos);
  REQUIRE(recorder.close);
  CHECK(recorder.close->code() == 1006);
}

TEST_CASE("an unanswered close is dropped after the close timeout, not clean", "[integration][close]") {
  auto peer = start_ws_peer();
  // Unique within the peer, which a WebAssembly run shares between tests.
  const std::string id = "close-timeout-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  Options options;
  options.close_timeout = std::chrono::milliseconds(300);
  WebSocket ws(peer.url("/no-close-reply?id=" + id), {}, options);
  Recorder recorder(ws);
  ws.onopen([&](const Event&) { ws.close(1000); });
  run();
  REQUIRE(recorder.close);
  CHECK_FALSE(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1006);
  const std::string seen = peer_report(peer, id);
  INFO("the peer saw: " << seen);
  CHECK(report_field(seen, "close") == "1000");
  const std::string tcp = report_field(seen, "tcp");
  const std::string host = test_host();
  INFO("host " << host);
  if (host == "chromium" || host == "firefox" || host == "node-own") {
    // A standard WebSocket object has no call that drops its TCP connection
    // (npm ws has terminate(), which the wasm backend calls at the close
    // timeout): the host's own closing-handshake timer decides. Chromium
    // drops it 60 s after its Close frame; node's own WebSocket (undici,
    // node 20) never does; Firefox keeps it past the report too. So the
    // connection is still open when the peer reports, 3 s after the query.
    CHECK(tcp == "open");
    return;
  }
  // The peer saw our Close frame, then the TCP connection ended from our side
  // once the close timeout had run out: not at once, and not much later
  // (e.g. when a host's own, longer close timer fires).
  CHECK((tcp == "fin" || tcp == "reset"));
  const int after_close_ms = std::atoi(report_field(seen, "after_close_ms").c_str());
  CHECK(after_close_ms >= 250);
  CHECK(after_close_ms < 2000);
}

TEST_CASE("close() while connecting fails the connection", "[integration][close]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  Recorder recorder(ws);
  ws.close();
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  run();
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  REQUIRE(recorder.close);
  CHECK(recorder.close->code() == 1006);
  CHECK_FALSE(recorder.close->was_clean());
}

}  // namespace duplex::test
