#pragma once
// duplex::ReconnectingWebSocket — a WebSocket that opens again after the
// connection is lost, with exponential backoff and full jitter. Opt-in and
// API-level (beyond the WHATWG standard), so it behaves the same on every
// backend.

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "duplex/backend.hpp"
#include "duplex/blob.hpp"
#include "duplex/detail/socket_spellings.hpp"
#include "duplex/event.hpp"
#include "duplex/export.hpp"
#include "duplex/options.hpp"
#include "duplex/websocket.hpp"

namespace duplex {

/// When and how often a ReconnectingWebSocket tries again.
struct ReconnectOptions {
  /// `base` of the backoff: the ceiling of the first retry's delay.
  std::chrono::milliseconds base_delay{500};
  /// `cap` of the backoff: no delay is longer.
  std::chrono::milliseconds max_delay{30'000};
  /// Consecutive attempts after which the socket gives up (`giveup` event). The
  /// count starts again once a connection opens. 0: never retry. Default: no limit.
  std::uint32_t max_attempts = std::numeric_limits<std::uint32_t>::max();
  /// Close codes after which no retry is made (e.g. {1008, 4001}: policy
  /// violation, "logged out"); the socket gives up at once.
  std::set<std::uint16_t> final_codes;
  /// Decides, after each connection ends, whether to try again: `error` is
  /// the connection's `error` event (its error() empty when it closed without
  /// one), `close` its `close` event. Empty: default_should_retry. Not asked
  /// after close(), for a code in final_codes, past max_attempts, or when the
  /// backend can open nothing (Backend::unavailable). A hook that calls
  /// close() stops the retries with no `giveup` event, whatever it returns.
  std::function<bool(const ErrorEvent& error, const CloseEvent& close)> should_retry;
  /// A server's Retry-After (a 429 or 503 answer) is waited out, but no
  /// longer than this; the backoff delay applies when it is shorter.
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(10)};
  /// Picks a delay in [0, ceiling]. Empty: uniformly at random from a
  /// std::mt19937 seeded from std::random_device ("full jitter"); jitter only
  /// spreads clients out in time, so it needs no cryptographic strength.
  /// Tests inject a deterministic one.
  std::function<std::chrono::milliseconds(std::chrono::milliseconds ceiling)> jitter;
};

/// The ceiling of the delay before retry `attempt` (1 for the first):
/// min(cap, base * 2^(attempt-1)), as in "Exponential Backoff And Jitter"
/// (AWS Architecture Blog): sleep = random_between(0, min(cap, base * 2 ** attempt))
/// with its attempt counted from 0. Saturates instead of overflowing.
DUPLEX_API std::chrono::milliseconds backoff_ceiling(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                          std::uint32_t attempt) noexcept;

/// The retry policy used when ReconnectOptions::should_retry is empty: true
/// unless the failure is permanent, i.e. the same request would fail the same
/// way: a TLS certificate failure (is_certificate_error), an HTTP answer of
/// status other than 5xx, 408 (Request Timeout) and 429 (Too Many Requests),
/// an invalid handshake response (errc::handshake_invalid), TLS settings
/// that do not load (errc::tls_configuration), proxy
/// authentication, or errc::unavailable. Name resolution, refused
/// connections, timeouts, 5xx answers, protocol violations and dropped
/// connections are retried.
DUPLEX_API bool default_should_retry(const ErrorEvent& error, const CloseEvent& close);

/// The `open`, `reconnecting` and `giveup` events of a ReconnectingWebSocket.
class DUPLEX_API ReconnectEvent : public Event {
 public:
  ReconnectEvent(std::string type, std::uint32_t attempt, std::chrono::milliseconds delay, bool reopened,
                 std::optional<std::uint16_t> code)
      : Event(std::move(type)), attempt_(attempt), delay_(delay), reopened_(reopened), code_(code) {}
  /// open: the retry that opened (0: the first try did); reconnecting: the
  /// retry about to be made (1, 2, ...); giveup: the retries made.
  std::uint32_t attempt() const noexcept { return attempt_; }
  /// reconnecting: the delay before the retry; otherwise 0.
  std::chrono::milliseconds delay() const noexcept { return delay_; }
  /// open: true when an earlier connection of this socket had opened, i.e. the
  /// server has lost the application's state and it should be sent again.
  bool reopened() const noexcept { return reopened_; }
  /// reconnecting / giveup: the code of the close that caused it (1006 for a
  /// failed connection); open: none.
  std::optional<std::uint16_t> code() const noexcept { return code_; }

 private:
  std::uint32_t attempt_;
  std::chrono::milliseconds delay_;
  bool reopened_;
  std::optional<std::uint16_t> code_;
};

/// A WebSocket that reconnects. Each connection is a duplex::WebSocket with
/// the same url, protocols and options; between them the socket waits a
/// backoff delay (full jitter, see ReconnectOptions). It does not retry after
/// the application's own close(), nor after a close code in final_codes, nor
/// after a failure ReconnectOptions::should_retry calls permanent, nor after
/// max_attempts failed retries (then `giveup` fires). A 429 or 503 answer's
/// Retry-After is waited out (up to max_retry_after) when longer than the backoff.
///
/// Events: `open` (a ReconnectEvent) on every open: the place to send the
/// application's state (subscriptions, a login) again; `message`, `error`,
/// `close` of each connection as a WebSocket delivers them; `reconnecting`
/// (attempt, delay) before each wait; `giveup` when retries stop without
/// close() having been called; `bufferedamountlow`; `pong`. Messages sent are not
/// replayed on the next connection: resend what matters from `open`.
/// Same threading rules as WebSocket (other threads use sender()); move-only.
class DUPLEX_API ReconnectingWebSocket : public detail::SocketSpellings<ReconnectingWebSocket> {
 public:
  using Listener = std::function<void(const Event&)>;

