// Frames after the server's Close frame (RFC 6455 §5.5.1: a Close frame is the
// last its sender sends): the connection fails, as in browsers, whether the
// frame comes in the same read as the Close or later, after our Close echo
// or after our own Close.

#include "duplex/rfc6455/connection.hpp"

#include <catch2/catch.hpp>

#include "duplex/rfc6455/error.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using namespace duplex::rfc6455::test;
using Chunks = std::vector<std::string_view>;

namespace {

const std::string close_1000 = hex_bytes({0x88, 0x02, 0x03, 0xE8});
const std::string text_late = hex_bytes({0x81, 0x04, 'l', 'a', 't', 'e'});

// The events after PeerStartedClosing must be one Failed(frame_after_close).
void expect_failed_after_close(Connection& c) {
  CHECK(c.state() == Connection::State::failed);
  const auto events = take_events(c);
  REQUIRE(events.size() == 2);
  CHECK(std::get<event::PeerStartedClosing>(events[0]).code == 1000);
  const auto& failed = std::get<event::Failed>(events[1]);
  CHECK(failed.error == error::frame_after_close);
  CHECK(failed.detail.find("after the server's Close frame") != std::string::npos);
}

}  // namespace

TEST_CASE("a text frame after the server's Close fails the connection, our echo is the only Close",
          "[connection][after_close]") {
  for_each_split(close_1000 + text_late, [](const Chunks& chunks) {
    auto c = run(chunks);
    expect_failed_after_close(c);
    const auto out = take_output(c);
    REQUIRE(out.size() == 1);  // the echo, queued when the Close arrived; no second Close with 1002
    CHECK(out[0].opcode == 0x8);
    CHECK(close_code_of(out[0]) == 1000);
  });
}

TEST_CASE("a frame that arrives after our echo was taken fails the connection too", "[connection][after_close]") {
  Connection c({}, counting_source());
  c.receive(bytes_of(close_1000));
  CHECK(take_output(c).size() == 1);
  CHECK(c.state() == Connection::State::closed);
  c.receive(bytes_of(hex_bytes({0x89})));  // half a Ping header: not yet a frame
  CHECK(c.state() == Connection::State::closed);
  c.receive(bytes_of(hex_bytes({0x00})));
  expect_failed_after_close(c);
  CHECK(c.output().empty());
}

TEST_CASE("a frame after the server's Close that answers ours fails the connection", "[connection][after_close]") {
  Connection c({}, counting_source());
  c.close(4000, "done");
  CHECK(take_output(c).size() == 1);
  c.receive(bytes_of(close_1000 + text_late));
  CHECK(c.state() == Connection::State::failed);
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);  // we started closing: no PeerStartedClosing
  CHECK(std::get<event::Failed>(events[0]).error == error::frame_after_close);
  CHECK(c.output().empty());
}

TEST_CASE("EOF right after the server's Close stays clean", "[connection][after_close]") {
  auto c = run({close_1000});
  take_output(c);
  take_events(c);
  c.receive_eof();
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);
  CHECK(std::get<event::Closed>(events[0]).was_clean);
}
