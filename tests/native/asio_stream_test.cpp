// duplex::native's Asio completion tokens over WebSocketStream
// (asio_stream.hpp), driven from asio::awaitable coroutines on the
// application's own io_context (an AsioBackend over it, no duplex::run())
// against the npm `ws` peer.

#include "duplex/native/asio_stream.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "duplex/native/asio_backend.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

namespace asio = boost::asio;
using native::async_closed;
using native::async_opened;
using native::async_read;
using native::async_write;

// Runs `body` as an awaitable on `executor` until io has nothing left to do;
// an exception escaping it fails the test.
template <class Executor, class Body>
void run_awaitable(asio::io_context& io, Executor executor, Body body) {
  std::exception_ptr escaped;
  bool finished = false;
  asio::co_spawn(executor, std::move(body), [&](std::exception_ptr e) {
    escaped = e;
    finished = true;
  });
  io.run();
  if (escaped) std::rethrow_exception(escaped);
  REQUIRE(finished);
}

Message text(std::string s) { return {Message::Kind::text, std::move(s)}; }
Message binary(std::string s) { return {Message::Kind::binary, std::move(s)}; }

}  // namespace

TEST_CASE("asio::awaitable opens, echoes text and binary, and closes a WebSocketStream", "[native][asio_stream]") {
  auto peer = start_ws_peer();
  asio::io_context io;
  native::AsioBackend backend(io);
  std::optional<WebSocketOpenInfo> opened;
  std::vector<Message> echoes;
  std::optional<Message> after_close{text("not read")};
  std::optional<WebSocketCloseInfo> closed;
  run_awaitable(io, io.get_executor(), [&]() -> asio::awaitable<void> {
    WebSocketStreamOptions options;
    options.protocols = {"chat"};
    WebSocketStream stream(backend, peer.url("/echo"), options);
    opened = co_await async_opened(stream, asio::use_awaitable);
    co_await async_write(stream, text("héllo"), asio::use_awaitable);
    co_await async_write(stream, binary(std::string("\0\x01\xff", 3)), asio::use_awaitable);
    for (int i = 0; i < 2; ++i) {
      auto message = co_await async_read(stream, asio::use_awaitable);
      if (message) echoes.push_back(std::move(*message));
    }
    stream.close({1000, "done"});
    closed = co_await async_closed(stream, asio::use_awaitable);
    after_close = co_await async_read(stream, asio::use_awaitable);
  });
  REQUIRE(opened);
  CHECK(opened->protocol == "chat");
  CHECK(opened->extensions.empty());  // the plain ws peer refuses permessage-deflate
  REQUIRE(echoes.size() == 2);
  CHECK(echoes[0].kind == Message::Kind::text);
  CHECK(echoes[0].payload == "héllo");
  CHECK(echoes[1].kind == Message::Kind::binary);
  CHECK(echoes[1].payload == std::string("\0\x01\xff", 3));
  REQUIRE(closed);
  CHECK(closed->close_code == std::optional<std::uint16_t>(1000));
  CHECK_FALSE(after_close);  // the end of the stream
}

TEST_CASE("co_await async_opened on a refused port throws WebSocketError", "[native][asio_stream]") {
  asio::io_context io;
  native::AsioBackend backend(io);
  const std::string url = "ws://127.0.0.1:" + std::to_string(refused_port()) + "/";
  std::optional<WebSocketError> open_error, closed_error;
  run_awaitable(io, io.get_executor(), [&]() -> asio::awaitable<void> {
    WebSocketStream stream(backend, url);
    try {
      co_await async_opened(stream, asio::use_awaitable);
    } catch (const WebSocketError& e) {
      open_error = e;
    }
    try {
      co_await async_closed(stream, asio::use_awaitable);
    } catch (const WebSocketError& e) {
      closed_error = e;
    }
  });
  REQUIRE(open_error);
  CHECK(open_error->name() == "WebSocketError");
  CHECK(open_error->error() == make_error_code(errc::connection_refused));
  CHECK(open_error->close_code() == std::optional<std::uint16_t>(1006));  // the close event of a failure
  REQUIRE(closed_error);                                                  // not a clean close either
  CHECK(closed_error->error() == open_error->error());
}

TEST_CASE("abort() while connecting fails async_opened and async_closed with AbortError", "[native][asio_stream]") {
  SilentListener silent;  // accepts the TCP connection, never answers the upgrade
  asio::io_context io;
  native::AsioBackend backend(io);
  std::string open_error, closed_error;
  run_awaitable(io, io.get_executor(), [&]() -> asio::awaitable<void> {
    WebSocketStream stream(backend, "ws://127.0.0.1:" + std::to_string(silent.port()) + "/");
    stream.abort();
    try {
      co_await async_opened(stream, asio::use_awaitable);
    } catch (const Error& e) {
      open_error = e.name();
    }
    try {
      co_await async_closed(stream, asio::use_awaitable);
    } catch (const Error& e) {
      closed_error = e.name();
    }
  });
  CHECK(open_error == "AbortError");
  CHECK(closed_error == "AbortError");
}

TEST_CASE("completions run through the handler's associated executor, never inside the call", "[native][asio_stream]") {
  auto peer = start_ws_peer();
  asio::io_context io;
  native::AsioBackend backend(io);
  auto strand = asio::make_strand(io);
  std::vector<bool> on_strand;
  bool inside_call = true;
  bool written_before_close = false;
  run_awaitable(io, strand, [&]() -> asio::awaitable<void> {
    WebSocketStream stream(backend, peer.url("/"));
    co_await async_opened(stream, asio::use_awaitable);
    on_strand.push_back(strand.running_in_this_thread());
    co_await async_write(stream, text("1"), asio::use_awaitable);
    on_strand.push_back(strand.running_in_this_thread());
    co_await async_read(stream, asio::use_awaitable);
    on_strand.push_back(strand.running_in_this_thread());
    // A plain callback as the token: it runs from the loop, after this call.
    bool called = false;
    async_write(stream, text("2"), [&](std::exception_ptr e) { called = !e; });
    inside_call = called;
    auto echo = co_await async_read(stream, asio::use_awaitable);
    on_strand.push_back(strand.running_in_this_thread() && echo && echo->payload == "2");
    stream.close();
    co_await async_closed(stream, asio::use_awaitable);
    on_strand.push_back(strand.running_in_this_thread());
    // The write's completion and the echo's arrival are not ordered (on
    // IOCP the read may complete first); by the close it has run.
    written_before_close = called;
  });
  CHECK(on_strand == std::vector<bool>(5, true));
  CHECK_FALSE(inside_call);
  CHECK(written_before_close);
}

TEST_CASE("a write after close() fails with InvalidStateError through the token", "[native][asio_stream]") {
  auto peer = start_ws_peer();
  asio::io_context io;
  native::AsioBackend backend(io);
  std::string write_error;
  run_awaitable(io, io.get_executor(), [&]() -> asio::awaitable<void> {
    WebSocketStream stream(backend, peer.url("/"));
    co_await async_opened(stream, asio::use_awaitable);
    stream.close();
    try {
      co_await async_write(stream, text("late"), asio::use_awaitable);
    } catch (const Error& e) {
      write_error = e.name();
    }
    co_await async_closed(stream, asio::use_awaitable);
  });
  CHECK(write_error == "InvalidStateError");
}

}  // namespace duplex::test
