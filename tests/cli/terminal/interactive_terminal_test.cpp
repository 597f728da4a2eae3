// The `duplex` client's interactive mode in a real terminal: tmux runs the
// client in a pseudo-terminal of its own, the tests type into it (send-keys)
// and read the screen (capture-pane). Skipped, with exit status 77, where
// tmux is not installed (tools/setup.sh installs it). Line editing and
// history are tested where the client has them (built with libedit).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/peer_process.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

using namespace std::chrono_literals;

bool tmux_installed() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/tmux").c_str(), X_OK) == 0) return true;
  return false;
}

/// Single-quoted for sh.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// The lines of a screen, without their trailing spaces (capture-pane drops them).
std::vector<std::string> screen_lines(const std::string& screen) {
  std::vector<std::string> lines;
  std::stringstream in(screen);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

bool has_line(const std::string& screen, const std::string& line) {
  for (const auto& l : screen_lines(screen))
    if (l == line) return true;
  return false;
}

std::size_t count_lines(const std::string& screen, const std::string& line) {
  std::size_t n = 0;
  for (const auto& l : screen_lines(screen)) n += l == line;
  return n;
}

bool has_line_matching(const std::string& screen, const std::string& pattern) {
  const std::regex re(pattern);
  for (const auto& l : screen_lines(screen))
    if (std::regex_match(l, re)) return true;
  return false;
}

/// The client started in a tmux session of its own (its own server socket,
/// 120x30), the session ended when this is destroyed. When the client exits,
/// "[exit N]" is shown below what it printed.
class Terminal {
 public:
  explicit Terminal(const std::string& client_args)
      : socket_((std::filesystem::temp_directory_path() /
                 ("duplex-tmux-" + std::to_string(::getpid()) + "-" + std::to_string(++sessions_)))
                    .string()) {
    const std::string command =
        shell_quote(DUPLEX_CLI_PATH) + " " + client_args + "; echo \"[exit $?]\"; exec sleep 600";
    tmux({"-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "30", "-s", "t", "sh -c " + shell_quote(command)});
  }
  ~Terminal() {
    try {
      tmux({"kill-server"});
    } catch (...) {
    }
    std::error_code ignored;
    std::filesystem::remove(socket_, ignored);  // tmux leaves its socket file
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  /// Types `text` as it is (no key names).
  void type(const std::string& text) { tmux({"send-keys", "-t", "t", "-l", text}); }
  /// Presses keys by tmux's names: "Enter", "Up", "C-d" ...
  void press(const std::string& key) { tmux({"send-keys", "-t", "t", key}); }

  std::string screen() { return tmux({"capture-pane", "-p", "-t", "t"}); }

  /// Waits up to `timeout` for the screen to satisfy `done`; returns the last screen.
  std::string wait_for(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string shown = screen();
    while (!done(shown) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      shown = screen();
    }
    return shown;
  }
  std::string wait_for_line(const std::string& line, std::chrono::milliseconds timeout = 10s) {
    return wait_for([&](const std::string& s) { return has_line(s, line); }, timeout);
  }
  std::string wait_for_match(const std::string& pattern, std::chrono::milliseconds timeout = 10s) {
    return wait_for([&](const std::string& s) { return has_line_matching(s, pattern); }, timeout);
  }
  /// Waits for the empty prompt on the last line (the client reads input).
  std::string wait_for_prompt() {
    return wait_for([](const std::string& s) {
      const auto lines = screen_lines(s);
      return !lines.empty() && lines.back() == ">";
    });
  }

 private:
  std::string tmux(std::vector<std::string> args) {
    std::vector<std::string> argv = {"tmux", "-S", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    const CapturedRun run = run_process_capture(argv, "");
    if (run.exit_code != 0) throw std::runtime_error("tmux " + args.front() + " failed: " + run.output);
    return run.output;
  }

  inline static int sessions_ = 0;
  std::string socket_;  // the tmux server's socket: a server of this test's own
};

}  // namespace

TEST_CASE("typed lines stay after the prompt, received ones are shown after <", "[cli][interactive]") {
  auto peer = start_ws_peer();
  Terminal terminal(peer.url("/"));
  std::string screen = terminal.wait_for_prompt();
  INFO(screen);
  REQUIRE(screen_lines(screen).back() == ">");
  terminal.type("hello there");
  terminal.press("Enter");
  screen = terminal.wait_for_line("< hello there");
  INFO(screen);
  CHECK(has_line(screen, "> hello there"));
  CHECK(has_line(screen, "< hello there"));
  CHECK(screen_lines(terminal.wait_for_prompt()).back() == ">");
}

#if DUPLEX_CLI_LINE_EDITOR  // a client built without libedit reads plain lines
TEST_CASE("output that arrives while a line is typed goes above it", "[cli][interactive]") {
  auto peer = start_ws_peer();
  Terminal terminal(peer.url("/"));
  terminal.wait_for_prompt();
  // The echo of "first" comes back while "second" is being typed.
  terminal.type("first");
  terminal.press("Enter");
  terminal.type("sec");
  std::string screen = terminal.wait_for_line("< first");
  terminal.type("ond");
  screen = terminal.wait_for([](const std::string& s) {
    const auto lines = screen_lines(s);
    return has_line(s, "< first") && !lines.empty() && lines.back() == "> second";
  });
  INFO(screen);
  REQUIRE(has_line(screen, "< first"));
  CHECK(screen_lines(screen).back() == "> second");
  terminal.press("Enter");
  screen = terminal.wait_for_line("< second");
  INFO(screen);
  CHECK(has_line(screen, "< second"));  // the whole line was sent, nothing lost to the output
}
#endif

TEST_CASE("/ping shows the pong with its round-trip time", "[cli][interactive]") {
  auto peer = start_ws_peer();
  Terminal terminal(peer.url("/"));
  terminal.wait_for_prompt();
  terminal.type("/ping hello");
  terminal.press("Enter");
  const std::string pong = R"(< pong hello [0-9]+(\.[0-9]+)? ms)";
  const std::string screen = terminal.wait_for_match(pong);
  INFO(screen);
  CHECK(has_line_matching(screen, pong));
  CHECK_FALSE(has_line(screen, "< /ping hello"));  // a command, not a message
}

TEST_CASE("/close 4000 bye closes with that code and reason", "[cli][interactive]") {
  SECTION("the Close frame on the wire") {
    // The peer keeps the Close frame it gets and tells it at /report/<id>.
    auto peer = start_ws_peer();
    Terminal terminal(peer.url("/no-close-reply?id=terminal-close"));
    terminal.wait_for_prompt();
    terminal.type("/close 4000 bye");
    terminal.press("Enter");
    const CapturedRun report =
        run_process_capture({DUPLEX_CLI_PATH, "-q", "-n", "1", peer.url("/report/terminal-close")}, "");
    INFO(report.output);
    CHECK(report.output.find("close=4000 ") != std::string::npos);
  }
  SECTION("the client's last word") {
    // The ws echo server answers a Close with the same code and reason.
    auto peer = start_ws_peer();
    Terminal terminal(peer.url("/"));
    terminal.wait_for_prompt();
    terminal.type("/close 4000 bye");
    terminal.press("Enter");
    const std::string screen = terminal.wait_for_line("[exit 0]");
    INFO(screen);
    CHECK(has_line_matching(screen, R"(duplex: closed code=4000 reason="bye".*)"));
    CHECK(has_line(screen, "[exit 0]"));
  }
}

#if DUPLEX_CLI_LINE_EDITOR
TEST_CASE("the up arrow recalls the previous line", "[cli][interactive]") {
  auto peer = start_ws_peer();
  Terminal terminal(peer.url("/"));
  terminal.wait_for_prompt();
  terminal.type("recall me");
  terminal.press("Enter");
  terminal.wait_for_line("< recall me");
  terminal.type("then this");
  terminal.press("Enter");
  terminal.wait_for_line("< then this");
  terminal.wait_for_prompt();
  terminal.press("Up");
  terminal.press("Up");
  std::string screen = terminal.wait_for([](const std::string& s) {
    const auto lines = screen_lines(s);
    return !lines.empty() && lines.back() == "> recall me";
  });
  INFO(screen);
  CHECK(screen_lines(screen).back() == "> recall me");
  terminal.press("Enter");
  screen = terminal.wait_for([](const std::string& s) { return count_lines(s, "< recall me") == 2; });
  INFO(screen);
  CHECK(count_lines(screen, "< recall me") == 2);  // sent again
  CHECK(count_lines(screen, "< then this") == 1);
}
#endif

TEST_CASE("Ctrl-D at the prompt ends the session cleanly", "[cli][interactive]") {
  auto peer = start_ws_peer();
  Terminal terminal(peer.url("/"));
  terminal.wait_for_prompt();
  terminal.type("bye");
  terminal.press("Enter");
  terminal.wait_for_line("< bye");
  terminal.wait_for_prompt();
  terminal.press("C-d");
  const std::string screen = terminal.wait_for_line("[exit 0]");
  INFO(screen);
  CHECK(has_line(screen, "[exit 0]"));
  CHECK(has_line_matching(screen, R"(duplex: closed code=1000.*)"));
}

TEST_CASE("--timestamps puts the time before every line", "[cli][interactive]") {
  auto peer = start_ws_peer();
  Terminal terminal("--timestamps " + peer.url("/"));
  terminal.wait_for_prompt();
  terminal.type("stamped");
  terminal.press("Enter");
  const std::string time = R"([0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3} )";
  std::string screen = terminal.wait_for_match(time + "< stamped");
  INFO(screen);
  CHECK(has_line_matching(screen, time + "< stamped"));
  terminal.type("/ping");
  terminal.press("Enter");
  screen = terminal.wait_for_match(time + R"(< pong [0-9.]+ ms)");
  INFO(screen);
  CHECK(has_line_matching(screen, time + R"(< pong [0-9.]+ ms)"));
}

}  // namespace duplex::test

int main(int argc, char* argv[]) {
  if (!duplex::test::tmux_installed()) {
    std::cout << "SKIP: tmux is not installed (tools/setup.sh installs it); the interactive terminal tests need it\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
