// TLS options: in-memory CA, minimum version, the insecure switch, expired
// certificates, mutual TLS (files and PEM text).

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

Recorder open_and_close(const std::string& url, const Options& options) {
  return echo_one_message(url, options, "over TLS");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::vector<std::string> echoed = {"open", "message", "close"};
const std::vector<std::string> failed = {"error", "close"};

// The TLS version the server says it negotiated (its /tls-info path), or the
// error when the connection failed.
std::string negotiated_version(const Peer& peer, const Options& options) {
  const auto result = open_and_close(peer.url("/tls-info"), options);
  if (result.messages.empty()) return "failed: " + result.error_message;
  const std::string info = payload_of(result.messages[0]);
  return info.substr(0, info.find(' '));
}

}  // namespace

TEST_CASE("ca_pem trusts a CA given as text, and min TLS 1.3 works with a 1.3 server", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  Options options;
  options.ca_pem = read_file(certs.ca);
  CHECK(open_and_close(peer.url("/"), options).events == echoed);
  options.min_tls_version = Options::TlsVersion::tls1_3;
  CHECK(open_and_close(peer.url("/"), options).events == echoed);
  CHECK(negotiated_version(peer, options) == "protocol=TLSv1.3");
}

// The floor: a client offering TLS 1.3 only cannot agree on a version with a
// server that stops at 1.2 (node's OpenSSL answers with a protocol_version
// alert); with the default floor of 1.2 the same server is accepted.
TEST_CASE("min TLS 1.3 refuses a server that stops at TLS 1.2, which the default accepts", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls_up_to(certs.server_cert, certs.server_key, "TLSv1.2");
  Options options;
  options.ca_file = certs.ca;
  CHECK(open_and_close(peer.url("/"), options).events == echoed);
  CHECK(negotiated_version(peer, options) == "protocol=TLSv1.2");

  options.min_tls_version = Options::TlsVersion::tls1_3;
  const auto result = open_and_close(peer.url("/"), options);
  CHECK(result.events == failed);
  INFO(result.error_message);
  CHECK(result.error_message.find("TLS handshake failed") != std::string::npos);
  CHECK(result.error_message.find("protocol version") != std::string::npos);
  REQUIRE(result.close);
  CHECK(result.close->code() == 1006);
  CHECK_FALSE(result.close->was_clean());
}

TEST_CASE("an expired certificate is named as expired", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.expired_cert, certs.expired_key);
  Options options;
  options.ca_file = certs.ca;
  auto result = open_and_close(peer.url("/"), options);
  CHECK(result.events == failed);
  CHECK(result.error_message.find("certificate has expired") != std::string::npos);
}

TEST_CASE("insecure_skip_certificate_verification accepts what would fail", "[native][tls]") {
  const auto& certs = test_certificates();
  Options options;
  options.insecure_skip_certificate_verification = true;
  auto self_signed = start_ws_peer_tls(certs.self_cert, certs.self_key);
  CHECK(open_and_close(self_signed.url("/"), options).events == echoed);
  auto wrong_host = start_ws_peer_tls(certs.wrong_cert, certs.wrong_key);
  CHECK(open_and_close(wrong_host.url("/"), options).events == echoed);
}

TEST_CASE("mutual TLS: opens with the client certificate, fails clearly without", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key, certs.ca);
  Options options;
  options.ca_file = certs.ca;
  SECTION("certificate and key files") {
    options.client_certificate_file = certs.client_cert;
    options.client_key_file = certs.client_key;
    CHECK(open_and_close(peer.url("/"), options).events == echoed);
  }
  SECTION("certificate and key as PEM text") {
    options.client_certificate_pem = read_file(certs.client_cert);
    options.client_key_pem = read_file(certs.client_key);
    CHECK(open_and_close(peer.url("/"), options).events == echoed);
  }
  SECTION("no client certificate") {
    auto result = open_and_close(peer.url("/"), options);
    CHECK(result.events == failed);
    INFO(result.error_message);
    CHECK(result.error_message.find("certificate required") != std::string::npos);
  }
}

}  // namespace duplex::test
