// duplex::ReconnectingWebSocket: a sequence of duplex::WebSocket connections
// with backoff between them. Its state is shared, like WebSocket's, so that a
// listener may destroy the socket it is listening to; every callback holds
// only a weak reference.

#include "duplex/reconnecting_websocket.hpp"

#include <algorithm>
#include <deque>
#include <random>
#include <utility>

#include "duplex/error.hpp"
#include "event_target.hpp"
#include "loop_thread.hpp"
#include "sender_channel.hpp"

namespace duplex {
namespace {

const std::string& empty_string() {
  static const std::string empty;
  return empty;
}

}  // namespace

std::chrono::milliseconds backoff_ceiling(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                          std::uint32_t attempt) noexcept {
  using rep = std::chrono::milliseconds::rep;
  const rep limit = std::max<rep>(cap.count(), 0);
  rep ceiling = std::clamp<rep>(base.count(), 0, limit);
  // "Exponential Backoff And Jitter" (AWS Architecture Blog): the ceiling
  // doubles with each attempt up to the cap.
  for (std::uint32_t i = 1; i < attempt && ceiling < limit; ++i) ceiling = ceiling > limit / 2 ? limit : ceiling * 2;
  return std::chrono::milliseconds(ceiling);
}

bool default_should_retry(const ErrorEvent& error, const CloseEvent&) {
  const std::error_code ec = error.error();
  if (!ec || ec.category() != error_category()) return true;
  const auto kind = static_cast<errc>(ec.value());
  if (is_certificate_error(kind)) return false;
  switch (kind) {
    case errc::handshake_invalid:
    case errc::tls_configuration:
    case errc::proxy_authentication:
    case errc::unavailable:
      return false;
    case errc::handshake_status: {
      // RFC 9110 §15.5: a 4xx means the request is at fault, and the same
      // request gets the same answer; 408 and 429 say "later", not "never".
      // §15.4: a 3xx points elsewhere, which a WebSocket client does not
      // follow; a 1xx or 2xx other than 101 means no WebSocket endpoint is
      // there. Only a 5xx (§15.6: "the server is aware that it has erred or
      // is incapable of performing") may pass.
      const int status = error.http_status();
      if (status == 408 || status == 429) return true;
      return status >= 500;
    }
    default:
      return true;
  }
}

class DUPLEX_LOCAL ReconnectingWebSocket::State final : public detail::SenderTarget,
                                                        public std::enable_shared_from_this<ReconnectingWebSocket::State> {
 public:
  State(Backend& backend, std::string_view url, std::vector<std::string> protocols, Options options,
        ReconnectOptions reconnect)
      : backend_(backend),
        url_(url),
        protocols_(std::move(protocols)),
        options_(std::move(options)),
        reconnect_(std::move(reconnect)) {
    if (!reconnect_.should_retry) reconnect_.should_retry = default_should_retry;
    if (!reconnect_.jitter) {
      // Full jitter: sleep = random_between(0, ceiling). Spreading clients out
      // in time needs no cryptographic strength, so a seeded mt19937 will do.
      reconnect_.jitter = [rng = std::mt19937(std::random_device{}())](std::chrono::milliseconds ceiling) mutable {
        std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(0, ceiling.count());
        return std::chrono::milliseconds(pick(rng));
      };
    }
  }

  /// Opens the next connection; the first one throws what WebSocket's constructor throws.
  void connect() {
    WebSocket ws(backend_, url_, protocols_, options_);
    ws.binary_type(binary_type_);
    ws.buffered_amount_low_threshold(low_threshold_);
    const std::weak_ptr<State> weak = weak_from_this();
    ws.add_event_listener("open", [weak](const Event&) {
      if (auto self = weak.lock()) self->opened();
    });
    ws.add_event_listener("error", [weak](const Event& event) {
      if (auto self = weak.lock()) self->failed(static_cast<const ErrorEvent&>(event));
    });
    for (const char* type : {"message", "bufferedamountlow", "pong"}) {
      ws.add_event_listener(type, [weak](const Event& event) {
        if (auto self = weak.lock()) self->fire(event);
      });
    }
    ws.add_event_listener("close", [weak](const Event& event) {
      if (auto self = weak.lock()) self->closed(static_cast<const CloseEvent&>(event));
    });
    socket_ = std::move(ws);
  }

  ~State() {
    if (sender_channel_) sender_channel_->close();
  }

  void detach() noexcept {
    detached_ = stopped_ = true;
    waiting_ = false;
    listeners_.clear();
    timer_.reset();
    // The socket is gone: Senders return false from now on (sender.hpp).
    if (sender_channel_) sender_channel_->close();
    sender_waiting_.clear();
    socket_.reset();  // closes an open connection with 1001 in the background
  }

  WebSocket& socket() { return *socket_; }
  const WebSocket& socket() const { return *socket_; }
  bool waiting() const noexcept { return waiting_; }
  std::uint32_t attempt() const noexcept { return attempt_; }
  detail::EventTarget& listeners() noexcept { return listeners_; }
  const detail::LoopThread& loop_thread() const noexcept { return loop_thread_; }

  /// The channel of this socket's Senders, made on first use.
  std::shared_ptr<detail::SenderChannel> sender_channel() {
    if (!sender_channel_) sender_channel_ = std::make_shared<detail::SenderChannel>(backend_, *this);
    return sender_channel_;
  }

  /// SenderTarget: a handed-over call runs on the current connection; while
  /// connecting or waiting to retry it waits for the next open (sender.hpp).
  void run_sender_item(detail::SenderItem& item) override {
    if (detached_) return;
    if (waiting_ || socket_->ready_state() == ReadyState::CONNECTING) {
      if (!stopped_) sender_waiting_.push_back(std::move(item));  // stopped: none will open
      return;
    }
    if (item.kind == detail::SenderItem::Kind::close)
      close(item.code, item.message.payload);
    else if (item.message.kind == Message::Kind::text)
      socket_->send(std::move(item.message.payload));
    else
      socket_->send(ArrayBuffer(std::move(item.message.payload)));
  }

  BinaryType binary_type() const noexcept { return binary_type_; }
  void binary_type(BinaryType type) noexcept {
    binary_type_ = type;
    socket_->binary_type(type);
  }
  std::uint64_t low_threshold() const noexcept { return low_threshold_; }
  void low_threshold(std::uint64_t threshold) noexcept {
    low_threshold_ = threshold;
    socket_->buffered_amount_low_threshold(threshold);
  }

  WebSocket& sendable() {
    // WHATWG § send(): "If this's ready state is CONNECTING, then throw an
    // "InvalidStateError" DOMException." Waiting to retry reads as CONNECTING.
    if (waiting_) throw Error("InvalidStateError", "send() called while waiting to reconnect");
    return *socket_;
  }

  void close(std::optional<std::uint16_t> code, std::string_view reason) {
    socket_->close(code, reason);  // checks code and reason (and may throw) first
    // A clean close initiated by our side is never followed by a retry.
    stopped_ = true;
    waiting_ = false;
    timer_.reset();
    sender_waiting_.clear();  // no connection will open for them (sender.hpp)
  }

 private:
  void fire(const Event& event) {
    // Every event comes from the loop: its thread is the socket's.
    loop_thread_.seen();
    if (!detached_) listeners_.dispatch(event);
  }

  void failed(const ErrorEvent& event) {
    last_error_ = event.failure();
    fire(event);
  }

  void opened() {
    const std::uint32_t made = attempt_;
    attempt_ = 0;
    const bool reopened = ever_opened_;
    ever_opened_ = true;
    fire(ReconnectEvent("open", made, std::chrono::milliseconds(0), reopened, std::nullopt));
    // What Senders handed over meanwhile runs next, after the open listeners.
    if (!sender_waiting_.empty() && sender_channel_ && !stopped_)
      sender_channel_->requeue_front(std::exchange(sender_waiting_, {}));
  }

  void closed(const CloseEvent& event) {
    const ErrorEvent error = last_error_ ? ErrorEvent(std::move(*last_error_)) : ErrorEvent();
    last_error_.reset();
    fire(event);
    if (stopped_) return;  // close() was called (perhaps by that listener), or the socket is gone
    const std::uint16_t code = event.code();
    if (backend_.unavailable()) return give_up(code);  // e.g. a host with no WebSocket: no retry can open
    if (reconnect_.final_codes.contains(code) || attempt_ >= reconnect_.max_attempts) return give_up(code);
    const bool retry = reconnect_.should_retry(error, event);
    if (stopped_) return;  // the hook closed or dropped the socket: no event follows close()
    if (!retry) return give_up(code);
    ++attempt_;
    const auto ceiling = backoff_ceiling(reconnect_.base_delay, reconnect_.max_delay, attempt_);
    auto delay = std::clamp(reconnect_.jitter(ceiling), std::chrono::milliseconds(0), ceiling);
    // RFC 9110 §10.2.3: Retry-After "indicates how long the user agent ought
    // to wait before making a follow-up request".
    if (const auto asked = error.retry_after())
      delay = std::max(delay, std::min<std::chrono::milliseconds>(*asked, reconnect_.max_retry_after));
    waiting_ = true;
    timer_ = backend_.post_after(delay, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->retry();
    });
    fire(ReconnectEvent("reconnecting", attempt_, delay, ever_opened_, code));
  }

