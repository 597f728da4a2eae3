// The closing handshake from either side, and connections that end badly,
// against real servers.

#include <catch2/catch.hpp>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

Peer start_peer(const std::string& kind) { return kind == "ws" ? start_ws_peer() : start_python_peer(); }

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
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
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
  Options options;
  options.close_timeout = std::chrono::milliseconds(300);
  WebSocket ws(peer.url("/no-close-reply"), {}, options);
  Recorder recorder(ws);
  ws.onopen([&](const Event&) { ws.close(1000); });
  run();
  REQUIRE(recorder.close);
  CHECK_FALSE(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1006);
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
