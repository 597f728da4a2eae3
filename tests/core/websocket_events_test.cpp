// Event delivery of duplex::WebSocket: listener order, handler attributes,
// and the socket's lifetime while events are dispatched.
#include "duplex/websocket.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::ArrayBuffer;
using duplex::BinaryType;
using duplex::Blob;
using duplex::CloseEvent;
using duplex::ErrorEvent;
using duplex::Event;
using duplex::MessageEvent;
using duplex::ReadyState;
using duplex::WebSocket;
using duplex::test::FakeBackend;

using duplex::test::open_socket;
using duplex::test::Recorder;
using duplex::test::Strings;
using duplex::test::thrown;

TEST_CASE("listeners run in registration order, handlers keep their place", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings order;
  ws.add_event_listener("message", [&](const Event&) { order.push_back("A"); });
  ws.onmessage([&](const MessageEvent&) { order.push_back("H1"); });
  ws.add_event_listener("message", [&](const Event&) { order.push_back("B"); });
  backend.transport()->text("1");
  backend.run_all();
  CHECK(order == Strings{"A", "H1", "B"});

  order.clear();
  ws.onmessage([&](const MessageEvent&) { order.push_back("H2"); });  // replaced in place
  backend.transport()->text("2");
  backend.run_all();
  CHECK(order == Strings{"A", "H2", "B"});

  order.clear();
  ws.onmessage(nullptr);  // removed
  backend.transport()->text("3");
  backend.run_all();
  CHECK(order == Strings{"A", "B"});

  order.clear();
  ws.onmessage([&](const MessageEvent&) { order.push_back("H3"); });  // set again: appended
  backend.transport()->text("4");
  backend.run_all();
  CHECK(order == Strings{"A", "B", "H3"});
}

TEST_CASE("listeners only receive their own event type", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  Strings seen;
  for (const char* type : {"open", "message", "error", "close", "other"})
    ws.add_event_listener(type, [&seen, type](const Event& e) { seen.push_back(std::string(type) + "=" + e.type()); });
  backend.transport()->open();
  backend.transport()->text("m");
  backend.transport()->failed("f");
  backend.run_all();
  CHECK(seen == Strings{"open=open", "message=message", "error=error", "close=close"});
}

TEST_CASE("listeners removed during dispatch do not run, added ones wait", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings order;
  duplex::ListenerId b = 0;
  std::vector<bool> removed;
  ws.add_event_listener("message", [&](const Event&) {
    order.push_back("A");
    removed.push_back(ws.remove_event_listener("message", b));
    if (removed.size() == 1) ws.add_event_listener("message", [&](const Event&) { order.push_back("C"); });
  });
  b = ws.add_event_listener("message", [&](const Event&) { order.push_back("B"); });
  backend.transport()->text("1");
  backend.run_all();
  CHECK(order == Strings{"A"});
  backend.transport()->text("2");
  backend.run_all();
  CHECK(order == Strings{"A", "A", "C"});
  CHECK(removed == std::vector<bool>{true, false});
}

TEST_CASE("a handler replaced during dispatch runs as replaced", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings order;
  ws.add_event_listener("message", [&](const Event&) {
    order.push_back("A");
    ws.onmessage([&](const MessageEvent&) { order.push_back("H2"); });
  });
  ws.onmessage([&](const MessageEvent&) { order.push_back("H1"); });
  backend.transport()->text("1");
  backend.run_all();
  CHECK(order == Strings{"A", "H2"});
}

TEST_CASE("a handler may replace itself while running", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings order;
  std::string captured = "first";
  ws.onmessage([&, captured](const MessageEvent&) {
    ws.onmessage([&](const MessageEvent&) { order.push_back("second"); });
    order.push_back(captured);  // this closure's captures must still be alive
  });
  backend.transport()->text("1");
  backend.transport()->text("2");
  backend.run_all();
  CHECK(order == Strings{"first", "second"});
}

TEST_CASE("once listeners run once, remove_event_listener", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  int once = 0, always = 0;
  const auto once_id = ws.add_event_listener(
      "message", [&](const Event&) { ++once; }, true);
  const auto id = ws.add_event_listener("message", [&](const Event&) { ++always; });
  CHECK(once_id != id);
  CHECK(once_id != 0);
  backend.transport()->text("1");
  backend.transport()->text("2");
  backend.run_all();
  CHECK(once == 1);
  CHECK(always == 2);
  CHECK_FALSE(ws.remove_event_listener("message", once_id));  // already gone
  CHECK_FALSE(ws.remove_event_listener("close", id));         // wrong type
  CHECK_FALSE(ws.remove_event_listener("message", 12345));
  CHECK(ws.remove_event_listener("message", id));
  CHECK_FALSE(ws.remove_event_listener("message", id));
  backend.transport()->text("3");
  backend.run_all();
  CHECK(always == 2);
  CHECK(ws.add_event_listener("message", nullptr) == 0);
}

TEST_CASE("destroying the WebSocket inside onmessage stops all events", "[websocket][lifetime]") {
  FakeBackend backend;
  std::optional<WebSocket> ws(open_socket(backend));
  Strings seen;
  ws->onmessage([&](const MessageEvent& e) {
    seen.push_back("message:" + e.text());
    ws.reset();
    seen.push_back("after reset");
  });
  ws->add_event_listener("message", [&](const Event&) { seen.push_back("second listener"); });
  ws->onclose([&](const CloseEvent&) { seen.push_back("close"); });
  auto* transport = backend.transport();
  transport->text("1");
  transport->text("2");
  transport->closed(true, 1000);
  backend.run_all();
  CHECK(seen == Strings{"message:1", "after reset"});
  CHECK(backend.log->destroyed == 1);
  CHECK(backend.transport() == nullptr);
}

