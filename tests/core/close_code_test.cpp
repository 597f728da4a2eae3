#include "duplex/close_code.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

using duplex::is_valid_api_close_code;

TEST_CASE("API close codes: 1000 or 3000-4999", "[close_code]") {
  CHECK_FALSE(is_valid_api_close_code(0));
  CHECK_FALSE(is_valid_api_close_code(999));
  CHECK(is_valid_api_close_code(1000));
  CHECK_FALSE(is_valid_api_close_code(1001));
  CHECK_FALSE(is_valid_api_close_code(1005));
  CHECK_FALSE(is_valid_api_close_code(1006));
  CHECK_FALSE(is_valid_api_close_code(1015));
  CHECK_FALSE(is_valid_api_close_code(2999));
  CHECK(is_valid_api_close_code(3000));
  CHECK(is_valid_api_close_code(4000));
  CHECK(is_valid_api_close_code(4999));
  CHECK_FALSE(is_valid_api_close_code(5000));
  CHECK_FALSE(is_valid_api_close_code(65535));
}

TEST_CASE("API close codes: exhaustive table", "[close_code]") {
  int valid = 0;
  for (std::uint32_t code = 0; code <= 0xFFFF; ++code) {
    const bool expected = code == 1000 || (code >= 3000 && code <= 4999);
    if (is_valid_api_close_code(static_cast<std::uint16_t>(code)) != expected) FAIL("code " << code);
    valid += expected;
  }
  CHECK(valid == 2001);
}
