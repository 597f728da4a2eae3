#pragma once
// Real proxies for the tests, started on 127.0.0.1 on a free port and stopped
// by PID: tinyproxy (HTTP CONNECT) and microsocks (SOCKS5). Native only.
//
// Both connect to destinations from proxy_source_address, a loopback address
// no test client uses, and start_ws_peer_behind_proxy() starts an echo peer
// that refuses every other client address: a message echoed by that peer
// went through a proxy.

#include <cstdint>
#include <string>

#include "support/peer_process.hpp"
#include "support/peers.hpp"

namespace duplex::test {

/// The local address the proxies started here connect to destinations from
/// (tinyproxy's Bind, microsocks' -b). On Linux all of 127.0.0.0/8 is local.
inline constexpr char proxy_source_address[] = "127.0.0.2";

/// Starts the npm `ws` echo server answering 403 ("server answered 403
/// Forbidden" in the client's error) to every client whose address is not
/// proxy_source_address. With tls it serves wss:// with test_certificates()'
/// certificate for localhost.
Peer start_ws_peer_behind_proxy(bool tls = false);

/// A running proxy.
struct ProxyPeer {
  PeerProcess process;
  std::uint16_t port = 0;
  std::string dir;  ///< tinyproxy's configuration directory (removed by the destructor)

  ProxyPeer(PeerProcess p, std::uint16_t port, std::string dir = {});
  ProxyPeer(ProxyPeer&&) noexcept = default;
  ~ProxyPeer();

  /// "<scheme>://[user:password@]127.0.0.1:<port>".
  std::string url(const std::string& scheme, const std::string& user = {}, const std::string& password = {}) const;
};

/// Options of start_tinyproxy.
struct TinyproxyConfig {
  std::string user;  ///< with password: BasicAuth required
  std::string password;
  int only_connect_port = 0;  ///< non-zero: CONNECT to other ports is refused (403)
};

/// Starts tinyproxy in the foreground with a generated configuration. Throws
/// std::runtime_error if it is not installed (run tools/setup.sh) or does not
/// come up.
ProxyPeer start_tinyproxy(const TinyproxyConfig& config = {});

/// Starts microsocks; with a user and password it requires them (RFC 1929).
ProxyPeer start_microsocks(const std::string& user = {}, const std::string& password = {});

/// A free TCP port on 127.0.0.1 (bound, then released).
std::uint16_t free_port();

/// Restores an environment variable to its old value when destroyed.
class ScopedEnv {
 public:
  /// Sets `name` to `value`; an empty value with unset=true removes it.
  ScopedEnv(std::string name, const std::string& value, bool unset = false);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  bool had_value_ = false;
  std::string old_value_;
};

}  // namespace duplex::test
