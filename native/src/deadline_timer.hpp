#pragma once
// Timeouts that are nearly always cancelled before they fire (opening,
// connecting, closing): one Asio timer per io_context serves all of them.

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <vector>

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
/// still returns when all work is done. Starting one allocates nothing (beyond
/// what a callback too big for std::function's inline space needs). Used from
/// the io_context's thread only.
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

  DeadlineQueue& queue_;
  DeadlineTimer* earlier_ = nullptr;  // neighbours in the queue's lane for this duration
  DeadlineTimer* later_ = nullptr;
  std::chrono::steady_clock::time_point when_{};
  std::function<void()> on_expiry_;
  bool pending_ = false;
};

/// The deadlines of one io_context and the one Asio timer that wakes for them
/// (an io_context service: see DeadlineTimer). Deadlines of equal duration
/// fall due in the order they were started, so each duration has a lane, an
/// intrusive list in that order: starting and cancelling take constant time
/// and no allocation. Timeouts come from a connection's options, so there are
/// a few lanes (opening, connecting, closing); the earliest deadline is the
/// earliest of the lanes' first ones.
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

  struct Lane {
    clock::duration after;
    DeadlineTimer* first;
    DeadlineTimer* last;
  };

  void add(DeadlineTimer& timer, clock::duration after);
  void remove(DeadlineTimer& timer) noexcept;
  DeadlineTimer* earliest() const noexcept;
  void arm_for_earliest();
  void expire();
  void release_when_idle() noexcept;
  void release() noexcept;
  void shutdown() override;

  boost::asio::io_context& io_;
  std::vector<Lane> lanes_;  // none empty
  std::size_t pending_ = 0;
  boost::asio::steady_timer timer_;
  clock::time_point armed_for_ = clock::time_point::max();  // max: not armed
  bool release_posted_ = false;
};

}  // namespace duplex::native
