// duplex::WebSocketStream on the FakeBackend: opened / read / write / closed /
// close / abort, backpressure, failures as WebSocketError, the callback
// primitives, and what destroying a stream does to a coroutine suspended on it.

#include "duplex/websocket_stream.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "duplex/errc.hpp"
#include "duplex/task.hpp"
#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::Message;
using duplex::ReadyState;
using duplex::Task;
using duplex::WebSocketCloseInfo;
using duplex::WebSocketError;
using duplex::WebSocketStream;
using duplex::WebSocketStreamOptions;
using duplex::test::FakeBackend;
using Strings = std::vector<std::string>;

namespace {

// "text:<payload>" / "binary:<payload>" / "end".
std::string show(const std::optional<Message>& m) {
  if (!m) return "end";
  return (m->kind == Message::Kind::text ? "text:" : "binary:") + m->payload;
}

// What an exception_ptr holds: "<name>" for a duplex::Error, "WebSocketError
// <code> <reason> <errc>" for a WebSocketError.
std::string describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const WebSocketError& e) {
    return "WebSocketError " + std::to_string(e.close_code().value_or(0)) + " " + e.reason() + " " +
           e.error().message();
  } catch (const duplex::Error& e) {
    return e.name();
  }
}

// Runs `body` as a spawned task, recording "threw: ..." if it throws.
template <class Body>
void spawn_recording(FakeBackend& backend, Strings& log, Body body) {
  duplex::spawn(backend, [](Strings& out, Body f) -> Task<void> {
    try {
      co_await f(out);
    } catch (...) {
      out.push_back("threw: " + describe(std::current_exception()));
    }
  }(log, std::move(body)));
}

WebSocketStream open_stream(FakeBackend& backend, WebSocketStreamOptions options = {}) {
  WebSocketStream ws(backend, "ws://h/", std::move(options));
  backend.transport()->open();
  backend.run_all();
  REQUIRE(ws.ready_state() == ReadyState::OPEN);
  return ws;
}

}  // namespace

TEST_CASE("opened() resumes from the loop once open, with protocol and extensions", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws(backend, "ws://h/", {{"chat"}, {}, 1 << 20});
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    auto info = co_await ws.opened();
    out.push_back("open " + info.protocol + " " + info.extensions);
  });
  backend.run_all();
  CHECK(log.empty());  // still CONNECTING: suspended
  CHECK(backend.requests.at(0).protocols == Strings{"chat"});
  backend.transport()->open("chat", "permessage-deflate");
  CHECK(log.empty());  // the fact is queued, not delivered inside the transport's call
  backend.run_all();
  CHECK(log == Strings{"open chat permessage-deflate"});
  // Once open, opened() completes without suspending.
  bool ready = ws.opened().await_ready();
  CHECK(ready);
}

TEST_CASE("read() gives messages in order, then nullopt once the server closed", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  Strings log;
  backend.transport()->text("one");  // queued before anyone reads
  backend.run_all();
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    while (auto m = co_await ws.read()) out.push_back(show(m));
    out.push_back("end");
    auto info = co_await ws.closed();
    out.push_back("closed " + std::to_string(info.close_code.value_or(0)) + " " + info.reason);
  });
  backend.run_all();
  CHECK(log == Strings{"text:one"});  // then suspended on the next read
  backend.transport()->binary(std::string("\0\1", 2));
  backend.transport()->text("");
  backend.run_all();
  CHECK(log == Strings{"text:one", "binary:" + std::string("\0\1", 2), "text:"});
  backend.transport()->closing();
  backend.transport()->closed(true, 4001, "bye");
  backend.run_all();
  CHECK(log == Strings{"text:one", "binary:" + std::string("\0\1", 2), "text:", "end", "closed 4001 bye"});
  // After the end, read() keeps giving nullopt.
  std::optional<Message> after{Message{}};
  auto read = ws.read();
  CHECK(read.await_ready());
  after = read.await_resume();
  CHECK_FALSE(after.has_value());
}

