// Floods a server can send, at the engine: each costs linear CPU and bounded
// memory, or fails the connection with a defined close code.

#include "duplex/rfc6455/connection.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>

#include "duplex/rfc6455/error.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using namespace duplex::rfc6455::test;
using Chunks = std::vector<std::string_view>;

namespace {

/// `count` frames of `first` with an empty payload.
std::string empty_frames(int first, std::size_t count) {
  std::string out;
  out.reserve(2 * count);
  for (std::size_t i = 0; i < count; ++i) out += server_frame(first, "");
  return out;
}

using clock_type = std::chrono::steady_clock;

/// Seconds `c` takes to receive `input` in `chunk`-byte reads, its output and
/// events taken after every read as a transport takes them.
double feed_in_reads(Connection& c, const std::string& input, std::size_t chunk) {
  const auto start = clock_type::now();
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    c.receive(bytes_of(std::string_view(input).substr(at, chunk)));
    while (c.next_event()) {
    }
    c.output().clear();
  }
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr double slowdown = 20;  // the sanitizer presets build without optimisation
#else
constexpr double slowdown = 1;
#endif

/// A 10× bigger flood must not cost more than 20× (generous for noisy
/// machines and sanitizers, far below the 100× of a quadratic cost); times
/// under 20 ms count as 20 ms, below the noise of a shared machine. And the
/// big one stays under `budget_per_mib` seconds per MiB of input: a cost
/// quadratic within each read is linear across reads, but far slower.
void check_linear(double small_seconds, double big_seconds, std::size_t big_bytes, double budget_per_mib = 2.0) {
  const double mib = static_cast<double>(big_bytes) / (1 << 20);
  INFO("1x: " << small_seconds << " s, 10x: " << big_seconds << " s for " << mib << " MiB");
  CHECK(big_seconds < 20 * std::max(small_seconds, 0.02));
  CHECK(big_seconds < slowdown * budget_per_mib * std::max(mib, 1.0));
}

}  // namespace

TEST_CASE("a few Pings that arrive together are each answered, in order", "[connection][flood]") {
  const std::string input = server_frame(0x89, "one") + server_frame(0x89, "two") + server_frame(0x89, "three");
  for_each_split(input, [](const Chunks& chunks) {
    auto c = run(chunks);
    const auto out = take_output(c);
    REQUIRE(out.size() == 3);
    CHECK(out[0].payload == "one");
    CHECK(out[1].payload == "two");
    CHECK(out[2].payload == "three");
    for (const auto& f : out) CHECK(f.opcode == 0xA);
  });
}

TEST_CASE("§5.5.3: past max_pongs_waiting Pings, the last Pong answers the latest", "[connection][flood]") {
  std::string input;
  for (int i = 0; i < 40; ++i) input += server_frame(0x89, std::to_string(i));
  auto c = run({input});
  const auto out = take_output(c);
  REQUIRE(out.size() == max_pongs_waiting);
  CHECK(out.front().payload == "0");
  CHECK(out.back().payload == "39");
}

TEST_CASE("§5.5.3: Pongs not yet taken make room for the answers to later Pings", "[connection][flood]") {
  Connection c({}, counting_source());
  std::string pings;
  for (std::size_t i = 0; i < max_pongs_waiting; ++i) pings += server_frame(0x89, "old");
  c.receive(bytes_of(pings));
  REQUIRE(c.output().size() == max_pongs_waiting);  // framed, not taken
  c.receive(bytes_of(server_frame(0x89, "new")));
  const auto out = take_output(c);
  REQUIRE(out.size() == max_pongs_waiting);
  CHECK(out.front().payload == "old");
  CHECK(out.back().payload == "new");
}

TEST_CASE("Pongs and our Pings go ahead of data already queued", "[connection][flood]") {
  Connection c({}, counting_source());
  c.send({duplex::Message::Kind::text, std::string(100, 'x')});
  c.ping("ours");
  c.receive(bytes_of(server_frame(0x89, "a") + server_frame(0x89, "b")));
  const auto out = take_output(c);
  REQUIRE(out.size() == 4);
  CHECK(out[0].opcode == 0x9);
  CHECK(out[1].opcode == 0xA);
  CHECK(out[1].payload == "a");
  CHECK(out[2].opcode == 0xA);
  CHECK(out[2].payload == "b");
  CHECK(out[3].opcode == 0x1);
}

