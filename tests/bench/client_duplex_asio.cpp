// The bench echo client on duplex's Asio completion tokens
// (duplex/native/asio_stream.hpp): one asio::awaitable per connection,
// co_spawned on the io_context the AsioBackend runs on, awaiting
// async_write() and async_read() with asio::use_awaitable. Ping-pong and bulk
// only (exit 3 otherwise, as the runner expects): beside client_duplex.cpp
// (callbacks) and client_duplex_co.cpp (duplex::Task) it gives the price of
// the Asio adapter per message.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <duplex/duplex.hpp>
#include <duplex/native/asio_backend.hpp>
#include <duplex/native/asio_stream.hpp>
#include <memory>

#include "bench_common.hpp"

namespace {

namespace asio = boost::asio;

/// What every connection's coroutine shares.
struct Run {
  Run(const bench::Args& args, asio::io_context& context, duplex::native::AsioBackend& loop)
      : a(args),
        io(context),
        backend(loop),
        url(std::string(a.tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(a.port + (a.tls ? 2 : 1)) + "/"),
        payload(bench::make_payload(a.payload, a.size)) {
    options.connection.permessage_deflate = a.deflate;
    options.connection.ca_file = a.ca;
  }

  const bench::Args& a;
  asio::io_context& io;
  duplex::native::AsioBackend& backend;
  std::string url;
  duplex::WebSocketStreamOptions options;
  std::string payload;
  bench::Meter meter;
  bench::Flow flow{a};
  bool finished = false;

  void finish() {
    finished = true;
    meter.report(flow.received(), a.size, a.conns);
    io.stop();
  }
  /// The next message to send: a copy of the payload, as send() makes one.
  duplex::Message message() const {
    return {a.text() ? duplex::Message::Kind::text : duplex::Message::Kind::binary, payload};
  }
};

/// Ping-pong or bulk on one open stream, as client_duplex_co.cpp's echo().
asio::awaitable<void> echo(Run& run, duplex::WebSocketStream& stream, int c) {
  using duplex::native::async_read;
  using duplex::native::async_write;
  for (int k = 0; k < run.flow.initial(); ++k)
    if (run.flow.may_send(c)) co_await async_write(stream, run.message(), asio::use_awaitable);
  for (;;) {
    // The echo is dropped at once, as the callback client's event is: its
    // buffer is free again for the next message.
    if (!co_await async_read(stream, asio::use_awaitable)) co_return;
    run.flow.echoed(c, run.meter);
    if (run.flow.done()) co_return run.finish();
    if (run.flow.may_send(c)) co_await async_write(stream, run.message(), asio::use_awaitable);
  }
}

/// The completion of a co_spawned coroutine: an error ends the client.
void exit_on_error(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    std::exit(1);
  }
}

/// Opens every connection, then starts one echo coroutine per connection.
asio::awaitable<void> main_task(Run& run, std::vector<std::unique_ptr<duplex::WebSocketStream>>& streams) {
  for (int c = 0; c < run.a.conns; ++c)
    streams.push_back(std::make_unique<duplex::WebSocketStream>(run.backend, run.url, run.options));
  for (auto& stream : streams) co_await duplex::native::async_opened(*stream, asio::use_awaitable);
  run.meter.start();
  for (int c = 0; c < run.a.conns; ++c) asio::co_spawn(run.io, echo(run, *streams[std::size_t(c)], c), exit_on_error);
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Args a = bench::parse_args(argc, argv);
  if (a.mode != "pingpong" && a.mode != "bulk") return 3;
  bench::pin_cpu(a.cpu);
  asio::io_context io(1);
  duplex::native::AsioBackend backend(io);
  Run run(a, io, backend);
  std::vector<std::unique_ptr<duplex::WebSocketStream>> streams;
  streams.reserve(std::size_t(a.conns));
  asio::co_spawn(io, main_task(run, streams), exit_on_error);
  io.run();
  std::fflush(stdout);
  std::_Exit(run.finished ? 0 : 1);  // skip closing the sockets one by one
}
