// duplex::WebSocketStream: its awaitables and callback primitives over the
// shared state (websocket_stream_state.cpp).

#include "duplex/websocket_stream.hpp"

#include <utility>

#include "websocket_stream_state.hpp"

namespace duplex {
namespace detail {

StreamOperation::StreamOperation(std::shared_ptr<StreamState> state, Kind kind) noexcept
    : state_(std::move(state)), kind_(kind) {}

StreamOperation::~StreamOperation() {
  if (state_ && (registered_ || abandoned_)) state_->remove(*this);
}

bool StreamOperation::await_ready() {
  if (!state_) {
    error = std::make_exception_ptr(Error("InvalidStateError", "await on a moved-from WebSocketStream"));
    return true;
  }
  return state_->try_complete(*this);
}

void StreamOperation::suspend(coro::coroutine_handle<> awaiting, TaskPromiseBase* promise) {
  awaiting_ = awaiting;
  promise_ = promise;
  state_->add(*this);
}

void StreamOperation::wake() { resume_flat(awaiting_); }

void StreamOperation::check() const {
  if (error) std::rethrow_exception(error);
}

WebSocketOpenInfo OpenedAwaiter::await_resume() {
  check();
  return std::move(open_info);
}

std::optional<Message> ReadAwaiter::await_resume() {
  check();
  return std::move(message);
}

WriteAwaiter::WriteAwaiter(std::shared_ptr<StreamState> state, Message m) noexcept
    : StreamOperation(std::move(state), Kind::written) {
  message = std::move(m);
}

void WriteAwaiter::await_resume() { check(); }

WebSocketCloseInfo ClosedAwaiter::await_resume() {
  check();
  return std::move(close_info);
}

namespace {

/// A when_* callback: owned by the state until it completes; wake() calls it.
template <class Done, class Make>
class CallbackOperation final : public StreamOperation {
 public:
  CallbackOperation(std::shared_ptr<StreamState> state, Kind kind, Done done, Make make)
      : StreamOperation(std::move(state), kind), done_(std::move(done)), make_(std::move(make)) {}

 private:
  void wake() override { make_(*this, done_); }
  Done done_;
  Make make_;
};

template <class Done, class Make>
std::unique_ptr<StreamOperation> callback(std::shared_ptr<StreamState> state, StreamOperation::Kind kind,
                                          Done done, Make make) {
  return std::make_unique<CallbackOperation<Done, Make>>(std::move(state), kind, std::move(done), std::move(make));
}

}  // namespace
}  // namespace detail

namespace {

detail::StreamState& live(const std::shared_ptr<detail::StreamState>& state, const char* member) {
  if (!state || !state->has_socket())
    throw Error("InvalidStateError", std::string(member) + " on a moved-from stream");
  state->check_thread(member);
  return *state;
}

/// The wrong-thread check of a member that a moved-from stream allows (its
/// awaitable throws InvalidStateError when awaited).
const std::shared_ptr<detail::StreamState>& checked(const std::shared_ptr<detail::StreamState>& state,
                                                     const char* member) {
  if (state) state->check_thread(member);
  return state;
}

}  // namespace

WebSocketStream::WebSocketStream(Backend& backend, std::string_view url, WebSocketStreamOptions options)
    : state_(std::make_shared<detail::StreamState>(backend, options.write_buffer_limit)) {
  state_->connect(url, std::move(options));
}

WebSocketStream::WebSocketStream(WebSocketStream&&) noexcept = default;

WebSocketStream& WebSocketStream::operator=(WebSocketStream&& other) noexcept {
  if (this != &other) {
    if (state_) state_->detach();
    state_ = std::move(other.state_);
  }
  return *this;
}

WebSocketStream::~WebSocketStream() {
  if (state_) state_->detach();
}

detail::OpenedAwaiter WebSocketStream::opened() {
  return {checked(state_, "WebSocketStream::opened"), detail::StreamOperation::Kind::opened};
}

detail::ReadAwaiter WebSocketStream::read() {
  return {checked(state_, "WebSocketStream::read"), detail::StreamOperation::Kind::read};
}

detail::WriteAwaiter WebSocketStream::write(Message message) {
  return {checked(state_, "WebSocketStream::write"), std::move(message)};
}

detail::WriteAwaiter WebSocketStream::write(std::string text) {
  return write(Message{Message::Kind::text, std::move(text)});
}

detail::WriteAwaiter WebSocketStream::write(std::span<const std::byte> bytes) {
  return write(Message{Message::Kind::binary, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size())});
}

