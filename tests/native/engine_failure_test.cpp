// Every engine error (duplex::rfc6455::error) as the duplex::errc and close
// code an `error` event carries; the real causes are in error_kinds_test.cpp.

#include "engine_failure.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <span>
#include <string_view>

#include "duplex/rfc6455/error.hpp"

namespace duplex::native {
namespace {
using rfc6455::error;

rfc6455::HandshakeRequest request() {
  rfc6455::HandshakeRequest r;
  r.host = "example.com";
  r.resource = "/";
  return r;
}

struct Case {
  error engine_error;
  errc kind;
  std::optional<std::uint16_t> close_code;  ///< of the Close frame we sent
};

}  // namespace

TEST_CASE("each engine error maps to its errc and the close code we sent", "[native][errors]") {
  const std::optional<std::uint16_t> none;
  const auto c = GENERATE_COPY(values<Case>({
      // RFC 6455 §4.1: the opening handshake; no Close frame is ever sent.
      {error::handshake_malformed, errc::handshake_invalid, none},
      {error::handshake_too_large, errc::handshake_invalid, none},
      {error::handshake_bad_status, errc::handshake_status, none},
      {error::handshake_bad_upgrade, errc::handshake_invalid, none},
      {error::handshake_bad_connection, errc::handshake_invalid, none},
      {error::handshake_bad_accept, errc::handshake_invalid, none},
      {error::handshake_unrequested_protocol, errc::handshake_invalid, none},
      {error::handshake_unrequested_extension, errc::handshake_invalid, none},
      {error::handshake_eof, errc::connection_failed, none},
      {error::handshake_bad_extension_params, errc::handshake_invalid, none},
      {error::handshake_duplicate_extension, errc::handshake_invalid, none},
      // §5 framing: 1002.
      {error::masked_frame, errc::protocol_violation, 1002},
      {error::reserved_bits, errc::protocol_violation, 1002},
      {error::reserved_opcode, errc::protocol_violation, 1002},
      {error::fragmented_control, errc::protocol_violation, 1002},
      {error::control_too_long, errc::protocol_violation, 1002},
      {error::unexpected_continuation, errc::protocol_violation, 1002},
      {error::expected_continuation, errc::protocol_violation, 1002},
      {error::non_minimal_length, errc::protocol_violation, 1002},
      {error::length_msb_set, errc::protocol_violation, 1002},
      {error::bad_close_payload, errc::protocol_violation, 1002},
      {error::bad_close_code, errc::protocol_violation, 1002},
      // Our Close had gone out before the late frame: none carries 1002.
      {error::frame_after_close, errc::protocol_violation, none},
      // §8.1 and RFC 7692: 1007.
      {error::invalid_utf8, errc::invalid_utf8, 1007},
      {error::invalid_close_reason, errc::invalid_utf8, 1007},
      {error::invalid_compressed_data, errc::invalid_data, 1007},
      {error::message_too_big, errc::message_too_big, 1009},
      {error::ping_flood, errc::policy_violation, 1008},
      {error::unexpected_eof, errc::connection_failed, none},
  }));
  INFO(rfc6455::make_error_code(c.engine_error).message());
  const Failure failure = engine_failure(rfc6455::make_error_code(c.engine_error), "detail for people");
  CHECK(failure.error == c.kind);
  CHECK(failure.error.category() == duplex::error_category());
  CHECK(failure.close_code == c.close_code);
  CHECK(failure.message == "detail for people");
  CHECK(failure.http_status == 0);
  CHECK_FALSE(failure.retry_after);
}

TEST_CASE("an error of another category is errc::unknown, with no close code", "[native][errors]") {
  const Failure failure = engine_failure(std::make_error_code(std::errc::io_error), "disk on fire");
  CHECK(failure.error == errc::unknown);
  CHECK_FALSE(failure.close_code);
  CHECK(failure.message == "disk on fire");
}

TEST_CASE("a refused opening handshake carries the HTTP status", "[native][errors]") {
  const auto feed = [](rfc6455::ClientHandshake& handshake, std::string_view response) {
    return handshake.feed(std::as_bytes(std::span(response.data(), response.size())));
  };
  SECTION("a status other than 101") {
    rfc6455::ClientHandshake handshake(request(), "dGhlIHNhbXBsZSBub25jZQ==");
    REQUIRE(feed(handshake, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\n\r\n") ==
            rfc6455::ClientHandshake::Status::failed);
    const Failure failure = handshake_failure(handshake);
    CHECK(failure.error == errc::handshake_status);
    CHECK(failure.http_status == 429);
    CHECK(failure.message == "server answered 429 Too Many Requests");
    CHECK_FALSE(failure.close_code);
  }
  SECTION("a 101 that breaks RFC 6455 §4.1 has no status to report") {
    rfc6455::ClientHandshake handshake(request(), "dGhlIHNhbXBsZSBub25jZQ==");
    REQUIRE(feed(handshake,
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: wrong\r\n\r\n") == rfc6455::ClientHandshake::Status::failed);
    const Failure failure = handshake_failure(handshake);
    CHECK(failure.error == errc::handshake_invalid);
    CHECK(failure.http_status == 0);
    CHECK_FALSE(failure.message.empty());
  }
}

}  // namespace duplex::native