  void retry() {
    loop_thread_.seen();
    if (!waiting_) return;
    waiting_ = false;
    try {
      connect();
    } catch (const std::exception&) {
      give_up(1006);  // the same request was accepted before; a backend that now refuses it ends the retries
    }
  }

  void give_up(std::uint16_t code) {
    stopped_ = true;
    sender_waiting_.clear();  // no connection will open for them (sender.hpp)
    fire(ReconnectEvent("giveup", attempt_, std::chrono::milliseconds(0), ever_opened_, code));
  }

  Backend& backend_;
  std::string url_;
  std::vector<std::string> protocols_;
  Options options_;
  ReconnectOptions reconnect_;
  std::optional<WebSocket> socket_;
  std::optional<Failure> last_error_;  // the current connection's error event, until its close
  std::unique_ptr<Timer> timer_;
  detail::EventTarget listeners_;
  BinaryType binary_type_ = BinaryType::blob;
  std::uint64_t low_threshold_ = 0;
  std::uint32_t attempt_ = 0;
  bool ever_opened_ = false;
  bool waiting_ = false;   // a retry is scheduled
  bool stopped_ = false;   // close() called, given up, or detached: no more retries
  bool detached_ = false;  // the ReconnectingWebSocket is gone: no more events
  detail::LoopThread loop_thread_;
  std::shared_ptr<detail::SenderChannel> sender_channel_;  // made by sender_channel()
  std::deque<detail::SenderItem> sender_waiting_;          // handed over while not open
};

