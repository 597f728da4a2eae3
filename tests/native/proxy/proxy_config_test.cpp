#include "proxy/proxy_config.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace duplex::native::proxy;

namespace {

Environment fake_environment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string describe(const ProxyChoice& c) {
  if (!c.error.empty()) return "error: " + c.error;
  if (!c.proxy) return "direct";
  const char* scheme[] = {"http", "socks5", "socks5h"};
  std::string out = std::string(scheme[static_cast<int>(c.proxy->scheme)]) + "://";
  if (c.proxy->credentials) out += c.proxy->credentials->user + ":" + c.proxy->credentials->password + "@";
  return out + c.proxy->authority();
}

}  // namespace

TEST_CASE("proxy URLs: schemes, default port, percent-decoded credentials", "[proxy][config]") {
  struct Case {
    std::string url;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"http://proxy.example:3128", "http://proxy.example:3128"},
      {"http://proxy.example:3128/", "http://proxy.example:3128"},
      {"proxy.example:8080", "http://proxy.example:8080"},
      {"HTTP://Proxy.Example", "http://proxy.example:1080"},
      {"socks5://127.0.0.1:1080", "socks5://127.0.0.1:1080"},
      {"socks5h://[::1]:9050", "socks5h://[::1]:9050"},
      {"http://us%40er:p%3Ass%20w@h:1", "http://us@er:p:ss w@h:1"},
      {"http://user@h:1", "http://user:@h:1"},
      {"ftp://h:1", "error: Options::proxy: proxy scheme 'ftp' is not supported (http, socks5, socks5h)"},
      {"http://h:99999", "error: Options::proxy: cannot parse the proxy URL 'http://h:99999'"},
      {"http://:80", "error: Options::proxy: cannot parse the proxy URL 'http://:80'"},
      {"http://h:1/path", "error: Options::proxy: a proxy URL has no path: 'http://h:1/path'"},
      {"http://u%zz:p@h:1", "error: Options::proxy: bad percent-encoding in the proxy URL's credentials"},
      {"direct", "direct"},
  };
  const auto no_env = fake_environment({});
  for (const auto& c : cases) {
    INFO(c.url);
    CHECK(describe(choose_proxy(c.url, false, "origin.example", 80, no_env)) == c.expected);
  }
}

TEST_CASE("proxy environment variables: which one each scheme reads", "[proxy][config]") {
  struct Case {
    std::map<std::string, std::string> vars;
    bool secure;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{}, false, "direct"},
      {{{"http_proxy", "http://a:1"}}, false, "http://a:1"},
      {{{"http_proxy", "http://a:1"}}, true, "direct"},
      // httpoxy: the upper-case HTTP_PROXY is never read.
      {{{"HTTP_PROXY", "http://a:1"}}, false, "direct"},
      {{{"https_proxy", "http://s:1"}, {"HTTPS_PROXY", "http://S:2"}}, true, "http://s:1"},
      {{{"HTTPS_PROXY", "http://S:2"}}, true, "http://s:2"},
      {{{"https_proxy", ""}, {"HTTPS_PROXY", "http://S:2"}}, true, "http://s:2"},
      {{{"all_proxy", "socks5h://x:9"}}, false, "socks5h://x:9"},
      {{{"ALL_PROXY", "socks5://y:9"}}, true, "socks5://y:9"},
      {{{"http_proxy", "http://a:1"}, {"all_proxy", "socks5://y:9"}}, false, "http://a:1"},
      {{{"http_proxy", "http://a:1"}, {"no_proxy", "origin.example"}}, false, "direct"},
      {{{"http_proxy", "http://a:1"}, {"NO_PROXY", "*"}}, false, "direct"},
      {{{"http_proxy", "http://a:1"}, {"no_proxy", "other.example"}}, false, "http://a:1"},
      {{{"http_proxy", "ftp://a:1"}},
       false,
       "error: http_proxy: proxy scheme 'ftp' is not supported (http, socks5, socks5h)"},
  };
  for (const auto& c : cases) {
    INFO(describe(choose_proxy("", c.secure, "origin.example", 80, fake_environment(c.vars))));
    CHECK(describe(choose_proxy("", c.secure, "origin.example", 80, fake_environment(c.vars))) == c.expected);
  }
}

TEST_CASE("an explicit proxy option wins over the environment", "[proxy][config]") {
  const auto env = fake_environment({{"http_proxy", "http://env:1"}, {"no_proxy", "*"}});
  CHECK(describe(choose_proxy("socks5://opt:2", false, "h", 80, env)) == "socks5://opt:2");
  CHECK(describe(choose_proxy("direct", false, "h", 80, fake_environment({{"http_proxy", "http://e:1"}}))) == "direct");
}

TEST_CASE("no_proxy: suffixes, ports, IPs, wildcard", "[proxy][config]") {
  struct Case {
    std::string no_proxy;
    std::string host;
    std::uint16_t port;
    bool matches;
  };
  const std::vector<Case> cases = {
      {"example.com", "example.com", 80, true},
      {"example.com", "www.example.com", 80, true},
      {".example.com", "www.example.com", 80, true},
      {".example.com", "example.com", 80, true},
      {"example.com", "badexample.com", 80, false},
      {"EXAMPLE.com", "Api.Example.COM", 80, true},
      {"a.test, example.com", "x.example.com", 80, true},
      {"a.test example.com", "x.example.com", 80, true},
      {"example.com:8080", "example.com", 8080, true},
      {"example.com:8080", "example.com", 80, false},
      {"127.0.0.1", "127.0.0.1", 80, true},
      {"127.0.0.1", "127.0.0.2", 80, false},
      {"::1", "::1", 80, true},
      {"[::1]", "::1", 80, true},
      {"[::1]:443", "::1", 443, true},
      {"*", "anything.example", 1, true},
      {"*.example.com", "a.example.com", 80, false},  // not a wildcard syntax curl knows
      {"", "example.com", 80, false},
      {",,", "example.com", 80, false},
  };
  for (const auto& c : cases) {
    INFO(c.no_proxy << " vs " << c.host << ":" << c.port);
    CHECK(no_proxy_matches(c.no_proxy, c.host, c.port) == c.matches);
  }
}
