#pragma once
// Connection options beyond the WHATWG constructor's (url, protocols).

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace duplex {

/// Options a `WebSocket` is opened with. The defaults behave like a browser.
/// A backend that cannot honour a field set away from its default throws
/// `duplex::Error("NotSupportedError")` from the `WebSocket` constructor.
struct Options {
  /// `Origin` header of the opening handshake (RFC 6455 §4.1, item 8); empty: none.
  std::string origin;
  /// Extra handshake header fields, sent as given (e.g. Authorization, Cookie).
  /// Names the handshake owns (Host, Upgrade, Connection, Sec-WebSocket-*) are refused
  /// with SyntaxError.
  std::vector<std::pair<std::string, std::string>> headers;
  /// PEM file of CA certificates trusted for `wss://` in addition to the system store.
  std::string ca_file;
  /// PEM client certificate (chain) and private key for mutual TLS; both or neither.
  std::string client_certificate_file;
  std::string client_key_file;
  /// Time allowed from the constructor to the end of the opening handshake
  /// (name resolution, TCP, TLS, HTTP upgrade); past it the connection fails.
  std::chrono::milliseconds open_timeout{std::chrono::seconds(30)};
  /// Time the peer has to answer our Close frame before the TCP connection is
  /// dropped and the close reported as not clean.
  std::chrono::milliseconds close_timeout{std::chrono::seconds(5)};
  /// Largest message accepted; a bigger one fails the connection with close code
  /// 1009 (RFC 6455 §7.4.1 "Message Too Big").
  std::size_t max_message_size = 64u * 1024u * 1024u;
  /// Offer permessage-deflate (RFC 7692), as browsers do. The server decides;
  /// `extensions()` then says whether it accepted.
  bool permessage_deflate = true;
  /// With permessage-deflate, ask both sides to compress each message on its
  /// own ("no context takeover", RFC 7692 §7.1.1): no compression state is kept
  /// between messages, which saves memory per connection (up to ~300 KiB) at
  /// the cost of compressing similar messages less well.
  bool deflate_no_context_takeover = false;
};

}  // namespace duplex
