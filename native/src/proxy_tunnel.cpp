#include "proxy_tunnel.hpp"

#include <boost/asio/write.hpp>

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::variant<proxy::HttpConnectResponse, proxy::Socks5Handshake> make_protocol(const proxy::ProxyUrl& proxy,
                                                                               const std::string& host,
                                                                               std::uint16_t port,
                                                                               std::string& first_bytes) {
  if (proxy.scheme == proxy::ProxyScheme::http) {
    first_bytes = proxy::http_connect_request(host, port, proxy.credentials);
    return proxy::HttpConnectResponse(proxy.authority(), proxy.credentials.has_value());
  }
  proxy::Socks5Handshake socks(host, port, proxy.credentials);
  first_bytes = socks.take_output();
  return socks;
}

}  // namespace

ProxyTunnel::ProxyTunnel(tcp::socket& socket, const proxy::ProxyUrl& proxy, const std::string& host, std::uint16_t port,
                         Handler handler)
    : socket_(socket),
      proxy_name_(proxy.authority()),
      pending_(),
      protocol_(make_protocol(proxy, host, port, pending_)),
      buffer_(1024),
      handler_(std::move(handler)) {}

void ProxyTunnel::start() {
  if (auto* socks = std::get_if<proxy::Socks5Handshake>(&protocol_);
      socks && socks->status() == proxy::Socks5Handshake::Status::failed)
    return done(Failure(socks->error_kind(), socks->error()));
  write_pending();
  read();
}

void ProxyTunnel::write_pending() {
  if (pending_.empty() || !writing_.empty()) return;
  writing_ = std::move(pending_);
  pending_.clear();
  asio::async_write(socket_, asio::buffer(writing_), [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->writing_.clear();
    if (ec)
      return self->done(
          Failure(errc::connection_failed, "cannot write to proxy " + self->proxy_name_ + ": " + ec.message()));
    self->write_pending();
  });
}

void ProxyTunnel::read() {
  socket_.async_read_some(asio::buffer(buffer_),
                          [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void ProxyTunnel::on_read(const error_code& ec, std::size_t size) {
  if (!handler_) return;
  // A proxy that hangs up instead of answering has refused the tunnel; a
  // broken connection to it failed as a direct one would.
  if (ec == asio::error::eof)
    return done(
        Failure(errc::proxy_refused, "proxy " + proxy_name_ + " closed the connection before the tunnel was up"));
  if (ec) return done(Failure(errc::connection_failed, "cannot read from proxy " + proxy_name_ + ": " + ec.message()));
  const std::span<const std::byte> bytes(buffer_.data(), size);
  std::string error;
  errc kind = errc::proxy_refused;
  bool established = false;
  bool failed = false;
  std::visit(
      [&](auto& protocol) {
        using P = std::decay_t<decltype(protocol)>;
        const auto status = protocol.feed(bytes);
        failed = status == P::Status::failed;
        established = status == P::Status::established;
        if (failed) {
          error = protocol.error();
          kind = protocol.error_kind();
        }
        // The client speaks first on the tunnel (TLS or the HTTP upgrade): a
        // proxy that sends more than its answer is not one to trust.
        if (established && !protocol.leftover().empty())
          error = "proxy " + proxy_name_ + " sent data before the tunnel was used";
        if constexpr (std::is_same_v<P, proxy::Socks5Handshake>) pending_ += protocol.take_output();
      },
      protocol_);
  if (failed || !error.empty()) return done(Failure(kind, std::move(error)));
  if (established) return done(std::nullopt);
  write_pending();
  read();
}

void ProxyTunnel::done(std::optional<Failure> failure) {
  auto handler = std::move(handler_);
  handler_ = nullptr;
  if (handler) handler(std::move(failure));
}

}  // namespace duplex::native
