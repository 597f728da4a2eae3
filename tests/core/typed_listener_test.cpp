// Listeners typed for their event (add_event_listener with a callable taking
// `const MessageEvent&` ...) on WebSocket and ReconnectingWebSocket, and the
// getters of the event handler attributes (onopen() ...).

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>

#include "duplex/reconnecting_websocket.hpp"
#include "duplex/websocket.hpp"
#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::CloseEvent;
using duplex::ErrorEvent;
using duplex::Event;
using duplex::MessageEvent;
using duplex::PongEvent;
using duplex::ReconnectEvent;
using duplex::ReconnectingWebSocket;
using duplex::WebSocket;
using duplex::test::FakeBackend;
using duplex::test::open_socket;
using duplex::test::Strings;

namespace {

// The duplex::Error `f` throws, as "name: message", or "no error".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const duplex::Error& e) {
    return e.what();
  }
  return "no error";
}

// A class of the application's own, derived from one of ours.
struct AppMessage : MessageEvent {
  using MessageEvent::MessageEvent;
};

void log_close(const CloseEvent& e);
Strings* close_log = nullptr;
void log_close(const CloseEvent& e) { close_log->push_back("fn:" + std::to_string(e.code())); }

}  // namespace

TEST_CASE("typed listeners receive their event without a cast", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings seen;
  close_log = &seen;
  CHECK(ws.add_event_listener("message", [&](const MessageEvent& e) { seen.push_back("message:" + e.text()); }) != 0);
  ws.add_event_listener("pong", [&](const PongEvent& e) { seen.push_back("pong:" + e.payload()); });
  ws.add_event_listener(
      "error", [&](const ErrorEvent& e) { seen.push_back("error:" + e.message()); }, true);
  ws.add_event_listener("close", [&](const CloseEvent& e) { seen.push_back("close:" + std::to_string(e.code())); });
  ws.add_event_listener("close", log_close);
  const std::function<void(const MessageEvent&)> typed_function = [&](const MessageEvent& e) {
    seen.push_back("function:" + std::to_string(e.bytes().size()));
  };
  ws.add_event_listener("message", typed_function);
  // Existing spellings keep their meaning: `const Event&`, generic lambdas.
  ws.add_event_listener("message", [&](const Event& e) { seen.push_back("event:" + e.type()); });
  ws.add_event_listener("message", [&](const auto& e) {
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(e)>, Event>);
    seen.push_back("generic:" + e.type());
  });

  backend.transport()->text("hi");
  backend.transport()->pong("p", std::chrono::milliseconds(1));
  backend.transport()->failed("boom");
  backend.run_all();
  CHECK(seen == Strings{"message:hi", "function:2", "event:message", "generic:message", "pong:p", "error:boom",
                        "close:1006", "fn:1006"});
}

TEST_CASE("a listener typed for another event class throws TypeError and registers nothing", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  int calls = 0;
  CHECK(error_of([&] { ws.add_event_listener("message", [&](const CloseEvent&) { ++calls; }); }) ==
        "TypeError: message events are MessageEvent, not CloseEvent");
  CHECK(error_of([&] { ws.add_event_listener("open", [&](const ReconnectEvent&) { ++calls; }); }) ==
        "TypeError: open events are Event, not ReconnectEvent");
  CHECK(error_of([&] { ws.add_event_listener("bufferedamountlow", [&](const PongEvent&) { ++calls; }); }) ==
        "TypeError: bufferedamountlow events are Event, not PongEvent");
  // A class derived from the one dispatched is not what arrives either.
  const std::string derived = error_of([&] { ws.add_event_listener("message", [&](const AppMessage&) { ++calls; }); });
  CHECK(derived.starts_with("TypeError: message events are MessageEvent, not "));
  CHECK(derived.ends_with("AppMessage"));
  // The same names with the wrong class throw even on an empty listener.
  CHECK(error_of([&] {
          ws.add_event_listener("close", std::function<void(const ErrorEvent&)>());
        }).starts_with("TypeError: close events are CloseEvent"));

  // Events of every type tried arrive: none of those listeners runs.
  ws.send("abc");
  backend.transport()->text("hi");
  backend.transport()->flushed(3);  // bufferedamountlow
  backend.transport()->failed("boom");
  backend.run_all();
  CHECK(calls == 0);
  // Nor did any take a listener id: the next listener gets the first.
  CHECK(ws.add_event_listener("x", [](const Event&) {}) == 1);
}

