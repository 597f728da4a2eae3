#include "duplex/rfc6455/error.hpp"

#include <catch2/catch.hpp>

using namespace duplex::rfc6455;

TEST_CASE("every error has a message and a close code", "[error]") {
  for (int v = static_cast<int>(error::handshake_malformed); v <= static_cast<int>(error::unexpected_eof); ++v) {
    const std::error_code ec = make_error_code(static_cast<error>(v));
    CHECK(ec.category().name() == std::string("duplex.rfc6455"));
    CHECK(ec.message().find("unknown") == std::string::npos);
    const auto code = close_code_for(ec);
    CHECK((code == 1002 || code == 1006 || code == 1007 || code == 1008 || code == 1009));
  }
}

TEST_CASE("close_code_for maps each family (§7.4.1)", "[error]") {
  for (auto e : {error::masked_frame, error::reserved_bits, error::reserved_opcode, error::fragmented_control,
                 error::control_too_long, error::unexpected_continuation, error::expected_continuation,
                 error::length_msb_set, error::bad_close_payload, error::bad_close_code, error::frame_after_close}) {
    CHECK(close_code_for(e) == 1002);
  }
  CHECK(close_code_for(error::invalid_utf8) == 1007);
  CHECK(close_code_for(error::invalid_close_reason) == 1007);
  CHECK(close_code_for(error::message_too_big) == 1009);
  CHECK(close_code_for(error::ping_flood) == 1008);
  for (auto e : {error::handshake_malformed, error::handshake_too_large, error::handshake_bad_status,
                 error::handshake_bad_accept, error::handshake_eof, error::unexpected_eof}) {
    CHECK(close_code_for(e) == 1006);
  }
  CHECK(close_code_for(std::make_error_code(std::errc::connection_reset)) == 1006);
}
