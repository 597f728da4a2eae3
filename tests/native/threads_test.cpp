// Threads natively: the hand-off (duplex::Sender) from producer threads to a
// socket whose io_context runs on another thread, against npm ws; and the
// wrong-thread check (WebSocket, WebSocketStream, ReconnectingWebSocket). Run under ThreadSanitizer by the tsan preset.

#include "duplex/sender.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <duplex/duplex.hpp>

#include "duplex/native/asio_backend.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using namespace std::chrono_literals;

constexpr int producers = 4;
constexpr int per_producer = 25'000;

// The name of the duplex::Error `f` throws, or "no error".
template <class F>
std::string thrown(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.name();
  }
  return "no error";
}

// Runs `io` until `done` or the deadline; true if `done`.
template <class Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::seconds deadline = 20s) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!done() && std::chrono::steady_clock::now() < end) io.run_one_for(100ms);
  return done();
}

}  // namespace

TEST_CASE("4 threads hand 100000 sends to one socket and each thread's arrive in order", "[native][threads]") {
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  WebSocket ws(backend, peer.url("/"));

  // Everything below is touched on the loop thread only, then read here
  // after it has been joined.
  std::array<int, producers> next{};  // the index expected next from each producer
  int received = 0;
  int out_of_order = 0;
  int not_ours = 0;
  std::vector<std::string> errors;
  bool clean_close = false;

  ws.onmessage([&](const MessageEvent& e) {
    // "t<k>-<i>"
    const std::string& text = e.text();
    const auto dash = text.find('-');
    if (text.size() < 4 || text[0] != 't' || dash == std::string::npos) {
      ++not_ours;
      return;
    }
    const int k = std::stoi(text.substr(1, dash - 1));
    const int i = std::stoi(text.substr(dash + 1));
    if (k < 0 || k >= producers) {
      ++not_ours;
      return;
    }
    if (i != next[k]) ++out_of_order;
    next[k] = i + 1;
    if (++received == producers * per_producer) ws.close(1000, "all echoed");
  });
  ws.onclose([&](const CloseEvent& e) { clean_close = e.was_clean() && e.code() == 1000; });
  Sender sender = ws.sender([&](const Error& e) { errors.push_back(e.name()); });

  // The loop runs on its own thread from here on; this thread no longer
  // touches the socket until it has been joined.
  std::thread loop([&io] { io.run_for(120s); });
  // The producers start at once: their first sends reach the loop while the
  // socket is still CONNECTING and wait for open (sender.hpp).
  std::vector<std::thread> threads;
  std::atomic<int> refused{0};
  for (int k = 0; k < producers; ++k) {
    threads.emplace_back([sender, k, &refused] {
      for (int i = 0; i < per_producer; ++i) {
        if (!sender.send("t" + std::to_string(k) + "-" + std::to_string(i))) refused.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  loop.join();

  CHECK(refused.load() == 0);  // the socket existed throughout
  CHECK(errors.empty());
  CHECK(not_ours == 0);
  CHECK(out_of_order == 0);
  CHECK(received == producers * per_producer);
  for (int k = 0; k < producers; ++k) CHECK(next[k] == per_producer);
  CHECK(clean_close);
  CHECK(io.stopped());  // returned because nothing was left, not on the deadline
}

TEST_CASE("Senders on other threads stop cleanly when the loop destroys the socket", "[native][threads][nowine]") {
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  auto ws = std::make_unique<WebSocket>(backend, peer.url("/"));
  int echoed = 0;
  ws->onmessage([&](const MessageEvent&) {
    if (++echoed == 1000) ws.reset();  // on the loop, inside its own handler
  });
  Sender sender = ws->sender();
  std::thread loop([&io] { io.run_for(120s); });
  // Each producer sends until refused (paced: about 100 per millisecond),
  // giving up after `cap` so that a Sender that is never refused fails the
  // test instead of hanging it.
  constexpr int cap = 2'000'000;
  std::array<int, producers> accepted{};
  std::array<bool, producers> saw_refusal{};
  std::vector<std::thread> threads;
  for (int k = 0; k < producers; ++k) {
    threads.emplace_back([sender, k, &accepted, &saw_refusal] {
      for (int i = 0; i < cap; ++i) {
        if (!sender.send("x")) {
          saw_refusal[k] = true;
          return;
        }
        ++accepted[k];
        if (i % 100 == 99) std::this_thread::sleep_for(1ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  loop.join();
  CHECK(echoed == 1000);  // no event after the socket was destroyed
  CHECK(ws == nullptr);
  CHECK(sender.expired());
  CHECK_FALSE(sender.send("after"));
  CHECK(io.stopped());
  int total = 0;
  for (int k = 0; k < producers; ++k) total += accepted[k];
  CHECK(total >= 1000);  // the 1000 echoed were accepted
  // Every producer was refused once the socket was gone.
  for (int k = 0; k < producers; ++k) CHECK(saw_refusal[k]);
}

TEST_CASE("a socket's members throw WrongThreadError off its loop's thread", "[native][threads]") {
  // The test suite's presets build core with the check (DUPLEX_THREAD_CHECKS=ON
  // where NDEBUG is defined): without it this test would prove nothing.
  REQUIRE(thread_checks_enabled());
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io);

  // Setup before the loop has run is allowed on any thread: here another one.
  std::unique_ptr<WebSocket> ws;
  std::vector<std::string> echoes;
  bool opened = false;
  std::thread setup([&] {
    ws = std::make_unique<WebSocket>(backend, peer.url("/"));
    ws->onopen([&](const Event&) { opened = true; });
    ws->onmessage([&](const MessageEvent& e) { echoes.push_back(e.text()); });
    ws->add_event_listener("close", [](const Event&) {});
  });
  setup.join();

  // The loop runs on this thread and delivers `open`: this thread is the socket's.
  REQUIRE(run_until(io, [&] { return opened; }));

  std::vector<std::string> names;
  std::string message;
  std::thread other([&] {
    names.push_back(thrown([&] { ws->send("from the wrong thread"); }));
    names.push_back(thrown([&] { ws->close(1000); }));
    names.push_back(thrown([&] { ws->ping(); }));
    names.push_back(thrown([&] { ws->onmessage([](const MessageEvent&) {}); }));
    names.push_back(thrown([&] { (void)ws->onmessage(); }));
    names.push_back(thrown([&] { ws->add_event_listener("message", [](const Event&) {}); }));
    names.push_back(thrown([&] { ws->remove_event_listener("message", 1); }));
    names.push_back(thrown([&] { (void)ws->sender(); }));
    try {
      ws->send("again");
    } catch (const Error& e) {
      message = e.what();
    }
    // The noexcept getters are not checked (and only read).
    names.push_back(ws->url().empty() ? "empty url" : "url");
  });
  other.join();
  CHECK(names == std::vector<std::string>{"WrongThreadError", "WrongThreadError", "WrongThreadError",
                                          "WrongThreadError", "WrongThreadError", "WrongThreadError",
                                          "WrongThreadError", "WrongThreadError", "url"});
  CHECK(message ==
        "WrongThreadError: WebSocket::send called from a thread that is not its loop's; hand work over with "
        "sender() or Backend::post");

  // Nothing reached the socket: on its own thread it still works.
  ws->send("on the loop's thread");
  REQUIRE(run_until(io, [&] { return !echoes.empty(); }));
  CHECK(echoes == std::vector<std::string>{"on the loop's thread"});
  ws->close(1000);
  REQUIRE(run_until(io, [&] { return ws->ready_state() == ReadyState::CLOSED; }));
}

TEST_CASE("a WebSocketStream's members throw WrongThreadError off its loop's thread",
          "[native][threads][stream]") {
  REQUIRE(thread_checks_enabled());
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  WebSocketStream stream(backend, peer.url("/"));
  bool opened = false;
  stream.when_opened([&](std::exception_ptr error, WebSocketOpenInfo) { opened = !error; });
  REQUIRE(run_until(io, [&] { return opened; }));  // the loop has delivered on this thread

  std::vector<std::string> names;
  std::thread other([&] {
    names.push_back(thrown([&] { stream.close({1000, "wrong thread"}); }));
    names.push_back(thrown([&] { (void)stream.sender(); }));
    names.push_back(thrown([&] { stream.websocket().send("x"); }));
    names.push_back(thrown([&] { (void)stream.opened(); }));
    names.push_back(thrown([&] { (void)stream.read(); }));
    names.push_back(thrown([&] { (void)stream.write("x"); }));
    names.push_back(thrown([&] { (void)stream.closed(); }));
    names.push_back(thrown([&] { stream.when_read([](std::exception_ptr, std::optional<duplex::Message>) {}); }));
    names.push_back(thrown([&] { stream.abort(); }));
  });
  other.join();
  CHECK(names == std::vector<std::string>(9, "WrongThreadError"));

  // Nothing reached the socket: on its own thread it still closes as asked.
  CHECK(stream.ready_state() == ReadyState::OPEN);
  std::optional<WebSocketCloseInfo> closed;
  stream.close({1000, "loop thread"});
  stream.when_closed([&](std::exception_ptr error, WebSocketCloseInfo info) {
    if (!error) closed = info;
  });
  REQUIRE(run_until(io, [&] { return closed.has_value(); }));
  CHECK(closed->close_code == std::optional<std::uint16_t>(1000));
  CHECK(closed->reason == "loop thread");
}

TEST_CASE("a ReconnectingWebSocket's members throw WrongThreadError off its loop's thread", "[native][threads]") {
  REQUIRE(thread_checks_enabled());
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  ReconnectingWebSocket ws(backend, peer.url("/"));
  bool opened = false;
  ws.onopen([&](const ReconnectEvent&) { opened = true; });
  REQUIRE(run_until(io, [&] { return opened; }));
  std::string send_name;
  std::string close_name;
  std::thread other([&] {
    send_name = thrown([&] { ws.send("x"); });
    close_name = thrown([&] { ws.close(); });
  });
  other.join();
  CHECK(send_name == "WrongThreadError");
  CHECK(close_name == "WrongThreadError");
  ws.close(1000);  // on the loop's thread: allowed
  REQUIRE(run_until(io, [&] { return ws.ready_state() == ReadyState::CLOSED; }));
}

}  // namespace duplex::test
