#pragma once
// The platform-neutral half of the operating system's proxy settings: the
// text format of Windows' proxy and bypass lists, the bypass rules, and which
// of the system's proxies a connection takes. The platforms' halves
// (system_proxy_windows.cpp, system_proxy_macos.cpp, system_proxy_none.cpp)
// only read the settings.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/proxy_config.hpp"

namespace duplex::native::proxy {

/// Parses WinHTTP's proxy list and bypass list (WINHTTP_CURRENT_USER_IE_PROXY_CONFIG's
/// lpszProxy and lpszProxyBypass, converted to UTF-8). WINHTTP_PROXY_INFO: "The
/// proxy server list contains one or more of the following strings separated by
/// semicolons or whitespace. ([<scheme>=][<scheme>"://"]<server>[":"<port>])".
/// "http=" and "https=" name the proxy for ws:// and wss://, "socks=" a SOCKS
/// proxy for both (spoken to as SOCKS5; Windows' own clients speak SOCKS4 to
/// it); an entry without "<scheme>=" serves http and https both; other schemes
/// ("ftp=") are ignored. A missing port is 80, or 1080 for SOCKS. The bypass
/// list's entries, separated the same way, go to `bypass` as they are.
SystemProxySettings parse_winhttp_proxy_settings(std::string_view proxy, std::string_view bypass);

/// True if an entry of `bypass` exempts `host` (without brackets):`port`.
/// Entries, case-insensitive: "<local>" (WINHTTP_PROXY_INFO: "all servers that
/// do not contain a period in their name"; IPv6 literals are not names); a host
/// name or address, '*' matching any run of characters ("*.example.com",
/// "10.*"), optionally with ":port" and after a "scheme://" that is ignored;
/// an IPv4 prefix "a.b.c.d/n", whose address may be cut short ("169.254/16").
bool system_proxy_bypassed(const std::vector<std::string>& bypass, std::string_view host, std::uint16_t port);

/// The proxy `settings` give a connection to `host`:`port`: for wss
/// (`secure`) the https proxy, for ws the http one, else the SOCKS proxy;
/// none if the bypass list exempts the host; an error if a setting did not parse.
ProxyChoice choose_system_proxy(const SystemProxySettings& settings, bool secure, std::string_view host,
                                std::uint16_t port);

}  // namespace duplex::native::proxy
