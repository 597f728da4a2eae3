#include "deadline_timer.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>
#include <vector>

namespace duplex::native {

DeadlineTimer::DeadlineTimer(boost::asio::io_context& io) : queue_(DeadlineQueue::of(io)) {}

DeadlineTimer::~DeadlineTimer() { cancel(); }

void DeadlineTimer::start(std::chrono::steady_clock::duration after, std::function<void()> on_expiry) {
  cancel();
  on_expiry_ = std::move(on_expiry);
  queue_.add(*this, after);
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

void DeadlineQueue::add(DeadlineTimer& timer, clock::duration after) {
  timer.when_ = clock::now() + after;
  timer.later_ = nullptr;
  auto lane = std::find_if(lanes_.begin(), lanes_.end(), [&](const Lane& l) { return l.after == after; });
  if (lane == lanes_.end()) {
    lanes_.push_back(Lane{after, &timer, &timer});
    timer.earlier_ = nullptr;
  } else {
    // steady_clock never goes back: the newest deadline of a lane is its last.
    timer.earlier_ = lane->last;
    lane->last->later_ = &timer;
    lane->last = &timer;
  }
  timer.pending_ = true;
  ++pending_;
  arm_for_earliest();
}

void DeadlineQueue::remove(DeadlineTimer& timer) noexcept {
  // The Asio timer stays armed: if this was the earliest deadline, it wakes
  // for nothing once and arms itself for the next.
  if (timer.earlier_ != nullptr) timer.earlier_->later_ = timer.later_;
  if (timer.later_ != nullptr) timer.later_->earlier_ = timer.earlier_;
  if (timer.earlier_ == nullptr || timer.later_ == nullptr) {  // an end of its lane: find which
    auto lane = std::find_if(lanes_.begin(), lanes_.end(),
                             [&](const Lane& l) { return l.first == &timer || l.last == &timer; });
    if (timer.earlier_ == nullptr) lane->first = timer.later_;
    if (timer.later_ == nullptr) lane->last = timer.earlier_;
    if (lane->first == nullptr) {  // a lane for a duration no longer in use goes
      *lane = lanes_.back();
      lanes_.pop_back();
    }
  }
  timer.earlier_ = timer.later_ = nullptr;
  timer.pending_ = false;
  if (--pending_ == 0) release_when_idle();
}

DeadlineTimer* DeadlineQueue::earliest() const noexcept {
  DeadlineTimer* earliest = nullptr;
  for (const Lane& lane : lanes_)
    if (earliest == nullptr || lane.first->when_ < earliest->when_) earliest = lane.first;
  return earliest;
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
        if (pending_ == 0) release();
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
  const DeadlineTimer* next = earliest();
  if (next == nullptr || next->when_ >= armed_for_) return;
  const auto when = next->when_;
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
  for (DeadlineTimer* due = earliest(); due != nullptr && due->when_ <= now; due = earliest()) {
    remove(*due);
    const auto on_expiry = std::move(due->on_expiry_);  // the timer may be destroyed by it
    due->on_expiry_ = nullptr;
    on_expiry();
  }
  arm_for_earliest();
}

void DeadlineQueue::shutdown() {
  // The io_context is going: like its handlers, the callbacks are destroyed
  // without being run, after the list is empty (destroying one may destroy
  // timers).
  std::vector<std::function<void()>> callbacks;
  for (const Lane& lane : lanes_)
    for (DeadlineTimer* timer = lane.first; timer != nullptr; timer = timer->later_) {
      timer->pending_ = false;
      callbacks.push_back(std::move(timer->on_expiry_));
      timer->on_expiry_ = nullptr;
    }
  for (const Lane& lane : lanes_)
    for (DeadlineTimer* timer = lane.first; timer != nullptr;) {
      DeadlineTimer* later = timer->later_;
      timer->earlier_ = timer->later_ = nullptr;
      timer = later;
    }
  lanes_.clear();
  pending_ = 0;
}

}  // namespace duplex::native
