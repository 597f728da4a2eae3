// The bench echo client on websocketpp (Debian's libwebsocketpp-dev, Boost.Asio).
// Without permessage-deflate: websocketpp's is unfinished (no client offer).

#include <cstdio>
#include <functional>
#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_client.hpp>

#include "bench_common.hpp"

namespace {

template <class Config>
int run(const bench::Args& a) {
  using client_t = websocketpp::client<Config>;
  client_t client;
  client.clear_access_channels(websocketpp::log::alevel::all);
  client.clear_error_channels(websocketpp::log::elevel::all);
  client.init_asio();
  if constexpr (std::is_same_v<Config, websocketpp::config::asio_tls_client>) {
    client.set_tls_init_handler([&a](websocketpp::connection_hdl) {
      auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
      ctx->set_verify_mode(boost::asio::ssl::verify_peer);
      if (!a.ca.empty()) ctx->load_verify_file(a.ca);
      return ctx;
    });
  }
  const std::string payload = bench::make_payload(a.payload, a.size);
  const auto op = a.text() ? websocketpp::frame::opcode::text : websocketpp::frame::opcode::binary;
  const std::string url =
      std::string(a.tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(a.port + (a.tls ? 2 : 1)) + "/";
  bench::Meter meter;
  bench::Flow flow(a);
  std::vector<websocketpp::connection_hdl> handles(std::size_t(a.conns));
  int opened = 0;
  bool finished = false;
  const bool traffic = a.mode == "pingpong" || a.mode == "bulk";

  auto finish = [&](long ops, std::size_t bytes) {
    finished = true;
    meter.report(ops, bytes, a.conns);
    client.stop();
  };
  auto send = [&](int c) {
    if (!flow.may_send(c)) return;
    websocketpp::lib::error_code ec;
    client.send(handles[std::size_t(c)], payload, op, ec);
  };
  std::function<void(int)> open_one = [&](int c) {
    websocketpp::lib::error_code ec;
    auto con = client.get_connection(url, ec);
    if (ec) {
      std::fprintf(stderr, "error: %s\n", ec.message().c_str());
      std::exit(1);
    }
    con->set_tcp_init_handler([&client](websocketpp::connection_hdl h) {
      client.get_con_from_hdl(h)->get_raw_socket().set_option(boost::asio::ip::tcp::no_delay(true));
    });
    con->set_open_handler([&, c](websocketpp::connection_hdl h) {
      handles[std::size_t(c)] = h;
      ++opened;
      if (!traffic) {
        if (opened == a.conns) return finish(opened, 0);
        if (a.sequential) open_one(opened);
        return;
      }
      if (opened < a.conns) return;
      meter.start();
      for (int i = 0; i < a.conns; ++i)
        for (int k = 0; k < flow.initial(); ++k) send(i);
    });
    con->set_message_handler([&, c](websocketpp::connection_hdl, typename client_t::message_ptr) {
      if (finished) return;
      flow.echoed(c, meter);
      if (flow.done()) return finish(flow.received(), a.size);
      send(c);
    });
    con->set_fail_handler([&](websocketpp::connection_hdl) {
      if (finished) return;
      std::fprintf(stderr, "error: connection failed\n");
      std::exit(1);
    });
    client.connect(con);
  };
  if (!traffic) meter.start();
  if (a.sequential)
    open_one(0);
  else
    for (int c = 0; c < a.conns; ++c) open_one(c);
  client.run();
  std::fflush(stdout);
  std::_Exit(finished ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Args a = bench::parse_args(argc, argv);
  bench::pin_cpu(a.cpu);
  if (a.deflate || a.mode == "reconnect") {
    std::printf("unsupported\n");
    return 3;
  }
  return a.tls ? run<websocketpp::config::asio_tls_client>(a) : run<websocketpp::config::asio_client>(a);
}
