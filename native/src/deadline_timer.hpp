#pragma once
// Timeouts that are nearly always cancelled before they fire (opening,
// connecting, closing): one Asio timer per io_context serves all of them.

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>

namespace duplex::native {

class DeadlineQueue;

/// A one-shot timer for a timeout. An Asio timer that becomes its
/// io_context's earliest re-arms the kernel's timer (timerfd_settime, about
/// 0.5 µs), and the opening and connect timeouts of each new connection did
/// so twice: 2-3 % of the CPU of a loopback handshake. The deadlines of
/// an io_context share one Asio timer instead, armed at the earliest and left
/// armed when that one is cancelled (it then wakes once for nothing and arms
/// itself for the next), so starting and cancelling cost no system call. The
/// shared timer is let go once no deadline is left, so io_context::run()
/// still returns when all work is done. Used from the io_context's thread only.
class DeadlineTimer {
 public:
  explicit DeadlineTimer(boost::asio::io_context& io);
  /// Cancels.
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  /// Calls `on_expiry` from the io_context once `after` has passed, unless
  /// cancelled or started again first (which replaces the earlier deadline).
  void start(std::chrono::steady_clock::duration after, std::function<void()> on_expiry);
  /// The callback will not be called; does nothing if none is pending.
  void cancel() noexcept;
  /// True between start() and the expiry or cancel().
  bool pending() const noexcept { return pending_; }

 private:
  friend class DeadlineQueue;
  using Deadlines = std::multimap<std::chrono::steady_clock::time_point, DeadlineTimer*>;

  DeadlineQueue& queue_;
  Deadlines::iterator position_{};
  std::function<void()> on_expiry_;
  bool pending_ = false;
};

/// The deadlines of one io_context, earliest first, and the one Asio timer
/// that wakes for them (an io_context service: see DeadlineTimer).
class DeadlineQueue final : public boost::asio::execution_context::service {
 public:
  using key_type = DeadlineQueue;
  static inline boost::asio::execution_context::id id;

  explicit DeadlineQueue(boost::asio::execution_context& context);

  /// The queue of `io`'s timers.
  static DeadlineQueue& of(boost::asio::io_context& io) { return boost::asio::use_service<DeadlineQueue>(io); }

 private:
  friend class DeadlineTimer;
  using clock = std::chrono::steady_clock;

  void add(DeadlineTimer& timer, clock::time_point when);
  void remove(DeadlineTimer& timer) noexcept;
  void arm_for_earliest();
  void expire();
  void release_when_idle() noexcept;
  void release() noexcept;
  void shutdown() override;

  boost::asio::io_context& io_;
  DeadlineTimer::Deadlines deadlines_;
  boost::asio::steady_timer timer_;
  clock::time_point armed_for_ = clock::time_point::max();  // max: not armed
  bool release_posted_ = false;
};

}  // namespace duplex::native
