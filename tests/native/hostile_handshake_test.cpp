// Servers that botch the opening handshake (RFC 6455 §4.1, client steps 1–6):
// the connection fails with error then close 1006, and no frame is sent.

#include <catch2/catch.hpp>

#include "native/hostile_support.hpp"

namespace duplex::test::hostile {
namespace {

/// A refused handshake: error of `kind` naming `cause` (with the answer's
/// `http_status` for errc::handshake_status), close 1006 not clean with the
/// same cause, and the client hung up without writing a single byte after its
/// request.
void check_refused(const Outcome& o, std::string_view cause, errc kind, int http_status = 0) {
  INFO("events: " << joined(o.events) << "; error: " << o.error_message << "; server: " << joined(o.server.lines));
  CHECK(o.events == std::vector<std::string>{"error", "close"});
  CHECK(o.error_message.find(cause) != std::string::npos);
  REQUIRE(o.error);
  CHECK(o.error->error() == kind);
  CHECK(o.error->http_status() == http_status);
  CHECK_FALSE(o.error->close_code());  // no Close frame: the connection never opened
  REQUIRE(o.close);
  CHECK(o.close->cause() == kind);
  CHECK(o.close->code() == 1006);
  CHECK_FALSE(o.close->was_clean());
  CHECK(o.final_state == ReadyState::CLOSED);
  CHECK(o.loop_drained);
  CHECK((o.server.has("CLIENT-EOF") || o.server.has("SERVER-CLOSED") || o.server.has("SERVER-RESET")));
  CHECK_FALSE(o.server.has_word("CLIENT-BYTES"));
  CHECK_FALSE(o.server.has_word("CLIENT-CLOSE"));
}

}  // namespace

TEST_CASE("a handshake response the client must refuse fails the connection", "[native][hostile][handshake]") {
  struct Case {
    const char* path;
    const char* cause;  // part of the error message
    errc kind;
    int http_status;
  };
  const auto c = GENERATE(values<Case>({
      {"/status-200", "server answered 200 OK", errc::handshake_status, 200},
      {"/status-403", "server answered 403 Forbidden", errc::handshake_status, 403},
      {"/no-upgrade", "Upgrade", errc::handshake_invalid, 0},
      {"/wrong-upgrade", "Upgrade", errc::handshake_invalid, 0},
      {"/no-connection", "Connection", errc::handshake_invalid, 0},
      {"/wrong-accept", "Sec-WebSocket-Accept", errc::handshake_invalid, 0},
      {"/no-accept", "Sec-WebSocket-Accept", errc::handshake_invalid, 0},
      {"/unoffered-extension", "x-unknown", errc::handshake_invalid, 0},
      {"/garbage", "malformed", errc::handshake_invalid, 0},
      {"/oversized-header", "exceeds 16 KiB", errc::handshake_invalid, 0},
      {"/eof-in-handshake", "closed during the opening handshake", errc::connection_failed, 0},
      {"/reset-in-handshake", "closed during the opening handshake", errc::connection_failed, 0},
  }));
  INFO("scenario " << c.path);
  const auto o = play({c.path});
  check_refused(o, c.cause, c.kind, c.http_status);
}

TEST_CASE("a subprotocol the client did not offer fails the connection", "[native][hostile][handshake]") {
  // §4.1 step 6; "chat, json" is two subprotocols where one must be selected.
  const auto path = GENERATE(as<std::string>{}, "/unoffered-protocol", "/two-protocols");
  INFO("scenario " << path);
  const auto o = play({path, {}, {"chat", "json"}});
  check_refused(o, "subprotocol", errc::handshake_invalid);
  // A protocol is only ever reported by a successful open.
  CHECK(o.events.front() == "error");
}

TEST_CASE("a redirect is not followed", "[native][hostile][handshake]") {
  // RFC 6455 §4.1: "If the status code received from the server is not 101,
  // the client handles the response per HTTP procedures"; the WHATWG fetch of
  // a WebSocket uses redirect mode "error", so 3xx fails the connection.
  const auto status = GENERATE(as<std::string>{}, "301", "302");
  INFO("status " << status);
  const auto o = play({"/redirect/" + status}, std::chrono::milliseconds(100));
  check_refused(o, "server answered " + status, errc::handshake_status, std::stoi(status));
  check_refused(o, "/redirected, not followed)", errc::handshake_status, std::stoi(status));  // the Location is named
  CHECK(o.server.has("REQUEST /redirect/" + status));
  CHECK_FALSE(o.server.has("REQUEST /redirected"));
}

TEST_CASE("a server that never finishes the handshake fails after the open timeout", "[native][hostile][handshake]") {
  Options options;
  options.open_timeout = std::chrono::milliseconds(500);
  const auto o = play({"/never-finish", options});
  check_refused(o, "timed out", errc::open_timeout);
  CHECK(o.elapsed >= std::chrono::milliseconds(450));
  CHECK(o.elapsed < std::chrono::milliseconds(3000));
}

}  // namespace duplex::test::hostile
