#pragma once
// The I/O half of a proxy tunnel: writes what the sans-IO proxy protocol
// (proxy/http_connect, proxy/socks5) asks for and feeds it what the proxy
// answers, on a TCP connection to the proxy.

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "duplex/failure.hpp"
#include "proxy/http_connect.hpp"
#include "proxy/proxy_config.hpp"
#include "proxy/socks5.hpp"

namespace duplex::native {

/// Opens a tunnel to `host`:`port` through the proxy `socket` is connected to.
/// Create with make_shared; the handler runs once, with nullopt when the
/// tunnel is up or why it is not: the proxy protocol's error kind
/// (proxy_refused, proxy_authentication), or connection_failed when the
/// connection to the proxy broke. `socket` must outlive it.
class ProxyTunnel : public std::enable_shared_from_this<ProxyTunnel> {
 public:
  using tcp = boost::asio::ip::tcp;
  using Handler = std::function<void(std::optional<Failure> failure)>;

  ProxyTunnel(tcp::socket& socket, const proxy::ProxyUrl& proxy, const std::string& host, std::uint16_t port,
              Handler handler);
  void start();

 private:
  void write_pending();
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t size);
  void done(std::optional<Failure> failure);

  tcp::socket& socket_;
  std::string proxy_name_;
  std::string pending_;  // bytes to write next (set by protocol_'s initialiser)
  std::variant<proxy::HttpConnectResponse, proxy::Socks5Handshake> protocol_;
  std::string writing_;
  std::vector<std::byte> buffer_;
  Handler handler_;
};

}  // namespace duplex::native
