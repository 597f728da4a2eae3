#include "websocket_state.hpp"

#include <algorithm>
#include <utility>

#include "duplex/error.hpp"
#include "duplex/event.hpp"
#include "retry_after.hpp"

namespace duplex {
namespace {

// The serialization of the URL's origin (URL Standard § origin, HTML §
// serialization of an origin): scheme "://" host, then ":" port unless default.
std::string serialized_origin(const WebSocketUrl& url) {
  return std::string(url.secure ? "wss" : "ws") + "://" + url.host_header();
}

}  // namespace

WebSocket::State::Fact WebSocket::State::failed_fact(Failure failure) {
  Fact fact;
  fact.kind = Fact::Kind::failed;
  fact.failure = std::make_unique<Failure>(std::move(failure));
  return fact;
}

WebSocket::State::State(Backend& backend, WebSocketUrl url)
    : backend_(backend), url_(std::move(url)), origin_(std::make_shared<const std::string>(serialized_origin(url_))) {}

WebSocket::State::~State() {
  if (sender_channel_) sender_channel_->close();
}

void WebSocket::State::connect(std::vector<std::string> protocols, Options options) {
  max_buffered_ = options.max_buffered_amount;
  if (auto why = backend_.unavailable()) {
    // No transport: the failure is the only fact.
    on_transport_failed(Failure(errc::unavailable, std::move(*why)));
    return;
  }
  transport_ = backend_.connect(ConnectRequest{url_, std::move(protocols), std::move(options)}, *this);
}

void WebSocket::State::detach() noexcept {
  detached_ = true;
  facts_ignored_ = true;
  listeners_.clear();
  // The socket is gone: Senders return false from now on (sender.hpp).
  if (sender_channel_) sender_channel_->close();
  sender_waiting_.clear();
  // Transport contract: destroying it reports nothing more and closes an open
  // connection with 1001 (RFC 6455 §7.4.1 "going away") in the background.
  transport_.reset();
}

void WebSocket::State::check_can_send() const {
  // WHATWG § send(): "If this's ready state is CONNECTING, then throw an
  // "InvalidStateError" DOMException."
  if (ready_state_ == ReadyState::CONNECTING)
    throw Error("InvalidStateError", "send() called while the WebSocket is CONNECTING");
}

void WebSocket::State::send(Message message) {
  // WHATWG § send(): "If the WebSocket connection is established and the
  // WebSocket closing handshake has not yet started, then the user agent must
  // send a WebSocket Message ... Any invocation of this method with a string
  // argument that does not throw an exception must increase the bufferedAmount
  // attribute by the number of bytes needed to express the argument as UTF-8."
  // (Likewise for binary data: "by the length of data in bytes".)
  const std::size_t size = message.payload.size();
  if (ready_state_ == ReadyState::OPEN && transport_) {
    // Options::max_buffered_amount. WHATWG § send() answers a full buffer by
    // closing the connection ("If the data cannot be sent, e.g. because it would
    // need to be buffered but the buffer is full, the user agent must flag the
    // WebSocket as full and then close the WebSocket connection"), which loses
    // the queue. An opt-in limit is better answered as W3C WebRTC §
    // RTCDataChannel.send() does: "If queuing data is not possible because not
    // enough buffer space is available, throw an OperationError." The
    // connection stays up; the application waits for bufferedamountlow.
    if (max_buffered_ != 0 && (size > max_buffered_ || in_flight_ > max_buffered_ - size))
      throw Error("OperationError", "send() of " + std::to_string(size) + " bytes would take bufferedAmount (" +
                                        std::to_string(in_flight_) + ") over max_buffered_amount (" +
                                        std::to_string(max_buffered_) + ")");
    in_flight_ += size;
    transport_->send(std::move(message));
  } else {
    unsent_ += size;  // nothing will ever flush it, so it never falls
  }
}

void WebSocket::State::close(std::optional<std::uint16_t> code, std::string reason) {
  // WHATWG § close the WebSocket: "If ws's ready state is CLOSING or CLOSED,
  // then do nothing."
  if (ready_state_ == ReadyState::CLOSING || ready_state_ == ReadyState::CLOSED) return;
  if (ready_state_ == ReadyState::CONNECTING) {
    // "Otherwise, if the WebSocket connection is not yet established: Fail the
    // WebSocket connection and set ws's ready state to CLOSING."
    ready_state_ = ReadyState::CLOSING;
    facts_ignored_ = true;
    if (transport_) transport_->abort();
    queue(failed_fact(
        Failure(errc::aborted, "closed before the connection was established")));
    return;
  }
  // "Otherwise, if the WebSocket closing handshake has not yet been started:
  // Start the WebSocket closing handshake and set ws's ready state to CLOSING."
  // A Close frame carries a reason only after a status code (RFC 6455 §5.5.1),
  // so a reason given without a code is sent with 1000.
  if (!code && !reason.empty()) code = 1000;
  ready_state_ = ReadyState::CLOSING;
  if (transport_) transport_->close(code, std::move(reason));
}

std::shared_ptr<detail::SenderChannel> WebSocket::State::sender_channel() {
  if (!sender_channel_) sender_channel_ = std::make_shared<detail::SenderChannel>(backend_, *this);
  return sender_channel_;
}

void WebSocket::State::run_sender_item(detail::SenderItem& item) {
  if (detached_) return;
  // sender.hpp: a call handed over while CONNECTING waits for open, where
  // WebSocket::send would throw InvalidStateError (WHATWG § send() step 1):
  // the thread that made it cannot know the readyState.
  if (ready_state_ == ReadyState::CONNECTING) {
    sender_waiting_.push_back(std::move(item));
    return;
  }
  if (item.kind == detail::SenderItem::Kind::send) {
    send(std::move(item.message));
  } else {
    // The arguments were checked by Sender::close (WebSocket::close's checks).
    close(item.code, std::move(item.message.payload));
  }
}

void WebSocket::State::ping(std::string payload) {
  if (ready_state_ != ReadyState::OPEN || !transport_) return;
  if (!transport_->ping(std::move(payload)))
    throw Error("OperationError", "too many Pings are still waiting to be written");
}

// ------------------------------------------------------------- facts ----

void WebSocket::State::queue(Fact&& fact) {
  // Architecture rule: events are never delivered inside a call the
  // application made; like the browser, they are queued to the event loop.
  // Bytes flushed back to back are one fact: bufferedAmount falls once.
  if (fact.kind == Fact::Kind::flushed && !facts_.empty() && facts_.back().kind == Fact::Kind::flushed) {
    facts_.back().bytes += fact.bytes;
    return;
  }
  facts_.push_back(std::move(fact));
  if (delivery_posted_) return;
  delivery_posted_ = true;
  backend_.post_task(weak_from_this());
}

// One task delivers the facts queued before it started, in order (a socket
// that received several messages in one read dispatches them in one loop
// turn, each as its own event); facts reported meanwhile get the next task.
// Each step checks the state it needs, so a listener that closes or drops
// the socket stops the deliveries after it just as separate tasks would.
void WebSocket::State::run() {
  loop_thread_.seen();
  delivery_posted_ = false;
  // A listener that throws leaves the loop through here: the facts after it
  // still get a task of their own.
  struct RepostRest {
    State& state;
    ~RepostRest() {
      if (state.facts_.empty() || state.delivery_posted_ || state.detached_) return;
      state.delivery_posted_ = true;
      state.backend_.post_task(state.weak_from_this());
    }
  } repost_rest{*this};
  for (std::size_t n = facts_.size(); n > 0 && !detached_ && !facts_.empty(); --n) {
    Fact fact = facts_.take_front();
    deliver(fact);
  }
}

void WebSocket::State::deliver(Fact& fact) {
  switch (fact.kind) {
    case Fact::Kind::opened:
      opened(std::move(fact.text), std::move(fact.extensions));
      break;
    case Fact::Kind::message:
      received(std::move(fact.message));
      break;
    case Fact::Kind::flushed:
      flushed(fact.bytes);
      break;
    case Fact::Kind::closing:
      // WHATWG § feedback from the protocol: "When the WebSocket closing
      // handshake is started, the user agent must queue a task to change the
      // readyState attribute's value to CLOSING (2)."
      if (ready_state_ == ReadyState::OPEN) ready_state_ = ReadyState::CLOSING;
      break;
    case Fact::Kind::pong:
      // (The event is built only for a listener, as bufferedamountlow's.)
      if ((ready_state_ == ReadyState::OPEN || ready_state_ == ReadyState::CLOSING) && listeners_.has_listener("pong"))
        fire(PongEvent(std::move(fact.message.payload),
                       fact.was_clean ? std::optional(std::chrono::nanoseconds(fact.bytes)) : std::nullopt));
      break;
    case Fact::Kind::closed:
      closed(fact.was_clean, fact.code, std::move(fact.text),
             fact.cause == errc{} ? std::error_code() : make_error_code(fact.cause));
      break;
    case Fact::Kind::failed:
      failed(std::move(*fact.failure));
      break;
  }
}

void WebSocket::State::on_transport_handshake_response(HandshakeResponse response) {
  // Kept at once, not queued: nothing fires for it, and the `open` or
  // `error` event that follows can read it.
  if (!facts_ignored_) handshake_response_ = std::move(response);
}

void WebSocket::State::on_transport_open(std::string protocol, std::string extensions) {
  if (facts_ignored_) return;
  Fact fact;
  fact.kind = Fact::Kind::opened;
  fact.text = std::move(protocol);
  fact.extensions = std::move(extensions);
  queue(std::move(fact));
}

void WebSocket::State::on_transport_message(Message message) {
  if (facts_ignored_) return;
  Fact fact;
  fact.kind = Fact::Kind::message;
  fact.message = std::move(message);
  queue(std::move(fact));
}

void WebSocket::State::on_transport_flushed(std::size_t bytes) {
  if (facts_ignored_) return;
  Fact fact;
  fact.kind = Fact::Kind::flushed;
  fact.bytes = bytes;
  queue(std::move(fact));
}

void WebSocket::State::on_transport_pong(std::string payload,
                                         std::optional<std::chrono::nanoseconds> round_trip_time) {
  if (facts_ignored_) return;
  Fact fact;
  fact.kind = Fact::Kind::pong;
  fact.message.payload = std::move(payload);
  fact.was_clean = round_trip_time.has_value();
  fact.bytes = round_trip_time ? static_cast<std::size_t>(std::max<std::int64_t>(round_trip_time->count(), 0)) : 0;
  queue(std::move(fact));
}

void WebSocket::State::on_transport_closing() {
  if (facts_ignored_) return;
  queue(Fact());  // Kind::closing
}

void WebSocket::State::on_transport_closed(bool was_clean, std::uint16_t code, std::string reason,
                                           std::error_code cause) {
  if (facts_ignored_) return;
  facts_ignored_ = true;  // "After on_transport_closed ... nothing more is reported."
  Fact fact;
  fact.kind = Fact::Kind::closed;
  fact.text = std::move(reason);
  fact.code = code;
  fact.was_clean = was_clean;
  // Transports report only duplex::errc causes (close_timeout, going_away).
  if (cause && cause.category() == error_category()) fact.cause = static_cast<errc>(cause.value());
  queue(std::move(fact));
}

void WebSocket::State::on_transport_failed(Failure failure) {
  if (facts_ignored_) return;
  facts_ignored_ = true;
  // Retry-After is read with the answers that ask to come back later: 503
  // (RFC 9110 §15.6.4) and 429 (RFC 6585 §4). A 3xx's says when to follow a
  // redirect, which a WebSocket client does not do.
  const bool asks_to_come_back = failure.http_status == 429 || failure.http_status == 503;
  if (failure.error == errc::handshake_status && asks_to_come_back && handshake_response_ && !failure.retry_after) {
    if (const auto value = handshake_response_->header("Retry-After"))
      failure.retry_after = parse_retry_after(*value, std::chrono::system_clock::now());
  }
  queue(failed_fact(std::move(failure)));
}

// ------------------------------------------------------------- steps ----

void WebSocket::State::opened(std::string protocol, std::string extensions) {
  if (ready_state_ != ReadyState::CONNECTING) return;
  // WHATWG § feedback from the protocol: "When the WebSocket connection is
  // established, the user agent must queue a task to run these steps: Change
  // the ready state to OPEN (1). Change the extensions attribute's value to
  // the extensions in use, if it is not the null value. Change the protocol
  // attribute's value to the subprotocol in use, if it is not the null value.
  // Fire an event named open at the WebSocket object."
  ready_state_ = ReadyState::OPEN;
  extensions_ = std::move(extensions);
  protocol_ = std::move(protocol);
  fire(Event("open"));
  // What Senders handed over while CONNECTING runs next, after the open
  // listeners (sender.hpp), before anything handed over since.
  if (!sender_waiting_.empty() && sender_channel_ && !detached_)
    sender_channel_->requeue_front(std::exchange(sender_waiting_, {}));
}

void WebSocket::State::received(Message&& message) {
  // "When a WebSocket message has been received ...: If ready state is not
  // OPEN (1), then return."
  if (ready_state_ != ReadyState::OPEN) return;
  if (!message_sink_) {
    fire(MessageEvent(event_data(std::move(message)), origin_));
    return;
  }
  // A stream's socket: a listener the application added still gets its event.
  if (listeners_.has_listener("message")) fire(MessageEvent(event_data(Message(message)), origin_));
  if (!detached_) message_sink_(std::move(message));
}

MessageData WebSocket::State::event_data(Message&& message) const {
  // "If type indicates that the data is Text, then initialize event's data
  // attribute to data. If type indicates that the data is Binary, and
  // binaryType is set to "blob", then initialize event's data attribute to a
  // new Blob object ... If ... binaryType is set to "arraybuffer", then
  // initialize event's data attribute to a new ArrayBuffer object"; "with the
  // origin attribute initialized to the serialization of url's origin".
  if (message.kind == Message::Kind::text) return std::move(message.payload);
  if (binary_type_ == BinaryType::blob) return Blob(std::move(message.payload));
  return ArrayBuffer(std::move(message.payload));
}

void WebSocket::State::closed(bool was_clean, std::uint16_t code, std::string reason, std::error_code cause) {
  if (ready_state_ == ReadyState::CLOSED) return;
  // "When the WebSocket connection is closed, possibly cleanly, the user agent
  // must queue a task to run the following substeps: Change the ready state to
  // CLOSED (3). ... Fire an event named close at the WebSocket object, using
  // CloseEvent, with the wasClean attribute initialized to true if the
  // connection closed cleanly and false otherwise, the code attribute
  // initialized to the WebSocket connection close code, and the reason
  // attribute initialized to the result of applying UTF-8 decode without BOM
  // to the WebSocket connection close reason."
  ready_state_ = ReadyState::CLOSED;
  transport_.reset();  // it reports nothing more; free its resources now
  sender_waiting_.clear();  // never opened: dropped (sender.hpp)
  fire(CloseEvent(was_clean, code, std::move(reason), cause));
}

void WebSocket::State::failed(Failure failure) {
  if (ready_state_ == ReadyState::CLOSED) return;
  // Same task, plus: "If the user agent was required to fail the WebSocket
  // connection, ... then fire an event named error at the WebSocket object."
  // A failed connection received no Close frame, so its close code is 1006
  // (RFC 6455 §7.1.5) and it was not clean.
  ready_state_ = ReadyState::CLOSED;
  facts_ignored_ = true;
  transport_.reset();
  sender_waiting_.clear();  // never opened: dropped (sender.hpp)
  const std::error_code cause = failure.error;
  fire(ErrorEvent(std::move(failure)));
  if (!detached_) fire(CloseEvent(false, 1006, "", cause));
}

void WebSocket::State::flushed(std::size_t bytes) {
  if (ready_state_ == ReadyState::CLOSED) return;
  const std::uint64_t before = buffered_amount();
  in_flight_ -= std::min<std::uint64_t>(bytes, in_flight_);
  // W3C WebRTC § RTCDataChannel bufferedAmountLowThreshold: "When the
  // bufferedAmount decreases from above this threshold to equal or below it,
  // the user agent MUST queue a task that fires an event named
  // bufferedamountlow." This step is itself a task queued to the loop.
  // (The event is built only for a listener: its name alone needs an allocation.)
  if (before > low_threshold_ && buffered_amount() <= low_threshold_ && listeners_.has_listener("bufferedamountlow"))
    fire(Event("bufferedamountlow"));
}

void WebSocket::State::fire(const Event& event) {
  if (!detached_) listeners_.dispatch(event);
}

}  // namespace duplex
