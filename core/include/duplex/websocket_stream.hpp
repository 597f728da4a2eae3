#pragma once
// duplex::WebSocketStream — the WHATWG WebSocketStream draft (whatwg/websockets
// PR #48) as C++20 coroutines, built on duplex::WebSocket:
//
//   duplex::WebSocketStream ws("wss://example.com/chat");
//   auto info = co_await ws.opened();          // WebSocketOpenInfo
//   co_await ws.write("hello");                 // waits for buffer space
//   while (auto message = co_await ws.read())   // nullopt: end of stream
//     use(message->payload);
//   auto closed = co_await ws.closed();         // WebSocketCloseInfo
//
// Every awaitable resumes its coroutine from the socket's loop (inside the
// dispatch of the event that completes it), or does not suspend at all when
// its result is already there; never from inside a call the application made.
//
// Lifetime: a pending await survives the stream being moved (the awaitable
// refers to the stream's shared state). Destroying the stream while a
// coroutine is suspended on one of its awaitables: that coroutine is never
// resumed (nothing of the dead stream can be touched). If it belongs to a
// spawned task, the whole spawned chain is destroyed from the loop soon after
// (see spawn()); if it belongs to a Task someone holds, it stays suspended
// until that Task is destroyed. Destroying a suspended coroutine (the Task that
// owns it) while it awaits a stream is safe: the await unregisters itself.
// Callbacks given to when_* that have not run when the stream is destroyed
// are destroyed without being called. An awaitable made before the stream was
// destroyed (or moved from) and awaited after throws Error("InvalidStateError").
//
// Threading: as WebSocket, a stream belongs to its backend's loop thread;
// other threads hand messages over with sender(). Where WebSocket's
// wrong-thread check is compiled in, the stream's members (the awaitables'
// makers, close, abort, when_*, start, websocket, sender) throw
// Error("WrongThreadError") on another thread.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "duplex/backend.hpp"
#include "duplex/detail/coroutine.hpp"
#include "duplex/error.hpp"
#include "duplex/export.hpp"
#include "duplex/options.hpp"
#include "duplex/sender.hpp"
#include "duplex/task.hpp"
#include "duplex/transport.hpp"
#include "duplex/websocket.hpp"

namespace duplex {

/// What `opened()` gives (the draft's WebSocketOpenInfo, without the streams:
/// read() and write() are members here).
struct WebSocketOpenInfo {
  std::string protocol;    ///< the subprotocol the server selected, or ""
  std::string extensions;  ///< the extensions the server accepted, or ""
};

/// What `closed()` gives, and what `close()` takes (the draft's WebSocketCloseInfo).
struct WebSocketCloseInfo {
  /// The close code; none in close(): a Close frame without status (1005 reported).
  std::optional<std::uint16_t> close_code;
  std::string reason;  ///< at most 123 UTF-8 bytes in close()
};

/// The draft's WebSocketError (a DOMException with closeCode and reason):
/// thrown by the awaitables once the connection failed or closed uncleanly.
/// name() is "WebSocketError", what() "WebSocketError: <message>".
class DUPLEX_API WebSocketError : public Error {
 public:
  WebSocketError(const std::string& message, std::optional<std::uint16_t> close_code, std::string reason,
                 std::error_code error)
      : Error("WebSocketError", message), close_code_(close_code), reason_(std::move(reason)), error_(error) {}
  /// The close event's code (1006 for a failed connection), if a close came.
  std::optional<std::uint16_t> close_code() const noexcept { return close_code_; }
  /// The close event's reason.
  const std::string& reason() const noexcept { return reason_; }
  /// Why it failed, a duplex::errc (compare with `== duplex::errc::...`), as
  /// the error event's ErrorEvent::error(), or the close event's cause() when
  /// no error event came (e.g. errc::going_away).
  std::error_code error() const noexcept { return error_; }

 private:
  std::optional<std::uint16_t> close_code_;
  std::string reason_;
  std::error_code error_;
};

/// Options of a WebSocketStream.
struct WebSocketStreamOptions {
  /// Subprotocols offered (WHATWG § new WebSocket(url, protocols)).
  std::vector<std::string> protocols{};
  /// The connection's options (see duplex::Options).
  Options connection{};
  /// write() completes once buffered_amount() is at most this many bytes, so a
  /// producer looping on `co_await write(...)` holds about this much plus one
  /// message in memory.
  std::uint64_t write_buffer_limit = 1 << 20;
};

class WebSocketStream;

namespace detail {

class StreamState;  ///< a WebSocketStream's shared state (core/src)

/// One pending operation on a WebSocketStream: an awaitable, or a when_*
/// callback. Registered in the stream's shared state while it waits; the
/// state fills in the result and calls wake(). Not copyable or movable: it
/// stays where it was created until it completes or is destroyed (which
/// unregisters it).
class DUPLEX_API StreamOperation {
 public:
  /// Which awaitable (or when_* callback) this is.
  enum class Kind : std::uint8_t { opened, read, written, closed };

