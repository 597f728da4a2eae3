#pragma once
// A child process that the tests start (a WebSocket peer, a proxy, a tool)
// and stop by its process id. One interface; the platform code is in
// peer_process_posix.cpp (Linux, macOS) and peer_process_windows.cpp
// (Windows, and Windows under Wine starting the machine's Unix programs).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace duplex::test {

class ChildProcess;  // the platform's running child (child_process.hpp)

/// A running child process with its stdout on a channel the parent reads and
/// its stdin on one the parent holds open (a peer started with
/// `--exit-with-stdin` exits when the test process dies). Its stderr is the
/// test's stderr. The child inherits no other descriptor or handle of the test
/// process. Move-only; the destructor stops it.
///
/// On Linux the child also gets SIGTERM when the test process dies
/// (PR_SET_PDEATHSIG), so proxies that do not watch stdin go with it; the
/// kernel clears that request when the child changes its user (tinyproxy
/// started as root with `User nobody`), so such a child can outlive it. Under
/// Wine a Unix program (one whose file is not a Windows executable) is
/// started through /bin/sh, which stops it when its stdin reaches EOF; its
/// arguments that are absolute Windows paths are passed as the Unix paths
/// Wine maps them to.
class PeerProcess {
 public:
  /// Starts argv[0] (searched on PATH when it has no directory) with argv.
  /// Throws std::runtime_error if argv is empty or the start fails.
  explicit PeerProcess(std::vector<std::string> argv);

  PeerProcess(PeerProcess&& other) noexcept;
  PeerProcess& operator=(PeerProcess&& other) noexcept;
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  /// Stops the child (see stop()).
  ~PeerProcess();

  /// Reads the child's stdout lines until one reads `LISTENING <port>` and
  /// returns the port; later calls return the same port. Throws
  /// std::runtime_error (naming the command and, if known, how it exited) if
  /// the child closes stdout or exits first, or on timeout.
  std::uint16_t wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(15));

  /// Returns the child's next stdout line (after those wait_for_port()
  /// consumed) without its line end, or nullopt if none is complete within
  /// `timeout` or the child has closed stdout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// The child's process id, or -1 once stopped (or moved from).
  long pid() const noexcept;

  /// Asks the child to end (SIGTERM; TerminateProcess on Windows), waits up
  /// to 2 s, then kills it (SIGKILL), and reaps it. Idempotent.
  void stop() noexcept;

  /// How the child ended, once stop() has reaped it: the waitpid() status on
  /// POSIX, the exit code on Windows; nullopt if unknown (a Unix program
  /// under Wine).
  std::optional<int> wait_status() const noexcept;

  /// The command line, for messages.
  std::string command_line() const;

 private:
  std::vector<std::string> argv_;
  std::unique_ptr<ChildProcess> child_;
  std::string pending_;
  std::optional<std::uint16_t> port_;
  std::optional<int> wait_status_;
};

/// Runs argv to completion (stdin empty, stdout and stderr inherited) and
/// returns its exit code, or 128 + the signal number if a signal ended it.
/// Throws std::runtime_error if it cannot be started.
int run_process(const std::vector<std::string>& argv);

/// What run_process_capture() saw.
struct CapturedRun {
  int exit_code = -1;  ///< -1 if a signal ended it
  std::string output;  ///< stdout and stderr together, as written
};

/// Runs argv to completion with `input` on its stdin (then EOF) and its stdout
/// and stderr captured together. Throws std::runtime_error if it cannot be
/// started. Under Wine, argv[0] must be a Windows program.
CapturedRun run_process_capture(const std::vector<std::string>& argv, const std::string& input);

/// Describes a wait_status(): "exit code N" or "killed by signal N (NAME)".
std::string describe_wait_status(int status);

}  // namespace duplex::test
