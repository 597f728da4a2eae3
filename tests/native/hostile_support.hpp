#pragma once
// Runs one WebSocket against a scenario of tests/peers/hostile_server.py and
// collects what both ends saw: the events the application got, and the lines
// the server printed about what the client sent.

#include <duplex/duplex.hpp>
#include <duplex/native/asio_backend.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/peers.hpp"

namespace duplex::test::hostile {

/// The hostile server's report lines for one connection (see the script).
struct ServerLog {
  std::vector<std::string> lines;

  bool has(std::string_view line) const {
    for (const auto& l : lines)
      if (l == line) return true;
    return false;
  }
  /// The rest of the first line that starts with `word` and a space.
  std::optional<std::string> after(std::string_view word) const {
    for (const auto& l : lines)
      if (l.size() > word.size() && l.compare(0, word.size(), word) == 0 && l[word.size()] == ' ')
        return l.substr(word.size() + 1);
    return std::nullopt;
  }
  bool has_word(std::string_view word) const { return has(word) || after(word).has_value(); }
  /// The status code of the client's Close frame ("none" for an empty body).
  std::optional<std::string> client_close_code() const {
    auto rest = after("CLIENT-CLOSE");
    if (!rest) return std::nullopt;
    return rest->substr(0, rest->find(' '));
  }
};

/// What one run produced.
struct Outcome {
  std::vector<std::string> events;  ///< event types in dispatch order
  std::vector<std::string> texts;   ///< message payloads (text or binary bytes)
  std::string error_message;
  std::optional<ErrorEvent> error;  ///< the error event, if one came
  std::string extensions;           ///< extensions() at open
  std::optional<CloseEvent> close;
  ReadyState final_state = ReadyState::CONNECTING;
  bool loop_drained = false;  ///< the io_context ran out of work (nothing left behind)
  std::chrono::milliseconds elapsed{};
  ServerLog server;
};

/// A scenario path and how the client is set up for it.
struct Scenario {
  std::string path;
  Options options{};
  std::vector<std::string> protocols{};
  /// Runs in the open handler (e.g. to close from our side).
  std::function<void(WebSocket&)> on_open{};
  /// Runs in the message handler after the message is recorded.
  std::function<void(WebSocket&)> on_message{};
};

/// The hostile server shared by every run of this process: it serves any
/// number of connections and tags each report line with the connection's id.
inline Peer& hostile_peer() {
  static Peer peer = start_hostile_peer();
  return peer;
}

/// Reads the server's report lines of connection `id` until the connection is
/// over on the server's side (CLIENT-EOF, SERVER-CLOSED or SERVER-RESET), then
/// for `linger` more. Lines of other connections are skipped; untagged ones
/// ("-", a request without an id, e.g. a followed redirect) are kept.
inline ServerLog read_server_log(PeerProcess& process, const std::string& id,
                                 std::chrono::milliseconds linger = std::chrono::milliseconds(0)) {
  ServerLog log;
  const auto take = [&](const std::string& line) {
    for (const std::string& tag : {id, std::string("-")}) {
      if (line.size() > tag.size() && line.compare(0, tag.size(), tag) == 0 && line[tag.size()] == ' ') {
        log.lines.push_back(line.substr(tag.size() + 1));
        return true;
      }
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto line = process.read_line(left);
    if (!line) break;
    if (!take(*line)) continue;
    const auto& last = log.lines.back();
    if (last == "CLIENT-EOF" || last == "SERVER-CLOSED" || last == "SERVER-RESET") break;
  }
  if (linger.count() > 0) {
    while (auto line = process.read_line(linger)) take(*line);
  }
  return log;
}

inline std::string payload_text(const MessageEvent& e) {
  const auto bytes = e.bytes();
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

/// Connects to `scenario.path` of the hostile server on an io_context of our
/// own and runs it until no work is left (at most 10 s); then collects the
/// server's report, waiting `linger` for late lines.
inline Outcome play(const Scenario& scenario, std::chrono::milliseconds linger = std::chrono::milliseconds(0)) {
  static int runs = 0;
  const std::string id = std::to_string(++runs);
  auto& peer = hostile_peer();
  Outcome out;
  {
    boost::asio::io_context io;
    native::AsioBackend backend(io);
    WebSocket ws(backend, peer.url(scenario.path + "?id=" + id), scenario.protocols, scenario.options);
    for (const char* type : {"open", "message", "error", "close"}) {
      ws.add_event_listener(type, [&out, &ws](const Event& event) {
        out.events.push_back(event.type());
        if (event.type() == "open") out.extensions = ws.extensions();
        if (auto* m = dynamic_cast<const MessageEvent*>(&event)) out.texts.push_back(payload_text(*m));
        if (auto* e = dynamic_cast<const ErrorEvent*>(&event)) {
          out.error_message = e->message();
          out.error = *e;
        }
        if (auto* c = dynamic_cast<const CloseEvent*>(&event)) out.close = *c;
      });
    }
    if (scenario.on_open) ws.onopen([&](const Event&) { scenario.on_open(ws); });
    if (scenario.on_message) ws.onmessage([&](const MessageEvent&) { scenario.on_message(ws); });
    const auto start = std::chrono::steady_clock::now();
    io.run_for(std::chrono::seconds(10));
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    out.loop_drained = io.stopped();
    out.final_state = ws.ready_state();
  }
  out.server = read_server_log(peer.process, id, linger);
  return out;
}

/// "a, b, c": for messages.
inline std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " | ") + item;
  return out;
}

}  // namespace duplex::test::hostile
