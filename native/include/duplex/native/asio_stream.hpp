#pragma once
// Asio completion tokens over duplex::WebSocketStream: the stream's
// operations (opened, read, written, closed), started with
// WebSocketStream::start, as Asio asynchronous operations, so that code written with asio::awaitable (or any
// other completion token: a callback, asio::deferred, ...) drives a stream:
//
//   boost::asio::io_context io;
//   duplex::native::AsioBackend backend(io);
//   boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
//     duplex::WebSocketStream stream(backend, "wss://example.com/");
//     co_await duplex::native::async_opened(stream, boost::asio::use_awaitable);
//     duplex::Message hello{duplex::Message::Kind::text, "hi"};  // named: see the README on GCC 12
//     co_await duplex::native::async_write(stream, std::move(hello), boost::asio::use_awaitable);
//     auto reply = co_await duplex::native::async_read(stream, boost::asio::use_awaitable);
//     stream.close();
//     co_await duplex::native::async_closed(stream, boost::asio::use_awaitable);
//   }, boost::asio::detached);
//   io.run();
//
// Preconditions, for every function here:
// - The stream is on an AsioBackend over the io_context whose thread starts
//   the operation, and the completion handler's associated executor (for
//   asio::use_awaitable: the coroutine's executor) runs on that same
//   io_context: the stream is not thread-safe (AsioBackend's threading
//   model), and its callbacks run on that loop.
// - The stream outlives the operation. Destroying it with an operation
//   pending drops the handler without calling it (an awaiting coroutine is
//   destroyed, never resumed).
//
// Errors arrive as the std::exception_ptr first argument of the handler
// (asio::use_awaitable rethrows it): duplex::WebSocketError after a failed
// connection, duplex::Error("AbortError") after abort(), duplex::Error
// ("InvalidStateError") for a write after close(); the same exceptions the
// stream's own awaitables throw (core/include/duplex/websocket_stream.hpp).
//
// Completion: never inside the initiating call (the stream's callbacks run
// from its loop), then through the handler's associated executor as Asio
// requires (asio::dispatch: at once when the callback already runs in that
// executor, e.g. the io_context itself; queued to it otherwise, e.g. a
// strand). Until then the operation counts as outstanding work of that
// executor, so io_context::run() does not return while one is pending.
// Per-operation cancellation (cancellation slots) is not supported: cancel an
// opening handshake with WebSocketStream::abort(), end reading with close().

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "duplex/transport.hpp"
#include "duplex/websocket_stream.hpp"

namespace duplex::native {

namespace asio_stream_detail {

using Kind = detail::StreamOperation::Kind;

/// One asynchronous operation on a stream: a stream operation (started with
/// WebSocketStream::start) that holds the completion handler itself, with the
/// outstanding work of its executor tracked until the handler is on its way.
/// One allocation per operation.
template <Kind kind, class Handler>
class AsioOperation final : public detail::StreamOperation {
 public:
  explicit AsioOperation(Handler handler)
      : StreamOperation(nullptr, kind),
        work_(boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                  boost::asio::execution::outstanding_work.tracked)),
        handler_(std::move(handler)) {}

 private:
  /// Hands the result to the handler through its associated executor (at
  /// once if the loop already runs in it, queued to it otherwise).
  void wake() override {
    [[maybe_unused]] auto work = std::move(work_);  // released once the handler is on its way
    if constexpr (kind == Kind::opened)
      deliver(std::move(open_info));
    else if constexpr (kind == Kind::read)
      deliver(std::move(message));
    else if constexpr (kind == Kind::closed)
      deliver(std::move(close_info));
    else
      deliver();
  }
  template <class... Result>
  void deliver(Result&&... result) {
    boost::asio::dispatch(boost::asio::append(std::move(handler_), error, std::forward<Result>(result)...));
  }

  using Work = std::decay_t<decltype(boost::asio::prefer(std::declval<boost::asio::associated_executor_t<Handler>>(),
                                                         boost::asio::execution::outstanding_work.tracked))>;
  Work work_;
  Handler handler_;
};

/// Starts the operation of `kind` on `stream` that completes `handler`.
template <Kind kind, class Handler>
void start(WebSocketStream& stream, Handler handler, std::optional<Message> message = std::nullopt) {
  auto op = std::make_unique<AsioOperation<kind, Handler>>(std::move(handler));
  op->message = std::move(message);
  stream.start(std::move(op));
}

}  // namespace asio_stream_detail

/// Waits for the opening handshake: void(std::exception_ptr, WebSocketOpenInfo)
/// (the negotiated protocol and extensions). The error is a WebSocketError if
/// the connection failed, Error("AbortError") after stream.abort().
/// WHATWG WebSocketStream draft §opened.
template <class CompletionToken>
auto async_opened(WebSocketStream& stream, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr, WebSocketOpenInfo)>(
      [&stream](auto handler) { asio_stream_detail::start<asio_stream_detail::Kind::opened>(stream, std::move(handler)); },
      token);
}

/// Reads the next whole message: void(std::exception_ptr, std::optional<Message>);
/// std::nullopt is the end of the stream (the server closed, or close()
/// completed). One read at a time. The error is a WebSocketError after a
/// failure. WHATWG WebSocketStream draft §readable.
template <class CompletionToken>
auto async_read(WebSocketStream& stream, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr, std::optional<Message>)>(
      [&stream](auto handler) { asio_stream_detail::start<asio_stream_detail::Kind::read>(stream, std::move(handler)); },
      token);
}

/// Sends `message`: void(std::exception_ptr), called once the stream has
/// accepted it (its buffered amount is within
/// WebSocketStreamOptions::write_buffer_limit). The error is
/// Error("InvalidStateError") after close(), a WebSocketError after a
/// failure. WHATWG WebSocketStream draft §writable.
template <class CompletionToken>
auto async_write(WebSocketStream& stream, Message message, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr)>(
      [&stream](auto handler, Message message) {
        asio_stream_detail::start<asio_stream_detail::Kind::written>(stream, std::move(handler), std::move(message));
      },
      token, std::move(message));
}

/// Waits for the end of the connection: void(std::exception_ptr,
/// WebSocketCloseInfo) (the close code and reason of a clean close). The
/// error is a WebSocketError when it was not clean, Error("AbortError") after
/// stream.abort(). WHATWG WebSocketStream draft §closed.
template <class CompletionToken>
auto async_closed(WebSocketStream& stream, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr, WebSocketCloseInfo)>(
      [&stream](auto handler) { asio_stream_detail::start<asio_stream_detail::Kind::closed>(stream, std::move(handler)); },
      token);
}

}  // namespace duplex::native