TEST_CASE("destroying the WebSocket inside onerror suppresses close", "[websocket][lifetime]") {
  FakeBackend backend;
  std::optional<WebSocket> ws(open_socket(backend));
  Strings seen;
  ws->onerror([&](const ErrorEvent&) {
    seen.push_back("error");
    ws.reset();
  });
  ws->onclose([&](const CloseEvent&) { seen.push_back("close"); });
  backend.transport()->failed("x");
  backend.run_all();
  CHECK(seen == Strings{"error"});
}

TEST_CASE("destroying the WebSocket drops queued events and the transport", "[websocket][lifetime]") {
  FakeBackend backend;
  Strings seen;
  {
    WebSocket ws(backend, "ws://h/");
    ws.onopen([&](const Event&) { seen.push_back("open"); });
    backend.transport()->open();
    CHECK(backend.pending() == 1);
  }
  CHECK(backend.log->destroyed == 1);
  CHECK(backend.run_all() == 1);
  CHECK(seen.empty());
}

TEST_CASE("a moved WebSocket keeps its connection and listeners", "[websocket][lifetime]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket a(backend, "ws://h/");
  rec.attach(a);
  WebSocket b(std::move(a));
  CHECK(b.url() == "ws://h/");
  CHECK(a.ready_state() == ReadyState::CLOSED);  // NOLINT(bugprone-use-after-move): documented state
  CHECK(a.url().empty());
  CHECK(thrown([&] { a.send("x"); }) == "InvalidStateError");
  CHECK(thrown([&] { a.close(); }) == "InvalidStateError");
  backend.transport()->open();
  backend.run_all();
  CHECK(b.ready_state() == ReadyState::OPEN);
  CHECK(rec.events == Strings{"open"});
  CHECK(backend.log->destroyed == 0);

  WebSocket c(backend, "ws://other/");
  CHECK(backend.log->destroyed == 0);
  c = std::move(b);  // c's own connection is dropped
  CHECK(backend.log->destroyed == 1);
  CHECK(c.url() == "ws://h/");
  CHECK(c.ready_state() == ReadyState::OPEN);
}

TEST_CASE("moving the WebSocket inside a listener keeps events flowing", "[websocket][lifetime]") {
  FakeBackend backend;
  std::optional<WebSocket> holder;
  Strings seen;
  WebSocket ws(backend, "ws://h/");
  ws.onopen([&](const Event&) {
    holder.emplace(std::move(ws));
    seen.push_back("open");
  });
  ws.onmessage([&](const MessageEvent& e) { seen.push_back(e.text()); });
  backend.transport()->open();
  backend.transport()->text("after move");
  backend.run_all();
  CHECK(seen == Strings{"open", "after move"});
  REQUIRE(holder);
  CHECK(holder->ready_state() == ReadyState::OPEN);
}

TEST_CASE("exceptions from listeners propagate out of the loop", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  ws.onmessage([](const MessageEvent&) { throw std::runtime_error("listener failed"); });
  backend.transport()->text("x");
  CHECK_THROWS_WITH(backend.run_all(), "listener failed");
  backend.transport()->text("y");  // the socket still works afterwards
  CHECK_THROWS_WITH(backend.run_all(), "listener failed");
}

TEST_CASE("messages that arrived together are delivered in order, each as its own event", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings seen;
  ws.onmessage([&](const MessageEvent& e) {
    seen.push_back(e.text());
    if (e.text() == "2") ws.close();  // the messages after it are dropped (readyState CLOSING)
  });
  for (const char* text : {"1", "2", "3"}) backend.transport()->text(text);
  backend.run_all();
  CHECK(seen == Strings{"1", "2"});
}

TEST_CASE("a message queued behind a throwing listener is still delivered", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings seen;
  ws.onmessage([&](const MessageEvent& e) {
    seen.push_back(e.text());
    if (e.text() == "1") throw std::runtime_error("listener failed");
  });
  backend.transport()->text("1");
  backend.transport()->text("2");
  CHECK_THROWS_WITH(backend.run_all(), "listener failed");
  backend.run_all();  // nothing new arrived: "2" must still have a task
  CHECK(seen == Strings{"1", "2"});
}

TEST_CASE("a backend that can open nothing fails the socket once, with its reason", "[websocket][unavailable]") {
  FakeBackend backend;
  backend.unavailable_reason = "this host has no WebSocket";
  WebSocket ws(backend, "ws://h/");
  Recorder recorder;
  recorder.attach(ws);
  CHECK(backend.requests.empty());  // no transport was asked for
  CHECK(ws.ready_state() == ReadyState::CONNECTING);
  backend.run_all();
  CHECK(recorder.events == Strings{"error:this host has no WebSocket", "close:1006:unclean:"});
  CHECK(ws.ready_state() == ReadyState::CLOSED);
  CHECK_NOTHROW(ws.send("late"));  // CLOSED: send() discards (WHATWG); there is no transport to reach
  ws.close();                       // closing a closed socket is a no-op
  backend.run_all();
  CHECK(recorder.events.size() == 2);
}
