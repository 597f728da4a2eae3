// Liveness: the heartbeat (ping_interval, pong_timeout) and idle_timeout
// against the npm `ws` server.

#include <catch2/catch.hpp>

#include <chrono>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {
using std::chrono::milliseconds;

}  // namespace

TEST_CASE("a server that stops reading is detected by the heartbeat", "[native][heartbeat]") {
  auto peer = start_ws_peer();
  Options options;
  options.ping_interval = milliseconds(200);
  options.pong_timeout = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  WebSocket ws(peer.url("/stop-reading"), {}, options);
  Recorder recorder(ws);
  run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(recorder.events == std::vector<std::string>{"open", "error", "close"});
  CHECK(recorder.error_message == "no pong within 300 ms");
  REQUIRE(recorder.close);
  CHECK(recorder.close->code() == 1006);
  CHECK_FALSE(recorder.close->was_clean());
  CHECK(elapsed < milliseconds(1500));  // first Ping at 200 ms, deadline at 500 ms
}

TEST_CASE("a responsive server keeps a heartbeat connection open", "[native][heartbeat]") {
  auto peer = start_ws_peer();
  Options options;
  options.ping_interval = milliseconds(50);
  options.pong_timeout = milliseconds(200);
  WebSocket ws(peer.url("/"), {}, options);
  Recorder recorder(ws);
  // Close after 600 ms of heartbeats: a timer made of a message round trip loop.
  const auto start = std::chrono::steady_clock::now();
  ws.onopen([&](const Event&) { ws.send("tick"); });
  ws.onmessage([&](const MessageEvent&) {
    if (std::chrono::steady_clock::now() - start > milliseconds(600))
      ws.close(1000);
    else
      ws.send("tick");
  });
  run();
  CHECK(recorder.error_message.empty());
  REQUIRE(recorder.close);
  CHECK(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1000);
}

TEST_CASE("an idle connection is closed cleanly with 1000", "[native][heartbeat]") {
  auto peer = start_ws_peer();
  Options options;
  options.idle_timeout = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  WebSocket ws(peer.url("/"), {}, options);
  Recorder recorder(ws);
  run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
  REQUIRE(recorder.close);
  CHECK(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1000);
  CHECK(elapsed >= milliseconds(300));
  CHECK(elapsed < milliseconds(1500));
}

}  // namespace duplex::test
