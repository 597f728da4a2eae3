// The bench echo client on duplex's coroutine interface: one duplex::Task per
// connection awaiting WebSocketStream's write() and read(), on an AsioBackend
// over its own io_context. The same workloads and output as
// client_duplex.cpp (the callback client), so that the two side by side give
// the price of the coroutine layer per message.

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <duplex/duplex.hpp>
#include <duplex/native/asio_backend.hpp>
#include <duplex/task.hpp>
#include <duplex/websocket_stream.hpp>
#include <memory>
#include <span>

#include "bench_common.hpp"

namespace {

/// What every connection's task shares.
struct Run {
  Run(const bench::Args& args, boost::asio::io_context& context, duplex::native::AsioBackend& loop)
      : a(args),
        io(context),
        backend(loop),
        url(std::string(a.tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(a.port + (a.tls ? 2 : 1)) + "/"),
        payload(bench::make_payload(a.payload, a.size)) {
    options.connection.permessage_deflate = a.deflate;
    options.connection.ca_file = a.ca;
  }

  const bench::Args& a;
  boost::asio::io_context& io;
  duplex::native::AsioBackend& backend;
  std::string url;
  duplex::WebSocketStreamOptions options;
  std::string payload;
  bench::Meter meter;
  bench::Flow flow{a};
  bool finished = false;

  void finish(long ops, std::size_t bytes_per_op) {
    finished = true;
    meter.report(ops, bytes_per_op, a.conns);
    io.stop();
  }
  /// The next message to send: a copy of the payload, as send() makes one.
  duplex::Message message() const {
    return {a.text() ? duplex::Message::Kind::text : duplex::Message::Kind::binary, payload};
  }
};

/// Ping-pong or bulk on one open stream: `flow.initial()` messages, then one
/// more per echo, until `msgs` echoes in all have come back.
duplex::Task<void> echo(Run& run, duplex::WebSocketStream& stream, int c) {
  try {
    for (int k = 0; k < run.flow.initial(); ++k)
      if (run.flow.may_send(c)) co_await stream.write(run.message());
    for (;;) {
      // The echo is dropped at once, as the callback client's event is: its
      // buffer is free again for the next message.
      if (!co_await stream.read()) co_return;
      run.flow.echoed(c, run.meter);
      if (run.flow.done()) co_return run.finish(run.flow.received(), run.a.size);
      if (run.flow.may_send(c)) co_await stream.write(run.message());
    }
  } catch (const std::exception& e) {
    if (run.finished) co_return;
    std::fprintf(stderr, "error: %s\n", e.what());
    std::exit(1);
  }
}

/// Opens every connection (all at once, or one after another with
/// --sequential), then measures either the opening (handshake, idle) or the
/// echo traffic (pingpong, bulk) of all of them.
duplex::Task<void> main_task(Run& run, std::vector<std::unique_ptr<duplex::WebSocketStream>>& streams) {
  const bool traffic = run.a.mode == "pingpong" || run.a.mode == "bulk";
  if (!traffic) run.meter.start();
  auto open = [&] { streams.push_back(std::make_unique<duplex::WebSocketStream>(run.backend, run.url, run.options)); };
  try {
    if (run.a.sequential) {
      for (int c = 0; c < run.a.conns; ++c) {
        open();
        co_await streams.back()->opened();
      }
    } else {
      for (int c = 0; c < run.a.conns; ++c) open();
      for (auto& stream : streams) co_await stream->opened();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    std::exit(1);
  }
  if (!traffic) co_return run.finish(run.a.conns, 0);
  run.meter.start();
  for (int c = 0; c < run.a.conns; ++c) duplex::spawn(run.backend, echo(run, *streams[std::size_t(c)], c));
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Args a = bench::parse_args(argc, argv);
  bench::pin_cpu(a.cpu);
  if (a.mode == "reconnect") {
    std::printf("unsupported\n");
    return 3;
  }
  boost::asio::io_context io(1);
  duplex::native::AsioBackend backend(io);
  Run run(a, io, backend);
  std::vector<std::unique_ptr<duplex::WebSocketStream>> streams;
  streams.reserve(std::size_t(a.conns));
  duplex::spawn(backend, main_task(run, streams));
  io.run();
  std::fflush(stdout);
  std::_Exit(run.finished ? 0 : 1);  // skip closing thousands of sockets one by one
}
