#include "proxy/system_proxy.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace duplex::native::proxy;

namespace {

std::string describe(const std::optional<ProxyUrl>& proxy) {
  if (!proxy) return "none";
  const char* scheme[] = {"http", "socks5", "socks5h"};
  return std::string(scheme[static_cast<int>(proxy->scheme)]) + "://" + proxy->authority();
}

std::string describe(const ProxyChoice& c) {
  if (!c.error.empty()) return "error: " + c.error;
  return c.proxy ? describe(c.proxy) : "direct";
}

/// "http | https | socks", or "error: ..." for a setting that does not parse.
std::string describe(const SystemProxySettings& s) {
  if (!s.error.empty()) return "error: " + s.error;
  return describe(s.http) + " | " + describe(s.https) + " | " + describe(s.socks);
}

Environment no_environment() {
  return [](const char*) -> std::optional<std::string> { return std::nullopt; };
}

}  // namespace

TEST_CASE("WinHTTP proxy lists: one proxy for all, per scheme, ports, separators", "[proxy][system]") {
  struct Case {
    std::string list;
    std::string expected;  // http | https | socks
  };
  const std::vector<Case> cases = {
      {"", "none | none | none"},
      {"proxy.corp:8080", "http://proxy.corp:8080 | http://proxy.corp:8080 | none"},
      {"proxy.corp", "http://proxy.corp:80 | http://proxy.corp:80 | none"},  // WinHTTP's default port
      {"http://proxy.corp:3128", "http://proxy.corp:3128 | http://proxy.corp:3128 | none"},
      {"http=h1:3128;https=h2:3129", "http://h1:3128 | http://h2:3129 | none"},
      {"http=h1:3128 https=h2:3129", "http://h1:3128 | http://h2:3129 | none"},
      {" ;http=h1:1;;\thttps=h2:2; ", "http://h1:1 | http://h2:2 | none"},
      {"HTTPS=H2:2", "none | http://h2:2 | none"},
      {"http=http://h1:8080", "http://h1:8080 | none | none"},
      {"socks=s:1081", "none | none | socks5://s:1081"},
      {"socks=s", "none | none | socks5://s:1080"},
      {"http=user:secret@h", "http://h:80 | none | none"},  // a colon in the credentials is no port
      {"socks=socks5://s:9", "none | none | socks5://s:9"},
      {"http=h1:1;https=h2:2;ftp=f:21;socks=s:3", "http://h1:1 | http://h2:2 | socks5://s:3"},
      {"ftp=f:21", "none | none | none"},
      {"h0:1;https=h2:2", "http://h0:1 | http://h2:2 | none"},  // a scheme's own entry wins
      {"https=h2:2;h0:1", "http://h0:1 | http://h2:2 | none"},
      {"https=a:1;https=b:2", "none | http://a:1 | none"},  // the first of two
      {"[::1]:8080", "http://[::1]:8080 | http://[::1]:8080 | none"},
      {"https=[fe80::1]", "none | http://[fe80::1]:80 | none"},
      {"https=h:99999", "error: cannot use the proxy setting 'https=h:99999': cannot parse the proxy URL 'http://h:99999'"},
      {"https=https://h:443",
       "error: cannot use the proxy setting 'https=https://h:443': proxy scheme 'https' is not supported (http, "
       "socks5, socks5h)"},
      {"socks=socks4://s:1",
       "error: cannot use the proxy setting 'socks=socks4://s:1': proxy scheme 'socks4' is not supported (http, "
       "socks5, socks5h)"},
      {"https=", "error: cannot use the proxy setting 'https=': cannot parse the proxy URL 'http://'"},
      {"ftp=f:bad;http=h:1", "http://h:1 | none | none"},  // what is ignored is not parsed
  };
  for (const auto& c : cases) {
    INFO("'" << c.list << "'");
    CHECK(describe(parse_winhttp_proxy_settings(c.list, "")) == c.expected);
  }
}

TEST_CASE("WinHTTP bypass lists: entries separated by semicolons or whitespace", "[proxy][system]") {
  const auto settings = parse_winhttp_proxy_settings("p:1", "<local>;*.corp.example 10.*;;\t192.168.0.0/16 ");
  CHECK(settings.bypass == std::vector<std::string>{"<local>", "*.corp.example", "10.*", "192.168.0.0/16"});
  CHECK(parse_winhttp_proxy_settings("p:1", "").bypass.empty());
}

