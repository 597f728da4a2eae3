#pragma once
// What PeerProcess needs from a platform: one started child with a stdout
// channel to read, a stdin channel to hold, and a way to stop it. Implemented
// by peer_process_posix.cpp and peer_process_windows.cpp.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace duplex::test {

class ChildProcess {
 public:
  enum class Read { data, timeout, eof };

  virtual ~ChildProcess() = default;

  /// Waits until `deadline` for stdout bytes and appends what arrived to `out`.
  virtual Read read(std::string& out, std::chrono::steady_clock::time_point deadline) = 0;

  /// After stdout reached EOF: waits up to `timeout` for the child to end and
  /// reaps it; returns its status (see PeerProcess::wait_status()), or nullopt
  /// if it has not ended or the platform cannot tell.
  virtual std::optional<int> wait_exit(std::chrono::milliseconds timeout) = 0;

  /// Stops and reaps the child, closes the channels; idempotent. Returns its
  /// status if known.
  virtual std::optional<int> stop() noexcept = 0;

  /// The process id, or -1 once stopped.
  virtual long id() const noexcept = 0;
};

/// Starts argv (argv[0] searched on PATH if it has no directory). Throws
/// std::runtime_error on failure.
std::unique_ptr<ChildProcess> start_child(const std::vector<std::string>& argv);

/// "a b c": argv joined by spaces, for messages.
std::string join_command(const std::vector<std::string>& argv);

}  // namespace duplex::test