TEST_CASE("typed listeners: any class for a type never dispatched and none for an empty listener",
          "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  // DOM allows any type; nothing dispatches "custom", so no class is wrong.
  const duplex::ListenerId id = ws.add_event_listener("custom", [](const CloseEvent&) {});
  CHECK(id != 0);
  CHECK(ws.remove_event_listener("custom", id));
  CHECK(ws.add_event_listener("message", std::function<void(const MessageEvent&)>()) == 0);
  CHECK(ws.add_event_listener("close", static_cast<void (*)(const CloseEvent&)>(nullptr)) == 0);
}

TEST_CASE("typed listeners: once runs once and remove_event_listener removes by id", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Strings seen;
  ws.add_event_listener(
      "message", [&](const MessageEvent& e) { seen.push_back("once:" + e.text()); }, true);
  const duplex::ListenerId removed =
      ws.add_event_listener("message", [&](const MessageEvent& e) { seen.push_back("removed:" + e.text()); });
  ws.add_event_listener("message", [&](const MessageEvent& e) { seen.push_back("kept:" + e.text()); });
  CHECK(ws.remove_event_listener("message", removed));
  CHECK_FALSE(ws.remove_event_listener("close", removed + 1));  // registered for "message", not "close"
  backend.transport()->text("1");
  backend.transport()->text("2");
  backend.run_all();
  CHECK(seen == Strings{"once:1", "kept:1", "kept:2"});
}

TEST_CASE("ReconnectingWebSocket: typed listeners for its own events and its connections'", "[reconnect][listeners]") {
  FakeBackend backend;
  duplex::ReconnectOptions options;
  options.jitter = [](std::chrono::milliseconds ceiling) { return ceiling; };
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, options);
  Strings seen;
  ws.add_event_listener("open",
                        [&](const ReconnectEvent& e) { seen.push_back("open:" + std::to_string(e.attempt())); });
  ws.add_event_listener(
      "reconnecting", [&](const ReconnectEvent& e) { seen.push_back("reconnecting:" + std::to_string(e.attempt())); });
  ws.add_event_listener(
      "message", [&](const MessageEvent& e) { seen.push_back("message:" + e.text()); }, true);
  ws.add_event_listener("close", [&](const CloseEvent& e) { seen.push_back("close:" + std::to_string(e.code())); });
  CHECK(error_of([&] { ws.add_event_listener("giveup", [](const CloseEvent&) {}); }) ==
        "TypeError: giveup events are ReconnectEvent, not CloseEvent");
  CHECK(error_of([&] { ws.add_event_listener("open", [](const MessageEvent&) {}); }) ==
        "TypeError: open events are ReconnectEvent, not MessageEvent");
  CHECK(error_of([&] { ws.add_event_listener("pong", [](const MessageEvent&) {}); }) ==
        "TypeError: pong events are PongEvent, not MessageEvent");

  backend.transport()->open();
  backend.transport()->text("a");
  backend.transport()->text("b");
  backend.transport()->closed(false, 1006);
  backend.advance(std::chrono::milliseconds(500));
  backend.transport()->open();
  backend.run_all();
  CHECK(seen == Strings{"open:0", "message:a", "close:1006", "reconnecting:1", "open:1"});
}

