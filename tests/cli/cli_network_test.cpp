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

TEST_CASE("duplex --proxy goes through a SOCKS5 proxy", "[cli][network]") {
  auto proxy = start_microsocks();
  auto peer = start_ws_peer();
  auto run = run_cli("via socks\\n", "-q --proxy " + proxy.url("socks5h") + " " + peer.url("/"));
  CHECK(run.output.find("via socks\n") != std::string::npos);
  CHECK(run.status == 0);
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
  CHECK(run.status == 1);
}

TEST_CASE("duplex refuses bad network option values", "[cli][network]") {
  CHECK(run_cli("", "--min-tls 1.1 ws://x/").status == 2);
  CHECK(run_cli("", "--ping-interval never ws://x/").status == 2);
}

}  // namespace duplex::test
