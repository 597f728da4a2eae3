#pragma once
// Records what a WebSocket dispatches, in order, for integration tests that
// run unchanged on every backend.

#include <duplex/duplex.hpp>

#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace duplex::test {

/// Listens to all four events of `ws` (registered first, so it sees each event
/// before handlers the test adds) and keeps what they carried.
struct Recorder {
  std::vector<std::string> events;    ///< event types in dispatch order
  std::vector<MessageData> messages;  ///< message payloads in order
  std::string error_message;
  std::error_code error;                ///< the error event's error(): a duplex::errc
  std::optional<ErrorEvent> error_event;  ///< the whole error event (http_status, retry_after ...)
  std::optional<CloseEvent> close;
  std::vector<ReadyState> states_seen;  ///< readyState at each event

  explicit Recorder(WebSocket& ws) {
    for (const char* type : {"open", "message", "error", "close"}) {
      ws.add_event_listener(type, [this, &ws](const Event& event) {
        events.push_back(event.type());
        states_seen.push_back(ws.ready_state());
        if (auto* m = dynamic_cast<const MessageEvent*>(&event)) messages.push_back(m->data());
        if (auto* e = dynamic_cast<const ErrorEvent*>(&event)) {
          error_message = e->message();
          error = e->error();
          error_event = *e;
        }
        if (auto* c = dynamic_cast<const CloseEvent*>(&event)) close = *c;
      });
    }
  }
};

/// Opens `url`, sends `text` once open, closes with 1000 when a message comes
/// back, and runs the loop until the socket is closed.
inline Recorder echo_one_message(const std::string& url, const Options& options, const std::string& text) {
  WebSocket ws(url, {}, options);
  Recorder recorder(ws);
  ws.onopen([&](const Event&) { ws.send(text); });
  ws.onmessage([&](const MessageEvent&) { ws.close(1000); });
  run();
  return recorder;
}

/// Bytes of a message payload as a string, whatever its type.
inline std::string payload_of(const MessageData& data) {
  if (auto* text = std::get_if<std::string>(&data)) return *text;
  if (auto* blob = std::get_if<Blob>(&data)) return blob->str();
  return std::get<ArrayBuffer>(data).str();
}

}  // namespace duplex::test