TEST_CASE("a message listener on websocket() still gets its events, and the stream reads each message whole",
          "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  Strings heard;
  auto id = ws.websocket().add_event_listener("message", [&](const duplex::MessageEvent& e) {
    heard.push_back(e.is_text() ? "text:" + e.text() : "binary");
  });
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    for (int i = 0; i < 4; ++i) out.push_back(show(co_await ws.read()));
  });
  backend.run_all();
  backend.transport()->text("one");  // a read waits: handed to it directly
  backend.run_all();
  backend.transport()->binary(std::string("\0\1", 2));  // two at once: the second waits in the inbox
  backend.transport()->text("two");
  backend.run_all();
  CHECK(heard == Strings{"text:one", "binary", "text:two"});
  ws.websocket().remove_event_listener("message", id);
  backend.transport()->text("three");
  backend.run_all();
  CHECK(heard.size() == 3);
  CHECK(log == Strings{"text:one", "binary:" + std::string("\0\1", 2), "text:two", "text:three"});
}

TEST_CASE("messages received before the close are read before the end of stream", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  backend.transport()->text("a");
  backend.transport()->text("b");
  backend.transport()->closed(true, 1000, "");
  backend.run_all();
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    while (auto m = co_await ws.read()) out.push_back(show(m));
    out.push_back("end");
  });
  backend.run_all();
  CHECK(log == Strings{"text:a", "text:b", "end"});
}

TEST_CASE("a second concurrent read() throws InvalidStateError", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> { out.push_back(show(co_await ws.read())); });
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> { out.push_back(show(co_await ws.read())); });
  backend.run_all();
  CHECK(log == Strings{"threw: InvalidStateError"});
  backend.transport()->text("x");
  backend.run_all();
  CHECK(log == Strings{"threw: InvalidStateError", "text:x"});
}

TEST_CASE("write() sends at once and completes without suspending while under the limit", "[stream][backpressure]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend, {{}, {}, 10});
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    co_await ws.write("12345678");  // 8 <= 10
    out.push_back("wrote 1 at " + std::to_string(ws.buffered_amount()));
    co_await ws.write(std::as_bytes(std::span("abcdefgh", 8)));  // 16 > 10: waits
    out.push_back("wrote 2 at " + std::to_string(ws.buffered_amount()));
  });
  backend.run_all();
  CHECK(log == Strings{"wrote 1 at 8"});
  REQUIRE(backend.log->sent.size() == 2);  // both sent at once
  CHECK(backend.log->sent[0].kind == Message::Kind::text);
  CHECK(backend.log->sent[1].kind == Message::Kind::binary);
  CHECK(backend.log->sent[1].payload == "abcdefgh");
  backend.transport()->flushed(5);  // 11: still above
  backend.run_all();
  CHECK(log.size() == 1);
  backend.transport()->flushed(1);  // 10: bufferedamountlow
  backend.run_all();
  CHECK(log == Strings{"wrote 1 at 8", "wrote 2 at 10"});
}

TEST_CASE("a producer looping on write() holds about the limit plus one message", "[stream][backpressure]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend, {{}, {}, 100});
  int written = 0;
  std::uint64_t peak = 0;
  Strings log;
  spawn_recording(backend, log, [&](Strings&) -> Task<void> {
    for (; written < 50; ++written) {
      co_await ws.write(std::string(30, 'x'));
      peak = std::max(peak, ws.buffered_amount());
    }
  });
  backend.run_all();
  CHECK(written == 3);  // 30, 60, 90 <= 100 done; the 4th is sent (120) and waits
  CHECK(ws.buffered_amount() == 120);
  while (written < 50) {
    backend.transport()->flushed(30);
    backend.run_all();
  }
  CHECK(log.empty());
  CHECK(peak <= 100);
  CHECK(backend.log->sent.size() == 50);
}

