#pragma once
// Connection options beyond the WHATWG constructor's (url, protocols).

#include <chrono>
#include <cstddef>
#include <cstdint>
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
  /// Limit on `buffered_amount()` while OPEN; 0 (the default) means none, as
  /// in a browser. A send() whose message would take buffered_amount() over
  /// the limit queues nothing and throws Error("OperationError"), like
  /// RTCDataChannel.send(); wait for `bufferedamountlow` and send again.
  /// Enforced by core/, so it behaves the same on every backend.
  std::uint64_t max_buffered_amount = 0;

  /// Proxy for this connection: "" (the default) reads the environment as curl
  /// does (https_proxy / HTTPS_PROXY for wss://, http_proxy for ws://, then
  /// all_proxy / ALL_PROXY, with no_proxy / NO_PROXY exemptions); "direct"
  /// never uses a proxy; otherwise a proxy URL: "http://[user:pass@]host:port"
  /// (HTTP CONNECT), "socks5://..." (SOCKS5, names resolved here) or
  /// "socks5h://..." (SOCKS5, names resolved by the proxy). Credentials in the
  /// URL are percent-decoded. TLS for wss:// runs inside the tunnel, checked
  /// against the origin's host name. A proxy that refuses or cannot be
  /// understood fails the connection (error, then close 1006).
  std::string proxy;
  /// Time one TCP connection attempt may take. Every resolved address is
  /// tried, IPv6 and IPv4 raced as RFC 8305 "Happy Eyeballs" describes (the
  /// next attempt starts 250 ms after the previous one, or when it fails);
  /// open_timeout still bounds the whole opening.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};

  /// Heartbeat: when non-zero, a Ping frame is sent this often while open.
  std::chrono::milliseconds ping_interval{0};
  /// With a heartbeat: if nothing at all (a Pong or any other frame) arrives
  /// within this time after a Ping, the connection fails (error "no pong
  /// within ... ms", then close 1006). Zero: the ping interval.
  std::chrono::milliseconds pong_timeout{0};
  /// When non-zero: after this long with no message sent or received (Pings
  /// and Pongs do not count), the connection is closed cleanly with code 1000
  /// and reason "idle timeout" (the closing handshake, then close 1000; an
  /// unresponsive peer gets close_timeout, then close 1006).
  std::chrono::milliseconds idle_timeout{0};

  /// PEM text of CA certificates trusted for wss://, in addition to the
  /// system store and ca_file.
  std::string ca_pem;
  /// PEM text of a client certificate (chain) and its key, instead of the
  /// files above; both or neither.
  std::string client_certificate_pem;
  std::string client_key_pem;
  /// Lowest TLS version accepted for wss://.
  enum class TlsVersion { tls1_2, tls1_3 };
  TlsVersion min_tls_version = TlsVersion::tls1_2;
  /// DANGER: accepts ANY server certificate — expired, self-signed, issued for
  /// another host. Anyone on the network path can then read and change the
  /// traffic. For throw-away tests against your own servers only; never ship
  /// it. Default false.
  bool insecure_skip_certificate_verification = false;
  /// Resume TLS sessions for wss://, as browsers do: a connection to a host
  /// and port offers a session (a TLS 1.3 ticket, used once, or a TLS 1.2
  /// session) that an earlier connection of the same backend to that host and
  /// port, with equal TLS options, received; the server then skips the
  /// certificate and the key exchange's signature. False: every handshake is
  /// a full one, and no session is kept. Default true.
  bool tls_session_resumption = true;
};

}  // namespace duplex
