// ReconnectingWebSocket when the server process dies and comes back on the
// same port: the client retries with backoff and sends its state again.

#include <catch2/catch.hpp>

#include <duplex/duplex.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("the socket reopens when a killed server is restarted on the same port", "[native][reconnect]") {
  using ms = std::chrono::milliseconds;
  auto peer = start_ws_peer();
  const std::uint16_t port = peer.port;
  std::optional<Peer> restarted;
  ReconnectOptions r;
  r.base_delay = ms(50);
  r.max_delay = ms(200);
  r.final_codes = {4001};
  ReconnectingWebSocket ws(peer.url("/"), {}, {}, r);
  int opens = 0;
  std::vector<std::string> echoes;
  std::vector<std::string> trace;
  ws.onopen([&](const ReconnectEvent& e) {
    ++opens;
    trace.push_back(std::string(e.reopened() ? "reopen:" : "open:") + std::to_string(e.attempt()));
    ws.send("state " + std::to_string(opens));  // the resend hook
  });
  ws.onmessage([&](const MessageEvent& e) {
    echoes.push_back(e.text());
    if (opens == 1)
      peer.process.stop();  // SIGTERM: the server drops every connection and exits
    else
      ws.close(1000);
  });
  ws.onclose([&](const CloseEvent& e) { trace.push_back("close:" + std::to_string(e.code())); });
  ws.onreconnecting([&](const ReconnectEvent& e) {
    CHECK(e.delay() <= backoff_ceiling(r.base_delay, r.max_delay, e.attempt()));
    trace.push_back("reconnecting:" + std::to_string(e.attempt()));
    // Let two retries meet a refused port, then bring the server back.
    if (e.attempt() == 3) restarted = start_ws_peer_on_port(port);
  });
  ws.ongiveup([&](const ReconnectEvent&) { trace.push_back("giveup"); });
  run();
  CHECK(echoes == std::vector<std::string>{"state 1", "state 2"});
  CHECK(trace == std::vector<std::string>{"open:0", "close:1006", "reconnecting:1", "close:1006", "reconnecting:2",
                                          "close:1006", "reconnecting:3", "reopen:3", "close:1000"});
  REQUIRE(restarted);
  CHECK(restarted->port == port);
}

}  // namespace duplex::test