namespace {

// As websocket.cpp's: not moved from, and on the loop's thread.
ReconnectingWebSocket::State& checked(const std::shared_ptr<ReconnectingWebSocket::State>& state,
                                      const char* member) {
  if (!state) throw Error("InvalidStateError", "use of a moved-from ReconnectingWebSocket");
  state->loop_thread().check(member);
  return *state;
}

ReconnectingWebSocket::State* loop_state(const std::shared_ptr<ReconnectingWebSocket::State>& state,
                                         const char* member) {
  if (state) state->loop_thread().check(member);
  return state.get();
}

}  // namespace

ReconnectingWebSocket::ReconnectingWebSocket(Backend& backend, std::string_view url, std::vector<std::string> protocols,
                                             Options options, ReconnectOptions reconnect)
    : state_(std::make_shared<State>(backend, url, std::move(protocols), std::move(options), std::move(reconnect))) {
  state_->connect();
}

ReconnectingWebSocket::ReconnectingWebSocket(ReconnectingWebSocket&&) noexcept = default;

ReconnectingWebSocket& ReconnectingWebSocket::operator=(ReconnectingWebSocket&& other) noexcept {
  if (this != &other) {
    if (state_) state_->detach();
    state_ = std::move(other.state_);
  }
  return *this;
}

