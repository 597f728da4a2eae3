#pragma once
// duplex::WebSocket — the WebSocket interface of the WHATWG WebSockets Standard in C++.
//
// Threading model: a WebSocket belongs to the thread that runs its backend's
// event loop. Create it, call its members and drop it on that thread (setup
// before the loop first runs may happen on any one thread); every handler runs
// there, from the loop, never inside a call the application made (the
// constructor, send(), close()). Natively the default loop is run by
// duplex::run(); an application that owns an asio::io_context passes a
// duplex::native::AsioBackend over it, and the thread that runs that
// io_context (one thread) is the socket's. Nothing in a socket is locked.
//
// Other threads hand work over instead of calling members: sender() gives a
// copyable, thread-safe duplex::Sender whose send() and close() are queued to
// the loop in order (sender.hpp has the rules); anything else goes through
// Backend::post (thread-safe natively), whose task runs on the loop.
//
// The wrong-thread check: once the loop has delivered the socket's first
// event on thread T, a throwing member called on another thread throws
// Error("WrongThreadError") before touching anything (the noexcept getters
// and setters are not checked). On when the library is built without NDEBUG,
// and in release builds configured with -DDUPLEX_THREAD_CHECKS=ON; its cost is
// one thread-id compare per call (see thread_checks_enabled()).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "duplex/backend.hpp"
#include "duplex/blob.hpp"
#include "duplex/detail/socket_spellings.hpp"
#include "duplex/error.hpp"
#include "duplex/event.hpp"
#include "duplex/export.hpp"
#include "duplex/handshake_response.hpp"
#include "duplex/options.hpp"
#include "duplex/sender.hpp"

namespace duplex {

/// IDL `binaryType`: how binary messages are delivered.
enum class BinaryType { blob, arraybuffer };
/// Whether `type` is one of the enumeration's values (a cast can make others).
constexpr bool is_binary_type(BinaryType type) noexcept {
  return type == BinaryType::blob || type == BinaryType::arraybuffer;
}

/// IDL `readyState` values.
enum class ReadyState : std::uint16_t { CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3 };

namespace detail {
class StreamState;  ///< a WebSocketStream's shared state (core/src)
}  // namespace detail

/// Identifies a listener added with `add_event_listener`, for removal.
using ListenerId = std::uint64_t;

/// A WebSocket client with the semantics of the WHATWG WebSockets Standard.
/// Move-only; destroying it closes the connection (1001 "going away" when open)
/// and no further event is delivered, even to the remaining listeners of an
/// event being dispatched. A moved-from WebSocket reads as CLOSED with empty
/// attributes; its other members throw Error("InvalidStateError").
/// An exception thrown by a listener propagates out of the loop that ran it
/// (e.g. out of duplex::run()); the event's remaining listeners do not run.
class DUPLEX_API WebSocket : public detail::SocketSpellings<WebSocket> {
 public:
  using Listener = std::function<void(const Event&)>;

  /// WHATWG § new WebSocket(url, protocols): validates the URL and protocols,
  /// then starts connecting on the default backend.
  /// Throws Error("SyntaxError") for a bad URL (see parse_websocket_url), a
  /// protocol that is not an RFC 7230 token, or two protocols equal ignoring
  /// ASCII case; Error("NotSupportedError") for an option the backend cannot honour.
  explicit WebSocket(std::string_view url, std::vector<std::string> protocols = {}, Options options = {});
  /// As above, on an explicit backend (e.g. AsioBackend over your io_context).
  WebSocket(Backend& backend, std::string_view url, std::vector<std::string> protocols = {}, Options options = {});
  WebSocket(WebSocket&&) noexcept;
  WebSocket& operator=(WebSocket&&) noexcept;
  WebSocket(const WebSocket&) = delete;
  WebSocket& operator=(const WebSocket&) = delete;
  ~WebSocket();

  /// IDL `url`: the serialized URL.
  const std::string& url() const noexcept;
  /// IDL `readyState`.
  ReadyState ready_state() const noexcept;
  /// IDL `bufferedAmount`: bytes of application data queued by send() and not yet
  /// handed to the network (UTF-8 length for text). Falls only from the event loop.
  std::uint64_t buffered_amount() const noexcept;
  /// RTCDataChannel-style `bufferedAmountLowThreshold` (W3C WebRTC §
  /// RTCDataChannel; not in the WHATWG WebSocket API): when buffered_amount()
  /// falls from above this value to at or below it, a `bufferedamountlow` event
  /// fires. Default 0: the event fires when everything queued has been handed
  /// to the network. Setting it fires nothing by itself.
  std::uint64_t buffered_amount_low_threshold() const noexcept;
  void buffered_amount_low_threshold(std::uint64_t threshold) noexcept;
  /// IDL `extensions`: "" until open, then the extensions the server accepted.
  const std::string& extensions() const noexcept;
  /// IDL `protocol`: "" until open, then the subprotocol the server selected.
  const std::string& protocol() const noexcept;
  /// IDL `binaryType` (default blob). A value that is neither blob nor
  /// arraybuffer is ignored, as the IDL enumeration's setter ignores one.
  BinaryType binary_type() const noexcept;
  void binary_type(BinaryType type) noexcept;

