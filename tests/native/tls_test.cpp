// wss:// against a TLS server whose certificates `openssl` makes at test time.

#include <catch2/catch.hpp>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

Recorder open_and_close(const std::string& url, const Options& options) {
  return echo_one_message(url, options, "over TLS");
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
}

}  // namespace duplex::test
