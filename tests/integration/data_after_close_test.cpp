// A server that sends a data frame after its own Close frame (RFC 6455 §5.5.1:
// "After sending a Close frame, the endpoint MUST NOT send any further data
// frames"). Hosts differ, and the README's table "Where hosts differ" states
// each outcome this test checks:
//   native, chromium      fail the connection: error, then close 1006, not clean
//                         (Chromium: "Data frame received after close")
//   node-ws, node-own,    ignore the frame: close 1000 clean, with the reason
//   firefox
// The late frame is never delivered as a message anywhere.
// DUPLEX_TEST_HOST names the WebAssembly host (tests/wasm/run_with_peers.js
// sets it); unset is the native backend.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "integration/recorder.hpp"
#include "integration/test_host.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("a text frame after the server's Close: native and Chromium fail, Firefox and node ignore it",
          "[close][after_close]") {
  const std::string host = test_host();
  INFO("host " << host);
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/text-after-close"));
  Recorder recorder(ws);
  run();
  CHECK(recorder.messages.empty());  // "late" never reaches the application
  REQUIRE(recorder.close);
  if (host == "native" || host == "chromium") {
    CHECK(recorder.events == std::vector<std::string>{"open", "error", "close"});
    CHECK(recorder.close->code() == 1006);
    CHECK_FALSE(recorder.close->was_clean());
    if (host == "native") CHECK(recorder.error_message.find("after the server's Close frame") != std::string::npos);
  } else if (host == "node-ws" || host == "node-own" || host == "firefox") {
    CHECK(recorder.events == std::vector<std::string>{"open", "close"});
    CHECK(recorder.close->code() == 1000);
    CHECK(recorder.close->was_clean());
    CHECK(recorder.close->reason() == "bye");
  } else {
    FAIL("unknown DUPLEX_TEST_HOST: " << host);
  }
}

}  // namespace duplex::test