ReconnectingWebSocket::~ReconnectingWebSocket() {
  if (state_) state_->detach();
}

const std::string& ReconnectingWebSocket::url() const noexcept {
  return state_ ? state_->socket().url() : empty_string();
}
ReadyState ReconnectingWebSocket::ready_state() const noexcept {
  if (!state_) return ReadyState::CLOSED;
  return state_->waiting() ? ReadyState::CONNECTING : state_->socket().ready_state();
}
std::uint64_t ReconnectingWebSocket::buffered_amount() const noexcept {
  return state_ && !state_->waiting() ? state_->socket().buffered_amount() : 0;
}
const std::string& ReconnectingWebSocket::protocol() const noexcept {
  return state_ ? state_->socket().protocol() : empty_string();
}
const std::string& ReconnectingWebSocket::extensions() const noexcept {
  return state_ ? state_->socket().extensions() : empty_string();
}
BinaryType ReconnectingWebSocket::binary_type() const noexcept {
  return state_ ? state_->binary_type() : BinaryType::blob;
}
void ReconnectingWebSocket::binary_type(BinaryType type) noexcept {
  if (!is_binary_type(type)) return;  // ignored, as WebSocket::binary_type ignores it
  if (state_) state_->binary_type(type);
}
std::uint64_t ReconnectingWebSocket::buffered_amount_low_threshold() const noexcept {
  return state_ ? state_->low_threshold() : 0;
}
void ReconnectingWebSocket::buffered_amount_low_threshold(std::uint64_t threshold) noexcept {
  if (state_) state_->low_threshold(threshold);
}
std::uint32_t ReconnectingWebSocket::attempt() const noexcept { return state_ ? state_->attempt() : 0; }
const std::optional<HandshakeResponse>& ReconnectingWebSocket::handshake_response() const {
  return checked(state_, "ReconnectingWebSocket::handshake_response").socket().handshake_response();
}
void ReconnectingWebSocket::ping(std::span<const std::byte> payload) {
  // Waiting to retry reads as CONNECTING, where ping() throws InvalidStateError.
  if (checked(state_, "ReconnectingWebSocket::ping").waiting()) throw Error("InvalidStateError", "ping() called while waiting to reconnect");
  state_->socket().ping(payload);
}

void ReconnectingWebSocket::send(std::string text) { checked(state_, "ReconnectingWebSocket::send").sendable().send(std::move(text)); }
void ReconnectingWebSocket::send(std::span<const std::byte> bytes) { checked(state_, "ReconnectingWebSocket::send").sendable().send(bytes); }
void ReconnectingWebSocket::send(ArrayBuffer bytes) { checked(state_, "ReconnectingWebSocket::send").sendable().send(std::move(bytes)); }
void ReconnectingWebSocket::send(const Blob& blob) { checked(state_, "ReconnectingWebSocket::send").sendable().send(blob); }

void ReconnectingWebSocket::close(std::optional<std::uint16_t> code, std::string_view reason) {
  checked(state_, "ReconnectingWebSocket::close").close(code, reason);
}

