// The one echo server every bench client talks to: single-threaded Asio, on
// 127.0.0.1. Port P echoes raw TCP bytes, P+1 is a WebSocket echo (Beast,
// permessage-deflate accepted when offered), P+2 the same over TLS 1.3.
//   bench_echo_server --port P [--cpu C] [--cert pem --key pem]

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <memory>
#include <optional>

#include "bench_common.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

/// Echoes whatever bytes arrive, as they arrive (the floor's server side).
class RawSession : public std::enable_shared_from_this<RawSession> {
 public:
  explicit RawSession(tcp::socket s) : socket_(std::move(s)), buffer_(256 * 1024) {}
  void start() {
    socket_.set_option(tcp::no_delay(true));
    read();
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return;
      asio::async_write(self->socket_, asio::buffer(self->buffer_.data(), n), [self](error_code e, std::size_t) {
        if (!e) self->read();
      });
    });
  }
  tcp::socket socket_;
  std::vector<char> buffer_;
};

/// Echoes each WebSocket message with the opcode it came with.
template <class Stream>
class WsSession : public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  explicit WsSession(Stream stream) : ws_(std::move(stream)) {}

  void start() {
    beast::get_lowest_layer(ws_).set_option(tcp::no_delay(true));
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    ws_.set_option(pmd);
    ws_.auto_fragment(false);
    ws_.read_message_max(256 * 1024 * 1024);
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<tcp::socket>>) {
      ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                       [self = this->shared_from_this()](error_code ec) {
                                         if (!ec) self->accept();
                                       });
    } else {
      accept();
    }
  }

 private:
  void accept() {
    ws_.async_accept([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->read();
    });
  }
  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) return;
      self->ws_.text(self->ws_.got_text());
      self->ws_.async_write(self->buffer_.data(), [self](error_code e, std::size_t) {
        if (e) return;
        self->buffer_.consume(self->buffer_.size());
        self->read();
      });
    });
  }
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
};

template <class OnSocket>
void accept_loop(tcp::acceptor& acceptor, OnSocket on_socket) {
  acceptor.async_accept([&acceptor, on_socket](error_code ec, tcp::socket s) {
    if (!ec) on_socket(std::move(s));
    accept_loop(acceptor, on_socket);
  });
}

tcp::acceptor listen(asio::io_context& io, int port) {
  tcp::acceptor a(io);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  a.bind(ep);
  a.listen(4096);
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 9001, cpu = -1;
  std::string cert, key;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--port")
      port = std::atoi(argv[i + 1]);
    else if (k == "--cpu")
      cpu = std::atoi(argv[i + 1]);
    else if (k == "--cert")
      cert = argv[i + 1];
    else if (k == "--key")
      key = argv[i + 1];
  }
  bench::pin_cpu(cpu);
  asio::io_context io(1);
  auto raw = listen(io, port);
  auto ws = listen(io, port + 1);
  accept_loop(raw, [](tcp::socket s) { std::make_shared<RawSession>(std::move(s))->start(); });
  accept_loop(ws, [](tcp::socket s) { std::make_shared<WsSession<tcp::socket>>(std::move(s))->start(); });

  asio::ssl::context tls(asio::ssl::context::tls_server);
  std::optional<tcp::acceptor> wss;
  if (!cert.empty()) {
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_3_VERSION);
    tls.use_certificate_chain_file(cert);
    tls.use_private_key_file(key, asio::ssl::context::pem);
    wss.emplace(listen(io, port + 2));
    accept_loop(*wss, [&tls](tcp::socket s) {
      std::make_shared<WsSession<beast::ssl_stream<tcp::socket>>>(beast::ssl_stream<tcp::socket>(std::move(s), tls))
          ->start();
    });
  }
  std::printf("listening on 127.0.0.1:%d (raw), %d (ws), %d (wss)\n", port, port + 1, port + 2);
  std::fflush(stdout);
  io.run();
}
