// duplex::Sender and the channel behind it (sender_channel.hpp).

#include "duplex/sender.hpp"

#include <exception>
#include <utility>

#include "duplex/close_code.hpp"
#include "duplex/utf8.hpp"
#include "sender_channel.hpp"

namespace duplex {
namespace detail {

bool SenderChannel::push(SenderItem item) {
  const std::lock_guard lock(mutex_);
  if (backend_ == nullptr) return false;
  items_.push_back(std::move(item));
  post_drain_locked();
  return true;
}

bool SenderChannel::closed() {
  const std::lock_guard lock(mutex_);
  return backend_ == nullptr;
}

void SenderChannel::close() noexcept {
  target_ = nullptr;
  std::deque<SenderItem> dropped;
  {
    const std::lock_guard lock(mutex_);
    backend_ = nullptr;
    dropped.swap(items_);
  }
  // `dropped` is freed here, outside the lock.
}

void SenderChannel::requeue_front(std::deque<SenderItem> items) {
  if (items.empty()) return;
  const std::lock_guard lock(mutex_);
  if (backend_ == nullptr) return;
  items_.insert(items_.begin(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
  post_drain_locked();
}

void SenderChannel::post_drain_locked() {
  if (drain_posted_) return;
  drain_posted_ = true;
  // One drain task for whatever is queued by the time it runs: a burst of
  // sends from several threads costs one post. Backend::post is thread-safe
  // natively (asio::post); posting under the lock keeps close() from
  // finishing (and the backend from going) while a post is under way.
  backend_->post([self = shared_from_this()] { self->drain(); });
}

void SenderChannel::drain() {
  std::deque<SenderItem> batch;
  {
    const std::lock_guard lock(mutex_);
    batch.swap(items_);
    drain_posted_ = false;
  }
  while (!batch.empty() && target_ != nullptr) {
    SenderItem item = std::move(batch.front());
    batch.pop_front();
    try {
      try {
        target_->run_sender_item(item);
      } catch (const Error& error) {
        if (!item.on_error || !*item.on_error) throw;
        (*item.on_error)(error);
      }
    } catch (...) {
      // Leaves the loop like a listener's exception; the calls after it
      // keep their place and run from the next drain.
      requeue_front(std::move(batch));
      throw;
    }
  }
}

}  // namespace detail

namespace {

// WebSocket::close's argument checks (websocket.cpp), in the calling thread.
void check_close_arguments(std::optional<std::uint16_t> code, std::string_view reason) {
  // WHATWG § close(): "If code is present, but is neither an integer equal to
  // 1000 nor an integer in the range 3000 to 4999, inclusive, throw an
  // "InvalidAccessError" DOMException." ... "If reasonBytes is longer than
  // 123 bytes, then throw a "SyntaxError" DOMException."
  if (code && !is_valid_api_close_code(*code))
    throw Error("InvalidAccessError", "close code " + std::to_string(*code) + " is not 1000 or 3000-4999");
  if (reason.size() > 123) throw Error("SyntaxError", "close reason is longer than 123 bytes");
  if (!is_valid_utf8(reason)) throw Error("SyntaxError", "close reason is not valid UTF-8");
}

}  // namespace

Sender::Sender() noexcept = default;
Sender::Sender(const Sender&) noexcept = default;
Sender::Sender(Sender&&) noexcept = default;
Sender& Sender::operator=(const Sender&) noexcept = default;
Sender& Sender::operator=(Sender&&) noexcept = default;
Sender::~Sender() = default;

Sender::Sender(std::shared_ptr<detail::SenderChannel> channel, ErrorHandler on_error)
    : channel_(std::move(channel)),
      on_error_(on_error ? std::make_shared<const ErrorHandler>(std::move(on_error)) : nullptr) {}

bool Sender::send(std::string text) const {
  // As WebSocket::send: a std::string is bytes, and text that is not UTF-8
  // is refused as the standard refuses other malformed arguments.
  if (!is_valid_utf8(text)) throw Error("SyntaxError", "send() text is not valid UTF-8");
  if (!channel_) return false;
  return channel_->push(detail::SenderItem{detail::SenderItem::Kind::send,
                                           Message{Message::Kind::text, std::move(text)}, std::nullopt, on_error_});
}

bool Sender::send(std::span<const std::byte> bytes) const {
  return send(ArrayBuffer(bytes));
}

bool Sender::send(ArrayBuffer bytes) const {
  if (!channel_) return false;
  return channel_->push(detail::SenderItem{detail::SenderItem::Kind::send,
                                           Message{Message::Kind::binary, std::move(bytes).str()}, std::nullopt,
                                           on_error_});
}

bool Sender::close(std::optional<std::uint16_t> code, std::string_view reason) const {
  check_close_arguments(code, reason);
  return queue_close(code, std::string(reason));
}

bool Sender::queue_close(std::optional<std::uint16_t> code, std::string reason) const {
  if (!channel_) return false;
  return channel_->push(detail::SenderItem{detail::SenderItem::Kind::close,
                                           Message{Message::Kind::text, std::move(reason)}, code, on_error_});
}

bool Sender::expired() const noexcept {
  // closed() takes a mutex (it never throws in practice: std::mutex::lock
  // throws only for a system error, e.g. a deadlock it detects).
  try {
    return !channel_ || channel_->closed();
  } catch (...) {
    return true;
  }
}

}  // namespace duplex