  /// IDL `send(USVString)`: queue a text message.
  /// Throws Error("InvalidStateError") while CONNECTING, Error("SyntaxError") if
  /// `text` is not valid UTF-8, Error("OperationError") (nothing queued) if
  /// Options::max_buffered_amount is set and the message would take
  /// buffered_amount() over it. When CLOSING or CLOSED, sends nothing but still
  /// adds to buffered_amount() (WHATWG § send()). The other overloads throw the same.
  /// Also send(std::string_view) and send(const char*) (SocketSpellings).
  void send(std::string text);
  /// IDL `send(ArrayBuffer / ArrayBufferView)`: queue a binary message (copied).
  /// Also send(std::span<const std::uint8_t>) (SocketSpellings).
  void send(std::span<const std::byte> bytes);
  /// IDL `send(ArrayBuffer)`, taking ownership (no copy).
  void send(ArrayBuffer bytes);
  /// IDL `send(Blob)`.
  void send(const Blob& blob);

  /// IDL `close(code, reason)` (WHATWG § close()). Throws
  /// Error("InvalidAccessError") unless code is 1000 or 3000–4999, and
  /// Error("SyntaxError") if reason exceeds 123 UTF-8 bytes or is not UTF-8.
  /// While CONNECTING it fails the connection (error, then close 1006); when
  /// CLOSING or CLOSED it does nothing. No code: the Close frame has no status and
  /// the close event reports 1005. Also close() and close(code, reason) with a
  /// code of any integer type, clamped as the IDL's `[Clamp] unsigned short`
  /// (SocketSpellings): close(66536) throws, it does not send another code.
  void close(std::optional<std::uint16_t> code, std::string_view reason = {});
  using SocketSpellings<WebSocket>::send;
  using SocketSpellings<WebSocket>::close;

  /// Beyond WHATWG: send a Ping frame (RFC 6455 §5.5.2) with `payload`; its
  /// Pong fires a `pong` event with the round-trip time. Throws
  /// Error("NotSupportedError") on a backend without Capabilities::ping (a
  /// browser's WebSocket cannot ping), Error("InvalidStateError") while
  /// CONNECTING, Error("SyntaxError") for a payload over 125 bytes (§5.5),
  /// Error("OperationError") while 8 of our Pings still wait to be written.
  /// When CLOSING or CLOSED it does nothing.
  void ping(std::span<const std::byte> payload = {});
  void ping(std::string_view payload) { ping(std::as_bytes(std::span(payload.data(), payload.size()))); }

  /// Beyond WHATWG: the server's answer to the opening handshake (status,
  /// reason phrase, headers), once it arrived: after `open`, or after a
  /// refused handshake (e.g. 403) failed the connection; nothing before, or
  /// when no answer came. Throws Error("NotSupportedError") on a backend
  /// without Capabilities::handshake_response (browsers hide it).
  const std::optional<HandshakeResponse>& handshake_response() const;

  /// IDL `onopen` / `onmessage` / `onerror` / `onclose` event handler attributes:
  /// setting one registers it as a listener at the position of its first setting
  /// (HTML § event handlers); setting an empty function removes it.
  void onopen(std::function<void(const Event&)> handler);
  void onmessage(std::function<void(const MessageEvent&)> handler);
  void onerror(std::function<void(const ErrorEvent&)> handler);
  void onclose(std::function<void(const CloseEvent&)> handler);
  /// `onbufferedamountlow` (W3C WebRTC § RTCDataChannel), see
  /// buffered_amount_low_threshold(); the event is a plain Event.
  void onbufferedamountlow(std::function<void(const Event&)> handler);
  /// `onpong` (beyond WHATWG), see ping().
  void onpong(std::function<void(const PongEvent&)> handler);
  /// The handler attributes' getters: the function set, empty (the IDL's
  /// null) when none is set, after setting an empty one, or on a moved-from socket.
  std::function<void(const Event&)> onopen() const;
  std::function<void(const MessageEvent&)> onmessage() const;
  std::function<void(const ErrorEvent&)> onerror() const;
  std::function<void(const CloseEvent&)> onclose() const;
  std::function<void(const Event&)> onbufferedamountlow() const;
  std::function<void(const PongEvent&)> onpong() const;

  /// DOM `addEventListener(type, listener, {once})`: listeners of a type run in
  /// registration order. `type` is "open" (Event), "message" (MessageEvent),
  /// "error" (ErrorEvent), "close" (CloseEvent), "pong" (PongEvent) or
  /// "bufferedamountlow" (Event); this listener receives it as an Event. A
  /// listener typed for its event, `[](const MessageEvent& e) {...}`, needs no
  /// cast (SocketSpellings; a type that does not match throws Error("TypeError")).
  ListenerId add_event_listener(std::string_view type, Listener listener, bool once = false);
  using SocketSpellings<WebSocket>::add_event_listener;
  /// DOM `removeEventListener`: a listener removed during dispatch does not run.
  /// Returns false if no such listener was registered.
  bool remove_event_listener(std::string_view type, ListenerId id);

  /// Beyond WHATWG: a thread-safe handle for sending on this socket from other
  /// threads (see sender.hpp for the order, CONNECTING and lifetime rules).
  /// `on_error` runs on the loop with an Error a handed-over call threw there
  /// (e.g. OperationError); without one that Error leaves the loop. Call it on
  /// the loop's thread (or before the loop runs), like every member.
  Sender sender(Sender::ErrorHandler on_error = {});

  class State;  ///< implementation detail (core/src)

 private:
  friend class detail::SocketSpellings<WebSocket>;
  friend class ReconnectingWebSocket;  // dispatches its connections' events as they come
  friend class detail::StreamState;    // takes received messages whole (State::message_sink)
  /// An event of the class dispatched under `type` (nullptr: never dispatched),
  /// for the typed add_event_listener's check.
  static const Event* dispatched_event(std::string_view type);

  std::shared_ptr<State> state_;
};

}  // namespace duplex
