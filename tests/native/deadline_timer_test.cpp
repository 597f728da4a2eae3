// DeadlineTimer: the timeouts of an io_context on one shared Asio timer.

#include "deadline_timer.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace duplex::native {
namespace {
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

TEST_CASE("a deadline timer calls back once its time has passed, not before", "[deadline_timer]") {
  boost::asio::io_context io;
  DeadlineTimer timer(io);
  const auto started = clock::now();
  std::optional<clock::duration> fired_after;
  int calls = 0;
  timer.start(60ms, [&] {
    fired_after = clock::now() - started;
    ++calls;
  });
  CHECK(timer.pending());
  io.run();  // returns once nothing is left to wait for
  REQUIRE(fired_after);
  CHECK(*fired_after >= 60ms);
  CHECK(*fired_after < 2s);
  CHECK(calls == 1);
  CHECK_FALSE(timer.pending());
}

TEST_CASE("a cancelled deadline timer never calls back", "[deadline_timer]") {
  boost::asio::io_context io;
  DeadlineTimer timer(io);
  bool fired = false;
  timer.start(20ms, [&] { fired = true; });
  timer.cancel();
  CHECK_FALSE(timer.pending());
  timer.cancel();  // twice is harmless
  io.run_for(100ms);
  CHECK_FALSE(fired);
}

TEST_CASE("io_context::run() returns once no deadline is left", "[deadline_timer]") {
  // The shared Asio timer, still armed for the cancelled hour, is let go.
  boost::asio::io_context io;
  DeadlineTimer timer(io);
  bool fired = false;
  timer.start(1h, [&] { fired = true; });
  boost::asio::post(io, [&] { timer.cancel(); });
  const auto started = clock::now();
  io.run();
  CHECK(clock::now() - started < 1s);
  CHECK_FALSE(fired);
}

TEST_CASE("starting a deadline timer again replaces its deadline and callback", "[deadline_timer]") {
  boost::asio::io_context io;
  DeadlineTimer timer(io);
  std::vector<std::string> calls;
  timer.start(20ms, [&] { calls.push_back("first"); });
  timer.start(40ms, [&] { calls.push_back("second"); });
  io.run_for(200ms);
  CHECK(calls == std::vector<std::string>{"second"});
}

TEST_CASE("deadline timers fire in deadline order, whatever order they were started in", "[deadline_timer]") {
  boost::asio::io_context io;
  DeadlineTimer late(io), early(io), middle(io);
  std::vector<std::string> calls;
  const auto started = clock::now();
  std::optional<clock::duration> early_after;
  late.start(120ms, [&] { calls.push_back("late"); });
  early.start(20ms, [&] {
    early_after = clock::now() - started;
    calls.push_back("early");
  });
  middle.start(60ms, [&] { calls.push_back("middle"); });
  io.run();
  CHECK(calls == std::vector<std::string>{"early", "middle", "late"});
  REQUIRE(early_after);
  CHECK(*early_after < 110ms);  // on its own time, not the later one's
}

TEST_CASE("deadline timers of one duration fire in the order they started, minus those cancelled", "[deadline_timer]") {
  // Each duration is a lane, in start order; cancelling unlinks from the
  // front, the middle or the end, and an emptied lane makes room for others.
  boost::asio::io_context io;
  std::vector<std::unique_ptr<DeadlineTimer>> timers;
  std::vector<int> calls;
  for (int i = 0; i < 8; ++i) {
    timers.push_back(std::make_unique<DeadlineTimer>(io));
    // Two durations, interleaved: 0, 2, 4, 6 wait 30 ms; 1, 3, 5, 7 wait 10 ms.
    timers.back()->start(i % 2 == 0 ? 30ms : 10ms, [&calls, i] { calls.push_back(i); });
  }
  timers[0]->cancel();  // first of its lane
  timers[3]->cancel();  // middle
  timers[7]->cancel();  // last
  timers[6]->cancel();  // the new last
  timers[1]->start(20ms, [&calls] { calls.push_back(100); });  // started again: a third lane
  io.run();
  CHECK(calls == std::vector<int>{5, 100, 2, 4});
  for (const auto& timer : timers) CHECK_FALSE(timer->pending());
}

TEST_CASE("a lane emptied by cancelling is used again by its duration", "[deadline_timer]") {
  boost::asio::io_context io;
  DeadlineTimer a(io), b(io), c(io);
  std::vector<std::string> calls;
  a.start(40ms, [&] { calls.push_back("a"); });
  b.start(10ms, [&] { calls.push_back("b"); });
  a.cancel();  // the 40 ms lane empties; the 10 ms lane takes its place
  c.start(40ms, [&] { calls.push_back("c"); });
  a.start(40ms, [&] { calls.push_back("a"); });
  io.run();
  CHECK(calls == std::vector<std::string>{"b", "c", "a"});
}

TEST_CASE("cancelling the earliest deadline leaves the later ones on time", "[deadline_timer]") {
  // The shared timer stays armed for the cancelled deadline, wakes for
  // nothing, then arms itself for the next.
  boost::asio::io_context io;
  DeadlineTimer first(io), second(io);
  bool first_fired = false, second_fired = false;
  first.start(20ms, [&] { first_fired = true; });
  second.start(60ms, [&] { second_fired = true; });
  first.cancel();
  io.run();
  CHECK_FALSE(first_fired);
  CHECK(second_fired);
}

TEST_CASE("a deadline timer's callback may start timers and destroy its own", "[deadline_timer]") {
  boost::asio::io_context io;
  auto owned = std::make_unique<DeadlineTimer>(io);
  DeadlineTimer next(io);
  bool next_fired = false;
  owned->start(10ms, [&] {
    owned.reset();
    next.start(10ms, [&] { next_fired = true; });
  });
  io.run();
  CHECK(owned == nullptr);
  CHECK(next_fired);
}

TEST_CASE("a deadline timer's owner may be kept alive by its callback alone", "[deadline_timer]") {
  // What sessions do: the callback holds the last reference to the object
  // that owns the timer; cancelling must not touch the destroyed timer.
  struct Owner {
    explicit Owner(boost::asio::io_context& io) : timer(io) {}
    DeadlineTimer timer;
  };
  boost::asio::io_context io;
  auto owner = std::make_shared<Owner>(io);
  std::weak_ptr<Owner> watch = owner;
  owner->timer.start(1h, [keep = owner] {});
  Owner* raw = owner.get();
  owner.reset();
  REQUIRE_FALSE(watch.expired());
  raw->timer.cancel();  // drops the callback, and with it the owner
  CHECK(watch.expired());
}

TEST_CASE("a pending deadline timer's callback is destroyed, not run, with its io_context", "[deadline_timer]") {
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  bool fired = false;
  {
    auto io = std::make_unique<boost::asio::io_context>();
    DeadlineTimer timer(*io);
    timer.start(1h, [&fired, token] { fired = true; });
    token.reset();
    io.reset();  // shuts the queue down first
    CHECK_FALSE(timer.pending());
  }
  CHECK(watch.expired());
  CHECK_FALSE(fired);
}

}  // namespace
}  // namespace duplex::native
