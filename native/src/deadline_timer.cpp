#include "deadline_timer.hpp"

#include <boost/asio/post.hpp>
#include <utility>
#include <vector>

namespace duplex::native {

DeadlineTimer::DeadlineTimer(boost::asio::io_context& io) : queue_(DeadlineQueue::of(io)) {}

DeadlineTimer::~DeadlineTimer() { cancel(); }

void DeadlineTimer::start(std::chrono::steady_clock::duration after, std::function<void()> on_expiry) {
  cancel();
  on_expiry_ = std::move(on_expiry);
  queue_.add(*this, std::chrono::steady_clock::now() + after);
}

void DeadlineTimer::cancel() noexcept {
  if (!pending_) return;
  queue_.remove(*this);
  // Destroyed last, when this function touches nothing more: the callback may
  // hold the last reference to this timer's owner.
  const auto dropped = std::move(on_expiry_);
  on_expiry_ = nullptr;
}

DeadlineQueue::DeadlineQueue(boost::asio::execution_context& context)
    : service(context), io_(static_cast<boost::asio::io_context&>(context)), timer_(io_) {}

void DeadlineQueue::add(DeadlineTimer& timer, clock::time_point when) {
  timer.position_ = deadlines_.emplace(when, &timer);
  timer.pending_ = true;
  arm_for_earliest();
}

void DeadlineQueue::remove(DeadlineTimer& timer) noexcept {
  // The Asio timer stays armed: if this was the earliest deadline, it wakes
  // for nothing once and arms itself for the next.
  deadlines_.erase(timer.position_);
  timer.pending_ = false;
  if (deadlines_.empty()) release_when_idle();
}

void DeadlineQueue::release_when_idle() noexcept {
  // An armed Asio timer is outstanding work: io_context::run() would not
  // return before it fired. It is let go once the queue has stayed empty for
  // a turn of the loop, so that the next connection, opened from the callback
  // that the last one's open event runs, finds it still armed.
  if (armed_for_ == clock::time_point::max() || release_posted_) return;
  try {
    boost::asio::post(io_, [this] {
      boost::asio::post(io_, [this] {
        release_posted_ = false;
        if (deadlines_.empty()) release();
      });
    });
    release_posted_ = true;
  } catch (...) {
    release();  // no memory to wait with: let it go now
  }
}

void DeadlineQueue::release() noexcept {
  armed_for_ = clock::time_point::max();
  try {
    timer_.cancel();
  } catch (...) {
    // Cancelling a wait does not fail; were it to, the wait would only end later.
  }
}

void DeadlineQueue::arm_for_earliest() {
  if (deadlines_.empty() || deadlines_.begin()->first >= armed_for_) return;
  const auto when = deadlines_.begin()->first;
  timer_.expires_at(when);  // cancels a wait for a later deadline
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) expire();
  });
  armed_for_ = when;
}

void DeadlineQueue::expire() {
  armed_for_ = clock::time_point::max();
  const auto now = clock::now();
  // A callback may start or cancel timers, this queue's included.
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    DeadlineTimer& timer = *deadlines_.begin()->second;
    remove(timer);
    const auto on_expiry = std::move(timer.on_expiry_);  // the timer may be destroyed by it
    timer.on_expiry_ = nullptr;
    on_expiry();
  }
  arm_for_earliest();
}

void DeadlineQueue::shutdown() {
  // The io_context is going: like its handlers, the callbacks are destroyed
  // without being run, after the list is empty (destroying one may destroy
  // timers).
  std::vector<std::function<void()>> callbacks;
  for (auto& [when, timer] : deadlines_) {
    timer->pending_ = false;
    callbacks.push_back(std::move(timer->on_expiry_));
    timer->on_expiry_ = nullptr;
  }
  deadlines_.clear();
}

}  // namespace duplex::native
