// WebSocket::ping() and the `pong` event on an in-memory backend: the checks
// made before anything reaches the transport, and when the event fires.

#include "duplex/websocket.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::PongEvent;
using duplex::ReadyState;
using duplex::WebSocket;
using duplex::test::FakeBackend;
using duplex::test::open_socket;
using duplex::test::Strings;
using duplex::test::thrown;
using namespace std::chrono_literals;

namespace {

// Every `pong` event as "pong:<payload>:<rtt in ms or none>", and the
// readyState it saw.
struct PongLog {
  Strings events;
  std::vector<ReadyState> states;
  void attach(WebSocket& ws) {
    ws.onpong([this, &ws](const PongEvent& e) {
      const auto rtt = e.round_trip_time();
      events.push_back("pong:" + e.payload() + ":" +
                       (rtt ? std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(*rtt).count())
                            : std::string("none")));
      states.push_back(ws.ready_state());
    });
  }
};

FakeBackend pinging_backend() {
  FakeBackend backend;
  backend.supports_ping = true;
  return backend;
}

}  // namespace

TEST_CASE("ping() throws NotSupportedError on a backend that cannot ping", "[websocket][ping]") {
  FakeBackend backend;  // capabilities().ping is false, as in a browser
  auto ws = open_socket(backend);
  CHECK(thrown([&] { ws.ping("abc"); }) == "NotSupportedError");
  CHECK(backend.log->pings.empty());
}

TEST_CASE("ping() checks readyState and the payload before the transport sees it", "[websocket][ping]") {
  auto backend = pinging_backend();
  WebSocket ws(backend, "ws://h/");
  CHECK(thrown([&] { ws.ping("abc"); }) == "InvalidStateError");  // CONNECTING
  backend.transport()->open();
  backend.run_all();
  REQUIRE(ws.ready_state() == ReadyState::OPEN);
  // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less".
  CHECK(thrown([&] { ws.ping(std::string(126, 'x')); }) == "SyntaxError");
  CHECK(backend.log->pings.empty());
  CHECK(thrown([&] { ws.ping(std::string(125, 'x')); }) == "no error");
  CHECK(thrown([&] { ws.ping(); }) == "no error");
  CHECK(backend.log->pings == Strings{std::string(125, 'x'), ""});
  // CLOSING: nothing is sent, nothing thrown.
  ws.close();
  CHECK(thrown([&] { ws.ping("late"); }) == "no error");
  CHECK(backend.log->pings.size() == 2);
}

TEST_CASE("a Ping the transport refuses throws OperationError", "[websocket][ping]") {
  auto backend = pinging_backend();
  auto ws = open_socket(backend);
  backend.transport()->accept_ping = false;
  CHECK(thrown([&] { ws.ping("abc"); }) == "OperationError");
  backend.transport()->accept_ping = true;
  CHECK(thrown([&] { ws.ping("abc"); }) == "no error");
  CHECK(backend.log->pings == Strings{"abc"});
}

TEST_CASE("a pong event is delivered from the loop, never inside ping()", "[websocket][ping]") {
  auto backend = pinging_backend();
  auto ws = open_socket(backend);
  PongLog log;
  log.attach(ws);
  backend.transport()->pong_on_ping = true;  // the Pong is reported inside ping()
  ws.ping("abc");
  CHECK(log.events.empty());
  backend.run_all();
  CHECK(log.events == Strings{"pong:abc:1"});
  CHECK(log.states == std::vector<ReadyState>{ReadyState::OPEN});
}

TEST_CASE("pong events carry the payload and the round-trip time, or none when unsolicited", "[websocket][ping]") {
  auto backend = pinging_backend();
  auto ws = open_socket(backend);
  PongLog log;
  log.attach(ws);
  Strings listened;
  ws.add_event_listener("pong", [&](const duplex::Event& e) { listened.push_back(e.type()); });
  backend.transport()->pong("one", 25ms);
  backend.transport()->pong("", std::nullopt);  // RFC 6455 §5.5.3: "A Pong frame MAY be sent unsolicited"
  CHECK(log.events.empty());
  backend.run_all();
  CHECK(log.events == Strings{"pong:one:25", "pong::none"});
  CHECK(listened == Strings{"pong", "pong"});
}

TEST_CASE("pong events fire while CLOSING, never after CLOSED", "[websocket][ping]") {
  auto backend = pinging_backend();
  auto ws = open_socket(backend);
  PongLog log;
  log.attach(ws);
  duplex::test::Recorder recorder;
  recorder.attach(ws);
  ws.close(1000);
  backend.transport()->pong("closing", 3ms);
  backend.transport()->closed(true, 1000);
  backend.transport()->pong("after", 4ms);  // reported after the close: dropped
  backend.run_all();
  CHECK(log.events == Strings{"pong:closing:3"});
  CHECK(log.states == std::vector<ReadyState>{ReadyState::CLOSING});
  CHECK(recorder.events == Strings{"close:1000:clean:"});
  CHECK(ws.ready_state() == ReadyState::CLOSED);
  CHECK(thrown([&] { ws.ping("closed"); }) == "no error");
  CHECK(backend.log->pings.empty());
}

TEST_CASE("a pong reported before a failure fires, one after it does not", "[websocket][ping]") {
  auto backend = pinging_backend();
  auto ws = open_socket(backend);
  PongLog log;
  log.attach(ws);
  duplex::test::Recorder recorder;
  recorder.attach(ws);
  backend.transport()->pong("before", 2ms);
  backend.transport()->failed(duplex::Failure(duplex::errc::pong_timeout, "no pong within 5 ms"));
  backend.transport()->pong("after", 2ms);
  backend.run_all();
  CHECK(log.events == Strings{"pong:before:2"});
  CHECK(recorder.events == Strings{"error:no pong within 5 ms", "close:1006:unclean:"});
}
