#pragma once
// A child process that the tests start (a WebSocket peer, a tool) and stop by
// PID. POSIX only.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace duplex::test {

/// A running child process with its stdout on a pipe and its stdin on a pipe
/// the parent holds open (a peer started with `--exit-with-stdin` exits when
/// the test process dies). Its stderr is the test's stderr. The child inherits
/// no other descriptor of the test process. Move-only; the destructor stops it.
class PeerProcess {
 public:
  /// Starts argv[0] (searched on PATH when it has no '/') with argv.
  /// Throws std::runtime_error if argv is empty or the spawn fails.
  explicit PeerProcess(std::vector<std::string> argv);

  PeerProcess(PeerProcess&& other) noexcept;
  PeerProcess& operator=(PeerProcess&& other) noexcept;
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  /// Stops the child (see stop()).
  ~PeerProcess();

  /// Reads the child's stdout lines until one reads `LISTENING <port>` and
  /// returns the port; later calls return the same port. Throws
  /// std::runtime_error (naming the command and, if it exited, its exit
  /// status) if the child closes stdout or exits first, or on timeout.
  std::uint16_t wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(15));

  /// Returns the child's next stdout line (after those wait_for_port()
  /// consumed) without its line end, or nullopt if none is complete within
  /// `timeout` or the child has closed stdout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// The child's PID, or -1 once stopped (or moved from).
  pid_t pid() const noexcept { return pid_; }

  /// Sends SIGTERM, waits up to 2 s, then sends SIGKILL, and reaps the
  /// child. Idempotent.
  void stop() noexcept;

  /// The waitpid() status of the child once it has been reaped by stop().
  std::optional<int> wait_status() const noexcept { return wait_status_; }

  /// The command line, for messages.
  std::string command_line() const;

 private:
  enum class Read { data, timeout, eof };
  /// Waits until `deadline` for stdout bytes and appends them to pending_.
  Read read_more(std::chrono::steady_clock::time_point deadline);
  void close_pipes() noexcept;

  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  std::string pending_;
  std::optional<std::uint16_t> port_;
  std::optional<int> wait_status_;
};

/// Runs argv to completion (stdin /dev/null, stdout and stderr inherited) and
/// returns its exit code, or 128 + the signal number if a signal ended it.
/// Throws std::runtime_error if it cannot be started.
int run_process(const std::vector<std::string>& argv);

/// Describes a waitpid() status: "exit code N" or "killed by signal N (NAME)".
std::string describe_wait_status(int status);

}  // namespace duplex::test
