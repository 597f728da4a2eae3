#include "proxy/http_connect.hpp"

#include <catch2/catch.hpp>

#include "rfc6455/engine_test_support.hpp"

using namespace duplex::native::proxy;
using duplex::rfc6455::test::bytes_of;
using duplex::rfc6455::test::for_each_split;
using Chunks = std::vector<std::string_view>;

namespace {

// Feeds chunks until the response is decided; bytes after that (the
// leftover, then later chunks) are tunnel data, collected in `tunnel`.
HttpConnectResponse::Status feed_all(HttpConnectResponse& r, const Chunks& chunks, std::string* tunnel = nullptr) {
  auto status = HttpConnectResponse::Status::need_more;
  for (auto chunk : chunks) {
    if (status != HttpConnectResponse::Status::need_more) {
      if (tunnel) tunnel->append(chunk);
      continue;
    }
    status = r.feed(bytes_of(chunk));
    if (status == HttpConnectResponse::Status::established && tunnel) {
      const auto rest = r.leftover();
      tunnel->append(reinterpret_cast<const char*>(rest.data()), rest.size());
    }
  }
  return status;
}

}  // namespace

TEST_CASE("CONNECT request: authority form, Host, Basic credentials", "[proxy][http]") {
  CHECK(http_connect_request("example.com", 443, std::nullopt) ==
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  CHECK(http_connect_request("::1", 8080, std::nullopt) == "CONNECT [::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
  // RFC 7617 §2's example: "Aladdin" / "open sesame".
  CHECK(http_connect_request("h", 80, Credentials{"Aladdin", "open sesame"}) ==
        "CONNECT h:80 HTTP/1.1\r\nHost: h:80\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
}

TEST_CASE("CONNECT response: 2xx opens the tunnel, leftover kept", "[proxy][http]") {
  const std::string input = "HTTP/1.1 200 Connection established\r\nProxy-Agent: x\r\n\r\nTUNNEL";
  for_each_split(input, [&](const Chunks& chunks) {
    HttpConnectResponse r("p:1");
    std::string tunnel;
    REQUIRE(feed_all(r, chunks, &tunnel) == HttpConnectResponse::Status::established);
    CHECK(r.status_code() == 200);
    CHECK(tunnel == "TUNNEL");
  });
}

TEST_CASE("CONNECT response: refusals and garbage name what happened", "[proxy][http]") {
  struct Case {
    std::string input;
    bool credentials;
    std::string error;
    duplex::errc kind;
  };
  using duplex::errc;
  const std::vector<Case> cases = {
      {"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", false,
       "proxy 127.0.0.1:3128 refused CONNECT: 403 Forbidden", errc::proxy_refused},
      {"HTTP/1.0 502 Bad Gateway\r\n\r\n", false, "proxy 127.0.0.1:3128 refused CONNECT: 502 Bad Gateway",
       errc::proxy_refused},
      {"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n", false,
       "proxy requires authentication (407)", errc::proxy_authentication},
      {"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", true,
       "proxy 127.0.0.1:3128 rejected the credentials (407)", errc::proxy_authentication},
      {"HTTP/1.1 401 Unauthorized\r\n\r\n", true, "proxy 127.0.0.1:3128 rejected the credentials (401)",
       errc::proxy_authentication},
      {"SSH-2.0-OpenSSH_9.2\r\n\r\n", false, "proxy answered something that is not HTTP", errc::proxy_refused},
      {"\x05\x00", false, "proxy answered something that is not HTTP", errc::proxy_refused},
      {"HTTP/1.1 nonsense\r\n\r\n", false, "proxy answered something that is not HTTP", errc::proxy_refused},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    for_each_split(c.input, [&](const Chunks& chunks) {
      HttpConnectResponse r("127.0.0.1:3128", c.credentials);
      REQUIRE(feed_all(r, chunks) == HttpConnectResponse::Status::failed);
      CHECK(r.error() == c.error);
      CHECK(r.error_kind() == c.kind);
      CHECK(r.leftover().empty());
    });
  }
}

TEST_CASE("CONNECT response: an endless head is not HTTP we accept", "[proxy][http]") {
  HttpConnectResponse r("p:1");
  CHECK(r.feed(bytes_of("HTTP/1.1 200 OK\r\n")) == HttpConnectResponse::Status::need_more);
  const std::string filler(1000, 'x');
  auto status = HttpConnectResponse::Status::need_more;
  for (int i = 0; i < 20 && status == HttpConnectResponse::Status::need_more; ++i) status = r.feed(bytes_of(filler));
  CHECK(status == HttpConnectResponse::Status::failed);
}
