// Options only the native backend honours: Origin and extra handshake headers
// (a browser's WebSocket cannot send them; see tests/wasm/options_test.cpp).

#include <catch2/catch.hpp>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("Origin and extra headers reach the server", "[native][handshake]") {
  auto peer = start_ws_peer();
  Options options;
  options.origin = "https://app.example";
  options.headers = {{"Authorization", "Bearer t0ken"}, {"X-Custom", "42"}};
  WebSocket ws(peer.url("/headers"), {}, options);
  std::string headers_json;
  ws.onmessage([&](const MessageEvent& e) {
    headers_json = e.text();
    ws.close();
  });
  run();
  CHECK(headers_json.find("\"origin\":\"https://app.example\"") != std::string::npos);
  CHECK(headers_json.find("\"authorization\":\"Bearer t0ken\"") != std::string::npos);
  CHECK(headers_json.find("\"x-custom\":\"42\"") != std::string::npos);
}

}  // namespace duplex::test
