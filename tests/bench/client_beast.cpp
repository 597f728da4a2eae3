// The bench echo client on Boost.Beast (the reference).
// Beast has no TLS session resumption of its own; with --resume on, the
// reconnect workload resumes as a Beast user could write it: the session of
// the connection that closed (SSL_get1_session, once the closing handshake
// has read the server's tickets) is set on the next one (SSL_set_session).

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

#include "bench_common.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

struct Shared {
  bench::Args a;
  asio::io_context io{1};
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::string payload;
  bench::Meter meter;
  std::optional<bench::Flow> flow;  // after `a` is parsed
  int opened = 0;
  bool finished = false;
  std::function<void(int)> on_open;
  std::function<void(int)> on_closed;   // reconnect: connection `id` is closed
  SSL_SESSION* last_session = nullptr;  // reconnect with --resume on: to offer on the next connection
  void finish(long ops, std::size_t bytes) {
    finished = true;
    meter.report(ops, bytes, a.conns);
    io.stop();
  }
};

void check(Shared& s, error_code ec, const char* what) {
  if (!ec || s.finished) return;
  std::fprintf(stderr, "error: %s: %s\n", what, ec.message().c_str());
  std::exit(1);
}

template <class Stream>
class Client : public std::enable_shared_from_this<Client<Stream>> {
 public:
  template <class... StreamArgs>
  Client(Shared& s, int id, StreamArgs&&... args) : s_(s), id_(id), ws_(std::forward<StreamArgs>(args)...) {}

  void start() {
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"),
                           static_cast<unsigned short>(s_.a.port + (s_.a.tls ? 2 : 1)));
    beast::get_lowest_layer(ws_).async_connect(ep, [self = this->shared_from_this()](error_code ec) {
      check(self->s_, ec, "connect");
      beast::get_lowest_layer(self->ws_).set_option(tcp::no_delay(true));
      if constexpr (std::is_same_v<Stream, beast::ssl_stream<tcp::socket>>) {
        if (self->s_.last_session != nullptr)
          SSL_set_session(self->ws_.next_layer().native_handle(), self->s_.last_session);
        SSL_set_tlsext_host_name(self->ws_.next_layer().native_handle(), "127.0.0.1");
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(self->ws_.next_layer().native_handle()), "127.0.0.1");
        self->ws_.next_layer().async_handshake(asio::ssl::stream_base::client, [self](error_code e) {
          check(self->s_, e, "tls");
          self->handshake();
        });
      } else {
        self->handshake();
      }
    });
  }
  /// reconnect: the closing handshake (Beast's teardown shuts TLS down too), then on_closed.
  void close() {
    ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](error_code ec) {
      check(self->s_, ec, "close");
      if constexpr (std::is_same_v<Stream, beast::ssl_stream<tcp::socket>>) {
        if (self->s_.a.resume == "on") {
          if (self->s_.last_session != nullptr) SSL_SESSION_free(self->s_.last_session);
          self->s_.last_session = SSL_get1_session(self->ws_.next_layer().native_handle());
        }
      }
      self->s_.on_closed(self->id_);
    });
  }
  void send() {
    if (!s_.flow->may_send(id_)) return;
    ++queued_;
    if (!writing_) write();
  }

 private:
  void handshake() {
    if (s_.a.deflate) {
      websocket::permessage_deflate pmd;
      pmd.client_enable = true;
      ws_.set_option(pmd);
    }
    ws_.auto_fragment(false);
    ws_.binary(!s_.a.text());
    ws_.text(s_.a.text());
    ws_.read_message_max(256 * 1024 * 1024);
    ws_.async_handshake("127.0.0.1", "/", [self = this->shared_from_this()](error_code ec) {
      check(self->s_, ec, "handshake");
      if (self->s_.on_open) self->s_.on_open(self->id_);
      if (self->s_.a.mode != "reconnect") self->read();  // reconnect: async_close reads the server's Close
    });
  }
  void write() {
    writing_ = true;
    --queued_;
    ws_.async_write(asio::buffer(s_.payload), [self = this->shared_from_this()](error_code ec, std::size_t) {
      check(self->s_, ec, "write");
      self->writing_ = false;
      if (self->queued_ > 0) self->write();
    });
  }
  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      check(self->s_, ec, "read");
      if (self->s_.finished) return;
      self->buffer_.consume(self->buffer_.size());
      self->s_.flow->echoed(self->id_, self->s_.meter);
      if (self->s_.flow->done()) return self->s_.finish(self->s_.flow->received(), self->s_.a.size);
      self->send();
      self->read();
    });
  }
  Shared& s_;
  int id_;
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  int queued_ = 0;
  bool writing_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  Shared s;
  s.a = bench::parse_args(argc, argv);
  const bench::Args& a = s.a;
  bench::pin_cpu(a.cpu);
  s.payload = bench::make_payload(a.payload, a.size);
  s.flow.emplace(a);
  s.tls.set_verify_mode(asio::ssl::verify_peer);
  if (!a.ca.empty()) s.tls.load_verify_file(a.ca);

  using Plain = Client<tcp::socket>;
  using Tls = Client<beast::ssl_stream<tcp::socket>>;
  std::vector<std::shared_ptr<Plain>> plain;
  std::vector<std::shared_ptr<Tls>> secure;
  const bool traffic = a.mode == "pingpong" || a.mode == "bulk";
  const bool reconnect = a.mode == "reconnect";
  std::function<void(int)> open_one = [&](int c) {
    if (a.tls) {
      secure.push_back(std::make_shared<Tls>(s, c, s.io, s.tls));
      secure.back()->start();
    } else {
      plain.push_back(std::make_shared<Plain>(s, c, s.io));
      plain.back()->start();
    }
  };
  s.on_closed = [&](int c) {
    if (a.tls)
      secure[std::size_t(c)].reset();  // its handler still holds it
    else
      plain[std::size_t(c)].reset();
    if (s.opened == a.conns) return s.finish(s.opened, 0);
    open_one(s.opened);
  };
  s.on_open = [&](int c) {
    ++s.opened;
    if (reconnect) return a.tls ? secure[std::size_t(c)]->close() : plain[std::size_t(c)]->close();
    if (!traffic) {
      if (s.opened == a.conns) return s.finish(s.opened, 0);
      if (a.sequential) open_one(s.opened);
      return;
    }
    if (s.opened < a.conns) return;
    s.meter.start();
    for (int c = 0; c < a.conns; ++c)
      for (int k = 0; k < s.flow->initial(); ++k)
        a.tls ? secure[std::size_t(c)]->send() : plain[std::size_t(c)]->send();
  };
  if (!traffic) s.meter.start();
  if (a.sequential || reconnect)
    open_one(0);
  else
    for (int c = 0; c < a.conns; ++c) open_one(c);
  s.io.run();
  std::fflush(stdout);
  std::_Exit(s.finished ? 0 : 1);
}
