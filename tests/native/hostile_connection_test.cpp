// Servers that are slow, abrupt or odd without breaking the protocol: resets,
// unanswered or half-finished closing handshakes, byte-by-byte delivery,
// pings, frames glued to the handshake response.

#include <catch2/catch.hpp>

#include "native/hostile_support.hpp"

namespace duplex::test::hostile {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

/// The payload hostile_server.py pings with for /ping/<n>.
std::string ping_payload(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>((i * 7 + 1) % 256);
  return out;
}

/// A server-initiated close that ended cleanly with `code`; the client waited
/// for the server to close TCP (RFC 6455 §7.1.1) unless `server_hangs`.
void check_clean(const Outcome& o, std::uint16_t code, std::string_view reason = {}, bool server_hangs = false) {
  INFO("events: " << joined(o.events) << "; error: " << o.error_message << "; server: " << joined(o.server.lines));
  REQUIRE(o.close);
  CHECK(o.close->was_clean());
  CHECK_FALSE(o.close->cause());  // even when the close timer ended the wait for TCP
  CHECK(o.close->code() == code);
  CHECK(o.close->reason() == reason);
  CHECK(o.final_state == ReadyState::CLOSED);
  CHECK(o.loop_drained);
  CHECK(o.server.client_close_code() == std::to_string(code));
  CHECK_FALSE(o.server.has("CLIENT-UNMASKED"));
  CHECK(o.server.has(server_hangs ? "CLIENT-EOF" : "SERVER-CLOSED"));
}

}  // namespace

TEST_CASE("a TCP reset in the middle of a frame closes with 1006 not clean", "[native][hostile][connection]") {
  const auto o = play({"/reset-mid-frame"});
  INFO("events: " << joined(o.events) << "; server: " << joined(o.server.lines));
  CHECK(o.server.has("SERVER-RESET"));
  // Like a dropped connection: no error event (that is for failures), no message.
  CHECK(o.events == std::vector<std::string>{"open", "close"});
  REQUIRE(o.close);
  CHECK(o.close->code() == 1006);
  CHECK_FALSE(o.close->was_clean());
  CHECK(o.close->cause() == errc::going_away);  // the server dropped TCP, no Close frame
  CHECK(o.texts.empty());
  CHECK(o.loop_drained);
}

TEST_CASE("a server that never answers our close is dropped after the close timeout", "[native][hostile][connection]") {
  Options options;
  options.close_timeout = std::chrono::milliseconds(300);
  const auto o = play({"/no-close-reply", options, {}, [](WebSocket& ws) { ws.close(4000, "bye"); }});
  INFO("events: " << joined(o.events) << "; server: " << joined(o.server.lines));
  CHECK(o.server.has("CLIENT-CLOSE 4000 bye"));
  CHECK(o.events == std::vector<std::string>{"open", "close"});
  REQUIRE(o.close);
  CHECK(o.close->code() == 1006);
  CHECK_FALSE(o.close->was_clean());
  CHECK(o.close->cause() == errc::close_timeout);  // not a failure: no error event
  CHECK(o.elapsed >= std::chrono::milliseconds(250));
  CHECK(o.elapsed < std::chrono::milliseconds(3000));
  CHECK(o.server.has("CLIENT-EOF"));
  CHECK(o.loop_drained);
}

TEST_CASE("a server that closes but keeps TCP open is dropped after the close timeout cleanly",
          "[native][hostile][connection]") {
  // RFC 6455 §7.1.1: the client "SHOULD wait for the server to close the
  // connection but MAY close the connection at any time after sending and
  // receiving a Close message, e.g. if it has not received a TCP Close from
  // the server in a reasonable time period." Both Close frames were exchanged,
  // so the closing handshake completed: WHATWG "closed cleanly" (wasClean true)
  // with the server's code (§7.1.5).
  Options options;
  options.close_timeout = std::chrono::milliseconds(300);
  const auto o = play({"/close-then-hang", options});
  check_clean(o, 1000, "bye", true);
  CHECK(o.events == std::vector<std::string>{"open", "close"});
  CHECK(o.elapsed >= std::chrono::milliseconds(250));
  CHECK(o.elapsed < std::chrono::milliseconds(3000));
}

TEST_CASE("a handshake and a message trickled one byte at a time arrive whole", "[native][hostile][connection]") {
  const auto o = play({"/trickle"});
  CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(o.texts.size() == 1);
  CHECK(o.texts[0] == "trickled ✓");
  check_clean(o, 1000, "done");
}