TEST_CASE("a million empty Pings in one read cost linear time and leave max_pongs_waiting Pongs",
          "[connection][flood]") {
  const std::string small = empty_frames(0x89, 100'000);
  const std::string big = empty_frames(0x89, 1'000'000);
  Connection c1({}, counting_source());
  Connection c2({}, counting_source());
  const auto start = clock_type::now();
  c1.receive(bytes_of(small));
  const double small_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  const auto big_start = clock_type::now();
  c2.receive(bytes_of(big));
  const double big_seconds = std::chrono::duration<double>(clock_type::now() - big_start).count();
  check_linear(small_seconds, big_seconds, big.size());
  CHECK(c2.state() == Connection::State::open);
  CHECK(take_events(c2).empty());
  const auto out = take_output(c2);
  REQUIRE(out.size() == max_pongs_waiting);
  for (const auto& f : out) CHECK(f.opcode == 0xA);
}

TEST_CASE("Pings in 64 KiB reads, output taken after each, cost linear time and never fail", "[connection][flood]") {
  Connection c1({}, counting_source());
  Connection c2({}, counting_source());
  const double small_seconds = feed_in_reads(c1, empty_frames(0x89, 80'000), 64 * 1024);
  const double big_seconds = feed_in_reads(c2, empty_frames(0x89, 800'000), 64 * 1024);
  check_linear(small_seconds, big_seconds, 2 * 800'000);
  CHECK(c2.state() == Connection::State::open);
}

TEST_CASE("Pings that keep coming while our Pong is not taken fail the connection with 1008", "[connection][flood]") {
  ConnectionConfig config;
  config.max_unanswered_ping_bytes = 900;
  Connection c(config, counting_source());
  const std::string pings = empty_frames(0x89, 100);  // 200 bytes a read
  for (int read = 0; read < 5; ++read) c.receive(bytes_of(pings));
  CHECK(c.state() == Connection::State::open);  // 800 bytes after the first read: within the limit
  c.receive(bytes_of(pings));
  REQUIRE(c.state() == Connection::State::failed);
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);
  CHECK(std::get<event::Failed>(events[0]).error == error::ping_flood);
  // What waits meanwhile is bounded: the Pongs, then our Close 1008.
  const auto out = take_output(c);
  REQUIRE(out.size() == max_pongs_waiting + 1);
  CHECK(out.front().opcode == 0xA);
  CHECK(out.back().opcode == 0x8);
  CHECK(close_code_of(out.back()) == 1008);
}

TEST_CASE("the unanswered-Ping count starts again once our Pong is taken", "[connection][flood]") {
  ConnectionConfig config;
  config.max_unanswered_ping_bytes = 1000;
  Connection c(config, counting_source());
  const std::string pings = empty_frames(0x89, 300);  // 600 bytes a read
  for (int read = 0; read < 50; ++read) {
    c.receive(bytes_of(pings));
    c.receive(bytes_of(pings));  // overdue: 600 bytes counted
    c.output().clear();
  }
  CHECK(c.state() == Connection::State::open);
}

TEST_CASE("our own Pings waiting to be written are bounded", "[connection][flood]") {
  Connection c({}, counting_source());
  for (std::size_t i = 0; i < max_queued_pings; ++i) c.ping(std::to_string(i));
  CHECK_THROWS_AS(c.ping("one more"), std::length_error);
  c.output().clear();
  CHECK_NOTHROW(c.ping("after a write"));
}

TEST_CASE("unsolicited Pongs, empty messages and one-byte fragments cost linear time", "[connection][flood]") {
  const auto pongs = [](std::size_t n) { return empty_frames(0x8A, n); };
  const auto messages = [](std::size_t n) { return empty_frames(0x82, n); };
  const auto fragments = [](std::size_t n) {
    std::string out = server_frame(0x02, "x");
    out.reserve(3 * n + 8);
    for (std::size_t i = 2; i < n; ++i) out += server_frame(0x00, "x");
    return out + server_frame(0x80, "x");
  };
  for (const auto& make :
       {std::function<std::string(std::size_t)>(pongs), std::function<std::string(std::size_t)>(messages),
        std::function<std::string(std::size_t)>(fragments)}) {
    Connection c1({}, counting_source());
    Connection c2({}, counting_source());
    const std::string big = make(500'000);
    const double small_seconds = feed_in_reads(c1, make(50'000), 64 * 1024);
    const double big_seconds = feed_in_reads(c2, big, 64 * 1024);
    check_linear(small_seconds, big_seconds, big.size());
    CHECK(c2.state() == Connection::State::open);
  }
}

TEST_CASE("Close frames after the closing handshake fail the connection once, the rest is not read",
          "[connection][flood]") {
  Connection c({}, counting_source());
  c.close(1000, "");
  c.output().clear();
  const std::string closes = [] {
    std::string out;
    for (int i = 0; i < 200'000; ++i) out += server_frame(0x88, std::string("\x03\xe8", 2));
    return out;
  }();
  for (std::size_t at = 0; at < closes.size(); at += 64 * 1024)
    c.receive(bytes_of(std::string_view(closes).substr(at, 64 * 1024)));
  CHECK(c.state() == Connection::State::failed);  // the second Close is a frame after the server's Close
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);  // one failure, not one per frame
  CHECK(std::get<event::Failed>(events[0]).error == error::frame_after_close);
  CHECK(take_output(c).empty());
}
