// Connecting like a browser: every address tried, attempts staggered by
// RFC 8305's 250 ms Connection Attempt Delay, per-attempt timeout. Addresses
// come from a resolver given to the AsioBackend; all of them are on loopback.

#include "happy_eyeballs.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <chrono>

#include "duplex/native/asio_backend.hpp"
#include "integration/recorder.hpp"
#include "support/blackhole_listener.hpp"
#include "support/peers.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace duplex::test {
namespace {
using tcp = boost::asio::ip::tcp;
using std::chrono::milliseconds;

struct Outcome {
  Recorder recorder;
  milliseconds elapsed;
  std::error_code error;  ///< ErrorEvent::error(), if it failed
};

Outcome open_with(std::vector<tcp::endpoint> addresses, Options options = {}) {
  boost::asio::io_context io;
  native::AsioBackendConfig config;
  config.resolver = [addresses](const std::string&, std::uint16_t) { return addresses; };
  native::AsioBackend backend(io, config);
  options.proxy = "direct";
  const auto start = std::chrono::steady_clock::now();
  WebSocket ws(backend, "ws://echo.test/", {}, options);
  Outcome outcome{Recorder(ws), {}, {}};
  ws.onopen([&](const Event&) {
    outcome.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    ws.close(1000);
  });
  ws.onerror([&](const ErrorEvent& e) {
    outcome.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    outcome.error = e.error();
  });
  io.run();
  return outcome;
}

tcp::endpoint loopback(std::uint16_t port) { return {boost::asio::ip::make_address("127.0.0.1"), port}; }

}  // namespace

TEST_CASE("address families are interleaved, each family in resolver order", "[native][happy-eyeballs]") {
  const auto v6 = [](int n) { return tcp::endpoint(boost::asio::ip::make_address("::" + std::to_string(n)), 1); };
  const auto v4 = [](int n) { return tcp::endpoint(boost::asio::ip::make_address("10.0.0." + std::to_string(n)), 1); };
  CHECK(native::interleave_families({v6(1), v6(2), v6(3), v4(1), v4(2)}) ==
        std::vector<tcp::endpoint>{v6(1), v4(1), v6(2), v4(2), v6(3)});
  CHECK(native::interleave_families({v4(1), v4(2), v6(1)}) == std::vector<tcp::endpoint>{v4(1), v6(1), v4(2)});
  CHECK(native::interleave_families({}).empty());
}

TEST_CASE("a hanging first address: the second one opens after the attempt delay", "[native][happy-eyeballs]") {
  BlackholeListener blackhole;
  auto peer = start_ws_peer();
  Options options;
  options.connect_timeout = std::chrono::seconds(20);
  auto outcome = open_with({blackhole.endpoint(), loopback(peer.port)}, options);
  INFO(outcome.recorder.error_message);
  CHECK(outcome.recorder.events == std::vector<std::string>{"open", "close"});
  CHECK(outcome.elapsed >= milliseconds(240));
  CHECK(outcome.elapsed < milliseconds(2000));  // not the 20 s attempt timeout
}

TEST_CASE("a refused first address: the next attempt starts at once", "[native][happy-eyeballs]") {
  auto peer = start_ws_peer();
  auto outcome = open_with({loopback(refused_port()), loopback(peer.port)});
  CHECK(outcome.recorder.events == std::vector<std::string>{"open", "close"});
  CHECK(outcome.elapsed < milliseconds(240));
}

TEST_CASE("a single address's attempt is bounded by connect_timeout", "[native][happy-eyeballs]") {
  BlackholeListener blackhole;
  Options options;
  options.connect_timeout = milliseconds(300);
  auto outcome = open_with({blackhole.endpoint()}, options);
  CHECK(outcome.recorder.events == std::vector<std::string>{"error", "close"});
  CHECK(outcome.recorder.error_message.find("timed out after 300 ms") != std::string::npos);
  CHECK(outcome.error == errc::connect_timeout);
  CHECK(outcome.elapsed < milliseconds(2000));
}

TEST_CASE("a hanging attempt in a race ends at connect_timeout and the next address is tried",
          "[native][happy-eyeballs]") {
  BlackholeListener first, second;
  auto peer = start_ws_peer();
  Options options;
  options.connect_timeout = milliseconds(100);
  options.open_timeout = std::chrono::seconds(20);
  // With the attempt timer: the second address is tried at 100 ms, the third
  // at 200 ms, and opens. Without it, the attempt delay would start them at
  // 250 and 500 ms; without either, only the open timeout would end it.
  auto outcome = open_with({first.endpoint(), second.endpoint(), loopback(peer.port)}, options);
  INFO(outcome.recorder.error_message);
  CHECK(outcome.recorder.events == std::vector<std::string>{"open", "close"});
  CHECK(outcome.elapsed >= milliseconds(190));  // both hanging attempts held on until their timers
  CHECK(outcome.elapsed < milliseconds(450));
}

TEST_CASE("when every attempt in a race hangs the error names the attempt timeout", "[native][happy-eyeballs]") {
  BlackholeListener first, second;
  Options options;
  options.connect_timeout = milliseconds(150);
  options.open_timeout = std::chrono::seconds(20);
  // The first attempt times out at 150 ms, which starts the second at once
  // (before the 250 ms attempt delay); it times out at 300 ms.
  auto outcome = open_with({first.endpoint(), second.endpoint()}, options);
  CHECK(outcome.recorder.events == std::vector<std::string>{"error", "close"});
  // The race names the address of the last failure; a single attempt would not.
  CHECK(outcome.recorder.error_message == "cannot connect to echo.test:80: timed out after 150 ms (127.0.0.1)");
  CHECK(outcome.error == errc::connect_timeout);
  CHECK(outcome.elapsed >= milliseconds(290));
  CHECK(outcome.elapsed < milliseconds(1000));
}

TEST_CASE("when every address fails, the error names the last failure", "[native][happy-eyeballs]") {
  auto outcome = open_with({loopback(refused_port()), loopback(refused_port())});
  CHECK(outcome.recorder.events == std::vector<std::string>{"error", "close"});
  CHECK(outcome.recorder.error_message.find("cannot connect to echo.test:80") != std::string::npos);
  CHECK(outcome.recorder.error_message.find("refused") != std::string::npos);
  CHECK(outcome.error == errc::connection_refused);  // the last attempt's kind
}

}  // namespace duplex::test
