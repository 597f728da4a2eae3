// The `duplex` client's network options: -H (cookies), --proxy, --insecure,
// --min-tls, --ping-interval / --pong-timeout.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "support/peers.hpp"
#include "support/proxies.hpp"

namespace duplex::test {
namespace {

struct Run {
  int status = -1;
  std::string output;  // stdout and stderr together
};

/// Runs `printf INPUT | duplex ARGS` through /bin/sh.
Run run_cli(const std::string& input, const std::string& args) {
  const std::string command = "printf '" + input + "' | '" + std::string(DUPLEX_CLI_PATH) + "' " + args + " 2>&1";
  Run run;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

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
