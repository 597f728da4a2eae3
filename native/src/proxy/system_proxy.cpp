#include "proxy/system_proxy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace duplex::native::proxy {
namespace {

/// The entries of a list "separated by semicolons or whitespace".
std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> entries;
  std::size_t pos = 0;
  while (pos < list.size()) {
    const auto end = std::min(list.find_first_of("; \t\r\n", pos), list.size());
    if (end > pos) entries.push_back(list.substr(pos, end - pos));
    pos = end + 1;
  }
  return entries;
}

/// True if `authority` ("host:port", "[v6]:port") names a port.
bool has_port(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') return authority.find("]:") != std::string_view::npos;
  return authority.find(':') != std::string_view::npos;
}

/// Parses one server of a WinHTTP list, "[<scheme>"://"]<server>[":"<port>]", for the slot `socks` or not.
std::optional<ProxyUrl> parse_server(std::string_view text, bool socks, std::string& error) {
  std::string scheme = socks ? "socks5" : "http";
  std::string_view rest = text;
  if (const auto end = text.find("://"); end != std::string_view::npos) {
    scheme = ascii_lower(text.substr(0, end));
    if (scheme == "socks") scheme = "socks5";
    rest = text.substr(end + 3);
  }
  auto url = parse_proxy_url(scheme + "://" + std::string(rest), error);
  std::string_view authority = rest.substr(0, rest.find('/'));
  authority.remove_prefix(authority.rfind('@') + 1);  // npos + 1: no userinfo
  if (url && !has_port(authority)) url->port = url->scheme == ProxyScheme::http ? 80 : 1080;
  return url;
}

/// `text` matched whole against `pattern`, where '*' matches any run of characters.
bool wildcard_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

/// A dotted IPv4 address, or with `allow_short` a prefix of one cut short ("169.254"), as 32 bits.
std::optional<std::uint32_t> ipv4(std::string_view text, bool allow_short) {
  std::uint32_t address = 0;
  int octets = 0;
  for (std::size_t pos = 0;;) {
    const auto dot = std::min(text.find('.', pos), text.size());
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + dot, value);
    if (dot == pos || ec != std::errc() || end != text.data() + dot || value > 255 || ++octets > 4) return std::nullopt;
    address = address << 8 | value;
    if (dot == text.size()) break;
    pos = dot + 1;
  }
  if (octets < 4 && !allow_short) return std::nullopt;
  return octets == 4 ? address : address << (8 * (4 - octets));
}

/// True if `host` is an IPv4 address within `prefix` ("a.b.c.d/n").
bool in_ipv4_prefix(std::string_view prefix, std::string_view host) {
  const auto slash = prefix.find('/');
  unsigned bits = 0;
  const auto [end, ec] = std::from_chars(prefix.data() + slash + 1, prefix.data() + prefix.size(), bits);
  if (ec != std::errc() || end != prefix.data() + prefix.size() || bits > 32) return false;
  const auto network = ipv4(prefix.substr(0, slash), true);
  const auto address = ipv4(host, false);
  if (!network || !address) return false;
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (*network & mask) == (*address & mask);
}

/// True if the one bypass entry `entry` (lower case, no scheme) exempts `host`:`port`.
bool entry_matches(std::string_view entry, std::string_view host, std::uint16_t port) {
  if (entry.find('/') != std::string_view::npos) return in_ipv4_prefix(entry, host);
  std::string_view pattern = entry;
  std::string_view entry_port;
  if (!entry.empty() && entry.front() == '[') {  // "[v6]" or "[v6]:port"
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return false;
    pattern = entry.substr(1, close - 1);
    if (entry.size() > close + 1) {
      if (entry[close + 1] != ':') return false;
      entry_port = entry.substr(close + 2);
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {  // "host:port"; more colons: a bare IPv6 address
    pattern = entry.substr(0, entry.find(':'));
    entry_port = entry.substr(entry.find(':') + 1);
  }
  if (!entry_port.empty() && entry_port != std::to_string(port)) return false;
  return !pattern.empty() && wildcard_match(pattern, host);
}

}  // namespace

SystemProxySettings parse_winhttp_proxy_settings(std::string_view proxy, std::string_view bypass) {
  SystemProxySettings settings;
  std::optional<ProxyUrl> for_all;  // an entry without "<scheme>="
  for (const auto entry : split_list(proxy)) {
    const auto equals = entry.find('=');
    const auto scheme_end = entry.find("://");
    const bool named =
        equals != std::string_view::npos && (scheme_end == std::string_view::npos || equals < scheme_end);
    const std::string scheme = named ? ascii_lower(entry.substr(0, equals)) : "";
    std::optional<ProxyUrl>* slot = !named              ? &for_all
                                    : scheme == "http"  ? &settings.http
                                    : scheme == "https" ? &settings.https
                                    : scheme == "socks" ? &settings.socks
                                                        : nullptr;
    if (slot == nullptr || slot->has_value()) continue;  // a scheme duplex does not serve, or a second entry
    std::string error;
    *slot = parse_server(named ? entry.substr(equals + 1) : entry, slot == &settings.socks, error);
    if (!*slot) {
      settings.error = "cannot use the proxy setting '" + std::string(entry) + "': " + error;
      return settings;
    }
  }
  if (!settings.http) settings.http = for_all;
  if (!settings.https) settings.https = for_all;
  for (const auto entry : split_list(bypass)) settings.bypass.emplace_back(entry);
  return settings;
}

bool system_proxy_bypassed(const std::vector<std::string>& bypass, std::string_view host_in, std::uint16_t port) {
  const std::string host = ascii_lower(host_in);
  for (const auto& raw : bypass) {
    std::string entry = ascii_lower(raw);
    if (entry == "<local>") {
      if (host.find_first_of(".:") == std::string::npos) return true;
      continue;
    }
    if (const auto scheme_end = entry.find("://"); scheme_end != std::string::npos) entry.erase(0, scheme_end + 3);
    if (entry_matches(entry, host, port)) return true;
  }
  return false;
}

ProxyChoice choose_system_proxy(const SystemProxySettings& settings, bool secure, std::string_view host,
                                std::uint16_t port) {
  ProxyChoice choice;
  if (!settings.error.empty()) {
    choice.error = "system proxy settings: " + settings.error;
    return choice;
  }
  const auto& for_scheme = secure ? settings.https : settings.http;
  const auto& proxy = for_scheme ? for_scheme : settings.socks;
  if (proxy && !system_proxy_bypassed(settings.bypass, host, port)) choice.proxy = proxy;
  return choice;
}

}  // namespace duplex::native::proxy
