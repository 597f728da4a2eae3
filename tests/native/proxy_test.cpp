// ws:// and wss:// through real proxies: tinyproxy (HTTP CONNECT) and
// microsocks (SOCKS5), started by the tests on 127.0.0.1. The peers of the
// positive cases accept only the address the proxies connect from, so an echo
// shows the proxy carried the connection.

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "integration/recorder.hpp"
#include "support/peers.hpp"
#include "support/proxies.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

namespace duplex::test {
namespace {

Recorder echo_once(const std::string& url, const Options& options) {
  WebSocket ws(url, {}, options);
  Recorder recorder(ws);
  ws.onopen([&](const Event&) { ws.send("through the proxy"); });
  ws.onmessage([&](const MessageEvent&) { ws.close(1000); });
  run();
  return recorder;
}

void expect_echo(const Recorder& r) {
  INFO(r.error_message);
  CHECK(r.events == std::vector<std::string>{"open", "message", "close"});
  REQUIRE(r.messages.size() == 1);
  CHECK(payload_of(r.messages[0]) == "through the proxy");
  REQUIRE(r.close);
  CHECK(r.close->was_clean());
}

void expect_failure(const Recorder& r, const std::string& text) {
  CHECK(r.events == std::vector<std::string>{"error", "close"});
  INFO(r.error_message);
  CHECK(r.error_message.find(text) != std::string::npos);
  REQUIRE(r.close);
  CHECK(r.close->code() == 1006);
}

Options via(const std::string& proxy, bool tls = false) {
  Options options;
  options.proxy = proxy;
  if (tls) options.ca_file = test_certificates().ca;
  return options;
}

// An echo peer for ws:// and one for wss:// that accept only connections from
// proxy_source_address; each is checked to refuse a direct connection.
struct BehindProxy {
  Peer plain;
  Peer tls;
};

BehindProxy start_peers_behind_proxy() {
  BehindProxy peers{start_ws_peer_behind_proxy(false), start_ws_peer_behind_proxy(true)};
  expect_failure(echo_once(peers.plain.url("/"), via("direct")), "server answered 403");
  expect_failure(echo_once(peers.tls.url("/"), via("direct", true)), "server answered 403");
  return peers;
}

// A TCP server that answers every connection with one line that is not HTTP.
class NotAProxy {
 public:
  NotAProxy() {
    using tcp = boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.bind({boost::asio::ip::address_v4::loopback(), 0});
    acceptor_.listen(4);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      boost::system::error_code ec;
      tcp::socket client(io_);
      acceptor_.accept(client, ec);
      accepted_ = true;
      if (ec || stopping_) return;
      const char banner[] = "SSH-2.0-OpenSSH_9.2\r\n";
      boost::asio::write(client, boost::asio::buffer(banner, sizeof banner - 1), ec);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    });
  }
  ~NotAProxy() {
    // A blocking accept() wakes for a connection on every platform (closing
    // the socket from another thread wakes it on none reliably).
    stopping_ = true;
    if (!accepted_) {
      boost::asio::ip::tcp::socket waker(io_);
      boost::system::error_code ignored;
      waker.connect({boost::asio::ip::address_v4::loopback(), port_}, ignored);
    }
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::atomic<bool> accepted_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("HTTP CONNECT proxy carries ws:// and wss://", "[native][proxy]") {
  auto proxy = start_tinyproxy();
  auto peers = start_peers_behind_proxy();
  expect_echo(echo_once(peers.plain.url("/"), via(proxy.url("http"))));
  // TLS inside the tunnel: SNI and the certificate are checked for localhost.
  expect_echo(echo_once(peers.tls.url("/"), via(proxy.url("http"), true)));
}

TEST_CASE("HTTP CONNECT proxy with Basic credentials", "[native][proxy]") {
  auto proxy = start_tinyproxy({"alice", "s3cret"});
  auto peers = start_peers_behind_proxy();
  SECTION("right password: ws:// and wss://") {
    expect_echo(echo_once(peers.plain.url("/"), via(proxy.url("http", "alice", "s3cret"))));
    expect_echo(echo_once(peers.tls.url("/"), via(proxy.url("http", "alice", "s3cret"), true)));
  }
  SECTION("wrong password") {
    expect_failure(echo_once(peers.plain.url("/"), via(proxy.url("http", "alice", "wrong"))),
                   "rejected the credentials (40");  // tinyproxy answers 401
  }
  SECTION("no credentials") {
    expect_failure(echo_once(peers.plain.url("/"), via(proxy.url("http"))), "proxy requires authentication (407)");
  }
}

TEST_CASE("an HTTP proxy that refuses CONNECT is named with its status", "[native][proxy]") {
  TinyproxyConfig config;
  config.only_connect_port = 1;  // every other port is refused
  auto proxy = start_tinyproxy(config);
  auto plain = start_ws_peer();
  expect_failure(echo_once(plain.url("/"), via(proxy.url("http"))),
                 "proxy 127.0.0.1:" + std::to_string(proxy.port) + " refused CONNECT: 403");
}

TEST_CASE("a proxy that does not speak HTTP", "[native][proxy]") {
  NotAProxy server;
  expect_failure(echo_once("ws://127.0.0.1:1/", via("http://127.0.0.1:" + std::to_string(server.port()))),
                 "proxy answered something that is not HTTP");
}

TEST_CASE("SOCKS5 proxy carries ws:// and wss://, remote and local DNS", "[native][proxy]") {
  auto proxy = start_microsocks();
  auto peers = start_peers_behind_proxy();
  expect_echo(echo_once(peers.plain.url("/"), via(proxy.url("socks5h"))));
  expect_echo(echo_once(peers.plain.url("/"), via(proxy.url("socks5"))));
  // "localhost" resolved by the proxy; TLS inside the tunnel, checked for localhost.
  expect_echo(echo_once(peers.tls.url("/"), via(proxy.url("socks5h"), true)));
  expect_echo(echo_once(peers.tls.url("/"), via(proxy.url("socks5"), true)));
}

TEST_CASE("SOCKS5 proxy with a user name and password", "[native][proxy]") {
  auto proxy = start_microsocks("bob", "pw");
  auto peers = start_peers_behind_proxy();
  expect_echo(echo_once(peers.plain.url("/"), via(proxy.url("socks5h", "bob", "pw"))));
  expect_echo(echo_once(peers.tls.url("/"), via(proxy.url("socks5h", "bob", "pw"), true)));
  expect_failure(echo_once(peers.plain.url("/"), via(proxy.url("socks5h", "bob", "nope"))),
                 "SOCKS5 proxy rejected the user name or password");
  expect_failure(echo_once(peers.plain.url("/"), via(proxy.url("socks5h"))), "SOCKS5 proxy requires authentication");
}

TEST_CASE("SOCKS5 reply failures are named", "[native][proxy]") {
  auto proxy = start_microsocks();
  expect_failure(echo_once("ws://127.0.0.1:" + std::to_string(refused_port()) + "/", via(proxy.url("socks5"))),
                 "SOCKS5 proxy: connection refused by destination host");
}

// [nowine]: Windows environment variable names ignore case, so the lower- and
// upper-case spellings this test sets apart are one variable there.
TEST_CASE("proxy environment variables and no_proxy", "[native][proxy][nowine]") {
  auto proxy = start_tinyproxy({"env", "pw"});
  auto plain = start_ws_peer();
  ScopedEnv all_lower("all_proxy", "", true), all_upper("ALL_PROXY", "", true), no_upper("NO_PROXY", "", true);
  SECTION("http_proxy is used for ws://, https_proxy for wss://") {
    auto peers = start_peers_behind_proxy();
    ScopedEnv http("http_proxy", proxy.url("http", "env", "pw"));
    ScopedEnv https("https_proxy", proxy.url("http", "env", "pw")), https_upper("HTTPS_PROXY", "", true);
    ScopedEnv no("no_proxy", "", true);
    expect_echo(echo_once(peers.plain.url("/"), Options{}));
    Options tls;
    tls.ca_file = test_certificates().ca;
    expect_echo(echo_once(peers.tls.url("/"), tls));
    // Without credentials the same proxy refuses.
    ScopedEnv http_no_auth("http_proxy", proxy.url("http"));
    expect_failure(echo_once(peers.plain.url("/"), Options{}), "(407)");
  }
  SECTION("no_proxy exempts the host") {
    ScopedEnv http("http_proxy", proxy.url("http"));  // would answer 407
    ScopedEnv no("no_proxy", "example.com, 127.0.0.1");
    expect_echo(echo_once(plain.url("/"), Options{}));
  }
  SECTION("Options::proxy = \"direct\" ignores the environment") {
    ScopedEnv http("http_proxy", proxy.url("http"));
    ScopedEnv no("no_proxy", "", true);
    expect_echo(echo_once(plain.url("/"), via("direct")));
  }
  SECTION("a proxy URL that does not parse is an error event") {
    ScopedEnv http("http_proxy", "gopher://x:1");
    ScopedEnv no("no_proxy", "", true);
    expect_failure(echo_once(plain.url("/"), Options{}), "http_proxy: proxy scheme 'gopher' is not supported");
  }
}

}  // namespace duplex::test
