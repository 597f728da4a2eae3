#include "proxy/proxy_config.hpp"

#include "proxy/system_proxy.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace duplex::native::proxy {
std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 3986 §2.1 percent-encoding, undone.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// Splits "host[:port]" / "[v6][:port]"; false if malformed.
bool split_host_port(std::string_view text, std::string& host, std::optional<std::uint16_t>& port) {
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return false;
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  }
  if (rest.empty()) return true;
  std::uint16_t p = 0;
  if (rest.front() != ':' || !parse_port(rest.substr(1), p)) return false;
  port = p;
  return true;
}

std::optional<std::string> non_empty(const Environment& environment, const char* name) {
  auto value = environment(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace

std::string ProxyUrl::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ProxyUrl> parse_proxy_url(std::string_view text, std::string& error) {
  ProxyUrl url;
  std::string_view rest = text;
  const auto scheme_end = text.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::string scheme = ascii_lower(text.substr(0, scheme_end));
    if (scheme == "http")
      url.scheme = ProxyScheme::http;
    else if (scheme == "socks5")
      url.scheme = ProxyScheme::socks5;
    else if (scheme == "socks5h")
      url.scheme = ProxyScheme::socks5h;
    else {
      error = "proxy scheme '" + scheme + "' is not supported (http, socks5, socks5h)";
      return std::nullopt;
    }
    rest = text.substr(scheme_end + 3);
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.find_first_not_of('/', slash) != std::string_view::npos) {
      error = "a proxy URL has no path: '" + std::string(text) + "'";
      return std::nullopt;
    }
    rest = rest.substr(0, slash);
  }
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password =
        colon == std::string_view::npos ? std::optional<std::string>("") : percent_decode(userinfo.substr(colon + 1));
    if (!user || !password) {
      error = "bad percent-encoding in the proxy URL's credentials";
      return std::nullopt;
    }
    url.credentials = Credentials{std::move(*user), std::move(*password)};
    rest = rest.substr(at + 1);
  }
  std::optional<std::uint16_t> port;
  if (!split_host_port(rest, url.host, port) || url.host.empty()) {
    error = "cannot parse the proxy URL '" + std::string(text) + "'";
    return std::nullopt;
  }
  url.host = ascii_lower(url.host);
  if (port) url.port = *port;
  return url;
}

Environment process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host_in, std::uint16_t port) {
  const std::string host = ascii_lower(host_in);
  std::size_t pos = 0;
  while (pos < no_proxy.size()) {
    const auto end = no_proxy.find_first_of(", \t", pos);
    const std::string_view raw = no_proxy.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end == std::string_view::npos ? no_proxy.size() : end + 1;
    if (raw.empty()) continue;
    if (raw == "*") return true;
    std::string entry;
    std::optional<std::uint16_t> entry_port;
    // A bare IPv6 address has colons but no port: take it whole.
    const bool bare_v6 = raw.front() != '[' && std::count(raw.begin(), raw.end(), ':') > 1;
    if (bare_v6)
      entry = raw;
    else if (!split_host_port(raw, entry, entry_port))
      continue;
    entry = ascii_lower(entry);
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (entry.empty() || (entry_port && *entry_port != port)) continue;
    if (host == entry) return true;
    // Suffix rule: "example.com" covers "a.example.com" (never "badexample.com").
    if (host.size() > entry.size() && host.ends_with(entry) && host[host.size() - entry.size() - 1] == '.') return true;
  }
  return false;
}

ProxyChoice choose_proxy(std::string_view option, bool secure, std::string_view host, std::uint16_t port,
                         const Environment& environment, const SystemProxyLookup& system) {
  ProxyChoice choice;
  if (option == direct_proxy_option) return choice;
  if (!option.empty()) {
    choice.proxy = parse_proxy_url(option, choice.error);
    if (!choice.proxy) choice.error = "Options::proxy: " + choice.error;
    return choice;
  }
  const char* names[] = {secure ? "https_proxy" : "http_proxy", secure ? "HTTPS_PROXY" : nullptr, "all_proxy",
                         "ALL_PROXY"};
  for (const char* name : names) {
    if (name == nullptr) continue;
    auto value = non_empty(environment, name);
    if (!value) continue;
    auto exempt = non_empty(environment, "no_proxy");
    if (!exempt) exempt = non_empty(environment, "NO_PROXY");
    if (exempt && no_proxy_matches(*exempt, host, port)) return choice;
    choice.proxy = parse_proxy_url(*value, choice.error);
    if (!choice.proxy) choice.error = std::string(name) + ": " + choice.error;
    return choice;
  }
  if (!system) return choice;
  return choose_system_proxy(system(), secure, host, port);
}

}  // namespace duplex::native::proxy
