#pragma once
// The wrong-thread check of WebSocket and ReconnectingWebSocket: a socket
// remembers the thread its loop delivers events on, and its throwing members
// refuse other threads. Compiled in when core is built without NDEBUG or with
// DUPLEX_THREAD_CHECKS (the CMake option of that name); otherwise both
// members are empty. Included by core's sources only (the macro is theirs).

#include <atomic>
#include <thread>

#include "duplex/export.hpp"

#if defined(DUPLEX_THREAD_CHECKS) || !defined(NDEBUG)
#define DUPLEX_CHECKS_THREADS 1
#else
#define DUPLEX_CHECKS_THREADS 0
#endif

namespace duplex::detail {

/// Throws Error("WrongThreadError", "<member> called from a thread that is not its loop's; ...").
[[noreturn]] DUPLEX_LOCAL void throw_wrong_thread(const char* member);

/// The thread a socket's loop runs on, as last seen delivering its events.
class LoopThread {
 public:
  /// On the loop, when it delivers: this thread is the loop's (a loop run
  /// later on another thread moves it there).
  void seen() noexcept {
#if DUPLEX_CHECKS_THREADS
    const std::thread::id self = std::this_thread::get_id();
    if (id_.load(std::memory_order_relaxed) != self) id_.store(self, std::memory_order_relaxed);
#endif
  }
  /// Throws WrongThreadError naming `member` (e.g. "WebSocket::send") unless
  /// the loop has not delivered yet (setup before the loop runs is allowed)
  /// or this is its thread. One relaxed load and one compare.
  void check([[maybe_unused]] const char* member) const {
#if DUPLEX_CHECKS_THREADS
    const std::thread::id loop = id_.load(std::memory_order_relaxed);
    if (loop != std::thread::id() && loop != std::this_thread::get_id()) throw_wrong_thread(member);
#endif
  }

 private:
  // Atomic: the check reads it on the wrong thread, which is the case it is
  // there to catch (a plain read would itself be a data race).
  std::atomic<std::thread::id> id_{};
};

}  // namespace duplex::detail
