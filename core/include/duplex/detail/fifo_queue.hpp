#pragma once
// A first-in first-out queue for the few items an idle object holds (used by
// core/ and the native engine; not part of the API).

#include <cstddef>
#include <utility>
#include <vector>

namespace duplex::detail {

/// A FIFO over a std::vector: it allocates nothing until the first push and
/// then reuses its storage, where a std::deque allocates about 600 bytes as
/// soon as it is constructed (a cost every idle connection would pay).
template <class T>
class FifoQueue {
 public:
  bool empty() const noexcept { return head_ == items_.size(); }
  std::size_t size() const noexcept { return items_.size() - head_; }
  T& front() noexcept { return items_[head_]; }
  T& back() noexcept { return items_.back(); }

  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;
  iterator begin() noexcept { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  iterator end() noexcept { return items_.end(); }
  const_iterator begin() const noexcept { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  const_iterator end() const noexcept { return items_.end(); }

  /// Inserts before `position` (an iterator of this queue).
  void insert(iterator position, T item) { items_.insert(position, std::move(item)); }
  /// Inserts [first, last) before `position`.
  template <class InputIt>
  void insert(iterator position, InputIt first, InputIt last) {
    items_.insert(position, first, last);
  }
  /// Removes the item at `position`; returns the iterator after it.
  iterator erase(iterator position) { return items_.erase(position); }

  void push_back(T item) {
    // Drop the taken prefix once it is at least half the storage, so a queue
    // that never quite empties does not grow without bound.
    if (head_ != 0 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    items_.push_back(std::move(item));
  }

  /// Removes and returns the first item; the queue must not be empty.
  T take_front() {
    T item = std::move(items_[head_]);
    pop_front();
    return item;
  }

  /// Removes the first item; the queue must not be empty.
  void pop_front() {
    items_[head_] = T();  // release what it holds now
    if (++head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    }
  }

  void clear() noexcept {
    items_.clear();
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;  // items_[head_] is the front
};

}  // namespace duplex::detail
