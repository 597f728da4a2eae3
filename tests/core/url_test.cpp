#include "duplex/url.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "duplex/error.hpp"

using duplex::parse_websocket_url;

namespace {

std::string error_name(std::string_view input) {
  try {
    parse_websocket_url(input);
  } catch (const duplex::Error& e) {
    return e.name();
  }
  return "no error";
}

}  // namespace

TEST_CASE("valid URLs serialize as the URL Standard does", "[url]") {
  struct Row {
    const char* input;
    const char* serialized;
    const char* host;
    std::uint16_t port;
    const char* resource;
    bool secure;
  };
  const Row rows[] = {
      {"ws://h/", "ws://h/", "h", 80, "/", false},
      {"ws://h", "ws://h/", "h", 80, "/", false},
      {"ws://h:80/x", "ws://h/x", "h", 80, "/x", false},
      {"wss://h:443", "wss://h/", "h", 443, "/", true},
      {"wss://h:80/", "wss://h:80/", "h", 80, "/", true},
      {"ws://h:443/", "ws://h:443/", "h", 443, "/", false},
      {"ws://h:8080", "ws://h:8080/", "h", 8080, "/", false},
      {"ws://h:0/", "ws://h:0/", "h", 0, "/", false},
      {"ws://h:65535/", "ws://h:65535/", "h", 65535, "/", false},
      {"ws://h:/", "ws://h/", "h", 80, "/", false},
      {"ws://h:0080/", "ws://h/", "h", 80, "/", false},
      {"http://h/", "ws://h/", "h", 80, "/", false},
      {"https://h/", "wss://h/", "h", 443, "/", true},
      {"HTTPS://H/p?q", "wss://h/p?q", "h", 443, "/p?q", true},
      {"Ws://Example.COM/Path", "ws://example.com/Path", "example.com", 80, "/Path", false},
      {"ws://h?a=b", "ws://h/?a=b", "h", 80, "/?a=b", false},
      {"ws://h/?", "ws://h/?", "h", 80, "/?", false},
      {"ws://h/a/b?c=d&e", "ws://h/a/b?c=d&e", "h", 80, "/a/b?c=d&e", false},
      {"ws://my_host-1.example./", "ws://my_host-1.example./", "my_host-1.example.", 80, "/", false},
      {"ws://h/a/./b/../c", "ws://h/a/c", "h", 80, "/a/c", false},
      {"ws://h/a/..", "ws://h/", "h", 80, "/", false},
      {"ws://h/a/%2E%2e/b", "ws://h/b", "h", 80, "/b", false},
      {"ws://h/a/.", "ws://h/a/", "h", 80, "/a/", false},
      {"ws://h\\a\\b", "ws://h/a/b", "h", 80, "/a/b", false},
      {"ws://h/%41%zz", "ws://h/%41%zz", "h", 80, "/%41%zz", false},
      {"ws://h/\xC3\xA9?\xC3\xA9", "ws://h/%C3%A9?%C3%A9", "h", 80, "/%C3%A9?%C3%A9", false},
      {"ws://h/<{`}>?'\"<>", "ws://h/%3C%7B%60%7D%3E?%27%22%3C%3E", "h", 80, "/%3C%7B%60%7D%3E?%27%22%3C%3E", false},
      {"ws://h/a'b?c`d", "ws://h/a'b?c`d", "h", 80, "/a'b?c`d", false},
      {"ws://1.2.3.4:9/", "ws://1.2.3.4:9/", "1.2.3.4", 9, "/", false},
      {"ws://127.1/", "ws://127.0.0.1/", "127.0.0.1", 80, "/", false},
      {"ws://0x7f.0.0.1/", "ws://127.0.0.1/", "127.0.0.1", 80, "/", false},
      {"ws://127.0.0.1./", "ws://127.0.0.1/", "127.0.0.1", 80, "/", false},
      {"ws://4294967295/", "ws://255.255.255.255/", "255.255.255.255", 80, "/", false},
      {"ws://1.16777215/", "ws://1.255.255.255/", "1.255.255.255", 80, "/", false},
      {"ws://0177.0.0.1/", "ws://127.0.0.1/", "127.0.0.1", 80, "/", false},
      {"ws://4294967295/", "ws://255.255.255.255/", "255.255.255.255", 80, "/", false},
      {"ws://1.2.3.4./", "ws://1.2.3.4/", "1.2.3.4", 80, "/", false},
      {"ws://[::1]:9000/", "ws://[::1]:9000/", "[::1]", 9000, "/", false},
      {"ws://[::1]/", "ws://[::1]/", "[::1]", 80, "/", false},
      {"ws://[::1]:/", "ws://[::1]/", "[::1]", 80, "/", false},
      {"ws://[::]/", "ws://[::]/", "[::]", 80, "/", false},
      {"ws://[2001:DB8:0:0:1:0:0:1]/", "ws://[2001:db8::1:0:0:1]/", "[2001:db8::1:0:0:1]", 80, "/", false},
      {"ws://[2001:db8:0:0:0:0:2:1]/", "ws://[2001:db8::2:1]/", "[2001:db8::2:1]", 80, "/", false},
      {"ws://[2001:db8::1:0:1]/", "ws://[2001:db8::1:0:1]/", "[2001:db8::1:0:1]", 80, "/", false},
      {"ws://[1:0:1:1:1:1:1:1]/", "ws://[1:0:1:1:1:1:1:1]/", "[1:0:1:1:1:1:1:1]", 80, "/", false},
      {"ws://[0001:0002::]/", "ws://[1:2::]/", "[1:2::]", 80, "/", false},
      {"ws://[::ffff:192.168.0.1]/", "ws://[::ffff:c0a8:1]/", "[::ffff:c0a8:1]", 80, "/", false},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    const auto url = parse_websocket_url(row.input);
    CHECK(url.serialized == row.serialized);
    CHECK(url.host == row.host);
    CHECK(url.port == row.port);
    CHECK(url.resource == row.resource);
    CHECK(url.secure == row.secure);
  }
}