TEST_CASE("the handler attributes read back what was set and null once cleared", "[websocket][listeners]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  CHECK_FALSE(ws.onopen());
  CHECK_FALSE(ws.onmessage());
  CHECK_FALSE(ws.onerror());
  CHECK_FALSE(ws.onclose());
  CHECK_FALSE(ws.onpong());
  CHECK_FALSE(ws.onbufferedamountlow());

  Strings seen;
  ws.onmessage([&](const MessageEvent& e) { seen.push_back("first:" + e.text()); });
  ws.onmessage([&](const MessageEvent& e) { seen.push_back("second:" + e.text()); });
  ws.onclose([&](const CloseEvent& e) { seen.push_back("close:" + std::to_string(e.code())); });
  ws.onopen([&](const Event& e) { seen.push_back(e.type()); });
  // The getter returns the callback last set: calling it runs that one.
  REQUIRE(ws.onmessage());
  ws.onmessage()(MessageEvent(std::string("x")));
  ws.onclose()(CloseEvent(true, 4000, ""));
  ws.onopen()(Event("open"));
  CHECK(seen == Strings{"second:x", "close:4000", "open"});

  ws.onmessage(nullptr);
  ws.onclose({});
  ws.onopen(std::function<void(const Event&)>());
  CHECK_FALSE(ws.onmessage());
  CHECK_FALSE(ws.onclose());
  CHECK_FALSE(ws.onopen());
  // A handler read back and set again behaves as the original.
  seen.clear();
  ws.onpong([&](const PongEvent& e) { seen.push_back("pong:" + e.payload()); });
  const auto pong = ws.onpong();
  ws.onpong(nullptr);
  ws.onpong(pong);
  backend.transport()->open();
  backend.transport()->pong("p", std::nullopt);
  backend.run_all();
  CHECK(seen == Strings{"pong:p"});

  WebSocket moved = std::move(ws);
  CHECK_FALSE(ws.onpong());  // NOLINT(bugprone-use-after-move): a moved-from socket reads as having none
  CHECK(moved.onpong());
}

TEST_CASE("ReconnectingWebSocket's handler attributes read back what was set", "[reconnect][listeners]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/");
  Strings seen;
  ws.onopen([&](const ReconnectEvent& e) { seen.push_back(e.type()); });
  ws.onreconnecting([&](const ReconnectEvent& e) { seen.push_back(e.type()); });
  ws.ongiveup([&](const ReconnectEvent& e) { seen.push_back(e.type()); });
  ws.onmessage([&](const MessageEvent& e) { seen.push_back(e.type()); });
  ws.onerror([&](const ErrorEvent& e) { seen.push_back(e.type()); });
  ws.onclose([&](const CloseEvent& e) { seen.push_back(e.type()); });
  ws.onpong([&](const PongEvent& e) { seen.push_back(e.type()); });
  ws.onbufferedamountlow([&](const Event& e) { seen.push_back(e.type()); });
  const ReconnectEvent reconnect("x", 0, {}, false, std::nullopt);
  ws.onopen()(reconnect);
  ws.onreconnecting()(reconnect);
  ws.ongiveup()(reconnect);
  ws.onmessage()(MessageEvent(std::string("m")));
  ws.onerror()(ErrorEvent("e"));
  ws.onclose()(CloseEvent(true, 1000, ""));
  ws.onpong()(PongEvent("", std::nullopt));
  ws.onbufferedamountlow()(Event("bufferedamountlow"));
  CHECK(seen == Strings{"x", "x", "x", "message", "error", "close", "pong", "bufferedamountlow"});

  ws.onopen(nullptr);
  ws.onreconnecting(nullptr);
  ws.ongiveup(nullptr);
  ws.onmessage(nullptr);
  ws.onerror(nullptr);
  ws.onclose(nullptr);
  ws.onpong(nullptr);
  ws.onbufferedamountlow(nullptr);
  CHECK_FALSE(ws.onopen());
  CHECK_FALSE(ws.onreconnecting());
  CHECK_FALSE(ws.ongiveup());
  CHECK_FALSE(ws.onmessage());
  CHECK_FALSE(ws.onerror());
  CHECK_FALSE(ws.onclose());
  CHECK_FALSE(ws.onpong());
  CHECK_FALSE(ws.onbufferedamountlow());
}
