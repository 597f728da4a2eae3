#pragma once
// The URL rules of the WHATWG WebSockets Standard's constructor.

#include <cstdint>
#include <string>
#include <string_view>

#include "duplex/export.hpp"

namespace duplex {

/// A parsed, validated WebSocket URL.
struct DUPLEX_API WebSocketUrl {
  bool secure = false;     ///< scheme is wss
  std::string host;        ///< lower-cased domain, IPv4 dotted quad, or IPv6 with brackets ("[::1]")
  std::uint16_t port = 0;  ///< effective port: explicit, else 80 / 443
  std::string resource;    ///< path and query, "/" at least (RFC 6455 §3 resource-name)
  std::string serialized;  ///< the WHATWG serialization, what `WebSocket::url()` returns

  /// The Host header value: host, plus ":port" when the port is not the scheme's default.
  std::string host_header() const;
  /// Host without IPv6 brackets, for name resolution and TLS SNI.
  std::string host_name() const;
};

/// Parse `url` as the WHATWG WebSocket constructor does (§ "new WebSocket(url, protocols)"):
/// http/https are mapped to ws/wss; any other scheme, a fragment (even an empty "#"),
/// an unparsable host or port, or whitespace inside → throws `duplex::Error("SyntaxError")`.
DUPLEX_API WebSocketUrl parse_websocket_url(std::string_view url);

}  // namespace duplex
