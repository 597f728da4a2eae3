// AsioSession, connecting: name resolution, connection attempts raced as RFC
// 8305 describes, the proxy tunnel, TLS inside it, the opening handshake.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "asio_session.hpp"
#include "happy_eyeballs.hpp"
#include "openssl_random.hpp"
#include "proxy_tunnel.hpp"
#include "tls_context.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string describe(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// A dotted-quad IPv4 literal ("127.0.0.1", what the URL parser writes for any
// IPv4 host), read by hand: make_address tries IPv6 first and costs more than
// a tenth of a handshake's own CPU. Anything else, leading zeros included
// (inet_pton refuses them), gives nullopt.
std::optional<asio::ip::address_v4> dotted_quad(std::string_view host) {
  std::uint32_t address = 0;
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && (pos >= host.size() || host[pos++] != '.')) return std::nullopt;
    const std::size_t start = pos;
    std::uint32_t value = 0;
    while (pos < host.size() && pos - start < 3 && host[pos] >= '0' && host[pos] <= '9')
      value = value * 10 + static_cast<std::uint32_t>(host[pos++] - '0');
    if (pos == start || value > 255 || (host[start] == '0' && pos - start > 1)) return std::nullopt;
    address = address << 8 | value;
  }
  if (pos != host.size()) return std::nullopt;
  return asio::ip::address_v4(address);
}

}  // namespace

void AsioSession::start() {
  // The session owns its timers (destroying one cancels it), so a callback
  // may hold `this`: a shared_ptr would not fit std::function's inline space.
  open_timer_.start(request_.options.open_timeout, [this] {
    if (phase_ == Phase::open || phase_ == Phase::ended) return;
    const auto self = shared_from_this();  // failing may drop the owner's reference
    fail(errc::open_timeout,
         "opening handshake timed out after " + std::to_string(request_.options.open_timeout.count()) + " ms");
  });
  const auto& url = request_.url;
  auto choice =
      proxy::choose_proxy(request_.options.proxy, url.secure, url.host_name(), url.port, proxy::process_environment());
  // A proxy setting that does not parse (Options::proxy, a *_proxy variable):
  // no proxy can open the tunnel, and retrying will not change the setting;
  // proxy_refused is the kind that names the proxy as what stopped us.
  if (!choice.error.empty()) return fail_later(Failure(errc::proxy_refused, std::move(choice.error)));
  proxy_ = std::move(choice.proxy);
  const std::string host = proxy_ ? proxy_->host : url.host_name();
  const std::uint16_t port = proxy_ ? proxy_->port : url.port;
  resolve(host, port, [this](Addresses a) { connect_to(std::move(a)); });
}

std::string AsioSession::describe_endpoint() const { return describe(request_.url.host_name(), request_.url.port); }

// Every address the name resolves to, IPv6 and IPv4: getaddrinfo orders them
// by RFC 6724's rules, and happy_eyeballs.hpp interleaves the families.
void AsioSession::resolve(const std::string& host, std::uint16_t port, std::function<void(Addresses)> next) {
  if (custom_resolver_) {
    asio::post(io_, [self = shared_from_this(), host, port, next = std::move(next)] {
      if (self->phase_ == Phase::ended) return;
      Addresses addresses = self->custom_resolver_(host, port);
      if (addresses.empty()) return self->fail(errc::name_resolution, "cannot resolve " + host + ": no address");
      next(std::move(addresses));
    });
    return;
  }
  // An IP literal names its one address: no getaddrinfo, no trip to the
  // resolver's own thread and back, not even a posted handler (connecting
  // reports nothing before this call returns: completions are posted).
  error_code not_literal;
  const auto v4 = dotted_quad(host);
  const asio::ip::address literal = v4 ? asio::ip::address(*v4) : asio::ip::make_address(host, not_literal);
  if (!not_literal) return next(Addresses{tcp::endpoint(literal, port)});
  resolver_.async_resolve(host, std::to_string(port),
                          [self = shared_from_this(), host, next = std::move(next)](
                              const error_code& ec, const tcp::resolver::results_type& results) {
                            if (self->phase_ == Phase::ended) return;
                            if (ec)
                              return self->fail(errc::name_resolution, "cannot resolve " + host + ": " + ec.message());
                            Addresses addresses;
                            for (const auto& entry : results) addresses.push_back(entry.endpoint());
                            next(std::move(addresses));
                          });
}