TEST_CASE("write() takes the spellings WebSocket::send() takes", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    const std::string_view view = "view";
    const std::uint8_t octets[] = {0, 1, 2};
    co_await ws.write(view);
    co_await ws.write("literal");
    co_await ws.write(std::string("string"));
    co_await ws.write(std::span<const std::uint8_t>(octets));
    co_await ws.write(std::as_bytes(std::span(octets)));
    out.push_back("wrote 5");
  });
  backend.run_all();
  CHECK(log == Strings{"wrote 5"});
  Strings sent;
  for (const auto& m : backend.log->sent) sent.push_back(show(m));
  const std::string octets("\0\1\2", 3);
  CHECK(sent == Strings{"text:view", "text:literal", "text:string", "binary:" + octets, "binary:" + octets});
}

TEST_CASE("write() while CONNECTING waits for open, then sends in call order", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws(backend, "ws://h/");
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    co_await ws.write("first");
    out.push_back("first done");
  });
  backend.run_all();  // the task runs: its write waits for open
  ws.when_written(Message{Message::Kind::text, "second"}, [&](std::exception_ptr e) {
    log.push_back(e ? "second failed" : "second done");
  });
  backend.run_all();
  CHECK(backend.log->sent.empty());
  CHECK(log.empty());
  backend.transport()->open();
  backend.run_all();
  REQUIRE(backend.log->sent.size() == 2);
  CHECK(backend.log->sent[0].payload == "first");
  CHECK(backend.log->sent[1].payload == "second");
  CHECK(log == Strings{"first done", "second done"});
}

TEST_CASE("close() closes with code and reason, and write() after it throws InvalidStateError", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  CHECK_THROWS_AS(ws.close({1001, ""}), duplex::Error);  // the API's close codes: 1000, 3000-4999
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    ws.close({4000, "done"});
    try {
      co_await ws.write("late");
    } catch (const duplex::Error& e) {
      out.push_back(e.name());
    }
    auto end = co_await ws.read();
    out.push_back(show(end));
    auto info = co_await ws.closed();
    out.push_back("closed " + std::to_string(*info.close_code) + " " + info.reason);
  });
  backend.run_all();
  CHECK(log == Strings{"InvalidStateError"});
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == std::optional<std::uint16_t>(4000));
  CHECK(backend.log->closes[0].second == "done");
  backend.transport()->closed(true, 4000, "done");
  backend.run_all();
  CHECK(log == Strings{"InvalidStateError", "end", "closed 4000 done"});
}

TEST_CASE("the constructor, close() and write() throw WebSocket's own errors, before anything is sent",
          "[stream][validation]") {
  FakeBackend backend;
  // WHATWG § new WebSocket(url, protocols): the same URL and protocol checks.
  CHECK(duplex::test::thrown([&] { WebSocketStream(backend, "ftp://h/"); }) == "SyntaxError");
  CHECK(duplex::test::thrown([&] { WebSocketStream(backend, "ws://h/#x"); }) == "SyntaxError");
  CHECK(duplex::test::thrown([&] { WebSocketStream(backend, "ws://h/", {{"chat", "Chat"}}); }) == "SyntaxError");
  CHECK(duplex::test::thrown([&] { WebSocketStream(backend, "ws://h/", {{"a b"}}); }) == "SyntaxError");
  CHECK(backend.requests.empty());  // nothing was connected

  WebSocketStream ws = open_stream(backend);
  // WHATWG § close(): the code first (1000 or 3000-4999), then the reason (at
  // most 123 bytes of UTF-8).
  CHECK(duplex::test::thrown([&] { ws.close({999, ""}); }) == "InvalidAccessError");
  CHECK(duplex::test::thrown([&] { ws.close({1001, ""}); }) == "InvalidAccessError");
  CHECK(duplex::test::thrown([&] { ws.close({1000, std::string(124, 'a')}); }) == "SyntaxError");
  CHECK(duplex::test::thrown([&] { ws.close({1000, "\xFF"}); }) == "SyntaxError");
  CHECK(duplex::test::thrown([&] { ws.close({999, std::string(200, 'a')}); }) == "InvalidAccessError");
  CHECK(backend.log->closes.empty());
  CHECK(ws.ready_state() == ReadyState::OPEN);

  // WHATWG § send(): text that is not UTF-8 (here: a lone continuation byte).
  Strings log;
  spawn_recording(backend, log, [&](Strings&) -> Task<void> { co_await ws.write(std::string("\x80")); });
  backend.run_all();
  CHECK(log == Strings{"threw: SyntaxError"});
  CHECK(backend.log->sent.empty());
}

