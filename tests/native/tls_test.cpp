// wss:// against a TLS server whose certificates `openssl` makes at test time.

#include <catch2/catch.hpp>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

Recorder open_and_close(const std::string& url, const Options& options) {
  return echo_one_message(url, options, "over TLS");
}

// The peer's URL with the IP literal 127.0.0.1 as its host.
std::string ip_url(const Peer& peer, const std::string& path) {
  return "wss://127.0.0.1:" + std::to_string(peer.port) + path;
}

Options trusting_test_ca() {
  Options options;
  options.ca_file = test_certificates().ca;
  return options;
}

}  // namespace

TEST_CASE("wss:// opens when the server's CA is trusted", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  Options options;
  options.ca_file = certs.ca;
  auto result = open_and_close(peer.url("/"), options);
  CHECK(result.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(result.messages.size() == 1);
  CHECK(payload_of(result.messages[0]) == "over TLS");
  REQUIRE(result.close);
  CHECK(result.close->was_clean());
}

TEST_CASE("wss:// fails when the certificate names another host", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.wrong_cert, certs.wrong_key);
  Options options;
  options.ca_file = certs.ca;
  auto result = open_and_close(peer.url("/"), options);
  CHECK(result.events == std::vector<std::string>{"error", "close"});
  CHECK(result.error_message.find("mismatch") != std::string::npos);
  REQUIRE(result.close);
  CHECK(result.close->code() == 1006);
}

TEST_CASE("wss:// fails against an untrusted self-signed certificate", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.self_cert, certs.self_key);
  SECTION("with the system trust store only") {
    auto result = open_and_close(peer.url("/"), Options{});
    CHECK(result.events == std::vector<std::string>{"error", "close"});
    CHECK(result.error_message.find("self-signed") != std::string::npos);
  }
  SECTION("with an unrelated CA trusted") {
    Options options;
    options.ca_file = certs.ca;
    auto result = open_and_close(peer.url("/"), options);
    CHECK(result.events == std::vector<std::string>{"error", "close"});
    CHECK(result.error_message.find("certificate verification failed") != std::string::npos);
  }
}

TEST_CASE("a CA file that cannot be read is an error event, not an exception", "[native][tls]") {
  Options options;
  options.ca_file = "/nonexistent/ca.pem";
  WebSocket ws("wss://localhost:1/", {}, options);
  Recorder recorder(ws);
  run();
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  CHECK(recorder.error_message.find("/nonexistent/ca.pem") != std::string::npos);
  CHECK(recorder.error == errc::tls_configuration);
}

// "In some cases, the URI is specified as an IP address rather than a
// hostname. In this case, the iPAddress subjectAltName must be present in the
// certificate and must exactly match the IP in the URI." (RFC 2818 §3.1) And
// no SNI: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"."
// (RFC 6066 §3) The server's /tls-info path reports the SNI it received.
TEST_CASE("wss://127.0.0.1 opens with a certificate for that address, and sends no SNI", "[native][tls]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);  // SAN IP:127.0.0.1
  auto by_address = open_and_close(ip_url(peer, "/tls-info"), trusting_test_ca());
  CHECK(by_address.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(by_address.messages.size() == 1);
  CHECK(payload_of(by_address.messages[0]).find(" sni=none") != std::string::npos);
  REQUIRE(by_address.close);
  CHECK(by_address.close->was_clean());

  auto by_name = open_and_close(peer.url("/tls-info"), trusting_test_ca());
  REQUIRE(by_name.messages.size() == 1);
  CHECK(payload_of(by_name.messages[0]).find(" sni=localhost") != std::string::npos);

  auto echoed = open_and_close(ip_url(peer, "/"), trusting_test_ca());
  REQUIRE(echoed.messages.size() == 1);
  CHECK(payload_of(echoed.messages[0]) == "over TLS");
}

TEST_CASE("wss://127.0.0.1 fails unless an iPAddress name of the certificate is that address", "[native][tls]") {
  const auto& certs = test_certificates();
  SECTION("the certificate's only address is 127.0.0.2") {
    auto peer = start_ws_peer_tls(certs.other_ip_cert, certs.other_ip_key);
    auto result = open_and_close(ip_url(peer, "/"), trusting_test_ca());
    CHECK(result.events == std::vector<std::string>{"error", "close"});
    INFO(result.error_message);
    CHECK(result.error_message.find("IP address mismatch") != std::string::npos);
    REQUIRE(result.close);
    CHECK(result.close->code() == 1006);
    // The same certificate is good for its name: only the address is wrong.
    CHECK(open_and_close(peer.url("/"), trusting_test_ca()).events ==
          std::vector<std::string>{"open", "message", "close"});
  }
  SECTION("127.0.0.1 appears only as a name (CN and dNSName), never as an iPAddress") {
    auto peer = start_ws_peer_tls(certs.names_cert, certs.names_key);
    auto result = open_and_close(ip_url(peer, "/"), trusting_test_ca());
    CHECK(result.events == std::vector<std::string>{"error", "close"});
    INFO(result.error_message);
    CHECK(result.error_message.find("IP address mismatch") != std::string::npos);
    REQUIRE(result.close);
    CHECK(result.close->code() == 1006);
    CHECK(open_and_close(peer.url("/"), trusting_test_ca()).events ==
          std::vector<std::string>{"open", "message", "close"});
  }
}

}  // namespace duplex::test