TEST_CASE("a ping is answered with a pong carrying the same payload", "[native][hostile][connection]") {
  // RFC 6455 §5.5.3: "A Pong frame sent in response to a Ping frame must have
  // identical "Application data" as found in the message body of the Ping frame".
  const auto size = GENERATE(std::size_t{0}, std::size_t{5}, std::size_t{125});
  INFO("ping payload of " << size << " bytes");
  const auto o = play({"/ping/" + std::to_string(size)});
  CHECK(o.server.has("PONG-MATCHES"));
  CHECK(o.server.after("CLIENT-PONG").value_or("?") == hex(ping_payload(size)));
  CHECK(o.events == std::vector<std::string>{"open", "close"});
  check_clean(o, 1000);
}

TEST_CASE("a ping between the fragments of a message is answered and the message kept whole",
          "[native][hostile][connection]") {
  // §5.4: "An endpoint MUST be capable of handling control frames in the
  // middle of a fragmented message."
  const auto o = play({"/ping-between-fragments"});
  CHECK(o.server.after("CLIENT-PONG") == hex("mid"));
  CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(o.texts.size() == 1);
  CHECK(o.texts[0] == "fragmented");
  check_clean(o, 1000);
}

TEST_CASE("a code point split across three fragments is valid UTF-8", "[native][hostile][payload]") {
  const auto o = play({"/utf8-across-fragments"});
  CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(o.texts.size() == 1);
  CHECK(o.texts[0] == "€");
  check_clean(o, 1000);
}

TEST_CASE("frames in the same segment as the handshake response are delivered", "[native][hostile][connection]") {
  const auto o = play({"/frame-with-handshake"});
  CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(o.texts.size() == 1);
  CHECK(o.texts[0] == "early");
  check_clean(o, 1000);
}

TEST_CASE("a message that crosses our Close frame is not delivered", "[native][hostile][connection]") {
  // WHATWG WebSockets § "When a WebSocket message has been received": "If
  // ready state is not OPEN (1), then return."
  const auto o = play({"/data-before-close-echo", {}, {}, [](WebSocket& ws) { ws.close(1000, "done"); }});
  CHECK(o.server.has("CLIENT-CLOSE 1000 done"));
  CHECK(o.events == std::vector<std::string>{"open", "close"});
  check_clean(o, 1000);
}

TEST_CASE("an unsolicited pong is ignored", "[native][hostile][connection]") {
  // §5.5.3: "A Pong frame MAY be sent unsolicited. ... A response to an
  // unsolicited Pong frame is not expected."
  const auto o = play({"/unsolicited-pong"});
  CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(o.texts.size() == 1);
  CHECK(o.texts[0] == "still here");
  check_clean(o, 1000);
}

TEST_CASE("a message of empty fragments is one empty message", "[native][hostile][connection]") {
  const auto o = play({"/empty-fragments"});
  CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(o.texts.size() == 1);
  CHECK(o.texts[0].empty());
  check_clean(o, 1000);
}

TEST_CASE("a length not minimally encoded is accepted", "[native][hostile][connection]") {
  // §5.2 asks senders for the minimal encoding; like browsers, the receiver
  // does not enforce it (see frame_header.cpp).
  const auto o = play({"/non-minimal-length"});
  CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(o.texts.size() == 1);
  CHECK(o.texts[0] == "hello");
  check_clean(o, 1000);
}

TEST_CASE("a frame after the server's Close frame fails the connection, as in browsers",
          "[native][hostile][connection]") {
  // §5.5.1: "After sending a Close frame, the endpoint MUST NOT send any more
  // data frames". Chromium fails the connection on one ("Data frame received
  // after close"), and so does duplex: our Close echo has gone out already, so
  // no second Close; `error`, then `close` 1006, and the frame is not delivered.
  const auto o = play({"/after-close-junk"});
  INFO("events: " << joined(o.events) << "; error: " << o.error_message << "; server: " << joined(o.server.lines));
  CHECK(o.events == std::vector<std::string>{"open", "error", "close"});
  CHECK(o.texts.empty());
  CHECK(o.error_message.find("after the server's Close frame") != std::string::npos);
  REQUIRE(o.error);
  CHECK(o.error->error() == errc::protocol_violation);
  CHECK_FALSE(o.error->close_code());  // the Close that went out was the echo, not a 1002
  REQUIRE(o.close);
  CHECK(o.close->cause() == errc::protocol_violation);
  CHECK_FALSE(o.close->was_clean());
  CHECK(o.close->code() == 1006);
  CHECK(o.server.client_close_code() == "1000");  // the echo of the server's Close, sent before the late frame was read
  CHECK(o.final_state == ReadyState::CLOSED);
}

}  // namespace duplex::test::hostile
