// WebSocket::handshake_response() on an in-memory backend: what a transport
// reports is kept at once, for the `open` or `error` event after it to read.

#include "duplex/websocket.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::ErrorEvent;
using duplex::HandshakeResponse;
using duplex::WebSocket;
using duplex::test::FakeBackend;
using duplex::test::thrown;

namespace {

HandshakeResponse answer(int status, std::string reason) {
  HandshakeResponse response;
  response.status = status;
  response.reason = std::move(reason);
  return response;
}

}  // namespace

TEST_CASE("handshake_response() throws NotSupportedError on a backend that hides it", "[websocket][handshake]") {
  FakeBackend backend;  // capabilities().handshake_response is false, as in a browser
  WebSocket ws(backend, "ws://h/");
  CHECK(thrown([&] { (void)ws.handshake_response(); }) == "NotSupportedError");
  backend.transport()->handshake_response(answer(101, "Switching Protocols"));
  backend.transport()->open();
  backend.run_all();
  CHECK(thrown([&] { (void)ws.handshake_response(); }) == "NotSupportedError");
}

TEST_CASE("the handshake response is kept, readable from the open event", "[websocket][handshake]") {
  FakeBackend backend;
  backend.supports_handshake_response = true;
  WebSocket ws(backend, "ws://h/");
  CHECK_FALSE(ws.handshake_response());  // no answer yet
  std::optional<HandshakeResponse> seen_at_open;
  ws.onopen([&](const duplex::Event&) { seen_at_open = ws.handshake_response(); });
  auto response = answer(101, "Switching Protocols");
  response.headers.emplace("Set-Cookie", "a=1");
  response.headers.emplace("X-Duplex-Test", "yes");
  response.headers.emplace("set-cookie", "b=2");
  backend.transport()->handshake_response(std::move(response));
  // Kept at once: no event fires for it.
  REQUIRE(ws.handshake_response());
  CHECK(ws.handshake_response()->status == 101);
  CHECK(backend.pending() == 0);
  backend.transport()->open();
  backend.run_all();
  REQUIRE(seen_at_open);
  CHECK(seen_at_open->reason == "Switching Protocols");
  CHECK(seen_at_open->header("x-duplex-test") == std::optional<std::string_view>("yes"));
  CHECK(seen_at_open->headers.count("SET-COOKIE") == 2);
  CHECK(seen_at_open->headers.equal_range("set-cookie").first->second == "a=1");
}

TEST_CASE("a refused handshake's response is readable from the error event", "[websocket][handshake]") {
  FakeBackend backend;
  backend.supports_handshake_response = true;
  WebSocket ws(backend, "ws://h/");
  int status_at_error = 0;
  std::optional<std::chrono::seconds> retry_after;
  ws.onerror([&](const ErrorEvent& e) {
    status_at_error = ws.handshake_response() ? ws.handshake_response()->status : -1;
    if (e.retry_after()) retry_after = std::chrono::duration_cast<std::chrono::seconds>(*e.retry_after());
  });
  auto response = answer(503, "Service Unavailable");
  response.headers.emplace("Retry-After", "7");
  backend.transport()->handshake_response(std::move(response));
  duplex::Failure failure(duplex::errc::handshake_status, "server answered 503 Service Unavailable");
  failure.http_status = 503;
  backend.transport()->failed(std::move(failure));
  backend.run_all();
  CHECK(status_at_error == 503);
  CHECK(retry_after == std::chrono::seconds(7));
  REQUIRE(ws.handshake_response());
  CHECK(ws.handshake_response()->reason == "Service Unavailable");
}

TEST_CASE("a handshake response reported after the failure is not kept", "[websocket][handshake]") {
  FakeBackend backend;
  backend.supports_handshake_response = true;
  WebSocket ws(backend, "ws://h/");
  backend.transport()->failed("connection refused");
  backend.transport()->handshake_response(answer(101, "Switching Protocols"));
  backend.run_all();
  CHECK(ws.ready_state() == duplex::ReadyState::CLOSED);
  CHECK_FALSE(ws.handshake_response());
}
