// The state behind duplex::WebSocketStream: turns a WebSocket's events into
// the results of the pending awaitables and callbacks (WHATWG WebSocketStream
// draft, whatwg/websockets PR #48).

#include "websocket_stream_state.hpp"

#include <algorithm>
#include <utility>

#include "duplex/task.hpp"
#include "websocket_state.hpp"

namespace duplex::detail {
namespace {

using Kind = StreamOperation::Kind;

std::vector<StreamOperation*>& list_of(std::vector<StreamOperation*> (&lists)[4], Kind kind) {
  return lists[static_cast<int>(kind)];
}

std::exception_ptr abort_error() {
  return std::make_exception_ptr(Error("AbortError", "the opening handshake was aborted"));
}

}  // namespace

void StreamState::connect(std::string_view url, WebSocketStreamOptions options) {
  socket_.emplace(backend_, url, std::move(options.protocols), std::move(options.connection));
  auto& ws = *socket_;
  ws.binary_type(BinaryType::arraybuffer);
  // bufferedamountlow fires when buffered_amount() falls to the limit: the
  // moment the writes waiting for buffer space complete.
  ws.buffered_amount_low_threshold(limit_);
  // Each listener holds the state while it runs: a coroutine it resumes may
  // destroy the stream (and with it the WebSocket, which WebSocket allows).
  std::weak_ptr<StreamState> weak = weak_from_this();
  ws.add_event_listener("open", [weak](const Event&) {
    if (auto self = weak.lock()) self->on_open();
  });
  // Messages come whole, not as events: no event to build, no copy to make.
  ws.state_->message_sink([weak](Message&& message) {
    if (auto self = weak.lock()) self->on_message(std::move(message));
  });
  ws.add_event_listener("error", [weak](const ErrorEvent& event) {
    if (auto self = weak.lock()) self->on_error(event);
  });
  ws.add_event_listener("close", [weak](const CloseEvent& event) {
    if (auto self = weak.lock()) self->on_close(event);
  });
  ws.add_event_listener("bufferedamountlow", [weak](const Event&) {
    if (auto self = weak.lock()) self->on_low();
  });
}

void StreamState::check_thread(const char* member) const {
  if (socket_) socket_->state_->loop_thread().check(member);
}

void StreamState::detach() noexcept {
  detached_ = true;
  socket_.reset();  // closes as ~WebSocket does; no further event
  // Coroutines suspended here are never resumed. Those of a spawned task are
  // destroyed from the loop (the root frame with everything it owns); the
  // posted job holds this state, so the awaits' destructors find it.
  for (auto& list : waiting_) {
    for (auto* op : list) {
      op->registered_ = false;
      if (op->promise_ == nullptr) continue;
      op->abandoned_ = true;
      backend_.post([self = shared_from_this(), op] {
        // Still suspended (its frame alive) only if no destructor removed it.
        if (std::find(self->abandoned_.begin(), self->abandoned_.end(), op) == self->abandoned_.end()) return;
        std::erase(self->abandoned_, op);
        abandon_task_chain(op->promise_);
      });
      abandoned_.push_back(op);
    }
    list.clear();
  }
  auto owned = std::move(owned_);  // pending callbacks: destroyed, never called
  owned.clear();
}

bool StreamState::try_complete(StreamOperation& op) {
  if (detached_) {  // an awaitable made before the stream was destroyed
    op.error = std::make_exception_ptr(Error("InvalidStateError", "the WebSocketStream was destroyed"));
    return true;
  }
  switch (op.kind_) {
    case Kind::opened:
      if (opened_) {
        op.open_info = open_info_;
        return true;
      }
      op.error = failure_ ? failure_ : (ended_ ? closed_error("the connection closed before opening") : nullptr);
      return op.error != nullptr;
    case Kind::read:
      if (!inbox_.empty()) {
        op.message = std::move(inbox_.front());
        inbox_.pop_front();
        return true;
      }
      if (failure_) op.error = failure_;
      if (failure_ || ended_) return true;
      if (const auto& readers = list_of(waiting_, Kind::read); !readers.empty() && readers.front() != &op) {
        op.error = std::make_exception_ptr(Error("InvalidStateError", "another read() is pending"));
        return true;
      }
      return false;
    case Kind::written:
      if (op.error) return true;  // its send threw
      if (failure_) {
        op.error = failure_;
        return true;
      }
      if (!op.started_) {
        if (!socket_ || close_called_ || ended_ || socket_->ready_state() > ReadyState::OPEN) {
          op.error = std::make_exception_ptr(Error("InvalidStateError", "write() after the stream was closed"));
          return true;
        }
        if (socket_->ready_state() == ReadyState::CONNECTING) return false;  // sent at open
        if (!send(op)) return true;
      }
      // The message was handed over; at the close it is as sent as it will be.
      return ended_ || !socket_ || socket_->buffered_amount() <= limit_;
    case Kind::closed:
      if (!ended_) return false;
      if (failure_)
        op.error = failure_;
      else
        op.close_info = close_info_;
      return true;
  }
  return false;
}

bool StreamState::send(StreamOperation& op) {
  op.started_ = true;
  try {
    Message message = std::move(*op.message);
    op.message.reset();
    if (message.kind == Message::Kind::text)
      socket_->send(std::move(message.payload));  // SyntaxError if not UTF-8
    else
      socket_->send(ArrayBuffer(std::move(message.payload)));
  } catch (...) {
    op.error = std::current_exception();
    return false;
  }
  return true;
}

void StreamState::add(StreamOperation& op) {
  list_of(waiting_, op.kind_).push_back(&op);
  op.registered_ = true;
}

void StreamState::remove(StreamOperation& op) noexcept {
  if (op.abandoned_) std::erase(abandoned_, &op);
  if (!op.registered_) return;
  std::erase(list_of(waiting_, op.kind_), &op);
  op.registered_ = false;
}

void StreamState::start_owned(std::unique_ptr<StreamOperation> op) {
  auto* raw = op.get();
  if (!raw->state_) raw->state_ = shared_from_this();  // WebSocketStream::start
  owned_.push_back(std::move(op));
  if (!try_complete(*raw)) {
    add(*raw);
    return;
  }
  // Never inside the application's call: complete it from the loop.
  backend_.post([weak = weak_from_this(), raw] {
    auto self = weak.lock();
    if (!self) return;
    auto owned = self->release_owned(*raw);
    if (owned) owned->wake();
  });
}

std::unique_ptr<StreamOperation> StreamState::release_owned(StreamOperation& op) noexcept {
  const auto it = std::find_if(owned_.begin(), owned_.end(), [&](const auto& p) { return p.get() == &op; });
  if (it == owned_.end()) return nullptr;
  auto result = std::move(*it);
  owned_.erase(it);
  return result;
}

void StreamState::close(const WebSocketCloseInfo& info) {
  if (!socket_) throw Error("InvalidStateError", "close() on a moved-from WebSocketStream");
  socket_->close(info.close_code, info.reason);
  close_called_ = true;
}

void StreamState::abort() {
  if (!socket_ || socket_->ready_state() != ReadyState::CONNECTING) return;
  failure_ = abort_error();  // what every await gives from now on
  socket_->close(std::nullopt);  // WHATWG § close(): fail the connection while CONNECTING
}

std::exception_ptr StreamState::closed_error(const std::string& why) const {
  return std::make_exception_ptr(
      WebSocketError(why, close_info_.close_code, close_info_.reason, error_));
}

void StreamState::on_open() {
  opened_ = true;
  open_info_ = {socket_->protocol(), socket_->extensions()};
  // Writes that waited for open leave first, in call order, before any woken
  // coroutine can write more.
  for (auto* op : list_of(waiting_, Kind::written))
    if (!op->started_ && !detached_) send(*op);
  wake_ready(list_of(waiting_, Kind::opened));
  wake_ready(list_of(waiting_, Kind::written));
}

void StreamState::on_message(Message&& message) {
  auto& readers = list_of(waiting_, Kind::read);
  if (inbox_.empty() && !readers.empty() && !failure_) {
    // The usual case: a read waits for this very message (one read at a time).
    readers.front()->message = std::move(message);
    complete(readers, *readers.front());
    return;
  }
  inbox_.push_back(std::move(message));
  wake_ready(readers);
}

void StreamState::on_error(const ErrorEvent& event) {
  had_error_ = true;
  error_ = event.error();
  error_message_ = event.message();
}

void StreamState::on_close(const CloseEvent& event) {
  ended_ = true;
  close_info_ = {event.code(), event.reason()};
  if (!failure_ && (had_error_ || !event.was_clean())) {
    if (!had_error_) error_ = event.cause();
    std::string why = had_error_ && !error_message_.empty()
                          ? error_message_
                          : "the connection closed uncleanly (code " + std::to_string(event.code()) + ")";
    failure_ = closed_error(why);
  }
  for (auto kind : {Kind::opened, Kind::read, Kind::written, Kind::closed}) wake_ready(list_of(waiting_, kind));
}

void StreamState::on_low() { wake_ready(list_of(waiting_, Kind::written)); }

void StreamState::wake_ready(std::vector<StreamOperation*>& list) {
  for (;;) {
    if (detached_) return;
    StreamOperation* ready = nullptr;
    for (auto* op : list) {
      if (try_complete(*op)) {
        ready = op;
        break;
      }
    }
    if (ready == nullptr) return;
    complete(list, *ready);
  }
}

void StreamState::complete(std::vector<StreamOperation*>& list, StreamOperation& op) {
  std::erase(list, &op);
  op.registered_ = false;
  if (auto owned = owned_.empty() ? nullptr : release_owned(op))
    owned->wake();  // a callback: destroyed after it ran
  else
    op.wake();  // a coroutine: resumed here, on the loop
}

}  // namespace duplex::detail
