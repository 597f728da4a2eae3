// Linux: io_uring where the kernel allows it, else epoll; DUPLEX_IO or
// AsioBackendConfig::io_path may ask for either.

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "io_path.hpp"
#include "io_uring_service.hpp"

namespace duplex::native {
namespace {

// One line per process: a program that makes many backends (or a test suite)
// is told once.
void note_once(std::atomic_flag& said, const std::string& note) {
  if (!said.test_and_set()) std::fprintf(stderr, "duplex: %s\n", note.c_str());
}

IoPath requested_by_environment() {
  static std::atomic_flag said_unknown;
  const char* value = std::getenv("DUPLEX_IO");
  const std::string_view name = value != nullptr ? value : "";
  if (name.empty() || name == "auto" || name == "automatic") return IoPath::automatic;
  if (name == "epoll") return IoPath::epoll;
  if (name == "io_uring") return IoPath::io_uring;
  note_once(said_unknown, "DUPLEX_IO=" + std::string(name) + " is neither epoll nor io_uring: choosing automatically");
  return IoPath::automatic;
}

}  // namespace

IoPathChoice choose_io_path(boost::asio::io_context& io, IoPath requested) {
  static std::atomic_flag said_fallback;
  if (requested == IoPath::automatic) requested = requested_by_environment();
  // `portable` is a build option, not a choice at run time: epoll is the nearest.
  if (requested == IoPath::epoll || requested == IoPath::portable) return {IoPath::epoll};
  std::string why_not;
  if (IoUringService* ring = IoUringService::of(io, why_not)) return {IoPath::io_uring, ring};
  // Asked for by name and not available: say so rather than let a benchmark
  // or a test believe it measured io_uring. Chosen automatically: silent.
  if (requested == IoPath::io_uring) note_once(said_fallback, "io_uring asked for, but " + why_not + ": using epoll");
  return {IoPath::epoll};
}

}  // namespace duplex::native