TEST_CASE("invalid URLs throw SyntaxError", "[url]") {
  const char* inputs[] = {
      "ftp://h",
      "file:///x",
      "javascript:x",
      "ws://h/#",
      "ws://h/#frag",
      "ws://h#",
      "ws://h/?a#b",
      "ws://h/ x",
      " ws://h/",
      "ws://h/ ",
      "ws://h/\tx",
      "ws://h/\nx",
      "ws://h/\x7F",
      "ws://",
      "ws://:80/",
      "ws:///x",
      "ws:h",
      "ws:/h",
      "ws://h:65536/",
      "ws://h:-1",
      "ws://h:8a/",
      "ws://h:80:80/",
      "ws://[::1/",
      "ws://[::1]x/",
      "ws://[:1]/",
      "ws://[1::2::3]/",
      "ws://[1:2:3:4:5:6:7:8:9]/",
      "ws://[1:2:3]/",
      "ws://[g::1]/",
      "ws://[::1.2.3]/",
      "ws://[::1.2.3.256]/",
      "ws://[::01.2.3.4]/",
      "ws://[1:2:3:4:5:6:7:1.2.3.4]/",
      "ws://[1:]/",
      "ws://1.2.3.256/",
      "ws://1.2.3.4.5/",
      "ws://4294967296/",
      "ws://1.16777216/",
      "ws://1..2/",
      "ws://256.1.1.1/",
      "ws://0x100000000/",
      "ws://1.2.3.09/",
      "ws://h.1/",
      "ws://user@h/",
      "ws://user:pass@h/",
      "ws://@h/",
      "ws://h%41/",
      "ws://h\xC3\xA9/",
      "ws://a b/",
      "ws://a*b/",
      "/path",
      "path",
      "",
      "://h/",
      "1ws://h/",
      "ws//h/",
      "wss:",
  };
  for (const char* input : inputs) {
    INFO(input);
    CHECK(error_name(input) == "SyntaxError");
  }
}

TEST_CASE("host_header and host_name", "[url]") {
  CHECK(parse_websocket_url("ws://h/").host_header() == "h");
  CHECK(parse_websocket_url("ws://h:81/").host_header() == "h:81");
  CHECK(parse_websocket_url("wss://h:443/").host_header() == "h");
  CHECK(parse_websocket_url("wss://h:80/").host_header() == "h:80");
  CHECK(parse_websocket_url("ws://[::1]:9000/").host_header() == "[::1]:9000");
  CHECK(parse_websocket_url("ws://[::1]/").host_name() == "::1");
  CHECK(parse_websocket_url("ws://Example.com/").host_name() == "example.com");
  CHECK(parse_websocket_url("ws://127.1/").host_name() == "127.0.0.1");
}
