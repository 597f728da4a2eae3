// ReconnectingWebSocket's default retry policy against a wss:// server whose
// certificate fails verification (native only: a WebAssembly host trusts what
// the browser trusts). A certificate failure is permanent: the same server
// shows the same certificate, so the socket gives up after the first try.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <system_error>
#include <vector>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("ReconnectingWebSocket gives up at once on a certificate failure", "[native][tls][reconnect]") {
  const auto& certs = test_certificates();
  struct Served {
    std::string name, cert, key;
    errc kind;
  };
  const Served served = GENERATE_REF(
      values<Served>({{"expired", certs.expired_cert, certs.expired_key, errc::tls_certificate_expired},
                      {"self-signed", certs.self_cert, certs.self_key, errc::tls_certificate_unknown_issuer},
                      {"for another host", certs.wrong_cert, certs.wrong_key, errc::tls_certificate_wrong_host}}));
  INFO("certificate: " << served.name);
  auto peer = start_ws_peer_tls(served.cert, served.key);
  Options options;
  options.ca_file = certs.ca;  // the test CA is trusted; the certificate is still not good
  ReconnectOptions r;
  r.base_delay = std::chrono::milliseconds(10);
  r.max_delay = std::chrono::milliseconds(20);
  r.max_attempts = 2;  // bounds the test should the failure be taken for a transient one
  ReconnectingWebSocket ws(peer.url("/"), {}, options, r);
  std::vector<std::string> events;
  std::vector<std::error_code> errors;
  ws.onerror([&](const ErrorEvent& e) {
    events.push_back("error");
    errors.push_back(e.error());
  });
  ws.onclose([&](const CloseEvent& e) { events.push_back("close:" + std::to_string(e.code())); });
  ws.onreconnecting([&](const ReconnectEvent& e) { events.push_back("reconnecting:" + std::to_string(e.attempt())); });
  ws.ongiveup([&](const ReconnectEvent& e) { events.push_back("giveup:" + std::to_string(e.attempt())); });
  run();
  CHECK(events == std::vector<std::string>{"error", "close:1006", "giveup:0"});
  REQUIRE_FALSE(errors.empty());
  CHECK(errors[0] == served.kind);
  CHECK((errors[0].category() == error_category() && is_certificate_error(static_cast<errc>(errors[0].value()))));
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

}  // namespace duplex::test
