// Ctrl-C for `duplex`: SIGINT (or SIGTERM) mid-session starts a clean close
// (Close 1000 seen by the server), a second one drops the connection. The
// npm `ws` peer's /no-close-reply?id=X records the client's Close frame and
// /report/X tells it. POSIX only: Windows has no way to send another
// process's console Ctrl-C from a test without sharing its console.

#include <catch2/catch.hpp>

#ifndef _WIN32

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <string>

#include "cli/cli_runner.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using namespace std::chrono_literals;

/// `duplex ARGS 2>&1` kept running: its standard input stays open (no end of
/// input), its output read line by line, signals sent by process id. sh
/// execs duplex (same process id) after merging stderr into stdout.
class RunningCli {
 public:
  explicit RunningCli(const std::string& args) : process_(command(args)) {}

  /// Reads lines until one contains `text`; false after `timeout` or at the end.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto line = process_.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!line) return false;
      output_ += *line + "\n";
      if (line->find(text) != std::string::npos) return true;
    }
    return false;
  }

  void signal(int number) { REQUIRE(::kill(static_cast<pid_t>(process_.pid()), number) == 0); }

  /// Reads the rest of the output until duplex exits, then returns its exit
  /// status (-1 if it did not exit by itself within `timeout`).
  int exit_status(std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto line = process_.read_line(100ms)) output_ += *line + "\n";
      else if (exited()) break;
    }
    const bool exited_itself = exited();
    process_.stop();  // reaps it (or, still running, ends it)
    const auto status = process_.wait_status();
    if (!exited_itself || !status || !WIFEXITED(*status)) return -1;
    return WEXITSTATUS(*status);
  }

  const std::string& output() const noexcept { return output_; }

 private:
  static std::vector<std::string> command(const std::string& args) {
    std::vector<std::string> argv = {"sh", "-c", "exec \"$0\" \"$@\" 2>&1", local_path(DUPLEX_CLI_PATH)};
    for (auto& arg : split_cli_args(args)) argv.push_back(std::move(arg));
    return argv;
  }

  // Whether the process has ended, without reaping it (stop() does).
  bool exited() {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(process_.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid != 0;
  }

  PeerProcess process_;
  std::string output_;
};

std::string report(const Peer& peer, const std::string& id) {
  return run_cli("", "-q " + peer.url("/report/" + id)).output;
}

}  // namespace

TEST_CASE("duplex closes with 1000 at SIGINT and exits 0", "[cli][signal]") {
  auto peer = start_ws_peer();
  SECTION("the echo server answers the Close: exit 0") {
    RunningCli cli("-v " + peer.url("/"));
    REQUIRE(cli.wait_for("readyState OPEN"));
    cli.signal(SIGINT);
    CHECK(cli.exit_status() == 0);
    INFO(cli.output());
    CHECK(cli.output().find("interrupted: closing the connection") != std::string::npos);
    CHECK(cli.output().find("duplex: closed code=1000 (normal closure) reason=\"\" clean\n") != std::string::npos);
  }
  SECTION("the server records Close 1000") {
    RunningCli cli("-v --close-timeout 0.3 " + peer.url("/no-close-reply?id=sigint"));
    REQUIRE(cli.wait_for("readyState OPEN"));
    cli.signal(SIGINT);
    // This server never answers a Close: after --close-timeout the close is not clean.
    CHECK(cli.exit_status() == 6);
    CHECK(report(peer, "sigint").starts_with("close=1000 tcp=fin"));
  }
  SECTION("SIGTERM with --close-code") {
    RunningCli cli("-v --close-code 4000 --close-reason bye " + peer.url("/"));
    REQUIRE(cli.wait_for("readyState OPEN"));
    cli.signal(SIGTERM);
    CHECK(cli.exit_status() == 0);
    CHECK(cli.output().find("duplex: closed code=4000 reason=\"bye\" clean\n") != std::string::npos);
  }
}

TEST_CASE("duplex drops the connection at a second SIGINT", "[cli][signal]") {
  auto peer = start_ws_peer();
  RunningCli cli("-v --close-timeout 30 " + peer.url("/no-close-reply?id=twice"));
  REQUIRE(cli.wait_for("readyState OPEN"));
  cli.signal(SIGINT);
  REQUIRE(cli.wait_for("readyState CLOSING"));
  const auto second = std::chrono::steady_clock::now();
  cli.signal(SIGINT);
  CHECK(cli.exit_status() == 6);
  CHECK(std::chrono::steady_clock::now() - second < 10s);  // not the 30 s close timeout
  CHECK(cli.output().find("interrupted again: dropping the connection") != std::string::npos);
  CHECK(cli.output().find("exit status 6: dropped after a second interrupt") != std::string::npos);
  CHECK(report(peer, "twice").starts_with("close=1000 tcp="));
}

TEST_CASE("duplex closes at SIGINT while still connecting", "[cli][signal]") {
  SilentListener silent;
  RunningCli cli("-v ws://127.0.0.1:" + std::to_string(silent.port()) + "/");
  REQUIRE(cli.wait_for("readyState CONNECTING"));
  cli.signal(SIGINT);
  CHECK(cli.exit_status() == 1);
  CHECK(cli.output().find("exit status 1: interrupted before the connection opened") != std::string::npos);
}

}  // namespace duplex::test

#endif  // _WIN32
