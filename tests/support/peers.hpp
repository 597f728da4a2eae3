#pragma once
// Real WebSocket peers for the tests: the npm `ws` server
// (tests/peers/ws_echo_server.js) and Debian's python3-websockets server
// (tests/peers/python_echo_server.py), started on 127.0.0.1 on an ephemeral
// port and stopped by PID when the Peer is destroyed. The paths each server
// understands (/close/<code>/<reason>, /drop, /no-close-reply, ...) are listed
// at the top of its script.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/peer_process.hpp"

namespace duplex::test {

/// A started peer that is listening. In WebAssembly builds the peers are
/// started (and stopped) by the node launcher tests/wasm/run_with_peers.js,
/// which passes their ports in; a Peer then owns no process.
struct Peer {
#ifndef __EMSCRIPTEN__
  PeerProcess process;
#endif
  std::uint16_t port = 0;

  /// "ws://127.0.0.1:<port><path>", or "wss://localhost:<port><path>" when
  /// tls; a path without a leading '/' gets one.
  std::string url(std::string_view path = "/") const;

  bool tls = false;
};

/// Starts the npm `ws` echo server. Throws std::runtime_error if it does not
/// come up (e.g. tests/peers/node_modules is missing: run tools/setup.sh).
Peer start_ws_peer();

/// Starts the npm `ws` echo server on 127.0.0.1:`port` (e.g. again on the port
/// of one that was stopped). Native only.
Peer start_ws_peer_on_port(std::uint16_t port);

/// Starts the npm `ws` echo server with extra command-line arguments (listed
/// at the top of tests/peers/ws_echo_server.js); `tls` tells url() whether
/// they make it serve wss://. Native only.
Peer start_ws_peer_with(std::vector<std::string> args, bool tls = false);

/// Starts the npm `ws` echo server over TLS with the given PEM files. With a
/// client_ca it also demands a client certificate signed by that CA.
Peer start_ws_peer_tls(const std::string& cert, const std::string& key, const std::string& client_ca = {});

/// Starts the npm `ws` echo server over TLS accepting no TLS version above
/// `max_version` ("TLSv1.2" or "TLSv1.3"). Native only.
Peer start_ws_peer_tls_up_to(const std::string& cert, const std::string& key, const std::string& max_version);

/// Starts the python3-websockets echo server (paths /, /close/..., /close-after/...,
/// /drop, /status/...).
Peer start_python_peer();

/// The npm `ws` and python3-websockets echo servers with permessage-deflate
/// (RFC 7692) enabled (--deflate); the plain ones above run without it.
/// Native only.
Peer start_ws_peer_deflate();
Peer start_python_peer_deflate();

/// A TCP port on 127.0.0.1 where nothing listens (a connection is refused).
/// Native: bound and released here; WebAssembly: picked by the launcher.
std::uint16_t refused_port();

/// A TCP listener on 127.0.0.1 that completes TCP handshakes (the kernel does)
/// but never answers. Native: a socket this object owns; WebAssembly: one the
/// launcher owns for the whole run.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  std::uint16_t port() const noexcept { return port_; }

 private:
  std::shared_ptr<void> socket_;  // native: the listening socket (an Asio acceptor)
  std::uint16_t port_ = 0;
};

/// Starts the python3-websockets echo server over TLS.
Peer start_python_peer_tls(const std::string& cert, const std::string& key);

/// Starts tests/peers/hostile_server.py, a raw-TCP server that misbehaves as
/// the request path says (its scenarios are listed in the script) and reports
/// what the client sent as lines on its stdout, tagged with the request's
/// `?id=` (read them with `process.read_line`).
Peer start_hostile_peer();

/// PEM files made by tests/peers/make_certs.sh (EC P-256).
struct TestCertificates {
  std::string dir;
  std::string ca;           ///< the test CA (ca.pem); key ca.key in dir
  std::string server_cert;  ///< localhost, SAN DNS:localhost IP:127.0.0.1, by the CA
  std::string server_key;
  std::string wrong_cert;  ///< SAN DNS:wrong.example only, by the CA
  std::string wrong_key;
  std::string self_cert;  ///< localhost, self-signed, not by the CA
  std::string self_key;
  std::string client_cert;  ///< clientAuth, by the CA
  std::string client_key;
  std::string expired_cert;  ///< localhost, by the CA, expired on 2021-01-01
  std::string expired_key;
  std::string other_ip_cert;  ///< SAN DNS:localhost IP:127.0.0.2, by the CA
  std::string other_ip_key;
  std::string names_cert;  ///< CN=127.0.0.1, SAN DNS:localhost DNS:127.0.0.1 (no IP), by the CA
  std::string names_key;
};

/// Makes the certificates on first use (once per process, into a temporary
/// directory removed at exit). Throws std::runtime_error if the script fails.
const TestCertificates& test_certificates();

}  // namespace duplex::test
