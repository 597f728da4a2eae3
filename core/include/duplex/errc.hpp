#pragma once
// duplex::errc — why a connection failed or ended, as a std::error_code, the
// same on every backend. ErrorEvent::error() and CloseEvent::cause() carry it;
// the README's table "Errors" maps each value to its cause and close code.

#include <system_error>

#include "duplex/export.hpp"

namespace duplex {

/// What went wrong, beyond the WHATWG API (whose error event says nothing).
/// The values are stable: an application may store them.
enum class errc {
  unknown = 1,      ///< the backend could not tell (WebAssembly: the host's error event carried nothing)
  unavailable,      ///< this process can open no WebSocket (a WebAssembly host without one)
  aborted,          ///< close() was called while CONNECTING (WHATWG § close(): fail the connection)
  host_refused,     ///< WebAssembly: the host failed the connection before it opened, saying no more
  // Reaching the server.
  name_resolution,     ///< the host name did not resolve (DNS, /etc/hosts)
  connection_refused,  ///< the server's port refused the TCP connection (RST)
  connection_failed,   ///< any other failure to connect: unreachable network or host, reset
  connect_timeout,     ///< no TCP connection within Options::connect_timeout
  open_timeout,        ///< the opening handshake did not end within Options::open_timeout
  // TLS (wss://).
  tls_certificate_expired,         ///< the server's certificate (or one in its chain) has expired or is not yet valid
  tls_certificate_wrong_host,      ///< the certificate does not name the URL's host
  tls_certificate_unknown_issuer,  ///< no trusted CA issued it (self-signed, incomplete chain, unknown CA)
  tls_certificate_revoked,         ///< the issuer revoked it (seen only where revocation is checked)
  tls_certificate_invalid,         ///< any other certificate verification failure
  tls_handshake,                   ///< the TLS handshake failed for another reason (protocol version, alert)
  tls_configuration,               ///< our TLS settings do not load: Options::ca_file, client certificate or key
  // Proxies.
  proxy_refused,         ///< the proxy refused or could not open the tunnel
  proxy_authentication,  ///< the proxy wants (other) credentials: HTTP 407, SOCKS5 authentication failure
  // The opening handshake (RFC 6455 §4.1).
  handshake_status,   ///< the server answered with a status other than 101 (ErrorEvent::http_status())
  handshake_invalid,  ///< a 101 answer that breaks RFC 6455 §4.1: accept key, Upgrade, Connection, subprotocol, extension
  // An open connection failed (RFC 6455 §7.1.7); ErrorEvent::close_code() is the code we sent.
  protocol_violation,  ///< the server broke RFC 6455 framing (1002) or sent data after its Close frame
  invalid_utf8,        ///< a text message or close reason was not UTF-8 (1007)
  invalid_data,        ///< a compressed message was not valid DEFLATE data (1007)
  message_too_big,     ///< a message exceeded Options::max_message_size (1009)
  policy_violation,    ///< the server kept sending Pings without reading our Pongs (1008)
  pong_timeout,        ///< the heartbeat's Ping got no answer within Options::pong_timeout
  // How an open connection ended without a failure (CloseEvent::cause()).
  close_timeout,  ///< the peer did not end the closing handshake within Options::close_timeout
  going_away,     ///< the peer dropped the connection without a Close frame (close code 1006)
};

/// The category of errc, named "duplex". Its default_error_condition maps the
/// values that have one to std::errc (connection_refused, timed_out, ...).
DUPLEX_API const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

/// The errc spelled as in the enumeration, e.g. "connection_refused".
DUPLEX_API const char* errc_name(errc e) noexcept;

/// True for a TLS certificate verification failure of any reason.
constexpr bool is_certificate_error(errc e) noexcept {
  return e >= errc::tls_certificate_expired && e <= errc::tls_certificate_invalid;
}

}  // namespace duplex

template <>
struct std::is_error_code_enum<duplex::errc> : std::true_type {};
