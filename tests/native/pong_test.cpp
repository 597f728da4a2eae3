// The native backend's `pong` events against scenarios of
// tests/peers/hostile_server.py: Pongs nobody asked for (RFC 6455 §5.5.3 "A
// Pong frame MAY be sent unsolicited"), a flood of them, and a server that
// sends nothing but the Pongs answering our heartbeat.

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "native/hostile_support.hpp"

namespace duplex::test {
namespace {

using namespace std::chrono_literals;

struct Pong {
  std::string payload;
  std::optional<std::chrono::nanoseconds> round_trip_time;
};

// Records the pong events of the socket from its open on.
std::function<void(WebSocket&)> record_pongs(std::vector<Pong>& pongs, std::size_t close_after = 0) {
  return [&pongs, close_after](WebSocket& ws) {
    ws.onpong([&pongs, close_after, &ws](const PongEvent& e) {
      pongs.push_back({e.payload(), e.round_trip_time()});
      if (pongs.size() == close_after) ws.close(1000);
    });
  };
}

}  // namespace

TEST_CASE("an unsolicited Pong fires a pong event without a round-trip time", "[native][pong]") {
  std::vector<Pong> pongs;
  const auto out = hostile::play({"/unsolicited-pong", {}, {}, record_pongs(pongs)});
  CHECK(out.events == std::vector<std::string>{"open", "message", "close"});
  CHECK(out.texts == std::vector<std::string>{"still here"});
  REQUIRE(pongs.size() == 1);
  CHECK(pongs[0].payload == "unasked");
  CHECK_FALSE(pongs[0].round_trip_time);  // none of our Pings has that payload
}

TEST_CASE("a burst of unsolicited Pongs fires at most one pong event per read", "[native][pong]") {
  // 100,000 empty Pongs (200,000 bytes) and a text "done" in one write: a
  // few reads, each reporting one Pong instead of queuing an event per frame.
  std::vector<Pong> pongs;
  hostile::Scenario scenario{"/pong-flood/100000", {}, {}, record_pongs(pongs)};
  scenario.on_message = [](WebSocket& ws) { ws.close(1000); };
  const auto out = hostile::play(scenario);
  CHECK(out.events == std::vector<std::string>{"open", "message", "close"});
  CHECK(out.texts == std::vector<std::string>{"done"});
  REQUIRE_FALSE(pongs.empty());
  CHECK(pongs.size() <= 100);
  for (const auto& pong : pongs) {
    CHECK(pong.payload.empty());
    CHECK_FALSE(pong.round_trip_time);
  }
}

TEST_CASE("each heartbeat Ping's Pong fires a pong event with its round-trip time", "[native][pong]") {
  Options options;
  options.ping_interval = 50ms;
  options.pong_timeout = 5s;
  std::vector<Pong> pongs;
  const auto out = hostile::play({"/pong-only", options, {}, record_pongs(pongs, 3)});
  CHECK(out.events == std::vector<std::string>{"open", "close"});
  REQUIRE(pongs.size() == 3);
  for (const auto& pong : pongs) {
    CHECK(pong.payload.empty());
    REQUIRE(pong.round_trip_time);
    CHECK(*pong.round_trip_time > 0ns);
    CHECK(*pong.round_trip_time < 5s);
  }
}

}  // namespace duplex::test
