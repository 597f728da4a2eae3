// handshake_response(): the status line and headers of the server's answer to
// the opening handshake, against the npm ws peer's /cookies (a 101 with two
// Set-Cookie fields) and /status/<code> (a refusal). A backend without
// Capabilities::handshake_response (WebAssembly: browsers hide the response)
// throws NotSupportedError; the same cases assert that there.

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using namespace std::chrono_literals;

// The response as the socket shows it, or the name of the error it throws.
struct Seen {
  std::optional<HandshakeResponse> response;
  std::string error = "no error";
};

template <class Socket>
Seen seen(const Socket& ws) {
  Seen out;
  try {
    out.response = ws.handshake_response();
  } catch (const Error& e) {
    out.error = e.name();
  }
  return out;
}

// Each value of the field `name` (any case), in the order received.
std::vector<std::string> values_of(const HandshakeResponse& response, const std::string& name) {
  std::vector<std::string> values;
  const auto [first, last] = response.headers.equal_range(name);
  for (auto it = first; it != last; ++it) values.push_back(it->second);
  return values;
}

}  // namespace

TEST_CASE("after open, the 101 response's status, reason and headers", "[integration][handshake_response]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/cookies"));
  Recorder recorder(ws);
  const Seen before = seen(ws);  // no answer can have come yet: the loop has not run
  Seen at_open;
  ws.onopen([&](const Event&) {
    at_open = seen(ws);
    ws.close(1000);
  });
  run();
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
  if (!capabilities().handshake_response) {
    CHECK(before.error == "NotSupportedError");
    CHECK(at_open.error == "NotSupportedError");
    return;
  }
  CHECK_FALSE(before.response);
  REQUIRE(at_open.response);
  const HandshakeResponse& response = *at_open.response;
  CHECK(response.status == 101);
  CHECK(response.reason == "Switching Protocols");
  // RFC 9110 §5.1: "Field names are case-insensitive".
  CHECK(response.header("x-duplex-test") == std::optional<std::string_view>("yes"));
  CHECK(response.header("X-DUPLEX-TEST") == std::optional<std::string_view>("yes"));
  CHECK(response.header("upgrade") == std::optional<std::string_view>("websocket"));
  // RFC 6265 §3: Set-Cookie fields are not folded into one; each is kept, in order.
  CHECK(response.headers.count("set-cookie") == 2);
  CHECK(values_of(response, "Set-Cookie") == std::vector<std::string>{"session=abc; Path=/", "theme=dark"});
  // Still there once closed.
  REQUIRE(seen(ws).response);
  CHECK(seen(ws).response->status == 101);
}

TEST_CASE("a refused handshake's response is there when the error event fires", "[integration][handshake_response]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/status/403"));
  Recorder recorder(ws);
  Seen at_error;
  ws.onerror([&](const ErrorEvent&) { at_error = seen(ws); });
  run();
  CHECK(recorder.events == std::vector<std::string>{"error", "close"});
  REQUIRE(recorder.close);
  CHECK(recorder.close->code() == 1006);
  if (!capabilities().handshake_response) {
    CHECK(at_error.error == "NotSupportedError");
    return;
  }
  REQUIRE(at_error.response);
  CHECK(at_error.response->status == 403);
  CHECK(at_error.response->reason == "Forbidden");
  CHECK(values_of(*at_error.response, "set-cookie") == std::vector<std::string>{"refused=403"});
}

TEST_CASE("no handshake response when no server answered", "[integration][handshake_response]") {
  WebSocket refused("ws://127.0.0.1:" + std::to_string(refused_port()) + "/");
  Recorder refused_recorder(refused);
  SilentListener silent;
  Options options;
  options.open_timeout = 300ms;
  WebSocket unanswered("ws://127.0.0.1:" + std::to_string(silent.port()) + "/", {}, options);
  Recorder unanswered_recorder(unanswered);
  run();
  CHECK(refused_recorder.events == std::vector<std::string>{"error", "close"});
  CHECK(unanswered_recorder.events == std::vector<std::string>{"error", "close"});
  if (!capabilities().handshake_response) {
    CHECK(seen(refused).error == "NotSupportedError");
    CHECK(seen(unanswered).error == "NotSupportedError");
    return;
  }
  CHECK(seen(refused).error == "no error");
  CHECK_FALSE(seen(refused).response);
  CHECK(seen(unanswered).error == "no error");
  CHECK_FALSE(seen(unanswered).response);
}

TEST_CASE("ReconnectingWebSocket shows the response of the refusal, then of the reopen",
          "[integration][handshake_response]") {
  auto peer = start_ws_peer();
  ReconnectOptions reconnect;
  reconnect.base_delay = 20ms;
  reconnect.should_retry = [](const ErrorEvent&, const CloseEvent&) { return true; };
  // The first upgrade with this id is refused with 503, the next one echoes.
  ReconnectingWebSocket ws(peer.url("/status/503?id=handshake-response&times=1"), {}, {}, reconnect);
  Seen at_error, at_open;
  std::vector<std::string> events;
  ws.onerror([&](const ErrorEvent&) {
    events.push_back("error");
    at_error = seen(ws);
  });
  ws.onopen([&](const ReconnectEvent&) {
    events.push_back("open");
    at_open = seen(ws);
    ws.close(1000);
  });
  run();
  CHECK(events == std::vector<std::string>{"error", "open"});
  if (!capabilities().handshake_response) {
    CHECK(at_error.error == "NotSupportedError");
    CHECK(at_open.error == "NotSupportedError");
    return;
  }
  REQUIRE(at_error.response);
  CHECK(at_error.response->status == 503);
  CHECK(at_error.response->header("Set-Cookie") == std::optional<std::string_view>("refused=503"));
  REQUIRE(at_open.response);
  CHECK(at_open.response->status == 101);
  CHECK_FALSE(at_open.response->header("set-cookie"));
}

}  // namespace duplex::test
