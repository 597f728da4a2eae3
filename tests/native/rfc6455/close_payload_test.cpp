#include "rfc6455/close_payload.hpp"

#include <catch2/catch.hpp>

#include "duplex/rfc6455/error.hpp"

using namespace duplex::rfc6455;

TEST_CASE("wire close codes: every code 0..65535 against §7.4", "[close_payload]") {
  for (unsigned code = 0; code <= 65535; ++code) {
    const bool expected =
        (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    if (is_valid_wire_close_code(static_cast<std::uint16_t>(code)) != expected) FAIL("code " << code);
  }
  CHECK(is_valid_wire_close_code(1000));
  CHECK_FALSE(is_valid_wire_close_code(1005));
  CHECK_FALSE(is_valid_wire_close_code(1006));
  CHECK_FALSE(is_valid_wire_close_code(1015));
  CHECK_FALSE(is_valid_wire_close_code(1004));
  CHECK_FALSE(is_valid_wire_close_code(2999));
  CHECK(is_valid_wire_close_code(3000));
  CHECK(is_valid_wire_close_code(4999));
  CHECK_FALSE(is_valid_wire_close_code(5000));
  CHECK_FALSE(is_valid_wire_close_code(999));
}

TEST_CASE("parse close bodies", "[close_payload]") {
  ClosePayload p;
  CHECK_FALSE(parse_close_payload("", p));
  CHECK_FALSE(p.code.has_value());

  CHECK_FALSE(parse_close_payload(std::string("\x03\xe8", 2), p));
  CHECK(p.code == 1000);
  CHECK(p.reason.empty());

  CHECK_FALSE(parse_close_payload(std::string("\x0f\xa0") + "bye \xc3\xa9", p));
  CHECK(p.code == 4000);
  CHECK(p.reason == "bye \xc3\xa9");

  CHECK(parse_close_payload(std::string("\x03", 1), p) == error::bad_close_payload);
  CHECK(parse_close_payload(std::string("\x03\xed", 2), p) == error::bad_close_code);  // 1005
  CHECK(parse_close_payload(std::string("\x00\x00", 2), p) == error::bad_close_code);
  CHECK(parse_close_payload(std::string("\x03\xe8\xff", 3), p) == error::invalid_close_reason);
  CHECK(parse_close_payload(std::string("\x03\xe8\xce", 3), p) == error::invalid_close_reason);
}

TEST_CASE("build close bodies", "[close_payload]") {
  CHECK(build_close_payload(std::nullopt, "ignored").empty());
  CHECK(build_close_payload(1000, "") == std::string("\x03\xe8", 2));
  CHECK(build_close_payload(4001, "ok") == std::string("\x0f\xa1ok", 4));
  ClosePayload p;
  REQUIRE_FALSE(parse_close_payload(build_close_payload(3001, "round trip"), p));
  CHECK(p.code == 3001);
  CHECK(p.reason == "round trip");
}
