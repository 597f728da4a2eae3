// The exit status of `duplex` and its last word on stderr, for each way a
// session ends, against the npm `ws` peer (its /close/<code>/<reason> and
// /status/<code> paths).

#include <catch2/catch.hpp>

#include <string>

#include "cli/cli_runner.hpp"
#include "support/blackhole_listener.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("duplex exits 0 after a clean close with 1000, 1001 or 1005", "[cli][exit]") {
  auto peer = start_ws_peer();
  auto ours = run_cli("hi\\n", peer.url("/"));
  CHECK(ours.output == "hi\nduplex: closed code=1000 (normal closure) reason=\"\" clean\n");
  CHECK(ours.status == 0);
  for (const std::string code : {"1001", "1005"}) {
    auto theirs = run_cli("", peer.url("/close/" + code));
    INFO(theirs.output);
    CHECK(theirs.output.find("duplex: closed code=" + code) != std::string::npos);
    CHECK(theirs.status == 0);
  }
}

TEST_CASE("duplex exits 1 when the server closes with another code, and says so without -v", "[cli][exit]") {
  auto peer = start_ws_peer();
  auto app = run_cli("hi\\n", peer.url("/close/4001/bye"));
  CHECK(app.output.find("duplex: closed code=4001 reason=\"bye\" clean; exit status 1: close code 4001") !=
        std::string::npos);
  CHECK(app.status == 1);
  auto error = run_cli("", peer.url("/close/1011/it%20broke"));
  CHECK(error.output.find("duplex: closed code=1011 (internal error) reason=\"it broke\" clean; exit status 1") !=
        std::string::npos);
  CHECK(error.status == 1);
  SECTION("--expect-close accepts a code") {
    auto expected = run_cli("", "--expect-close 4001 " + peer.url("/close/4001/bye"));
    CHECK(expected.output == "duplex: closed code=4001 reason=\"bye\" clean\n");
    CHECK(expected.status == 0);
  }
  SECTION("-q leaves the last word out, not the status") {
    auto quiet = run_cli("", "-q " + peer.url("/close/4001/bye"));
    CHECK(quiet.output.empty());
    CHECK(quiet.status == 1);
  }
}

#ifndef _WIN32  // sh splits the two streams (Wine runs Windows programs only)
TEST_CASE("duplex prints messages on stdout, its errors and last word on stderr", "[cli][exit]") {
  // sh execs duplex with one of its streams sent to /dev/null.
  const auto only = [](const std::string& stream, const std::string& input, const std::string& url) {
    const std::string drop = stream == "stdout" ? "2>/dev/null" : "2>&1 >/dev/null";
    return run_process_capture({"sh", "-c", "exec \"$0\" \"$@\" " + drop, local_path(DUPLEX_CLI_PATH), url}, input);
  };
  auto peer = start_ws_peer();
  CHECK(only("stdout", "hi\n", peer.url("/")).output == "hi\n");
  CHECK(only("stderr", "hi\n", peer.url("/")).output ==
        "duplex: closed code=1000 (normal closure) reason=\"\" clean\n");
  const auto closed = only("stdout", "", peer.url("/close/4001/bye"));
  CHECK(closed.output.empty());
  CHECK(closed.exit_code == 1);
  CHECK(only("stderr", "", peer.url("/close/4001/bye")).output.starts_with("duplex: closed code=4001 reason=\"bye\""));
  const std::string refused = "ws://127.0.0.1:" + std::to_string(refused_port()) + "/";
  CHECK(only("stdout", "", refused).output.empty());
  CHECK(only("stderr", "", refused).output.find("duplex: error: cannot connect to 127.0.0.1") != std::string::npos);
}
#endif

