// Servers that break the framing (RFC 6455 §5), the payload rules (§8.1,
// §5.5.1, §7.4) or the message size limit: the client sends a Close frame
// with the code the error calls for (§7.1.7), then fails with error and close
// 1006 (WHATWG: "fail the WebSocket connection").

#include <catch2/catch.hpp>

#include "native/hostile_support.hpp"

namespace duplex::test::hostile {
namespace {

/// The connection opened, then failed because of the server: error of `kind`
/// naming `cause` and carrying the close code we sent, close 1006 not clean
/// with the same cause, and the server read our Close `sent_code`.
void check_failed(const Outcome& o, std::string_view cause, std::string_view sent_code, errc kind) {
  INFO("events: " << joined(o.events) << "; error: " << o.error_message << "; server: " << joined(o.server.lines));
  CHECK(o.events == std::vector<std::string>{"open", "error", "close"});
  CHECK(o.error_message.find(cause) != std::string::npos);
  REQUIRE(o.error);
  CHECK(o.error->error() == kind);
  CHECK(o.error->close_code() == std::optional<std::uint16_t>(std::stoi(std::string(sent_code))));
  CHECK(o.error->http_status() == 0);
  REQUIRE(o.close);
  CHECK(o.close->cause() == kind);
  CHECK(o.close->code() == 1006);
  CHECK_FALSE(o.close->was_clean());
  CHECK(o.final_state == ReadyState::CLOSED);
  CHECK(o.loop_drained);
  CHECK(o.server.client_close_code() == std::string(sent_code));
  CHECK(o.server.has("CLIENT-EOF"));
  CHECK_FALSE(o.server.has("CLIENT-UNMASKED"));
}

struct Case {
  const char* path;
  const char* cause;  // part of the error message
};

}  // namespace

TEST_CASE("a framing violation makes the client send 1002 and fail", "[native][hostile][framing]") {
  const auto c = GENERATE(values<Case>({
      {"/masked-frame", "masked frame"},
      // permessage-deflate is never negotiated by this server, so RSV1 has no meaning either.
      {"/rsv1", "reserved bits"},
      {"/rsv2", "reserved bits"},
      {"/rsv3", "reserved bits"},
      {"/rsv1-ping", "reserved bits"},
      {"/opcode-3", "opcode 3"},
      {"/opcode-11", "opcode 11"},
      {"/fragmented-ping", "fragmented control frame"},
      {"/long-ping", "longer than 125 bytes"},
      {"/orphan-continuation", "continuation frame without a message"},
      {"/text-inside-fragmented", "new data frame inside a fragmented message"},
      {"/length-msb", "most significant bit"},
  }));
  INFO("scenario " << c.path);
  check_failed(play({c.path}), c.cause, "1002", errc::protocol_violation);
}

TEST_CASE("RSV1 stays illegal when permessage-deflate was offered but not accepted", "[native][hostile][framing]") {
  Options options;
  options.permessage_deflate = true;
  const auto o = play({"/rsv1", options});
  CHECK(o.server.after("OFFER").value_or("").find("permessage-deflate") != std::string::npos);
  CHECK(o.extensions.empty());
  check_failed(o, "reserved bits", "1002", errc::protocol_violation);
}

TEST_CASE("RSV1 is legal only on the first frame of a data message when permessage-deflate is accepted",
          "[native][hostile][framing]") {
  // RFC 7692 §6: "An endpoint MUST NOT set the "Per-Message Compressed" bit of
  // control frames and non-first fragments of a data message."
  Options options;
  options.permessage_deflate = true;
  SECTION("on a ping") {
    const auto o = play({"/deflate-rsv1-ping", options});
    CHECK(o.extensions == "permessage-deflate");
    check_failed(o, "reserved bits", "1002", errc::protocol_violation);
  }
  SECTION("on a continuation frame") {
    const auto o = play({"/deflate-rsv1-continuation", options});
    CHECK(o.extensions == "permessage-deflate");
    check_failed(o, "reserved bits", "1002", errc::protocol_violation);
  }
  SECTION("on a whole compressed message") {
    const auto o = play({"/deflate-message", options});
    CHECK(o.extensions == "permessage-deflate");
    CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
    REQUIRE(o.texts.size() == 1);
    CHECK(o.texts[0] == "hello, deflated");
    REQUIRE(o.close);
    CHECK(o.close->was_clean());
  }
}

TEST_CASE("a 2^62-byte frame header hits the message size limit before any allocation", "[native][hostile][framing]") {
  // Were the announced length reserved up front, this would throw or abort.
  const auto o = play({"/huge-length"});
  check_failed(o, "larger than 67108864 bytes", "1009", errc::message_too_big);
  CHECK(o.texts.empty());
}

TEST_CASE("invalid payloads make the client send 1007 or 1002 and fail", "[native][hostile][payload]") {
  const auto c = GENERATE(values<Case>({
      {"/invalid-utf8", "not valid UTF-8"},
      // the first fragment ends in a valid prefix; the second makes it invalid
      {"/invalid-utf8-fragments", "not valid UTF-8"},
      {"/truncated-utf8", "ends inside a code point"},
      {"/invalid-close-reason", "close reason is not valid UTF-8"},
  }));
  INFO("scenario " << c.path);
  check_failed(play({c.path}), c.cause, "1007", errc::invalid_utf8);
}

TEST_CASE("a close frame with a 1-byte body makes the client send 1002", "[native][hostile][payload]") {
  check_failed(play({"/close-1-byte"}), "1-byte payload", "1002", errc::protocol_violation);
}

TEST_CASE("a close code not allowed on the wire makes the client send 1002", "[native][hostile][payload]") {
  // §7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close
  // control frame by an endpoint"; §7.4.2: 0–999 are not used, 1004 is
  // reserved; nothing is defined above 4999.
  const auto code = GENERATE(0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535);
  INFO("close code " << code);
  check_failed(play({"/close-code/" + std::to_string(code)}), "code not allowed on the wire", "1002",
               errc::protocol_violation);
}

TEST_CASE("a close code allowed on the wire is echoed and closes cleanly", "[native][hostile][payload]") {
  const auto code = GENERATE(1000, 1001, 1002, 1003, 1007, 1011, 1012, 1014, 3000, 4999);
  INFO("close code " << code);
  const auto o = play({"/close-code/" + std::to_string(code)});
  CHECK(o.events == std::vector<std::string>{"open", "close"});
  REQUIRE(o.close);
  CHECK(o.close->code() == code);
  CHECK(o.close->was_clean());
  // The closing handshake ended it: no cause to add.
  CHECK_FALSE(o.close->cause());
  CHECK(o.server.client_close_code() == std::to_string(code));  // §5.5.1 "typically echos the status code"
  CHECK(o.server.has("SERVER-CLOSED"));                         // §7.1.1: the client waits for the server to close TCP
  CHECK(o.loop_drained);
}

TEST_CASE("a message over Options::max_message_size makes the client send 1009", "[native][hostile][limit]") {
  Options options;
  options.max_message_size = 1000;
  SECTION("in one frame") {
    check_failed(play({"/big-message/2000", options}), "larger than 1000 bytes", "1009", errc::message_too_big);
  }
  SECTION("in fragments that each fit the limit") {
    check_failed(play({"/big-fragmented/2000", options}), "larger than 1000 bytes", "1009", errc::message_too_big);
  }
  SECTION("a message of exactly the limit is delivered") {
    const auto o = play({"/big-message/1000", options, {}, {}, [](WebSocket& ws) { ws.close(); }});
    CHECK(o.events == std::vector<std::string>{"open", "message", "close"});
    REQUIRE(o.texts.size() == 1);
    CHECK(o.texts[0] == std::string(1000, 'x'));
    REQUIRE(o.close);
    CHECK(o.close->was_clean());
    CHECK(o.close->code() == 1005);
    CHECK(o.server.client_close_code() == "none");
  }
}

}  // namespace duplex::test::hostile
