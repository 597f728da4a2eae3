#include "duplex/handshake_headers.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "duplex/error.hpp"

using duplex::is_handshake_owned_header;
using duplex::is_valid_header_value;
using duplex::validate_extra_headers;
using Headers = std::vector<std::pair<std::string, std::string>>;

namespace {

std::string error_name(const Headers& headers) {
  try {
    validate_extra_headers(headers);
  } catch (const duplex::Error& e) {
    return e.name();
  }
  return "no error";
}

}  // namespace

TEST_CASE("handshake-owned header names", "[handshake_headers]") {
  for (const char* name : {"Host", "host", "UPGRADE", "Connection", "Sec-WebSocket-Key", "sec-websocket-version",
                           "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "SEC-WEBSOCKET-ACCEPT"}) {
    INFO(name);
    CHECK(is_handshake_owned_header(name));
  }
  for (const char* name : {"Authorization", "Cookie", "Hosts", "Sec-Fetch-Mode", "X-Upgrade", "Connection2"}) {
    INFO(name);
    CHECK_FALSE(is_handshake_owned_header(name));
  }
}

TEST_CASE("extra headers are validated", "[handshake_headers]") {
  CHECK_NOTHROW(validate_extra_headers({}));
  CHECK_NOTHROW(validate_extra_headers({{"Authorization", "Bearer abc"}, {"Cookie", "a=b; c=d"}, {"X-Empty", ""}}));
  CHECK(error_name({{"", "v"}}) == "SyntaxError");
  CHECK(error_name({{"Bad Name", "v"}}) == "SyntaxError");
  CHECK(error_name({{"Bad:Name", "v"}}) == "SyntaxError");
  CHECK(error_name({{"X", "a\r\nInjected: yes"}}) == "SyntaxError");
  CHECK(error_name({{"X", "a\nb"}}) == "SyntaxError");
  CHECK(error_name({{"X", std::string("a\0b", 3)}}) == "SyntaxError");
  CHECK(error_name({{"Cookie", "ok"}, {"host", "evil"}}) == "SyntaxError");
  CHECK(error_name({{"Sec-WebSocket-Protocol", "chat"}}) == "SyntaxError");
}

TEST_CASE("header values", "[handshake_headers]") {
  CHECK(is_valid_header_value(""));
  CHECK(is_valid_header_value("https://example.com"));
  CHECK(is_valid_header_value("tab\tand \xC3\xA9"));
  CHECK_FALSE(is_valid_header_value("a\r"));
  CHECK_FALSE(is_valid_header_value("a\nb"));
  CHECK_FALSE(is_valid_header_value(std::string_view("a\0", 2)));
}
