// What only the native backend can tell about a failed connection: its cause
// (a browser's error event says nothing, by design).

#include <catch2/catch.hpp>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
TEST_CASE("a refused connection's error message names the cause", "[native][failure]") {
  WebSocket ws("ws://127.0.0.1:" + std::to_string(refused_port()) + "/");
  Recorder recorder(ws);
  run();
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  CHECK(recorder.error_message.find("refused") != std::string::npos);
}

}  // namespace duplex::test