TEST_CASE("system bypass rules: <local>, wildcards, ports, IPv4 prefixes", "[proxy][system]") {
  struct Case {
    std::vector<std::string> bypass;
    std::string host;
    std::uint16_t port;
    bool bypassed;
  };
  const std::vector<Case> cases = {
      {{"<local>"}, "intranet", 80, true},
      {{"<LOCAL>"}, "intranet", 80, true},
      {{"<local>"}, "a.example", 80, false},
      {{"<local>"}, "10.0.0.1", 80, false},
      {{"<local>"}, "::1", 80, false},  // an address, not a name
      {{"example.com"}, "example.com", 443, true},
      {{"example.com"}, "EXAMPLE.com", 443, true},
      {{"Example.COM"}, "example.com", 443, true},
      {{"example.com"}, "a.example.com", 443, false},  // no suffix rule without '*'
      {{"*.corp.example"}, "a.corp.example", 443, true},
      {{"*.corp.example"}, "a.b.corp.example", 443, true},
      {{"*.corp.example"}, "corp.example", 443, false},
      {{"*.corp.example"}, "acorp.example", 443, false},
      {{"*corp.example"}, "acorp.example", 443, true},
      {{"10.*"}, "10.1.2.3", 80, true},
      {{"10.*"}, "110.1.2.3", 80, false},
      {{"*"}, "anything.example", 80, true},
      {{"a*c*e"}, "abcde", 80, true},
      {{"a*c*e"}, "abcdef", 80, false},
      {{"host:8080"}, "host", 8080, true},
      {{"host:8080"}, "host", 80, false},
      {{"http://host"}, "host", 443, true},
      {{"https://*.example:443"}, "a.example", 443, true},
      {{"169.254/16"}, "169.254.3.4", 80, true},  // macOS's default exception
      {{"169.254/16"}, "169.255.0.1", 80, false},
      {{"169.254/16"}, "169.254.example", 80, false},
      {{"192.168.1.0/24"}, "192.168.1.77", 80, true},
      {{"192.168.1.0/24"}, "192.168.2.1", 80, false},
      {{"0.0.0.0/0"}, "8.8.8.8", 80, true},
      {{"10.0.0.0/33"}, "10.0.0.1", 80, false},
      {{"1.2.3.4.5/8"}, "1.2.3.4", 80, false},
      {{"::1"}, "::1", 80, true},
      {{"[::1]"}, "::1", 80, true},
      {{"[::1]:8080"}, "::1", 8080, true},
      {{"[::1]:8080"}, "::1", 80, false},
      {{"a.example", "<local>"}, "intranet", 80, true},
      {{}, "intranet", 80, false},
  };
  for (const auto& c : cases) {
    INFO(c.host << ":" << c.port << " against " << (c.bypass.empty() ? "(none)" : c.bypass.front()));
    CHECK(system_proxy_bypassed(c.bypass, c.host, c.port) == c.bypassed);
  }
}

TEST_CASE("choose_system_proxy: the scheme's proxy, else SOCKS, bypass, errors", "[proxy][system]") {
  auto settings = parse_winhttp_proxy_settings("http=h1:1;https=h2:2;socks=s:3", "*.internal");
  CHECK(describe(choose_system_proxy(settings, true, "origin.example", 443)) == "http://h2:2");
  CHECK(describe(choose_system_proxy(settings, false, "origin.example", 80)) == "http://h1:1");
  CHECK(describe(choose_system_proxy(settings, true, "a.internal", 443)) == "direct");
  settings.https.reset();
  CHECK(describe(choose_system_proxy(settings, true, "origin.example", 443)) == "socks5://s:3");
  CHECK(describe(choose_system_proxy(SystemProxySettings{}, true, "origin.example", 443)) == "direct");
  CHECK(describe(choose_system_proxy(parse_winhttp_proxy_settings("https=h:0", ""), true, "o", 443)) ==
        "error: system proxy settings: cannot use the proxy setting 'https=h:0': cannot parse the proxy URL "
        "'http://h:0'");
}

TEST_CASE("choose_proxy asks the system only when neither the option nor the environment names a proxy",
          "[proxy][system]") {
  int asked = 0;
  const SystemProxyLookup system = [&asked] {
    ++asked;
    return parse_winhttp_proxy_settings("sys:8080", "<local>");
  };
  CHECK(describe(choose_proxy("", true, "origin.example", 443, no_environment(), system)) == "http://sys:8080");
  CHECK(describe(choose_proxy("", false, "intranet", 80, no_environment(), system)) == "direct");
  CHECK(asked == 2);

  const Environment environment = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "https_proxy") return "http://env:1";
    if (std::string(name) == "no_proxy") return "skip.example";
    return std::nullopt;
  };
  CHECK(describe(choose_proxy("", true, "origin.example", 443, environment, system)) == "http://env:1");
  // no_proxy exempts the host from the environment's proxy; the system's is not asked instead.
  CHECK(describe(choose_proxy("", true, "skip.example", 443, environment, system)) == "direct");
  CHECK(describe(choose_proxy("direct", true, "origin.example", 443, no_environment(), system)) == "direct");
  CHECK(describe(choose_proxy("socks5://opt:1", true, "origin.example", 443, no_environment(), system)) ==
        "socks5://opt:1");
  CHECK(asked == 2);
  // A variable that is set but empty counts as unset: the system is asked.
  const Environment empty = [](const char* name) -> std::optional<std::string> {
    return std::string(name) == "https_proxy" ? std::optional<std::string>("") : std::nullopt;
  };
  CHECK(describe(choose_proxy("", true, "origin.example", 443, empty, system)) == "http://sys:8080");
  CHECK(asked == 3);
  CHECK(describe(choose_proxy("", true, "origin.example", 443, no_environment(), SystemProxyLookup{})) == "direct");
}
