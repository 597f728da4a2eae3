// The bench echo client on duplex (native backend, its own io_context).
// wss: --ca FILE (run_bench.py passes the test CA) becomes Options::ca_file, as
// Beast and websocketpp load theirs: one TLS context for all connections,
// from the backend's TLS context cache.

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <duplex/duplex.hpp>
#include <duplex/native/asio_backend.hpp>
#include <memory>
#include <span>

#include "bench_common.hpp"

int main(int argc, char** argv) {
  const bench::Args a = bench::parse_args(argc, argv);
  bench::pin_cpu(a.cpu);
  boost::asio::io_context io(1);
  duplex::native::AsioBackend backend(io);
  const std::string payload = bench::make_payload(a.payload, a.size);
  const auto bytes = std::as_bytes(std::span(payload.data(), payload.size()));
  const std::string url =
      std::string(a.tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(a.port + (a.tls ? 2 : 1)) + "/";
  duplex::Options options;
  options.permessage_deflate = a.deflate;
  options.ca_file = a.ca;
  options.tls_session_resumption = a.resume != "off";

  bench::Meter meter;
  bench::Flow flow(a);
  std::vector<std::unique_ptr<duplex::WebSocket>> sockets;
  sockets.reserve(std::size_t(a.conns));
  int opened = 0;
  const bool traffic = a.mode == "pingpong" || a.mode == "bulk";
  const bool reconnect = a.mode == "reconnect";
  bool finished = false;

  auto send = [&](int c) {
    if (!flow.may_send(c)) return;
    if (a.text())
      sockets[std::size_t(c)]->send(payload);
    else
      sockets[std::size_t(c)]->send(bytes);
  };
  auto finish = [&](long ops, std::size_t bytes_per_op) {
    finished = true;
    meter.report(ops, bytes_per_op, a.conns);
    io.stop();
  };
  std::function<void(int)> open_one;
  auto on_open = [&](int c) {
    ++opened;
    if (reconnect) return sockets[std::size_t(c)]->close(1000);
    if (!traffic) {
      if (opened == a.conns) return finish(opened, 0);
      if (a.sequential) open_one(opened);
      return;
    }
    if (opened < a.conns) return;
    meter.start();
    for (int c = 0; c < a.conns; ++c)
      for (int k = 0; k < flow.initial(); ++k) send(c);
  };
  open_one = [&](int c) {
    auto ws = std::make_unique<duplex::WebSocket>(backend, url, std::vector<std::string>{}, options);
    ws->binary_type(duplex::BinaryType::arraybuffer);
    ws->onopen([&, c](const duplex::Event&) { on_open(c); });
    ws->onmessage([&, c](const duplex::MessageEvent&) {
      flow.echoed(c, meter);
      if (flow.done()) return finish(flow.received(), a.size);
      send(c);
    });
    if (reconnect)
      ws->onclose([&, c](const duplex::CloseEvent&) {
        if (opened == a.conns) return finish(opened, 0);
        open_one(opened);
        sockets[std::size_t(c)].reset();  // last: a socket may be destroyed inside its own handler, which goes with it
      });
    ws->onerror([&](const duplex::ErrorEvent& e) {
      if (finished) return;
      std::fprintf(stderr, "error: %s\n", e.message().c_str());
      std::exit(1);
    });
    sockets.push_back(std::move(ws));
  };
  if (!traffic) meter.start();
  if (a.sequential || reconnect)
    open_one(0);
  else
    for (int c = 0; c < a.conns; ++c) open_one(c);
  io.run();
  if (reconnect) {
    const auto tls = backend.tls_handshakes();
    std::fprintf(stderr, "TLS handshakes: %llu full, %llu resumed\n", static_cast<unsigned long long>(tls.full),
                 static_cast<unsigned long long>(tls.resumed));
  }
  std::fflush(stdout);
  std::_Exit(finished ? 0 : 1);  // skip closing thousands of sockets one by one
}
