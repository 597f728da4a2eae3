// The `duplex` client's network options: -H (cookies), --proxy, --insecure,
// --min-tls, --ping-interval / --pong-timeout.

#include <catch2/catch.hpp>

#include <string>

#include "cli/cli_runner.hpp"
#include "support/peers.hpp"
#include "support/proxies.hpp"

namespace duplex::test {

TEST_CASE("duplex -H sends cookies and other headers", "[cli][network]") {
  auto peer = start_ws_peer();
  auto run = run_cli("", "-q -n 1 -H 'Cookie: session=abc' -H 'X-Trace: 7' " + peer.url("/headers"));
  CHECK(run.output.find("\"cookie\":\"session=abc\"") != std::string::npos);
  CHECK(run.output.find("\"x-trace\":\"7\"") != std::string::npos);
  CHECK(run.status == 0);
}

// The peers accept only the address the proxies connect from: an echo went
// through the proxy.
TEST_CASE("duplex --proxy goes through SOCKS5 and HTTP CONNECT proxies, ws:// and wss://", "[cli][network]") {
  auto plain = start_ws_peer_behind_proxy();
  auto tls = start_ws_peer_behind_proxy(true);
  const std::string cacert = "--cacert " + test_certificates().ca + " ";
  auto direct = run_cli("", "-q --proxy direct " + plain.url("/"));
  INFO(direct.output);
  CHECK(direct.output.find("server answered 403") != std::string::npos);
  CHECK(direct.status != 0);
  auto direct_tls = run_cli("", "-q --proxy direct " + cacert + tls.url("/"));
  INFO(direct_tls.output);
  CHECK(direct_tls.output.find("server answered 403") != std::string::npos);
  CHECK(direct_tls.status != 0);

  auto socks = start_microsocks();
  auto http = start_tinyproxy();
  for (const std::string& proxy : {socks.url("socks5h"), http.url("http")}) {
    INFO(proxy);
    auto run = run_cli("via proxy\\n", "-q --proxy " + proxy + " " + plain.url("/"));
    INFO(run.output);
    CHECK(run.output.find("via proxy\n") != std::string::npos);
    CHECK(run.status == 0);
    auto run_tls = run_cli("via proxy over TLS\\n", "-q --proxy " + proxy + " " + cacert + tls.url("/"));
    INFO(run_tls.output);
    CHECK(run_tls.output.find("via proxy over TLS\n") != std::string::npos);
    CHECK(run_tls.status == 0);
  }
}

TEST_CASE("duplex --insecure warns, then accepts a self-signed certificate", "[cli][network]") {
  const auto& certs = test_certificates();
  auto peer = start_ws_peer_tls(certs.self_cert, certs.self_key);
  auto run = run_cli("hi\\n", "-q --insecure --min-tls 1.3 " + peer.url("/"));
  CHECK(run.output.find("WARNING: --insecure") != std::string::npos);
  CHECK(run.output.find("hi\n") != std::string::npos);
  CHECK(run.status == 0);
}

TEST_CASE("duplex --ping-interval detects a server that stopped reading", "[cli][network]") {
  auto peer = start_ws_peer();
  auto run = run_cli("", "--linger 5000 --ping-interval 0.2 --pong-timeout 0.3 " + peer.url("/stop-reading"));
  CHECK(run.output.find("no pong within 300 ms") != std::string::npos);
  CHECK(run.status == 6);  // an open connection lost
}

TEST_CASE("duplex refuses bad network option values", "[cli][network]") {
  CHECK(run_cli("", "--min-tls 1.1 ws://x/").status == 2);
  CHECK(run_cli("", "--ping-interval never ws://x/").status == 2);
}

}  // namespace duplex::test
