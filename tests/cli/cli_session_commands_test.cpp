// Interactive mode's session side: typed lines and /commands (parsed by
// interactive_commands.hpp) become messages, pings and closes, shown with
// `> ` and `< `. --interactive on a pipe takes the plain-lines console, so
// this runs without a terminal.

#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "cli/cli_runner.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("duplex --interactive sends lines and runs /ping, /binary, /help", "[cli][interactive]") {
  auto peer = start_ws_peer();
  auto run = run_cli("hello\\n/ping abc\\n/binary 01 02\\n/help\\n", "--interactive " + peer.url("/"));
  INFO(run.output);
  CHECK(run.output.find("> hello\n") != std::string::npos);
  CHECK(run.output.find("< hello\n") != std::string::npos);
  CHECK(std::regex_search(run.output, std::regex(R"(< pong abc \d+\.\d{3} ms\n)")));
  CHECK(run.output.find("> [binary] 01 02\n") != std::string::npos);
  CHECK(run.output.find("< 01 02\n") != std::string::npos);
  CHECK(run.output.find("/quit") != std::string::npos);  // the help text
  CHECK(run.output.find("duplex: closed code=1000 (normal closure) reason=\"\" clean\n") != std::string::npos);
  CHECK(run.status == 0);
}

TEST_CASE("duplex --interactive /close sends its code and reason, /quit closes with 1000", "[cli][interactive]") {
  auto peer = start_ws_peer();
  auto close = run_cli("/close 4000 see you\\n", "--interactive " + peer.url("/"));
  CHECK(close.output.find("duplex: closed code=4000 reason=\"see you\" clean\n") != std::string::npos);
  CHECK(close.status == 0);  // our own code
  // Typed before the connection opened: run in order once it has.
  auto quit = run_cli("first\\n/quit\\nnever sent\\n", "--interactive --linger 60000 " + peer.url("/"));
  CHECK(quit.output.find("> first\n") != std::string::npos);
  CHECK(quit.output.find("never sent") == std::string::npos);
  CHECK(quit.output.find("duplex: closed code=1000") != std::string::npos);
  CHECK(quit.status == 0);
  auto bad = run_cli("/close 1005\\n", "--interactive " + peer.url("/"));
  CHECK(bad.output.find("1005") != std::string::npos);  // refused, said why; the session goes on
  CHECK(bad.output.find("duplex: closed code=1000") != std::string::npos);
}

}  // namespace duplex::test
