// The `duplex` command-line client used as a person would: through a shell,
// with standard input piped in, against the npm `ws` echo server.

#include <catch2/catch.hpp>

#include <string>

#include "cli/cli_runner.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("duplex echoes stdin lines through the server and exits 0", "[cli]") {
  auto peer = start_ws_peer();
  auto run = run_cli("hello\\nw\\303\\266rld\\n", "-q " + peer.url("/"));
  CHECK(run.output == "hello\nwörld\n");
  CHECK(run.status == 0);
}

TEST_CASE("duplex -v shows readyState changes, the protocol and the close code", "[cli]") {
  auto peer = start_ws_peer();
  auto run = run_cli("ping\\n", "-v -p chat --close-code 4000 --close-reason done " + peer.url("/"));
  CHECK(run.status == 0);
  CHECK(run.output.find("readyState CONNECTING") != std::string::npos);
  CHECK(run.output.find("readyState OPEN protocol=\"chat\"") != std::string::npos);
  CHECK(run.output.find("ping\n") != std::string::npos);
  CHECK(run.output.find("readyState CLOSED") != std::string::npos);
  // Our own close code, echoed by the server: a success.
  CHECK(run.output.find("duplex: closed code=4000 reason=\"done\" clean\n") != std::string::npos);
}

TEST_CASE("duplex -b -x sends binary and prints it as hex", "[cli]") {
  auto peer = start_ws_peer();
  auto run = run_cli("AB\\n", "-q -b -x " + peer.url("/"));
  CHECK(run.output == "41 42\n");
  CHECK(run.status == 0);
}

TEST_CASE("duplex -n closes after N messages", "[cli]") {
  auto peer = start_ws_peer();
  auto run = run_cli("one\\ntwo\\nthree\\n", "-q -n 2 --linger 60000 " + peer.url("/"));
  CHECK(run.output == "one\ntwo\n");
  CHECK(run.status == 0);
}

TEST_CASE("duplex reports a server-initiated close", "[cli]") {
  auto peer = start_ws_peer();
  auto run = run_cli("", "-v " + peer.url("/close/4002/maintenance"));
  CHECK(run.output.find("code=4002 reason=\"maintenance\" clean; exit status 1") != std::string::npos);
  CHECK(run.status == 1);  // a code other than 1000, 1001, 1005 (see cli_exit_test.cpp)
}

TEST_CASE("duplex --reconnect retries with backoff, then gives up", "[cli][reconnect]") {
  auto run = run_cli("", "--reconnect --max-retries 2 ws://127.0.0.1:1/");
  CHECK(run.output.find("reconnecting in") != std::string::npos);
  CHECK(run.output.find("(attempt 2)") != std::string::npos);
  CHECK(run.output.find("giving up after 2 attempts") != std::string::npos);
  CHECK(run.status == 3);  // the last attempt could not connect
}

TEST_CASE("duplex --reconnect stops at a final close code and at our own close", "[cli][reconnect]") {
  auto peer = start_ws_peer();
  SECTION("the server closes with a code marked final") {
    auto run = run_cli("", "-v --reconnect --final-code 4001 --expect-close 4001 " + peer.url("/close/4001/bye"));
    CHECK(run.output.find("code=4001 reason=\"bye\" clean") != std::string::npos);
    CHECK(run.output.find("not reconnecting after close code 4001") != std::string::npos);
    CHECK(run.output.find("reconnecting in") == std::string::npos);
    CHECK(run.status == 0);
  }
  SECTION("end of input closes it like a plain socket") {
    auto run = run_cli("hello\\n", "-q --reconnect " + peer.url("/"));
    CHECK(run.output == "hello\n");
    CHECK(run.status == 0);
  }
}

TEST_CASE("duplex fails with one clear line and a non-zero status", "[cli]") {
  SECTION("a bad URL") {
    auto run = run_cli("", "ftp://127.0.0.1/");
    CHECK(run.status == 2);
    CHECK(run.output.find("SyntaxError") != std::string::npos);
  }
  SECTION("an unknown option") {
    auto run = run_cli("", "--frobnicate ws://127.0.0.1/");
    CHECK(run.status == 2);
    CHECK(run.output.find("unknown option --frobnicate") != std::string::npos);
  }
  SECTION("a close code the API refuses") {
    auto run = run_cli("", "--close-code 1005 ws://127.0.0.1/");
    CHECK(run.status == 2);
    CHECK(run.output.find("--close-code") != std::string::npos);
  }
  SECTION("a refused connection") {
    auto run = run_cli("", "-q ws://127.0.0.1:1/");
    CHECK(run.status == 3);
    CHECK(run.output.find("duplex: error: cannot connect to 127.0.0.1:1") != std::string::npos);
  }
  SECTION("a drop by the server") {
    auto peer = start_ws_peer();
    auto run = run_cli("", peer.url("/drop"));
    CHECK(run.status == 6);
    CHECK(run.output.find("code=1006") != std::string::npos);
  }
}

}  // namespace duplex::test
