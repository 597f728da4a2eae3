#pragma once
// Helpers shared by the WebSocket tests: exception names, an event recorder,
// and a socket brought to OPEN on a FakeBackend.

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "duplex/websocket.hpp"
#include "fake_backend.hpp"

namespace duplex::test {

// The DOMException name `f` throws, or "no error".
template <class F>
std::string thrown(F&& f) {
  try {
    f();
  } catch (const duplex::Error& e) {
    return e.name();
  }
  return "no error";
}

// Records every event the four handler attributes see, as short strings.
struct Recorder {
  std::vector<std::string> events;
  void attach(WebSocket& ws) {
    ws.onopen([this](const duplex::Event&) { events.push_back("open"); });
    ws.onmessage([this](const duplex::MessageEvent& e) {
      events.push_back(e.is_text() ? "message:" + e.text() : "binary:" + std::to_string(e.bytes().size()));
    });
    ws.onerror([this](const duplex::ErrorEvent& e) { events.push_back("error:" + e.message()); });
    ws.onclose([this](const duplex::CloseEvent& e) {
      events.push_back("close:" + std::to_string(e.code()) + ":" + (e.was_clean() ? "clean" : "unclean") + ":" +
                       e.reason());
    });
  }
};

using Strings = std::vector<std::string>;

// A socket on `backend` that has reached OPEN.
inline WebSocket open_socket(FakeBackend& backend, std::string_view url = "ws://h/") {
  WebSocket ws(backend, url);
  backend.transport()->open();
  backend.run_all();
  REQUIRE(ws.ready_state() == duplex::ReadyState::OPEN);
  return ws;
}

}  // namespace duplex::test