detail::WriteAwaiter WebSocketStream::write(std::string_view text) { return write(std::string(text)); }

detail::WriteAwaiter WebSocketStream::write(const char* text) { return write(std::string(text)); }

detail::WriteAwaiter WebSocketStream::write(std::span<const std::uint8_t> bytes) { return write(std::as_bytes(bytes)); }

detail::ClosedAwaiter WebSocketStream::closed() {
  return {checked(state_, "WebSocketStream::closed"), detail::StreamOperation::Kind::closed};
}

void WebSocketStream::close(WebSocketCloseInfo info) { live(state_, "WebSocketStream::close").close(info); }

void WebSocketStream::abort() {
  if (state_) checked(state_, "WebSocketStream::abort")->abort();  // nothing to cancel on a moved-from stream
}

void WebSocketStream::when_opened(std::function<void(std::exception_ptr, WebSocketOpenInfo)> done) {
  auto& state = live(state_, "WebSocketStream::when_opened");
  state.start_owned(detail::callback(state_, detail::StreamOperation::Kind::opened, std::move(done),
                                     [](detail::StreamOperation& op, auto& f) { f(op.error, std::move(op.open_info)); }));
}

void WebSocketStream::when_read(std::function<void(std::exception_ptr, std::optional<Message>)> done) {
  auto& state = live(state_, "WebSocketStream::when_read");
  state.start_owned(detail::callback(state_, detail::StreamOperation::Kind::read, std::move(done),
                                     [](detail::StreamOperation& op, auto& f) { f(op.error, std::move(op.message)); }));
}

void WebSocketStream::when_written(Message message, std::function<void(std::exception_ptr)> done) {
  auto& state = live(state_, "WebSocketStream::when_written");
  auto op = detail::callback(state_, detail::StreamOperation::Kind::written, std::move(done),
                             [](detail::StreamOperation& o, auto& f) { f(o.error); });
  op->message = std::move(message);
  state.start_owned(std::move(op));
}

void WebSocketStream::when_closed(std::function<void(std::exception_ptr, WebSocketCloseInfo)> done) {
  auto& state = live(state_, "WebSocketStream::when_closed");
  state.start_owned(detail::callback(state_, detail::StreamOperation::Kind::closed, std::move(done),
                                     [](detail::StreamOperation& op, auto& f) { f(op.error, std::move(op.close_info)); }));
}

void WebSocketStream::start(std::unique_ptr<detail::StreamOperation> op) {
  live(state_, "WebSocketStream::start").start_owned(std::move(op));
}

ReadyState WebSocketStream::ready_state() const noexcept {
  return state_ && state_->has_socket() ? state_->socket().ready_state() : ReadyState::CLOSED;
}

const std::string& WebSocketStream::url() const noexcept {
  static const std::string none;
  return state_ && state_->has_socket() ? state_->socket().url() : none;
}

std::uint64_t WebSocketStream::buffered_amount() const noexcept {
  return state_ && state_->has_socket() ? state_->socket().buffered_amount() : 0;
}

WebSocket& WebSocketStream::websocket() { return live(state_, "WebSocketStream::websocket").socket(); }

Sender WebSocketStream::sender(Sender::ErrorHandler on_error) {
  return live(state_, "WebSocketStream::sender").socket().sender(std::move(on_error));
}

}  // namespace duplex
