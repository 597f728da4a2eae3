#pragma once
// duplex::Sender — the thread-safe hand-off to a socket: send() and close()
// from any thread, run on the socket's loop.
//
// A WebSocket belongs to the thread that runs its loop (see websocket.hpp).
// Another thread does not call its members: it asks the socket for a Sender
// (WebSocket::sender(), ReconnectingWebSocket::sender()) on the loop thread,
// copies it to wherever it is needed, and calls Sender::send / Sender::close
// there. Each call is queued and posted to the socket's loop (Backend::post),
// where it runs as the socket's own member would.
//
// The rules:
// - Order: the calls of one thread run in the order that thread made them;
//   calls made from several threads run in one order (the order in which
//   they were queued), never interleaved within a message.
// - CONNECTING: a call that reaches the loop while the socket is CONNECTING
//   waits for `open`, and runs right after the `open` event's listeners (so an
//   `open` handler can send a login first); close() waits likewise. If the
//   connection never opens (it fails, or the socket is closed on the loop
//   first), what waited is dropped: the `error` and `close` events say why.
//   A ReconnectingWebSocket keeps what waits across retries, until a
//   connection opens or it stops (close(), giveup). Unlike WebSocket::send,
//   no InvalidStateError: a thread cannot know the readyState.
// - CLOSING / CLOSED: as WebSocket::send and close when called there: nothing
//   is sent (WHATWG § send(); bufferedAmount still grows) and close() does nothing.
// - Argument errors throw in the calling thread, before anything is queued:
//   Error("SyntaxError") for text or a close reason that is not UTF-8 or a
//   reason over 123 bytes, Error("InvalidAccessError") for a close code other
//   than 1000 or 3000–4999 (the checks of WebSocket::send and close).
// - Errors on the loop: an Error the socket's member throws there (e.g.
//   OperationError past Options::max_buffered_amount) goes to the error
//   handler given to sender(), on the loop thread; that message is not sent
//   and the calls after it still run. Without a handler the Error propagates
//   out of the loop that ran it, as a listener's exception does (e.g. out of
//   duplex::run() or io_context::run()); the calls after it still run later.
// - Lifetime: a Sender may outlive its socket and its backend's loop. Once
//   the socket is destroyed, send() and close() do nothing and return false;
//   calls that were queued and had not run yet are dropped. The backend must
//   still outlive its sockets (as always); a Sender never touches a backend
//   whose sockets are all gone.
// - Backends: natively (AsioBackend) any thread may use a Sender. On
//   WebAssembly the host's WebSocket lives on one thread: a Sender is
//   usable only on the thread that runs the socket's loop (the browser's main
//   thread), e.g. to send after the socket may have been destroyed.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "duplex/blob.hpp"
#include "duplex/detail/socket_spellings.hpp"
#include "duplex/error.hpp"
#include "duplex/export.hpp"

namespace duplex {

namespace detail {
class SenderChannel;
}  // namespace detail

/// A copyable, thread-safe handle that sends on a socket from any thread
/// (natively; see the rules above). Made by WebSocket::sender() or
/// ReconnectingWebSocket::sender(); a default-constructed Sender belongs to no
/// socket and every call returns false.
class DUPLEX_API Sender {
 public:
  /// Called on the socket's loop thread with the Error a handed-over call
  /// threw there (e.g. OperationError past Options::max_buffered_amount).
  /// Shared by the Sender's copies; destroyed with the last of them (or of
  /// the calls still queued), on whichever thread that happens.
  using ErrorHandler = std::function<void(const Error& error)>;

  Sender() noexcept;
  Sender(const Sender&) noexcept;
  Sender(Sender&&) noexcept;
  Sender& operator=(const Sender&) noexcept;
  Sender& operator=(Sender&&) noexcept;
  ~Sender();

  /// Queues a text message for the socket's loop, where it is sent as by
  /// WebSocket::send. Returns true if queued, false once the socket is gone.
  /// Throws Error("SyntaxError") (queuing nothing) if `text` is not UTF-8.
  bool send(std::string text) const;
  bool send(std::string_view text) const { return send(std::string(text)); }
  bool send(const char* text) const { return send(std::string(text)); }
  /// Queues a binary message (copied); returns as send(text).
  bool send(std::span<const std::byte> bytes) const;
  bool send(std::span<const std::uint8_t> bytes) const { return send(std::as_bytes(bytes)); }
  /// Queues a binary message, taking ownership (no copy).
  bool send(ArrayBuffer bytes) const;

  /// Queues WebSocket::close(code, reason) (ReconnectingWebSocket::close for
  /// one: no retry follows). Returns true if queued, false once the socket is
  /// gone. Throws, in the calling thread, what close() throws for its
  /// arguments: Error("InvalidAccessError") unless code is 1000 or 3000–4999,
  /// Error("SyntaxError") for a reason over 123 bytes or not UTF-8.
  bool close(std::optional<std::uint16_t> code = std::nullopt, std::string_view reason = {}) const;
  /// close(code, reason) for any integer: clamped as WebIDL `[Clamp] unsigned
  /// short`, like WebSocket::close (close(66536) throws, it sends no 1000).
  template <std::integral Code>
  bool close(Code code, std::string_view reason = {}) const {
    return close(std::optional<std::uint16_t>(detail::clamp_to_unsigned_short(code)), reason);
  }

  /// True once the socket is destroyed (or for a default-constructed Sender):
  /// every later call returns false. False is only a snapshot: the socket's
  /// thread may destroy it right after.
  bool expired() const noexcept;

 private:
  friend class WebSocket;
  friend class ReconnectingWebSocket;
  Sender(std::shared_ptr<detail::SenderChannel> channel, ErrorHandler on_error);
  bool queue_close(std::optional<std::uint16_t> code, std::string reason) const;

  std::shared_ptr<detail::SenderChannel> channel_;
  std::shared_ptr<const ErrorHandler> on_error_;  // shared by copies and queued calls
};

/// Whether this build of duplex's core checks the calling thread: then a
/// member of a socket called from a thread other than its loop's, once the
/// loop has delivered the socket's first event, throws
/// Error("WrongThreadError"). On in builds without NDEBUG and in builds
/// configured with the CMake option DUPLEX_THREAD_CHECKS=ON.
DUPLEX_API bool thread_checks_enabled() noexcept;

}  // namespace duplex
