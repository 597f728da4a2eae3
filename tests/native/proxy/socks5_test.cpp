#include "proxy/socks5.hpp"

#include <catch2/catch.hpp>

#include "rfc6455/engine_test_support.hpp"

using namespace duplex::native::proxy;
using duplex::rfc6455::test::bytes_of;
using duplex::rfc6455::test::for_each_split;
using duplex::rfc6455::test::hex_bytes;
using Chunks = std::vector<std::string_view>;

namespace {

// Feeds chunks as a transport would; collects what the client writes and,
// once the tunnel is up, the bytes that belong to it.
Socks5Handshake::Status feed_all(Socks5Handshake& h, const Chunks& chunks, std::string& written, std::string& tunnel) {
  auto status = h.status();
  for (auto chunk : chunks) {
    if (status != Socks5Handshake::Status::need_more) {
      tunnel.append(chunk);
      continue;
    }
    status = h.feed(bytes_of(chunk));
    written += h.take_output();
    if (status == Socks5Handshake::Status::established) {
      const auto rest = h.leftover();
      tunnel.append(reinterpret_cast<const char*>(rest.data()), rest.size());
    }
  }
  return status;
}

}  // namespace

TEST_CASE("SOCKS5 without credentials: greeting, CONNECT with a domain name", "[proxy][socks5]") {
  // Method NO AUTH, then a success reply bound to 10.0.0.1:4660, then tunnel bytes.
  const std::string answers = hex_bytes({5, 0, 5, 0, 0, 1, 10, 0, 0, 1, 0x12, 0x34}) + "hi";
  for_each_split(answers, [&](const Chunks& chunks) {
    Socks5Handshake h("example.com", 443, std::nullopt);
    CHECK(h.take_output() == hex_bytes({5, 1, 0}));
    std::string written, tunnel;
    REQUIRE(feed_all(h, chunks, written, tunnel) == Socks5Handshake::Status::established);
    CHECK(written == hex_bytes({5, 1, 0, 3, 11}) + "example.com" + hex_bytes({1, 0xBB}));
    CHECK(tunnel == "hi");
  });
}

TEST_CASE("SOCKS5 with credentials: RFC 1929 subnegotiation", "[proxy][socks5]") {
  const std::string answers = hex_bytes({5, 2, 1, 0, 5, 0, 0, 4}) + std::string(16, '\0') + hex_bytes({0, 80});
  for_each_split(answers, [&](const Chunks& chunks) {
    Socks5Handshake h("127.0.0.1", 8080, Credentials{"user", "pa:ss"});
    CHECK(h.take_output() == hex_bytes({5, 2, 0, 2}));
    std::string written, tunnel;
    REQUIRE(feed_all(h, chunks, written, tunnel) == Socks5Handshake::Status::established);
    CHECK(written ==
          hex_bytes({1, 4}) + "user" + hex_bytes({5}) + "pa:ss" + hex_bytes({5, 1, 0, 1, 127, 0, 0, 1, 0x1F, 0x90}));
    CHECK(tunnel.empty());
  });
}

TEST_CASE("SOCKS5 CONNECT to an IPv6 literal uses ATYP 4", "[proxy][socks5]") {
  Socks5Handshake h("::1", 443, std::nullopt);
  h.take_output();
  h.feed(bytes_of(hex_bytes({5, 0})));
  std::string expected = hex_bytes({5, 1, 0, 4}) + std::string(15, '\0') + hex_bytes({1, 1, 0xBB});
  CHECK(h.take_output() == expected);
}

TEST_CASE("SOCKS5 failures name RFC 1928 §6's reasons", "[proxy][socks5]") {
  struct Case {
    std::string answers;
    bool credentials;
    std::string error;
    duplex::errc kind;
  };
  using duplex::errc;
  const std::vector<Case> cases = {
      {hex_bytes({5, 0, 5, 5, 0, 1, 0, 0, 0, 0, 0, 0}), false, "SOCKS5 proxy: connection refused by destination host",
       errc::proxy_refused},
      {hex_bytes({5, 0, 5, 1, 0, 1}), false, "SOCKS5 proxy: general SOCKS server failure", errc::proxy_refused},
      {hex_bytes({5, 0, 5, 2, 0, 1}), false, "SOCKS5 proxy: connection not allowed by ruleset", errc::proxy_refused},
      {hex_bytes({5, 0, 5, 3, 0, 1}), false, "SOCKS5 proxy: network unreachable", errc::proxy_refused},
      {hex_bytes({5, 0, 5, 4, 0, 1}), false, "SOCKS5 proxy: host unreachable", errc::proxy_refused},
      {hex_bytes({5, 0, 5, 6, 0, 1}), false, "SOCKS5 proxy: TTL expired", errc::proxy_refused},
      {hex_bytes({5, 0, 5, 7, 0, 1}), false, "SOCKS5 proxy: command not supported", errc::proxy_refused},
      {hex_bytes({5, 0, 5, 8, 0, 1}), false, "SOCKS5 proxy: address type not supported", errc::proxy_refused},
      {hex_bytes({5, 0, 5, 9, 0, 1}), false, "SOCKS5 proxy: unassigned reply code 9", errc::proxy_refused},
      {hex_bytes({5, 0xFF}), false, "SOCKS5 proxy requires authentication", errc::proxy_authentication},
      {hex_bytes({5, 0xFF}), true, "SOCKS5 proxy accepts none of our authentication methods",
       errc::proxy_authentication},
      {hex_bytes({5, 2, 1, 1}), true, "SOCKS5 proxy rejected the user name or password", errc::proxy_authentication},
      {hex_bytes({5, 2}), false, "SOCKS5 proxy chose an authentication method we did not offer", errc::proxy_refused},
      {"HTTP/1.1 400 Bad Request\r\n\r\n", false, "proxy answered something that is not SOCKS5", errc::proxy_refused},
      {hex_bytes({5, 0, 4, 0}), false, "proxy answered something that is not SOCKS5", errc::proxy_refused},
  };
  for (const auto& c : cases) {
    INFO(c.error);
    for_each_split(c.answers, [&](const Chunks& chunks) {
      std::optional<Credentials> credentials;
      if (c.credentials) credentials = Credentials{"u", "p"};
      Socks5Handshake h("example.com", 80, credentials);
      h.take_output();
      std::string written, tunnel;
      REQUIRE(feed_all(h, chunks, written, tunnel) == Socks5Handshake::Status::failed);
      CHECK(h.error() == c.error);
      CHECK(h.error_kind() == c.kind);
    });
  }
}

TEST_CASE("SOCKS5 refuses names and credentials its fields cannot carry", "[proxy][socks5]") {
  Socks5Handshake long_user("h", 1, Credentials{std::string(256, 'u'), "p"});
  CHECK(long_user.status() == Socks5Handshake::Status::failed);
  CHECK(long_user.error_kind() == duplex::errc::proxy_authentication);  // no proxy can take these credentials
  Socks5Handshake long_host(std::string(256, 'h'), 1, std::nullopt);
  long_host.take_output();
  CHECK(long_host.feed(bytes_of(hex_bytes({5, 0}))) == Socks5Handshake::Status::failed);
  CHECK(long_host.error_kind() == duplex::errc::proxy_refused);
}