TEST_CASE("duplex exits 3 when it cannot connect", "[cli][exit]") {
  auto run = run_cli("", "ws://127.0.0.1:" + std::to_string(refused_port()) + "/");
  CHECK(run.output.find("duplex: error: cannot connect to 127.0.0.1") != std::string::npos);
  CHECK(run.output.find("not clean (connection_refused); exit status 3: could not connect") != std::string::npos);
  CHECK(run.status == 3);
  SilentListener silent;
  auto timeout = run_cli("", "--open-timeout 0.3 ws://127.0.0.1:" + std::to_string(silent.port()) + "/");
  // The flag's value in the message: the default (30 s) would time out too.
  CHECK(timeout.output.find("opening handshake timed out after 300 ms") != std::string::npos);
  CHECK(timeout.output.find("(open_timeout); exit status 3") != std::string::npos);
  CHECK(timeout.status == 3);
  BlackholeListener blackhole;  // the TCP handshake itself never completes
  auto connect = run_cli("", "--connect-timeout 0.3 ws://127.0.0.1:" + std::to_string(blackhole.port()) + "/");
  INFO(connect.output);
  CHECK(connect.output.find("timed out after 300 ms") != std::string::npos);  // not the default 10 s
  CHECK(connect.output.find("(connect_timeout); exit status 3") != std::string::npos);
  CHECK(connect.status == 3);
}

TEST_CASE("duplex exits 4 when the server refuses the handshake", "[cli][exit]") {
  auto peer = start_ws_peer();
  auto run = run_cli("", peer.url("/status/403"));
  CHECK(run.output.find("duplex: error: server answered 403") != std::string::npos);
  CHECK(run.output.find("exit status 4: handshake refused with HTTP 403") != std::string::npos);
  CHECK(run.status == 4);
}

TEST_CASE("duplex exits 2 for a command line that cannot run, before connecting", "[cli][exit]") {
  auto run = run_cli("", "--crlf lf ws://127.0.0.1:1/");
  CHECK(run.output == "duplex: --crlf needs keep or strip, not 'lf'\n(duplex --help lists the options)\n");
  CHECK(run.status == 2);
  auto missing = run_cli("", "--file /nonexistent/duplex-input ws://127.0.0.1:1/");
  CHECK(missing.output.find("--file: cannot read /nonexistent/duplex-input") != std::string::npos);
  CHECK(missing.status == 2);
}

TEST_CASE("duplex exits 5 when --timeout expires, after closing cleanly", "[cli][exit]") {
  auto peer = start_ws_peer();
  auto run = run_cli("", "--timeout 0.5 --wait-for never " + peer.url("/"));
  CHECK(run.output == "duplex: closed code=1000 (normal closure) reason=\"\" clean; exit status 5: --timeout expired\n");
  CHECK(run.status == 5);
}

TEST_CASE("duplex exits 6 when an open connection is lost", "[cli][exit]") {
  auto peer = start_ws_peer();
  auto dropped = run_cli("", peer.url("/drop"));
  CHECK(dropped.output.find("closed code=1006 (abnormal closure) reason=\"\" not clean (going_away); exit status 6") !=
        std::string::npos);
  CHECK(dropped.status == 6);
  // A message over --max-message fails the connection (RFC 6455 §7.4.1: 1009).
  auto too_big = run_cli("hello\\n", "--max-message 4 " + peer.url("/"));
  INFO(too_big.output);
  CHECK(too_big.output.find("(message_too_big); exit status 6") != std::string::npos);
  CHECK(too_big.status == 6);
}

TEST_CASE("duplex --help documents every exit status", "[cli][exit]") {
  auto run = run_cli("", "--help");
  CHECK(run.status == 0);
  for (const char* line : {"\n  0  closed cleanly", "\n  1  ended without", "\n  2  a command line", "\n  3  could not",
                           "\n  4  the server refused", "\n  5  --timeout", "\n  6  the connection was lost"})
    CHECK(run.output.find(line) != std::string::npos);
  auto version = run_cli("", "--version");
  CHECK(version.output.starts_with("duplex "));
  CHECK(version.status == 0);
}

}  // namespace duplex::test
