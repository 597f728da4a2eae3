#pragma once
// Which proxy a connection goes through: Options::proxy, else the environment
// variables curl and most tools read, else the operating system's settings
// (Windows, macOS). Pure functions over strings; the environment and the
// system's settings are read through functions the caller passes.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// The operating system's proxy settings, in a form of no platform's.
struct SystemProxySettings {
  std::optional<ProxyUrl> http;     ///< for ws:// ("HTTP proxy")
  std::optional<ProxyUrl> https;    ///< for wss:// ("Secure proxy", an HTTP CONNECT proxy)
  std::optional<ProxyUrl> socks;    ///< for either when the one above is not set
  std::vector<std::string> bypass;  ///< hosts reached directly (see system_proxy_bypassed)
  std::string error;                ///< a setting that does not parse; the others are then not used
};

/// Reads the system's proxy settings.
using SystemProxyLookup = std::function<SystemProxySettings()>;

/// The current user's proxy settings, read now: Windows' Internet Options
/// (proxy/system_proxy_windows.cpp), macOS's network proxies
/// (system_proxy_macos.cpp); none elsewhere, where the environment is the
/// convention (system_proxy_none.cpp). Automatic configuration (PAC scripts,
/// WPAD) is not followed.
SystemProxySettings system_proxy_settings();

/// Outcome of choosing a proxy: none (direct), one, or an error naming the
/// variable, option or system setting that does not parse.
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
/// variables count as unset. When none of those variables is set, `system` is
/// asked: its proxy for the scheme (https for wss, http for ws), else its SOCKS
/// proxy, unless its bypass list exempts the host.
ProxyChoice choose_proxy(std::string_view option, bool secure, std::string_view host, std::uint16_t port,
                         const Environment& environment, const SystemProxyLookup& system = system_proxy_settings);

/// True if `no_proxy` (comma- or space-separated entries) exempts `host`:`port`:
/// "*" matches every host; "example.com" and ".example.com" match that name
/// and its subdomains; an entry with ":port" matches that port only; IP
/// addresses match literally (IPv6 with or without brackets). Case-insensitive.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port);

/// `s` with ASCII letters in lower case (host names, schemes and proxy
/// setting keys compare case-insensitively).
std::string ascii_lower(std::string_view s);

}  // namespace duplex::native::proxy
