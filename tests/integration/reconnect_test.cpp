// ReconnectingWebSocket against real servers, on every backend: retries of a
// refused port until max_attempts, a final close code, the open event that
// resends the application's state after each reopen, and the retry policy on
// refused handshakes (a 403 is final, a 429's or 503's Retry-After is waited out).

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "integration/recorder.hpp"
#include "integration/test_host.hpp"
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

// Unique within the peer, which a WebAssembly run in a browser shares between tests.
std::string unique_id(const std::string& prefix) {
  return prefix + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

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

TEST_CASE("a 403 is given up at once where the status is seen", "[integration][reconnect][policy]") {
  INFO("host: " << test_host());
  auto peer = start_ws_peer();
  ReconnectOptions r;
  r.base_delay = ms(10);
  r.max_delay = ms(20);
  r.max_attempts = 2;
  ReconnectingWebSocket ws(peer.url("/status/403"), {}, {}, r);
  Trace trace(ws);
  std::vector<std::error_code> errors;
  ws.onerror([&](const ErrorEvent& e) { errors.push_back(e.error()); });
  run();
  if (capabilities().handshake_response) {
    // RFC 9110 §15.5.4: 403 Forbidden: "The client SHOULD NOT automatically
    // repeat the request with the same credentials." One connection, no retry.
    CHECK(trace.events == std::vector<std::string>{"error", "close:1006", "giveup:0"});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == errc::handshake_status);
  } else {
    // A WebAssembly host hides the status: the failure is errc::host_refused,
    // which could be a passing outage, so it is retried until max_attempts.
    CHECK(trace.events == std::vector<std::string>{"error", "close:1006", "reconnecting:1", "error", "close:1006",
                                                   "reconnecting:2", "error", "close:1006", "giveup:2"});
    REQUIRE(errors.size() == 3);
    for (const auto& error : errors) CHECK(error == errc::host_refused);
  }
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("a 429 or a 503 is retried after its Retry-After", "[integration][reconnect][policy]") {
  const int status = GENERATE(429, 503);
  INFO("host: " << test_host() << "; status " << status);
  auto peer = start_ws_peer();
  ReconnectOptions r;
  r.base_delay = ms(10);
  r.max_delay = ms(20);
  r.max_attempts = 3;
  // Refused once with "Retry-After: 1", then accepted.
  const std::string query = "?retry-after=1&times=1&id=" + unique_id("retry-after");
  ReconnectingWebSocket ws(peer.url("/status/" + std::to_string(status) + query), {}, {}, r);
  Trace trace(ws);
  std::vector<ms> delays;
  std::vector<int> statuses;
  std::chrono::steady_clock::time_point failed_at, opened_at;
  ws.onerror([&](const ErrorEvent& e) {
    failed_at = std::chrono::steady_clock::now();
    statuses.push_back(e.http_status());
  });
  ws.onreconnecting([&](const ReconnectEvent& e) { delays.push_back(e.delay()); });
  ws.onopen([&](const ReconnectEvent&) {
    opened_at = std::chrono::steady_clock::now();
    ws.close(1000);
  });
  run();
  CHECK(trace.events == std::vector<std::string>{"error", "close:1006", "reconnecting:1", "open:1", "close:1000"});
  REQUIRE(delays.size() == 1);
  if (capabilities().handshake_response) {
    // RFC 9110 §10.2.3: Retry-After "indicates how long the user agent ought
    // to wait before making a follow-up request": 1 s, not the 10 ms backoff.
    CHECK(statuses == std::vector<int>{status});
    CHECK(delays[0] >= ms(1000));
    CHECK(opened_at - failed_at >= ms(1000));
  } else {
    // The host hides the answer and its Retry-After: the backoff alone.
    CHECK(delays[0] <= ms(10));
  }
}

}  // namespace duplex::test