  /// An operation of `kind` on the stream whose state is `state` (null: a
  /// moved-from stream; awaiting it throws Error("InvalidStateError")).
  StreamOperation(std::shared_ptr<StreamState> state, Kind kind) noexcept;
  StreamOperation(const StreamOperation&) = delete;
  StreamOperation& operator=(const StreamOperation&) = delete;
  virtual ~StreamOperation();

  /// Completes at once if the result is already there (no suspension).
  bool await_ready();
  /// Registers the awaiting coroutine; it is resumed from the loop when the
  /// result comes (a Task's promise is noted for spawn()'s clean-up).
  template <class P>
  void await_suspend(coro::coroutine_handle<P> awaiting) {
    suspend(awaiting, task_promise_of(awaiting));
  }

  // Filled in by the state before wake().
  std::exception_ptr error;  ///< what await_resume() rethrows
  std::optional<Message> message;  ///< write(): the message; read(): the result
  WebSocketOpenInfo open_info;
  WebSocketCloseInfo close_info;

 protected:
  /// Rethrows `error` if set.
  void check() const;
  /// Registers this operation (the coroutine resumes on completion).
  void suspend(coro::coroutine_handle<> awaiting, TaskPromiseBase* promise);
  /// The operation completed: resume the coroutine (or, overridden, call the
  /// callback).
  virtual void wake();

 private:
  friend class StreamState;
  std::shared_ptr<StreamState> state_;
  coro::coroutine_handle<> awaiting_;
  TaskPromiseBase* promise_ = nullptr;  ///< the awaiting Task's promise, if it is one
  Kind kind_;
  bool started_ = false;     ///< write(): sent (or queued to send at open)
  bool registered_ = false;  ///< waiting in the state's lists
  bool abandoned_ = false;   ///< suspended in a Task when its stream was destroyed
};

/// `co_await stream.opened()`.
struct DUPLEX_API OpenedAwaiter : StreamOperation {
  using StreamOperation::StreamOperation;
  WebSocketOpenInfo await_resume();
};
/// `co_await stream.read()`.
struct DUPLEX_API ReadAwaiter : StreamOperation {
  using StreamOperation::StreamOperation;
  std::optional<Message> await_resume();
};
/// `co_await stream.write(...)`.
struct DUPLEX_API WriteAwaiter : StreamOperation {
  WriteAwaiter(std::shared_ptr<StreamState> state, Message message) noexcept;
  void await_resume();
};
/// `co_await stream.closed()`.
struct DUPLEX_API ClosedAwaiter : StreamOperation {
  using StreamOperation::StreamOperation;
  WebSocketCloseInfo await_resume();
};

}  // namespace detail

/// A WebSocket connection read and written with co_await (WHATWG
/// WebSocketStream draft). It constructs and drives a duplex::WebSocket
/// (binary_type arraybuffer), so the same URL, protocol, close-code and reason
/// checks throw the same Error from the constructor and close().
/// Move-only; destroying it closes the connection like ~WebSocket (1001 when
/// open) — see the header's comment for suspended coroutines. One thread, the
/// loop's, as for WebSocket.
/// Incoming messages wait in an unbounded queue until read(): the WebSocket
/// API has no way to pause reading, so a peer that sends faster than the
/// application reads grows it.
class DUPLEX_API WebSocketStream {
 public:
  /// WHATWG draft § new WebSocketStream(url, options), on the default backend.
  /// Throws as WebSocket's constructor (SyntaxError, NotSupportedError).
  explicit WebSocketStream(std::string_view url, WebSocketStreamOptions options = {});
  /// The same on an explicit backend.
  WebSocketStream(Backend& backend, std::string_view url, WebSocketStreamOptions options = {});
  WebSocketStream(WebSocketStream&&) noexcept;
  WebSocketStream& operator=(WebSocketStream&&) noexcept;
  WebSocketStream(const WebSocketStream&) = delete;
  WebSocketStream& operator=(const WebSocketStream&) = delete;
  ~WebSocketStream();

