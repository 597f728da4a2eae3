// Liveness: the heartbeat (ping_interval, pong_timeout) and idle_timeout
// against the npm `ws` server, and against scenarios of
// tests/peers/hostile_server.py that send nothing but Pongs, or nothing at all
// (its report counts the Pings that reached it).

#include <catch2/catch.hpp>

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>

#include "integration/recorder.hpp"
#include "native/hostile_support.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {
using std::chrono::milliseconds;

struct HeartbeatRun {
  std::vector<std::string> events;
  std::string error_message;
  std::optional<ErrorEvent> error;
  std::optional<CloseEvent> close;
  std::optional<ReadyState> state_at_close_call;  ///< readyState when close_after ran out
  milliseconds elapsed{};
  hostile::ServerLog server;

  /// The Pings the server received (reported as "CLIENT-FRAME 9 <hex>").
  int pings() const {
    int n = 0;
    for (const auto& line : server.lines)
      if (line.rfind("CLIENT-FRAME 9", 0) == 0) ++n;
    return n;
  }
};

// Opens the hostile server's `scenario` with `options`; when `close_after` is
// given, closes with 1000 that long after open (if still open then).
HeartbeatRun run_scenario(const std::string& scenario, const Options& options,
                          std::optional<milliseconds> close_after = std::nullopt) {
  static int runs = 0;
  const std::string id = "heartbeat-" + std::to_string(++runs);
  auto& peer = hostile::hostile_peer();
  HeartbeatRun out;
  {
    boost::asio::io_context io;
    native::AsioBackend backend(io);
    WebSocket ws(backend, peer.url("/" + scenario + "?id=" + id), {}, options);
    Recorder recorder(ws);
    boost::asio::steady_timer closer(io);
    ws.onopen([&](const Event&) {
      if (!close_after) return;
      closer.expires_after(*close_after);
      closer.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        out.state_at_close_call = ws.ready_state();
        ws.close(1000);
      });
    });
    ws.onclose([&](const CloseEvent&) { closer.cancel(); });
    ws.onerror([&](const ErrorEvent& e) { out.error = e; });
    const auto start = std::chrono::steady_clock::now();
    io.run_for(std::chrono::seconds(10));
    out.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    out.events = recorder.events;
    out.error_message = recorder.error_message;
    out.close = recorder.close;
  }
  out.server = hostile::read_server_log(peer.process, id);
  return out;
}

}  // namespace

TEST_CASE("a server that stops reading is detected by the heartbeat", "[native][heartbeat]") {
  auto peer = start_ws_peer();
  Options options;
  options.ping_interval = milliseconds(200);
  options.pong_timeout = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  WebSocket ws(peer.url("/stop-reading"), {}, options);
  Recorder recorder(ws);
  std::error_code error;
  ws.onerror([&](const ErrorEvent& e) { error = e.error(); });
  run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(recorder.events == std::vector<std::string>{"open", "error", "close"});
  CHECK(recorder.error_message == "no pong within 300 ms");
  CHECK(error == errc::pong_timeout);
  REQUIRE(recorder.close);
  CHECK(recorder.close->cause() == errc::pong_timeout);
  CHECK(recorder.close->code() == 1006);
  CHECK_FALSE(recorder.close->was_clean());
  CHECK(elapsed < milliseconds(1500));  // first Ping at 200 ms, deadline at 500 ms
}

TEST_CASE("a server that sends only Pongs keeps a heartbeat connection open", "[native][heartbeat]") {
  Options options;
  options.ping_interval = milliseconds(100);
  options.pong_timeout = milliseconds(250);
  // Nothing but the Pongs answering our Pings arrives: without them the
  // connection would fail 350 ms after open.
  const auto result = run_scenario("pong-only", options, milliseconds(1500));
  INFO("server: " << hostile::joined(result.server.lines));
  CHECK(result.error_message.empty());
  CHECK(result.events == std::vector<std::string>{"open", "close"});
  CHECK(result.state_at_close_call == ReadyState::OPEN);
  REQUIRE(result.close);
  CHECK(result.close->was_clean());
  CHECK(result.close->code() == 1000);
  CHECK(result.server.client_close_code() == "1000");
  CHECK(result.pings() >= 10);  // one every 100 ms for 1.5 s: the heartbeat ran
}

TEST_CASE("a server that never answers our Pings fails a heartbeat connection", "[native][heartbeat]") {
  Options options;
  options.ping_interval = milliseconds(100);
  options.pong_timeout = milliseconds(250);
  const auto result = run_scenario("silent", options);
  INFO("server: " << hostile::joined(result.server.lines));
  CHECK(result.events == std::vector<std::string>{"open", "error", "close"});
  CHECK(result.error_message == "no pong within 250 ms");
  REQUIRE(result.error);
  CHECK(result.error->error() == errc::pong_timeout);
  CHECK_FALSE(result.error->close_code());  // the TCP connection is dropped, no Close frame sent
  REQUIRE(result.close);
  CHECK(result.close->cause() == errc::pong_timeout);
  CHECK(result.close->code() == 1006);
  CHECK_FALSE(result.close->was_clean());
  CHECK(result.elapsed >= milliseconds(340));  // first Ping 100 ms after open, then 250 ms
  CHECK(result.elapsed < milliseconds(1000));
  CHECK(result.pings() >= 1);                      // the Ping reached it, and was left unanswered
  CHECK_FALSE(result.server.client_close_code());  // failed: TCP dropped, no Close frame
  CHECK(result.server.has("CLIENT-EOF"));
}

TEST_CASE("an idle connection is closed cleanly with 1000", "[native][heartbeat]") {
  auto peer = start_ws_peer();
  Options options;
  options.idle_timeout = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  WebSocket ws(peer.url("/"), {}, options);
  Recorder recorder(ws);
  run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(recorder.events == std::vector<std::string>{"open", "close"});
  REQUIRE(recorder.close);
  CHECK(recorder.close->was_clean());
  CHECK(recorder.close->code() == 1000);
  CHECK_FALSE(recorder.close->cause());  // idle is not a failure: a clean close
  CHECK(elapsed >= milliseconds(300));
  CHECK(elapsed < milliseconds(1500));
}

}  // namespace duplex::test
