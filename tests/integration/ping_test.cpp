// ping() and the `pong` event against real servers (npm ws, python3-websockets),
// which answer every Ping (RFC 6455 §5.5.2). A backend without
// Capabilities::ping (WebAssembly: a browser's WebSocket has no ping) refuses
// ping() with NotSupportedError; the same cases assert that there.

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using namespace std::chrono_literals;

Peer start_peer(const std::string& kind) { return kind == "ws" ? start_ws_peer() : start_python_peer(); }

// The DOMException name `f` throws, or "no error".
template <class F>
std::string error_name(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.name();
  }
  return "no error";
}

struct Pong {
  std::string payload;
  std::optional<std::chrono::nanoseconds> round_trip_time;
};

// Closes `ws` with 4000 if it is still open after 10 s, so a missing pong
// fails the test instead of leaving run() waiting; cancelled when it closes.
template <class Socket>
std::unique_ptr<Timer> close_if_stuck(Socket& ws) {
  auto timer = default_backend().post_after(10s, [&ws] {
    if (ws.ready_state() == ReadyState::OPEN) ws.close(4000, "no pong");
  });
  ws.add_event_listener("close", [timer = timer.get()](const Event&) { timer->cancel(); });
  return timer;
}

// Opens `url`, sends the Pings `payloads` once open, closes with 1000 once as
// many pong events came, and runs the loop until closed. On a backend without
// ping, ping()'s error name is kept instead and the socket closed at once.
struct PingRun {
  std::vector<Pong> pongs;
  std::string ping_error = "no error";
  std::optional<CloseEvent> close;
};

PingRun ping_and_wait(const std::string& url, const std::vector<std::string>& payloads) {
  PingRun result;
  WebSocket ws(url);
  Recorder recorder(ws);
  const auto deadline = close_if_stuck(ws);
  ws.onopen([&](const Event&) {
    result.ping_error = error_name([&] {
      for (const auto& payload : payloads) ws.ping(payload);
    });
    if (result.ping_error != "no error") ws.close(1000);
  });
  ws.onpong([&](const PongEvent& e) {
    result.pongs.push_back({e.payload(), e.round_trip_time()});
    if (result.pongs.size() == payloads.size()) ws.close(1000);
  });
  run();
  result.close = recorder.close;
  return result;
}

void check_round_trip(const Pong& pong) {
  REQUIRE(pong.round_trip_time);
  CHECK(*pong.round_trip_time > 0ns);
  CHECK(*pong.round_trip_time < 5s);
}

}  // namespace

TEST_CASE("ping() gets a pong event with its payload and a round-trip time", "[integration][ping]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  const auto result = ping_and_wait(peer.url("/"), {"abc"});
  REQUIRE(result.close);
  CHECK(result.close->code() == 1000);
  if (!capabilities().ping) {
    CHECK(result.ping_error == "NotSupportedError");
    CHECK(result.pongs.empty());
    return;
  }
  CHECK(result.ping_error == "no error");
  REQUIRE(result.pongs.size() == 1);
  // RFC 6455 §5.5.3: "A Pong frame sent in response to a Ping frame must
  // have identical "Application data" as found in the message body of the
  // Ping frame being replied to."
  CHECK(result.pongs[0].payload == "abc");
  check_round_trip(result.pongs[0]);
}

TEST_CASE("Pings sent in a row each get their pong, in order", "[integration][ping]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  const std::vector<std::string> payloads{"one", "two", "", std::string(125, 'x')};
  const auto result = ping_and_wait(peer.url("/"), payloads);
  if (!capabilities().ping) {
    CHECK(result.ping_error == "NotSupportedError");
    return;
  }
  REQUIRE(result.pongs.size() == payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    INFO("pong " << i);
    CHECK(result.pongs[i].payload == payloads[i]);
    check_round_trip(result.pongs[i]);
  }
}

TEST_CASE("ping() refuses a payload over 125 bytes and a CONNECTING socket", "[integration][ping]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  Recorder recorder(ws);
  // The capability is checked first: a backend without ping says so whatever
  // the state or payload.
  const std::string unsupported = capabilities().ping ? "" : "NotSupportedError";
  CHECK(error_name([&] { ws.ping("early"); }) == (unsupported.empty() ? "InvalidStateError" : unsupported));
  std::string oversized, at_limit;
  ws.onopen([&](const Event&) {
    // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less".
    oversized = error_name([&] { ws.ping(std::string(126, 'x')); });
    at_limit = error_name([&] { ws.ping(std::string(125, 'x')); });
    ws.close(1000);
  });
  run();
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
  CHECK(oversized == (unsupported.empty() ? "SyntaxError" : unsupported));
  CHECK(at_limit == (unsupported.empty() ? "no error" : unsupported));
  // CLOSED: nothing to do, nothing thrown (only the capability is checked).
  CHECK(error_name([&] { ws.ping("late"); }) == (unsupported.empty() ? "no error" : unsupported));
}

TEST_CASE("the heartbeat's Pings fire pong events with a round-trip time", "[integration][ping]") {
  auto peer = start_ws_peer();
  Options options;
  options.ping_interval = 50ms;
  options.pong_timeout = 5s;  // a loaded machine must not fail the connection
  if (!capabilities().heartbeat) {
    CHECK(error_name([&] { WebSocket ws(peer.url("/"), {}, options); }) == "NotSupportedError");
    return;
  }
  WebSocket ws(peer.url("/"), {}, options);
  Recorder recorder(ws);
  const auto deadline = close_if_stuck(ws);
  std::vector<Pong> pongs;
  const auto start = std::chrono::steady_clock::now();
  ws.onpong([&](const PongEvent& e) {
    pongs.push_back({e.payload(), e.round_trip_time()});
    if (pongs.size() == 3) ws.close(1000);
  });
  run();
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
  REQUIRE(pongs.size() == 3);
  for (const auto& pong : pongs) {
    CHECK(pong.payload.empty());
    check_round_trip(pong);
  }
  // Three Pings 50 ms apart: the first is sent 50 ms after open.
  CHECK(std::chrono::steady_clock::now() - start >= 150ms);
}

TEST_CASE("ReconnectingWebSocket::ping() reaches the current connection", "[integration][ping]") {
  auto peer = start_python_peer();
  ReconnectingWebSocket ws(peer.url("/"));
  const auto deadline = close_if_stuck(ws);
  std::string early = error_name([&] { ws.ping("early"); });
  std::string ping_error;
  std::vector<Pong> pongs;
  ws.onopen([&](const ReconnectEvent&) {
    ping_error = error_name([&] { ws.ping("reconnecting"); });
    if (ping_error != "no error") ws.close(1000);
  });
  ws.onpong([&](const PongEvent& e) {
    pongs.push_back({e.payload(), e.round_trip_time()});
    ws.close(1000);
  });
  run();
  if (!capabilities().ping) {
    CHECK(early == "NotSupportedError");
    CHECK(ping_error == "NotSupportedError");
    return;
  }
  CHECK(early == "InvalidStateError");
  CHECK(ping_error == "no error");
  REQUIRE(pongs.size() == 1);
  CHECK(pongs[0].payload == "reconnecting");
  check_round_trip(pongs[0]);
}

}  // namespace duplex::test