  /// Awaitable -> WebSocketOpenInfo once open (the draft's `opened` promise).
  /// Throws WebSocketError if the connection failed, Error("AbortError")
  /// after abort() cancelled the opening.
  [[nodiscard]] detail::OpenedAwaiter opened();
  /// Awaitable -> the next message (kind text or binary, and its payload), in
  /// arrival order; std::nullopt at the end of the stream (the server closed,
  /// or our close() completed) once every received message was read. Throws
  /// WebSocketError after a failure (messages received before it are read
  /// first), Error("AbortError") after abort(), Error("InvalidStateError")
  /// while another read is pending. Waits for open first.
  [[nodiscard]] detail::ReadAwaiter read();
  /// Awaitable: sends `message` (waiting for open first if CONNECTING), then
  /// completes once buffered_amount() <= write_buffer_limit (at once if it
  /// already is). Throws Error("InvalidStateError") after close() or once the
  /// server closed, WebSocketError after a failure, Error("AbortError") after
  /// abort(), and WebSocket::send's Error("SyntaxError") for text that is not UTF-8.
  [[nodiscard]] detail::WriteAwaiter write(Message message);
  /// write() of a text message.
  [[nodiscard]] detail::WriteAwaiter write(std::string text);
  /// write() of a text message (copied), as WebSocket::send(std::string_view).
  [[nodiscard]] detail::WriteAwaiter write(std::string_view text);
  /// write() of a text message (copied).
  [[nodiscard]] detail::WriteAwaiter write(const char* text);
  /// write() of a binary message (copied).
  [[nodiscard]] detail::WriteAwaiter write(std::span<const std::byte> bytes);
  /// write() of a binary message (copied), as WebSocket::send(std::span<const std::uint8_t>).
  [[nodiscard]] detail::WriteAwaiter write(std::span<const std::uint8_t> bytes);
  /// Awaitable -> WebSocketCloseInfo once the connection closed cleanly (the
  /// draft's `closed` promise). Throws WebSocketError when it failed or closed
  /// uncleanly, Error("AbortError") after abort().
  [[nodiscard]] detail::ClosedAwaiter closed();

  /// The draft's close({closeCode, reason}): WebSocket::close's checks and
  /// throws (InvalidAccessError, SyntaxError). While CONNECTING it fails the
  /// connection (as WebSocket::close does): the awaits then throw
  /// WebSocketError with error() errc::aborted (abort() gives AbortError).
  /// Throws Error("InvalidStateError") on a moved-from stream.
  void close(WebSocketCloseInfo info = {});
  /// The draft's AbortSignal: while CONNECTING, cancels the opening handshake;
  /// opened(), closed(), read() and write() then throw Error("AbortError").
  /// After open (or on a moved-from stream) it does nothing.
  void abort();

  // Callback primitives the awaitables mirror (the native Asio adapter's
  // base). Each callback runs once, on the loop, never inside this call; an
  // exception_ptr is set (and the value empty) on failure, with the exception
  // the awaitable would throw. Callbacks pending when the stream is destroyed
  // are destroyed without being called.
  /// opened(), as a callback.
  void when_opened(std::function<void(std::exception_ptr, WebSocketOpenInfo)> done);
  /// read(), as a callback; one read (awaited or not) at a time.
  void when_read(std::function<void(std::exception_ptr, std::optional<Message>)> done);
  /// write(message), as a callback; messages leave in call order.
  void when_written(Message message, std::function<void(std::exception_ptr)> done);
  /// closed(), as a callback.
  void when_closed(std::function<void(std::exception_ptr, WebSocketCloseInfo)> done);

  /// For adapters to other asynchronous models (duplex/native/asio_stream.hpp):
  /// starts `op`, an operation made with a null state whose wake() override
  /// delivers its result (its public fields). As for the when_* callbacks, the
  /// stream owns it until then, wakes it once from the loop (never inside this
  /// call) and destroys it unwoken if the stream goes first. Throws
  /// Error("InvalidStateError") on a moved-from stream.
  void start(std::unique_ptr<detail::StreamOperation> op);

  /// The WebSocket's readyState.
  ReadyState ready_state() const noexcept;
  /// The WebSocket's url.
  const std::string& url() const noexcept;
  /// The WebSocket's bufferedAmount.
  std::uint64_t buffered_amount() const noexcept;
  /// The WebSocket underneath, for what the stream does not mirror (ping(),
  /// handshake_response(), sender()). Do not set its handlers or binary_type:
  /// the stream's listeners read its events. Throws Error("InvalidStateError")
  /// on a moved-from stream.
  WebSocket& websocket();
  /// WebSocket::sender(): the thread-safe hand-off from other threads to this
  /// stream's socket (see sender.hpp); what it sends does not wait as write()
  /// does. Throws Error("InvalidStateError") on a moved-from stream.
  Sender sender(Sender::ErrorHandler on_error = {});

 private:
  std::shared_ptr<detail::StreamState> state_;
};

}  // namespace duplex