void ReconnectingWebSocket::onopen(std::function<void(const ReconnectEvent&)> handler) {
  checked(state_, "ReconnectingWebSocket::onopen").listeners().set_handler("open", std::move(handler));
}
void ReconnectingWebSocket::onmessage(std::function<void(const MessageEvent&)> handler) {
  checked(state_, "ReconnectingWebSocket::onmessage").listeners().set_handler("message", std::move(handler));
}
void ReconnectingWebSocket::onerror(std::function<void(const ErrorEvent&)> handler) {
  checked(state_, "ReconnectingWebSocket::onerror").listeners().set_handler("error", std::move(handler));
}
void ReconnectingWebSocket::onclose(std::function<void(const CloseEvent&)> handler) {
  checked(state_, "ReconnectingWebSocket::onclose").listeners().set_handler("close", std::move(handler));
}
void ReconnectingWebSocket::onreconnecting(std::function<void(const ReconnectEvent&)> handler) {
  checked(state_, "ReconnectingWebSocket::onreconnecting").listeners().set_handler("reconnecting", std::move(handler));
}
void ReconnectingWebSocket::ongiveup(std::function<void(const ReconnectEvent&)> handler) {
  checked(state_, "ReconnectingWebSocket::ongiveup").listeners().set_handler("giveup", std::move(handler));
}
void ReconnectingWebSocket::onbufferedamountlow(std::function<void(const Event&)> handler) {
  checked(state_, "ReconnectingWebSocket::onbufferedamountlow").listeners().set_handler("bufferedamountlow", std::move(handler));
}

void ReconnectingWebSocket::onpong(std::function<void(const PongEvent&)> handler) {
  checked(state_, "ReconnectingWebSocket::onpong").listeners().set_handler("pong", std::move(handler));
}

// A moved-from ReconnectingWebSocket reads as having no handlers.
std::function<void(const ReconnectEvent&)> ReconnectingWebSocket::onopen() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::onopen");
  return s ? s->listeners().handler<ReconnectEvent>("open") : nullptr;
}
std::function<void(const MessageEvent&)> ReconnectingWebSocket::onmessage() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::onmessage");
  return s ? s->listeners().handler<MessageEvent>("message") : nullptr;
}
std::function<void(const ErrorEvent&)> ReconnectingWebSocket::onerror() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::onerror");
  return s ? s->listeners().handler<ErrorEvent>("error") : nullptr;
}
std::function<void(const CloseEvent&)> ReconnectingWebSocket::onclose() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::onclose");
  return s ? s->listeners().handler<CloseEvent>("close") : nullptr;
}
std::function<void(const ReconnectEvent&)> ReconnectingWebSocket::onreconnecting() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::onreconnecting");
  return s ? s->listeners().handler<ReconnectEvent>("reconnecting") : nullptr;
}
std::function<void(const ReconnectEvent&)> ReconnectingWebSocket::ongiveup() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::ongiveup");
  return s ? s->listeners().handler<ReconnectEvent>("giveup") : nullptr;
}
std::function<void(const Event&)> ReconnectingWebSocket::onbufferedamountlow() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::onbufferedamountlow");
  return s ? s->listeners().handler<Event>("bufferedamountlow") : nullptr;
}
std::function<void(const PongEvent&)> ReconnectingWebSocket::onpong() const {
  State* s = loop_state(state_, "ReconnectingWebSocket::onpong");
  return s ? s->listeners().handler<PongEvent>("pong") : nullptr;
}

Sender ReconnectingWebSocket::sender(Sender::ErrorHandler on_error) {
  return Sender(checked(state_, "ReconnectingWebSocket::sender").sender_channel(), std::move(on_error));
}

const Event* ReconnectingWebSocket::dispatched_event(std::string_view type) {
  // open, reconnecting and giveup are this class's own ReconnectEvents; the
  // others are its connections' events, passed on as they come.
  static const ReconnectEvent reconnect_event("open", 0, {}, false, std::nullopt);
  if (type == "open" || type == "reconnecting" || type == "giveup") return &reconnect_event;
  return WebSocket::dispatched_event(type);
}

ListenerId ReconnectingWebSocket::add_event_listener(std::string_view type, Listener listener, bool once) {
  return checked(state_, "ReconnectingWebSocket::add_event_listener").listeners().add(type, std::move(listener), once);
}
bool ReconnectingWebSocket::remove_event_listener(std::string_view type, ListenerId id) {
  return checked(state_, "ReconnectingWebSocket::remove_event_listener").listeners().remove(type, id);
}

}  // namespace duplex
