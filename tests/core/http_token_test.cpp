#include "duplex/http_token.hpp"

#include <catch2/catch.hpp>

using duplex::is_tchar;
using duplex::is_token;

TEST_CASE("tchar is exactly ALPHA / DIGIT / !#$%&'*+-.^_`|~", "[http_token]") {
  int count = 0;
  for (int c = 0; c < 256; ++c) count += is_tchar(static_cast<char>(c));
  CHECK(count == 26 + 26 + 10 + 15);
  CHECK(is_tchar('~'));
  CHECK_FALSE(is_tchar(' '));
  CHECK_FALSE(is_tchar('"'));
  CHECK_FALSE(is_tchar('\x80'));
}

TEST_CASE("tokens", "[http_token]") {
  CHECK(is_token("Authorization"));
  CHECK(is_token("X-Custom_1"));
  CHECK_FALSE(is_token(""));
  CHECK_FALSE(is_token("a b"));
  CHECK_FALSE(is_token("a:"));
  static_assert(is_token("chat") && !is_token("a,b"));
}
