#pragma once
// The queue behind duplex::Sender: filled from any thread, drained on the
// socket's loop by one posted task at a time. The only state shared between
// threads is under its mutex; everything else is the loop's.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "duplex/backend.hpp"
#include "duplex/export.hpp"
#include "duplex/sender.hpp"
#include "duplex/transport.hpp"

namespace duplex::detail {

/// One call a Sender handed over, already checked for its arguments.
struct SenderItem {
  enum class Kind : std::uint8_t { send, close };
  Kind kind = Kind::send;
  Message message;                     // send: the message; close: the reason, in payload
  std::optional<std::uint16_t> code;   // close
  std::shared_ptr<const Sender::ErrorHandler> on_error;  // may be null
};

/// The socket side of a channel (WebSocket::State, ReconnectingWebSocket's
/// State): runs one item on the loop, or keeps it while CONNECTING and gives
/// it back with SenderChannel::requeue_front once open. Throws what the
/// socket's member throws.
class SenderTarget {
 public:
  virtual void run_sender_item(SenderItem& item) = 0;

 protected:
  ~SenderTarget() = default;
};

class DUPLEX_LOCAL SenderChannel final : public std::enable_shared_from_this<SenderChannel> {
 public:
  /// Made on the loop by the socket, which must call close() before it goes.
  SenderChannel(Backend& backend, SenderTarget& target) : backend_(&backend), target_(&target) {}

  /// Any thread: queues `item`, posting a drain unless one is pending.
  /// False (nothing queued) once closed.
  bool push(SenderItem item);
  /// Any thread: whether close() was called.
  bool closed();
  /// Loop: the target is going; later pushes return false, and what is
  /// queued is dropped.
  void close() noexcept;
  /// Loop: `items` (kept while CONNECTING, older than anything queued) run
  /// next, from a drain posted to the loop.
  void requeue_front(std::deque<SenderItem> items);

 private:
  void post_drain_locked();  // mutex_ held
  void drain();              // the posted task

  std::mutex mutex_;
  Backend* backend_;               // under mutex_; null once closed
  std::deque<SenderItem> items_;   // under mutex_
  bool drain_posted_ = false;      // under mutex_
  SenderTarget* target_;           // the loop's only; null once closed
};

}  // namespace duplex::detail
