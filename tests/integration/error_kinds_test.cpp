// The kind of a failure (ErrorEvent::error(), a duplex::errc) against real
// servers, on every backend. Natively our engine sees the TCP refusal and the
// HTTP answer; a WebAssembly host's WebSocket hides both ("the user agent
// must not convey any failure information to scripts", WHATWG WebSockets §
// feedback from the protocol), so there every failure before open is
// errc::host_refused. What the application does itself (close() while
// CONNECTING) is the same kind everywhere.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "integration/recorder.hpp"
#include "integration/test_host.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

// True where the backend sees the server's handshake answer (native); false
// in a WebAssembly host, which hides it.
bool sees_handshake() { return capabilities().handshake_response; }

// Runs a socket to `url` until it is closed.
Recorder fail_at(const std::string& url) {
  WebSocket ws(url);
  Recorder recorder(ws);
  run();
  return recorder;
}

}  // namespace

TEST_CASE("a refused port is connection_refused, host_refused in a WebAssembly host", "[integration][errc]") {
  INFO("host: " << test_host());
  const auto recorder = fail_at("ws://127.0.0.1:" + std::to_string(refused_port()) + "/");
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  if (sees_handshake()) {
    CHECK(recorder.error == errc::connection_refused);
    CHECK(recorder.error == std::errc::connection_refused);  // its std::errc condition
  } else {
    CHECK(recorder.error == errc::host_refused);
  }
  REQUIRE(recorder.close);
  CHECK(recorder.close->code() == 1006);
  CHECK(recorder.close->cause() == recorder.error);  // the close event says why, as the error event did
}

TEST_CASE("close() while CONNECTING is aborted on every backend", "[integration][errc]") {
  INFO("host: " << test_host());
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  Recorder recorder(ws);
  ws.close();
  run();
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  CHECK(recorder.error == errc::aborted);
  CHECK(recorder.error == std::errc::operation_canceled);
  REQUIRE(recorder.close);
  CHECK_FALSE(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1006);
  CHECK(recorder.close->cause() == errc::aborted);
}

TEST_CASE("a refused handshake is handshake_status with its HTTP status", "[integration][errc]") {
  INFO("host: " << test_host());
  auto peer = start_ws_peer();
  const auto recorder = fail_at(peer.url("/status/403"));
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  REQUIRE(recorder.error_event);
  if (sees_handshake()) {
    CHECK(recorder.error == errc::handshake_status);
    CHECK(recorder.error_event->http_status() == 403);
  } else {
    // The host hides the status: a refusal like any other.
    CHECK(recorder.error == errc::host_refused);
    CHECK(recorder.error_event->http_status() == 0);
  }
  CHECK_FALSE(recorder.error_event->retry_after());
  REQUIRE(recorder.close);
  CHECK(recorder.close->code() == 1006);
  CHECK(recorder.close->cause() == recorder.error);
}

TEST_CASE("a 429's or 503's Retry-After reaches the error event", "[integration][errc]") {
  const int status = GENERATE(429, 503);
  INFO("host: " << test_host() << "; status " << status);
  auto peer = start_ws_peer();
  const auto recorder = fail_at(peer.url("/status/" + std::to_string(status) + "?retry-after=7"));
  REQUIRE(recorder.error_event);
  if (sees_handshake()) {
    CHECK(recorder.error == errc::handshake_status);
    CHECK(recorder.error_event->http_status() == status);
    CHECK(recorder.error_event->retry_after() == std::chrono::seconds(7));
  } else {
    CHECK(recorder.error == errc::host_refused);
    CHECK_FALSE(recorder.error_event->retry_after());
  }
  REQUIRE(recorder.close);
  CHECK(recorder.close->cause() == recorder.error);
}

}  // namespace duplex::test