  /// Validates and starts connecting like WebSocket's constructor (and throws
  /// the same errors); on the default backend or on `backend`.
  explicit ReconnectingWebSocket(std::string_view url, std::vector<std::string> protocols = {}, Options options = {},
                                 ReconnectOptions reconnect = {});
  ReconnectingWebSocket(Backend& backend, std::string_view url, std::vector<std::string> protocols = {},
                        Options options = {}, ReconnectOptions reconnect = {});
  ReconnectingWebSocket(ReconnectingWebSocket&&) noexcept;
  ReconnectingWebSocket& operator=(ReconnectingWebSocket&&) noexcept;
  ReconnectingWebSocket(const ReconnectingWebSocket&) = delete;
  ReconnectingWebSocket& operator=(const ReconnectingWebSocket&) = delete;
  /// Closes the current connection (as ~WebSocket does), cancels a pending
  /// retry; no further event.
  ~ReconnectingWebSocket();

  const std::string& url() const noexcept;
  /// The current connection's readyState; CONNECTING while waiting to retry;
  /// CLOSED once given up or closed.
  ReadyState ready_state() const noexcept;
  /// Of the current connection (0 while waiting to retry).
  std::uint64_t buffered_amount() const noexcept;
  const std::string& protocol() const noexcept;
  const std::string& extensions() const noexcept;
  /// Applied to the current and every later connection; an invalid value is
  /// ignored (as WebSocket::binary_type).
  BinaryType binary_type() const noexcept;
  void binary_type(BinaryType type) noexcept;
  std::uint64_t buffered_amount_low_threshold() const noexcept;
  void buffered_amount_low_threshold(std::uint64_t threshold) noexcept;
  /// Retries made since the last open (0 while connected).
  std::uint32_t attempt() const noexcept;
  /// WebSocket::handshake_response of the current connection (while waiting
  /// to retry: of the one that ended). Same throws.
  const std::optional<HandshakeResponse>& handshake_response() const;
  /// WebSocket::ping on the current connection; same throws, and
  /// Error("InvalidStateError") while waiting to retry.
  void ping(std::span<const std::byte> payload = {});
  void ping(std::string_view payload) { ping(std::as_bytes(std::span(payload.data(), payload.size()))); }

  /// WebSocket::send on the current connection; throws what it throws, and
  /// Error("InvalidStateError") while waiting to retry (readyState CONNECTING).
  /// The same overloads as WebSocket's (SocketSpellings adds the string_view,
  /// const char* and uint8_t spellings to both).
  void send(std::string text);
  void send(std::span<const std::byte> bytes);
  void send(ArrayBuffer bytes);
  void send(const Blob& blob);

  /// Stops reconnecting and closes the current connection (WebSocket::close,
  /// same checks and throws). While waiting to retry: cancels the retry,
  /// readyState becomes CLOSED, and no event fires.
  /// close() and integer codes as WebSocket's (SocketSpellings).
  void close(std::optional<std::uint16_t> code, std::string_view reason = {});
  using SocketSpellings<ReconnectingWebSocket>::send;
  using SocketSpellings<ReconnectingWebSocket>::close;

  /// Event handler attributes; an empty function removes the handler.
  void onopen(std::function<void(const ReconnectEvent&)> handler);
  void onmessage(std::function<void(const MessageEvent&)> handler);
  void onerror(std::function<void(const ErrorEvent&)> handler);
  void onclose(std::function<void(const CloseEvent&)> handler);
  void onreconnecting(std::function<void(const ReconnectEvent&)> handler);
  void ongiveup(std::function<void(const ReconnectEvent&)> handler);
  void onbufferedamountlow(std::function<void(const Event&)> handler);
  void onpong(std::function<void(const PongEvent&)> handler);
  /// The handler attributes' getters: the function set, empty when none is
  /// set, after setting an empty one, or on a moved-from socket.
  std::function<void(const ReconnectEvent&)> onopen() const;
  std::function<void(const MessageEvent&)> onmessage() const;
  std::function<void(const ErrorEvent&)> onerror() const;
  std::function<void(const CloseEvent&)> onclose() const;
  std::function<void(const ReconnectEvent&)> onreconnecting() const;
  std::function<void(const ReconnectEvent&)> ongiveup() const;
  std::function<void(const Event&)> onbufferedamountlow() const;
  std::function<void(const PongEvent&)> onpong() const;

  /// As WebSocket's; `type` is any event name above. "open", "reconnecting"
  /// and "giveup" events are ReconnectEvents, the others as WebSocket's; a
  /// listener typed for its event needs no cast (SocketSpellings).
  ListenerId add_event_listener(std::string_view type, Listener listener, bool once = false);
  using SocketSpellings<ReconnectingWebSocket>::add_event_listener;
  bool remove_event_listener(std::string_view type, ListenerId id);

  /// As WebSocket::sender(): sends and closes from other threads, on whichever
  /// connection is current when the call reaches the loop. What is handed over
  /// while connecting or waiting to retry waits for the next `open` (after its
  /// listeners); it is dropped once the socket stops (close(), giveup).
  Sender sender(Sender::ErrorHandler on_error = {});

  class State;  ///< implementation detail (core/src)

 private:
  friend class detail::SocketSpellings<ReconnectingWebSocket>;
  /// An event of the class dispatched under `type` (nullptr: never dispatched),
  /// for the typed add_event_listener's check.
  static const Event* dispatched_event(std::string_view type);

  std::shared_ptr<State> state_;
};

}  // namespace duplex
