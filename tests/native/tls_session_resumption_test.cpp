// TLS session resumption (native/src/tls_session_resumption.hpp) against the
// npm `ws` server over node's TLS: its /tls-resumed path answers "resumed"
// when node's socket.isSessionReused() says so, else "full"; the backend's
// tls_handshakes() is what the client saw (SSL_session_reused).

#include "tls_session_resumption.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <duplex/duplex.hpp>
#include <duplex/native/asio_backend.hpp>
#include <fstream>
#include <sstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/peers.hpp"
#include "support/proxies.hpp"

namespace duplex::test {
namespace {

using native::AsioBackend;

Options trusting_test_ca() {
  Options options;
  options.ca_file = test_certificates().ca;
  return options;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// One connection to `url` (a /tls-resumed path) on `backend`: what the
/// server said about its TLS handshake, or the error that stopped it.
std::string handshake_kind(boost::asio::io_context& io, AsioBackend& backend, const std::string& url,
                           const Options& options) {
  WebSocket ws(backend, url, {}, options);
  std::string said = "(nothing)";
  ws.onmessage([&](const MessageEvent& e) {
    said = e.text();
    ws.close(1000);
  });
  ws.onerror([&](const ErrorEvent& e) { said = "error: " + e.message(); });
  io.restart();
  io.run_for(std::chrono::seconds(20));
  return said;
}

/// Handshakes counted by the backend, as {full, resumed}.
std::pair<std::uint64_t, std::uint64_t> counted(const AsioBackend& backend) {
  const auto h = backend.tls_handshakes();
  return {h.full, h.resumed};
}

using Counts = std::pair<std::uint64_t, std::uint64_t>;

}  // namespace

TEST_CASE("a second wss:// connection to the same server resumes the TLS 1.3 session", "[native][tls][resumption]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  boost::asio::io_context io;
  AsioBackend backend(io);
  const std::string url = peer.url("/tls-resumed");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "full");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "resumed");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "resumed");  // each ticket once, new ones keep coming
  CHECK(counted(backend) == Counts{1, 2});
  // Another backend has a cache of its own.
  AsioBackend other(io);
  CHECK(handshake_kind(io, other, url, trusting_test_ca()) == "full");
}

TEST_CASE("a server capped at TLS 1.2 resumes too", "[native][tls][resumption]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls_up_to(certs.server_cert, certs.server_key, "TLSv1.2");
  boost::asio::io_context io;
  AsioBackend backend(io);
  const std::string url = peer.url("/tls-resumed");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "full");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "resumed");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "resumed");
  CHECK(counted(backend) == Counts{1, 2});
}

TEST_CASE("a ReconnectingWebSocket's reconnects resume the TLS session", "[native][tls][resumption][reconnect]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  boost::asio::io_context io;
  AsioBackend backend(io);
  ReconnectOptions r;
  r.base_delay = std::chrono::milliseconds(20);
  r.max_delay = std::chrono::milliseconds(50);
  // Each connection is told how its handshake went, then closed by the
  // server with 1012 (Service Restart), which the socket retries.
  ReconnectingWebSocket ws(backend, peer.url("/tls-resumed/close/1012"), {}, trusting_test_ca(), r);
  std::vector<std::string> said;
  ws.onmessage([&](const MessageEvent& e) {
    said.push_back(e.text());
    if (said.size() == 3) ws.close(1000);
  });
  io.run_for(std::chrono::seconds(20));
  CHECK(said == std::vector<std::string>{"full", "resumed", "resumed"});
  CHECK(counted(backend) == Counts{1, 2});
}

TEST_CASE("a session is offered only to connections with the same host, port and TLS options",
          "[native][tls][resumption]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  boost::asio::io_context io;
  AsioBackend backend(io);
  const std::string url = peer.url("/tls-resumed");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "full");

  // The same CA as PEM text: the server would resume, but the trust settings
  // differ by value, so no session made under ca_file is offered.
  Options same_ca_as_text;
  same_ca_as_text.ca_pem = read_file(certs.ca);
  CHECK(handshake_kind(io, backend, url, same_ca_as_text) == "full");
  Options tls13_only = trusting_test_ca();
  tls13_only.min_tls_version = Options::TlsVersion::tls1_3;
  CHECK(handshake_kind(io, backend, url, tls13_only) == "full");
  Options with_client_certificate = trusting_test_ca();
  with_client_certificate.client_certificate_file = certs.client_cert;
  with_client_certificate.client_key_file = certs.client_key;
  CHECK(handshake_kind(io, backend, url, with_client_certificate) == "full");
  // The same server by address: another host name (no SNI, another name checked).
  const std::string by_address = "wss://127.0.0.1:" + std::to_string(peer.port) + "/tls-resumed";
  CHECK(handshake_kind(io, backend, by_address, trusting_test_ca()) == "full");

  // Each of them kept its own sessions; the first options still resume.
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "resumed");
  CHECK(handshake_kind(io, backend, url, same_ca_as_text) == "resumed");
  CHECK(handshake_kind(io, backend, by_address, trusting_test_ca()) == "resumed");
  CHECK(counted(backend) == Counts{5, 3});
}

// TLS runs end to end through the tunnel, so the TLS peer is the same server.
TEST_CASE("a session received directly is resumed through an HTTP CONNECT proxy", "[native][tls][resumption][proxy]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  std::optional<ProxyPeer> proxy(start_tinyproxy());
  boost::asio::io_context io;
  AsioBackend backend(io);
  const std::string url = peer.url("/tls-resumed");
  Options direct = trusting_test_ca();
  direct.proxy = "direct";
  Options proxied = trusting_test_ca();
  proxied.proxy = proxy->url("http");
  CHECK(handshake_kind(io, backend, url, direct) == "full");
  CHECK(handshake_kind(io, backend, url, proxied) == "resumed");
  CHECK(handshake_kind(io, backend, url, direct) == "resumed");
  CHECK(counted(backend) == Counts{1, 2});
  // The proxied connection did go through the proxy: without it, it fails.
  proxy.reset();
  CHECK(handshake_kind(io, backend, url, proxied).starts_with("error: "));
}

TEST_CASE("a ticket past the lifetime the server gave it is not offered", "[native][tls][resumption]") {
  const auto& certs = test_certificates();
  // node's sessionTimeout: the tickets' lifetime hint is 1 s.
  auto peer = start_ws_peer_with(
      {"--tls-cert", certs.server_cert, "--tls-key", certs.server_key, "--tls-session-timeout", "1"}, true);
  boost::asio::io_context io;
  AsioBackend backend(io);
  const std::string url = peer.url("/tls-resumed");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "full");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "full");
  CHECK(counted(backend) == Counts{2, 0});
}

TEST_CASE("Options::tls_session_resumption = false makes every handshake a full one", "[native][tls][resumption]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.server_cert, certs.server_key);
  boost::asio::io_context io;
  AsioBackend backend(io);
  const std::string url = peer.url("/tls-resumed");
  Options off = trusting_test_ca();
  off.tls_session_resumption = false;
  CHECK(handshake_kind(io, backend, url, off) == "full");
  CHECK(handshake_kind(io, backend, url, off) == "full");
  // Nothing was kept meanwhile: the first connection with it on is a full one too.
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "full");
  CHECK(handshake_kind(io, backend, url, trusting_test_ca()) == "resumed");
  // Switched off again, the session on hand is not offered.
  CHECK(handshake_kind(io, backend, url, off) == "full");
  CHECK(counted(backend) == Counts{4, 1});
}

}  // namespace duplex::test