TEST_CASE("a failure throws WebSocketError with close code, reason and error from every await", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws(backend, "ws://h/");
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    co_await ws.opened();
    out.push_back("opened?");
  });
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    co_await ws.closed();
    out.push_back("closed?");
  });
  backend.run_all();
  backend.transport()->failed(duplex::Failure(duplex::errc::connection_refused, "refused"));
  backend.run_all();
  const std::string expected =
      "threw: WebSocketError 1006  " + std::error_code(duplex::errc::connection_refused).message();
  CHECK(log == Strings{expected, expected});
  // Later awaits throw the same, and the message is the error event's.
  try {
    auto read = ws.read();
    REQUIRE(read.await_ready());
    (void)read.await_resume();
    FAIL("read() did not throw");
  } catch (const WebSocketError& e) {
    CHECK(e.name() == "WebSocketError");
    CHECK(std::string(e.what()) == "WebSocketError: refused");
    CHECK(e.error() == duplex::errc::connection_refused);
    CHECK(e.close_code() == std::optional<std::uint16_t>(1006));
  }
}

TEST_CASE("an unclean close after open fails reads and closed() with its cause", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  Strings log;
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    while (auto m = co_await ws.read()) out.push_back(show(m));
  });
  backend.transport()->text("last");
  backend.run_all();
  backend.transport()->closed(false, 1006, "");
  backend.run_all();
  REQUIRE(log.size() == 2);
  CHECK(log[0] == "text:last");
  CHECK(log[1].rfind("threw: WebSocketError 1006", 0) == 0);
}

TEST_CASE("abort() while CONNECTING fails opened() and closed() with AbortError", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws(backend, "ws://h/");
  Strings log;
  spawn_recording(backend, log, [&](Strings&) -> Task<void> { co_await ws.opened(); });
  spawn_recording(backend, log, [&](Strings&) -> Task<void> { co_await ws.closed(); });
  backend.run_all();
  ws.abort();
  CHECK(log.empty());  // never inside the call
  CHECK(backend.log->closes.empty());
  CHECK(backend.log->aborts == 1);  // WebSocket::close() while CONNECTING fails the connection
  backend.run_all();
  CHECK(log == Strings{"threw: AbortError", "threw: AbortError"});
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("abort() after open does nothing", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  ws.abort();
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::OPEN);
  CHECK(backend.log->aborts == 0);
  CHECK(backend.log->closes.empty());
}

TEST_CASE("when_* callbacks run once, on the loop, never inside the call", "[stream][callbacks]") {
  FakeBackend backend;
  WebSocketStream ws = open_stream(backend);
  Strings log;
  ws.when_opened([&](std::exception_ptr e, duplex::WebSocketOpenInfo) { log.push_back(e ? "open failed" : "open"); });
  ws.when_written(Message{Message::Kind::binary, "b"}, [&](std::exception_ptr e) { log.push_back(e ? "?" : "w"); });
  CHECK(log.empty());  // results already there, but delivered from the loop
  backend.run_all();
  CHECK(log == Strings{"open", "w"});
  ws.when_read([&](std::exception_ptr, std::optional<Message> m) { log.push_back(show(m)); });
  ws.when_closed([&](std::exception_ptr, WebSocketCloseInfo info) { log.push_back("closed " + info.reason); });
  backend.transport()->text("t");
  backend.transport()->closed(true, 1000, "ok");
  backend.run_all();
  CHECK(log == Strings{"open", "w", "text:t", "closed ok"});
}

TEST_CASE("a pending await survives the stream being moved", "[stream][lifetime]") {
  FakeBackend backend;
  auto ws = std::make_unique<WebSocketStream>(backend, "ws://h/");
  Strings log;
  WebSocketStream* current = ws.get();
  spawn_recording(backend, log, [&](Strings& out) -> Task<void> {
    auto info = co_await current->opened();
    out.push_back("open " + info.protocol);
  });
  backend.run_all();
  WebSocketStream moved = std::move(*ws);
  ws.reset();  // the moved-from stream is gone
  current = &moved;
  backend.transport()->open("p");
  backend.run_all();
  CHECK(log == Strings{"open p"});
  CHECK(moved.ready_state() == ReadyState::OPEN);
}

