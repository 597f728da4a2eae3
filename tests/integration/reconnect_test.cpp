// ReconnectingWebSocket against real servers, on every backend: retries of a
// refused port until max_attempts, a final close code, and the open event that
// resends the application's state after each reopen.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using ms = std::chrono::milliseconds;

ReconnectOptions quick() {
  ReconnectOptions r;
  r.base_delay = ms(20);
  r.max_delay = ms(80);
  return r;
}

/// Event names in order, with the attempt of open/reconnecting/giveup events.
struct Trace {
  std::vector<std::string> events;
  explicit Trace(ReconnectingWebSocket& ws) {
    for (const char* type : {"open", "error", "close", "reconnecting", "giveup"}) {
      ws.add_event_listener(type, [this](const Event& e) {
        std::string entry = e.type();
        if (auto* r = dynamic_cast<const ReconnectEvent*>(&e)) entry += ":" + std::to_string(r->attempt());
        if (auto* c = dynamic_cast<const CloseEvent*>(&e)) entry += ":" + std::to_string(c->code());
        events.push_back(entry);
      });
    }
  }
};

}  // namespace

TEST_CASE("a refused port is retried with backoff, then given up", "[integration][reconnect]") {
  auto r = quick();
  r.max_attempts = 3;
  ReconnectingWebSocket ws("ws://127.0.0.1:" + std::to_string(refused_port()) + "/", {}, {}, r);
  Trace trace(ws);
  std::vector<ms> delays;
  ws.onreconnecting([&](const ReconnectEvent& e) { delays.push_back(e.delay()); });
  const auto start = std::chrono::steady_clock::now();
  run();
  CHECK(trace.events == std::vector<std::string>{"error", "close:1006", "reconnecting:1", "error", "close:1006",
                                                 "reconnecting:2", "error", "close:1006", "reconnecting:3", "error",
                                                 "close:1006", "giveup:3"});
  REQUIRE(delays.size() == 3);
  CHECK(delays[0] <= ms(20));
  CHECK(delays[1] <= ms(40));
  CHECK(delays[2] <= ms(80));
  CHECK(std::chrono::steady_clock::now() - start >= delays[0] + delays[1] + delays[2]);
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("a close code marked final is not retried", "[integration][reconnect]") {
  auto peer = start_ws_peer();
  auto r = quick();
  r.final_codes = {1008, 4001};
  ReconnectingWebSocket ws(peer.url("/close/4001/logged%20out"), {}, {}, r);
  Trace trace(ws);
  run();
  CHECK(trace.events == std::vector<std::string>{"open:0", "close:4001", "giveup:0"});
}

TEST_CASE("after a server close the socket reopens and the state is sent again", "[integration][reconnect]") {
  auto peer = start_ws_peer();
  // The server echoes one message, then closes with 4000 (not final).
  ReconnectingWebSocket ws(peer.url("/close-after/1/4000"), {}, {}, quick());
  Trace trace(ws);
  int opens = 0;
  std::vector<std::string> echoes;
  ws.onopen([&](const ReconnectEvent& e) {
    ++opens;
    CHECK(e.reopened() == (opens > 1));
    ws.send("state " + std::to_string(opens));  // what a server forgets between connections
  });
  ws.onmessage([&](const MessageEvent& e) {
    echoes.push_back(e.text());
    if (echoes.size() == 3) ws.close(1000);  // the server's Close 4000 is on its way: that code is reported
  });
  run();
  CHECK(echoes == std::vector<std::string>{"state 1", "state 2", "state 3"});
  CHECK(trace.events == std::vector<std::string>{"open:0", "close:4000", "reconnecting:1", "open:1", "close:4000",
                                                 "reconnecting:1", "open:1", "close:4000"});
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

}  // namespace duplex::test
