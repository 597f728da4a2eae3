#pragma once
// Which proxy a connection goes through: Options::proxy, else the environment
// variables curl and most tools read. Pure functions over strings; the
// environment is read through a function the caller passes.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "proxy/http_connect.hpp"  // Credentials

namespace duplex::native::proxy {

enum class ProxyScheme {
  http,     ///< HTTP CONNECT tunnel (RFC 9110 §9.3.6)
  socks5,   ///< SOCKS5, the destination name resolved here (local DNS)
  socks5h,  ///< SOCKS5, the destination name resolved by the proxy (remote DNS)
};

/// A parsed proxy URL.
struct ProxyUrl {
  ProxyScheme scheme = ProxyScheme::http;
  std::string host;  ///< without IPv6 brackets
  std::uint16_t port = 1080;
  std::optional<Credentials> credentials;  ///< percent-decoded from the URL's userinfo

  /// "host:port" ("[::1]:1080" for IPv6), for messages.
  std::string authority() const;
};

/// Parses "http://[user[:password]@]host[:port][/]", "socks5://...",
/// "socks5h://..."; no scheme means http (as curl). The port defaults to 1080,
/// as curl's does. Returns nullopt and sets `error` if it is not such a URL.
std::optional<ProxyUrl> parse_proxy_url(std::string_view text, std::string& error);

/// Reads an environment variable; nullopt when unset.
using Environment = std::function<std::optional<std::string>(const char* name)>;

/// The process environment (getenv).
Environment process_environment();

/// Outcome of choosing a proxy: none (direct), one, or an error naming the
/// variable or option that does not parse.
struct ProxyChoice {
  std::optional<ProxyUrl> proxy;
  std::string error;
};

/// The option value that means "connect directly, whatever the environment says".
inline constexpr std::string_view direct_proxy_option = "direct";

/// Chooses the proxy for a connection to `host`:`port` (`host` without
/// brackets). `option` is Options::proxy: "direct" → none; a URL → that proxy;
/// "" → the environment: wss (`secure`) reads https_proxy then HTTPS_PROXY,
/// ws reads http_proxy only (the upper-case one is not trusted: under CGI
/// it is set from the request's "Proxy:" header, "httpoxy"), then all_proxy,
/// ALL_PROXY; no_proxy / NO_PROXY exempt hosts (see no_proxy_matches). Empty
/// variables count as unset.
ProxyChoice choose_proxy(std::string_view option, bool secure, std::string_view host, std::uint16_t port,
                         const Environment& environment);

/// True if `no_proxy` (comma- or space-separated entries) exempts `host`:`port`:
/// "*" matches every host; "example.com" and ".example.com" match that name
/// and its subdomains; an entry with ":port" matches that port only; IP
/// addresses match literally (IPv6 with or without brackets). Case-insensitive.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port);

}  // namespace duplex::native::proxy