TEST_CASE("destroying a stream a spawned task awaits: never resumed, its frame freed from the loop",
          "[stream][lifetime]") {
  FakeBackend backend;
  auto ws = std::make_unique<WebSocketStream>(backend, "ws://h/");
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  bool resumed = false;
  duplex::spawn(backend, [](WebSocketStream& s, std::shared_ptr<int> held, bool& flag) -> Task<void> {
    (void)held;  // kept alive by the frame
    // A nested task: the whole spawned chain is freed, not only its root.
    co_await [](WebSocketStream& s2, bool& f2) -> Task<void> {
      (void)co_await s2.read();
      f2 = true;
    }(s, flag);
    flag = true;
  }(*ws, std::move(token), resumed));
  backend.run_all();
  CHECK_FALSE(watch.expired());  // suspended on read()
  ws.reset();
  CHECK_FALSE(watch.expired());  // not inside the destructor
  backend.run_all();
  CHECK_FALSE(resumed);
  CHECK(watch.expired());
}

// A coroutine started at once that owns the Task it awaits; destroying its
// handle destroys that Task's frame while it is suspended.
struct Holder {
  struct promise_type {
    Holder get_return_object() { return {duplex::coro::coroutine_handle<promise_type>::from_promise(*this)}; }
    duplex::coro::suspend_never initial_suspend() noexcept { return {}; }
    duplex::coro::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
  duplex::coro::coroutine_handle<promise_type> handle;
};

Holder hold(Task<void> task) { co_await std::move(task); }

TEST_CASE("destroying the Task that owns a suspended await unregisters it", "[stream][lifetime]") {
  FakeBackend backend;
  WebSocketStream ws(backend, "ws://h/");
  bool resumed = false;
  Holder holder = hold([](WebSocketStream& s, bool& flag) -> Task<void> {
    (void)co_await s.opened();
    flag = true;
  }(ws, resumed));
  backend.run_all();
  CHECK_FALSE(holder.handle.done());  // suspended on opened()
  holder.handle.destroy();            // destroys the Task, and its frame with the await
  backend.transport()->open();
  backend.run_all();  // the open finds no await to resume
  CHECK_FALSE(resumed);
  CHECK(ws.ready_state() == ReadyState::OPEN);
  // A new await still works.
  CHECK(ws.opened().await_ready());
}

TEST_CASE("close() while CONNECTING fails the awaits with WebSocketError aborted", "[stream]") {
  FakeBackend backend;
  WebSocketStream ws(backend, "ws://h/");
  Strings log;
  spawn_recording(backend, log, [&](Strings&) -> Task<void> { co_await ws.opened(); });
  backend.run_all();
  ws.close();
  backend.run_all();
  CHECK(log == Strings{"threw: WebSocketError 1006  " + std::error_code(duplex::errc::aborted).message()});
}

TEST_CASE("an awaitable made before its stream was destroyed throws InvalidStateError", "[stream][lifetime]") {
  FakeBackend backend;
  auto ws = std::make_unique<WebSocketStream>(backend, "ws://h/");
  auto read = ws->read();
  ws.reset();
  CHECK(read.await_ready());
  CHECK_THROWS_WITH(read.await_resume(), Catch::Contains("InvalidStateError"));
  WebSocketStream moved_from = WebSocketStream(backend, "ws://h/");
  WebSocketStream target = std::move(moved_from);
  CHECK(moved_from.ready_state() == ReadyState::CLOSED);
  CHECK(moved_from.url().empty());
  CHECK_THROWS_AS(moved_from.close(), duplex::Error);
  moved_from.abort();  // nothing to cancel
  auto opened = moved_from.opened();
  CHECK(opened.await_ready());
  CHECK_THROWS_WITH(opened.await_resume(), Catch::Contains("InvalidStateError"));
}