void AsioSession::connect_to(Addresses addresses) {
  if (addresses.size() == 1) return connect_directly(addresses.front());
  connector_ = std::make_shared<HappyEyeballs>(
      io_, std::move(addresses), connection_attempt_delay, request_.options.connect_timeout,
      [self = shared_from_this()](std::optional<tcp::socket> socket, errc kind, const std::string& error) {
        self->connector_.reset();
        if (self->phase_ == Phase::ended) return;
        if (!socket) return self->fail_to_connect(kind, error);
        self->tcp_socket() = std::move(*socket);
        self->on_connected();
      });
  connector_->start();
}

// One address (an IP literal, or a name with only one): there is no race to
// run, so the session's own socket connects, with no HappyEyeballs objects,
// timers or moved sockets (a fifth of a loopback handshake's allocations).
void AsioSession::connect_directly(const tcp::endpoint& address) {
  step_timer_.start(request_.options.connect_timeout, [this] {
    connect_timed_out_ = true;
    error_code ignored;
    tcp_socket().close(ignored);  // completes the connect with operation_aborted
  });
  tcp_socket().async_connect(address, [self = shared_from_this()](const error_code& ec) {
    self->step_timer_.cancel();
    if (self->phase_ == Phase::ended) return;
    if (!ec) return self->on_connected();
    const bool timed_out = self->connect_timed_out_;
    self->fail_to_connect(connect_error_kind(ec, timed_out),
                          timed_out ? attempt_timeout_error(self->request_.options.connect_timeout) : ec.message());
  });
}

// A proxy that cannot be reached fails as a server would (the message names it).
void AsioSession::fail_to_connect(errc kind, const std::string& error) {
  const std::string what = proxy_ ? "proxy " + proxy_->authority() : describe_endpoint();
  fail(kind, "cannot connect to " + what + ": " + error);
}

void AsioSession::on_connected() {
  tcp_socket().set_option(tcp::no_delay(true));
  if (!proxy_) return start_tls();
  // socks5:// resolves the destination here and hands the proxy an address;
  // http:// and socks5h:// hand it the name (the proxy resolves it).
  if (proxy_->scheme != proxy::ProxyScheme::socks5) return open_tunnel(request_.url.host_name());
  resolve(request_.url.host_name(), request_.url.port,
          [this](Addresses a) { open_tunnel(interleave_families(a).front().address().to_string()); });
}

void AsioSession::open_tunnel(const std::string& host) {
  auto tunnel = std::make_shared<ProxyTunnel>(tcp_socket(), *proxy_, host, request_.url.port,
                                              [self = shared_from_this()](std::optional<Failure> failure) {
                                                if (self->phase_ == Phase::ended) return;
                                                if (failure) return self->fail(std::move(*failure));
                                                self->start_tls();
                                              });
  tunnel->start();
}

// TLS runs end to end inside the tunnel: SNI and the certificate check are
// for the origin's host name, never the proxy's.
void AsioSession::start_tls() {
  if (tls() == nullptr) return send_handshake_request();
  prepare_tls_session(tls_handle(), request_.url.host_name(), request_.options);
  tls_resumption_.offer(tls_handle());
  tls_handshake();
}

void AsioSession::on_tls_handshake_done(const error_code& ec) {
  tls_resumption_.handshake_ended(tls_handle(), !ec);
  if (ec) return fail(tls_failure(tls_handle(), ec));
  send_handshake_request();
}

void AsioSession::send_handshake_request() {
  phase_ = Phase::handshaking;
  rfc6455::HandshakeRequest handshake{request_.url.host_header(), request_.url.resource,   request_.protocols, {},
                                      request_.options.origin,    request_.options.headers};
  if (request_.options.permessage_deflate) {
    rfc6455::DeflateOffer offer;
    offer.client_no_context_takeover = request_.options.deflate_no_context_takeover;
    offer.server_no_context_takeover = request_.options.deflate_no_context_takeover;
    handshake.extensions.push_back(rfc6455::deflate_offer_element(offer));
  }
  handshake_ =
      std::make_unique<rfc6455::ClientHandshake>(std::move(handshake), rfc6455::RandomSource(openssl_random_bytes));
  if (tls() != nullptr) {
    // Through the TLS layer's write path, as frames go: a failure closes the
    // socket, and the read then reports the connection closed.
    write_buffers_.assign(1, asio::buffer(handshake_->request_bytes()));
    writing_ = true;
    write_async();
    return read();
  }
  asio::async_write(std::get<tcp::socket>(stream_), asio::buffer(handshake_->request_bytes()),
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      if (self->phase_ == Phase::ended) return;
                      if (ec)
                        return self->fail(errc::connection_failed,
                                          "cannot send the opening handshake: " + ec.message());
                    });
  read();
}

}  // namespace duplex::native
