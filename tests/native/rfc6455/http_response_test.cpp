#include "rfc6455/http_response.hpp"

#include <catch2/catch.hpp>

#include "duplex/rfc6455/error.hpp"

using namespace duplex::rfc6455;

TEST_CASE("response head: status line and fields", "[http_response]") {
  HttpResponseHead head;
  REQUIRE_FALSE(
      parse_response_head("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-A: 1\r\nx-a:  2 \r\n", head));
  CHECK(head.status == 101);
  CHECK(head.reason == "Switching Protocols");
  CHECK(head.field("upgrade") == "websocket");
  CHECK(head.field("x-a") == "1, 2");
  CHECK_FALSE(head.field("missing"));
}

TEST_CASE("response head: status without reason phrase", "[http_response]") {
  HttpResponseHead head;
  REQUIRE_FALSE(parse_response_head("HTTP/1.1 404\r\n", head));
  CHECK(head.status == 404);
  CHECK(head.reason.empty());
}

TEST_CASE("response head: malformed inputs", "[http_response]") {
  HttpResponseHead head;
  for (const char* bad :
       {"", "HTTP/1.1 101\n", "HTTP/2 101 OK\r\n", "HTP/1.1 101 OK\r\n", "HTTP/1.1 1O1 OK\r\n",
        "HTTP/1.1 101 OK\r\nNoColon\r\n", "HTTP/1.1 101 OK\r\nBad Name: x\r\n",
        "HTTP/1.1 101 OK\r\nA: b\r\n folded\r\n", "HTTP/1.1 101 OK\r\n: empty\r\n", "HTTP/1.1 101 OK\r\nA: b\rc\r\n"}) {
    INFO(bad);
    CHECK(parse_response_head(bad, head) == error::handshake_malformed);
  }
}

TEST_CASE("comma lists and tokens", "[http_response]") {
  CHECK(split_list(" a, b ,,c ") == std::vector<std::string_view>{"a", "b", "c"});
  CHECK(split_list("x; q=\"1,2\", y") == std::vector<std::string_view>{"x; q=\"1,2\"", "y"});
  CHECK(split_list("").empty());
  CHECK(has_token("keep-alive, Upgrade", "upgrade"));
  CHECK_FALSE(has_token("keep-alive, upgrades", "upgrade"));
  CHECK(iequals("WebSocket", "websocket"));
  CHECK_FALSE(iequals("websockets", "websocket"));
}

TEST_CASE("response head: fields keep their names as sent and are found ignoring case", "[http_response]") {
  const std::string text = "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: abc=\r\nUPGRADE:websocket \r\n";
  HttpResponseHead head;
  REQUIRE_FALSE(parse_response_head(text, head));
  REQUIRE(head.fields.size() == 2);
  CHECK(head.fields[0].first == "Sec-WebSocket-Accept");
  CHECK(head.fields[1].second == "websocket");
  CHECK(head.field("sec-websocket-accept") == "abc=");
  CHECK(head.field("Upgrade") == "websocket");
}

TEST_CASE("CR, LF and NUL are found anywhere in a value", "[http_response]") {
  CHECK_FALSE(has_cr_lf_or_nul(""));
  CHECK_FALSE(has_cr_lf_or_nul("plain value\t!"));
  for (char c : {'\r', '\n', '\0'}) {
    std::string value = "abc";
    for (std::size_t at = 0; at <= value.size(); ++at) {
      std::string with = value;
      with.insert(at, 1, c);
      CHECK(has_cr_lf_or_nul(with));
    }
  }
}
