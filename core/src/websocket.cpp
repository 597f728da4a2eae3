// duplex::WebSocket: argument checks of the WHATWG WebSockets Standard's API,
// in front of WebSocket::State (websocket_state.cpp), which runs the state
// machine. Every DOMException is thrown here, before anything reaches a transport.

#include "duplex/websocket.hpp"

#include <utility>

#include "duplex/close_code.hpp"
#include "duplex/handshake_headers.hpp"
#include "duplex/subprotocol.hpp"
#include "duplex/url.hpp"
#include "duplex/utf8.hpp"
#include "websocket_state.hpp"

namespace duplex {
namespace {

const std::string& empty_string() {
  static const std::string empty;
  return empty;
}

// The state of a WebSocket that has not been moved from, called on its
// loop's thread (the wrong-thread check, loop_thread.hpp). `member` names the
// caller in the WrongThreadError.
WebSocket::State& checked(const std::shared_ptr<WebSocket::State>& state, const char* member) {
  if (!state) throw Error("InvalidStateError", "use of a moved-from WebSocket");
  state->loop_thread().check(member);
  return *state;
}

// The state for a member that reads as empty on a moved-from WebSocket
// (nullptr then), after the wrong-thread check.
WebSocket::State* loop_state(const std::shared_ptr<WebSocket::State>& state, const char* member) {
  if (state) state->loop_thread().check(member);
  return state.get();
}

}  // namespace

WebSocket::WebSocket(Backend& backend, std::string_view url, std::vector<std::string> protocols, Options options) {
  // WHATWG § new WebSocket(url, protocols): "Let urlRecord be the result of
  // getting a URL record given url ..." — parse errors, schemes other than
  // ws/wss/http/https and fragments all throw "SyntaxError".
  WebSocketUrl parsed = parse_websocket_url(url);
  // "If any of the values in protocols occur more than once or otherwise fail
  // to match the requirements ... throw a "SyntaxError" DOMException."
  validate_protocols(protocols);
  validate_extra_headers(options.headers);
  if (!is_valid_header_value(options.origin)) throw Error("SyntaxError", "Options::origin has CR, LF or NUL in it");
  backend.check_options(options);
  // "Run this step in parallel: Establish a WebSocket connection given urlRecord, protocols, ..."
  state_ = std::make_shared<State>(backend, std::move(parsed));
  state_->connect(std::move(protocols), std::move(options));
}

WebSocket::WebSocket(WebSocket&& other) noexcept = default;

WebSocket& WebSocket::operator=(WebSocket&& other) noexcept {
  if (this != &other) {
    if (state_) state_->detach();
    state_ = std::move(other.state_);
  }
  return *this;
}

WebSocket::~WebSocket() {
  if (state_) state_->detach();
}

// A moved-from WebSocket reads as a CLOSED socket with empty attributes.
const std::string& WebSocket::url() const noexcept { return state_ ? state_->url().serialized : empty_string(); }
ReadyState WebSocket::ready_state() const noexcept { return state_ ? state_->ready_state() : ReadyState::CLOSED; }
std::uint64_t WebSocket::buffered_amount() const noexcept { return state_ ? state_->buffered_amount() : 0; }
std::uint64_t WebSocket::buffered_amount_low_threshold() const noexcept { return state_ ? state_->low_threshold() : 0; }
void WebSocket::buffered_amount_low_threshold(std::uint64_t threshold) noexcept {
  if (state_) state_->low_threshold(threshold);
}
const std::string& WebSocket::extensions() const noexcept { return state_ ? state_->extensions() : empty_string(); }
const std::string& WebSocket::protocol() const noexcept { return state_ ? state_->protocol() : empty_string(); }
BinaryType WebSocket::binary_type() const noexcept { return state_ ? state_->binary_type() : BinaryType::blob; }
void WebSocket::binary_type(BinaryType type) noexcept {
  // WebIDL § enumerations: assigning a string that is not one of the
  // enumeration's values to an attribute of that type does nothing.
  if (!is_binary_type(type)) return;
  if (state_) state_->binary_type(type);
}

void WebSocket::send(std::string text) {
  State& s = checked(state_, "WebSocket::send");
  s.check_can_send();
  // The standard's send(USVString) cannot receive ill-formed text; a C++
  // std::string is bytes, so text that is not UTF-8 is refused the way the
  // standard refuses other malformed arguments.
  if (!is_valid_utf8(text)) throw Error("SyntaxError", "send() text is not valid UTF-8");
  s.send(Message{Message::Kind::text, std::move(text)});
}

void WebSocket::send(std::span<const std::byte> bytes) {
  State& s = checked(state_, "WebSocket::send");
  s.check_can_send();
  s.send(Message{Message::Kind::binary, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size())});
}

void WebSocket::send(ArrayBuffer bytes) {
  State& s = checked(state_, "WebSocket::send");
  s.check_can_send();
  s.send(Message{Message::Kind::binary, std::move(bytes).str()});
}

void WebSocket::send(const Blob& blob) {
  State& s = checked(state_, "WebSocket::send");
  s.check_can_send();
  s.send(Message{Message::Kind::binary, blob.str()});
}

void WebSocket::close(std::optional<std::uint16_t> code, std::string_view reason) {
  State& s = checked(state_, "WebSocket::close");
  // WHATWG § close(): "If code is present, but is neither an integer equal to
  // 1000 nor an integer in the range 3000 to 4999, inclusive, throw an
  // "InvalidAccessError" DOMException."
  if (code && !is_valid_api_close_code(*code))
    throw Error("InvalidAccessError", "close code " + std::to_string(*code) + " is not 1000 or 3000-4999");
  // "If reason is present, then: Let reasonBytes be the result of UTF-8
  // encoding reason. If reasonBytes is longer than 123 bytes, then throw a
  // "SyntaxError" DOMException." (A C++ reason is already bytes; it must be UTF-8.)
  if (reason.size() > 123) throw Error("SyntaxError", "close reason is longer than 123 bytes");
  if (!is_valid_utf8(reason)) throw Error("SyntaxError", "close reason is not valid UTF-8");
  s.close(code, std::string(reason));
}

void WebSocket::ping(std::span<const std::byte> payload) {
  State& s = checked(state_, "WebSocket::ping");
  if (!s.backend().capabilities().ping)
    throw Error("NotSupportedError", "this backend cannot send Pings (a browser's WebSocket has no ping)");
  if (s.ready_state() == ReadyState::CONNECTING)
    throw Error("InvalidStateError", "ping() called while the WebSocket is CONNECTING");
  // RFC 6455 §5.5: "All control frames MUST have a payload length of 125
  // bytes or less".
  if (payload.size() > 125)
    throw Error("SyntaxError", "ping payload of " + std::to_string(payload.size()) + " bytes is over 125");
  s.ping(std::string(reinterpret_cast<const char*>(payload.data()), payload.size()));
}

const std::optional<HandshakeResponse>& WebSocket::handshake_response() const {
  const State& s = checked(state_, "WebSocket::handshake_response");
  if (!s.backend().capabilities().handshake_response)
    throw Error("NotSupportedError", "this backend cannot see the handshake response (a browser hides it)");
  return s.handshake_response();
}

void WebSocket::onopen(std::function<void(const Event&)> handler) {
  checked(state_, "WebSocket::onopen").listeners().set_handler("open", std::move(handler));
}
void WebSocket::onmessage(std::function<void(const MessageEvent&)> handler) {
  checked(state_, "WebSocket::onmessage").listeners().set_handler("message", std::move(handler));
}
void WebSocket::onerror(std::function<void(const ErrorEvent&)> handler) {
  checked(state_, "WebSocket::onerror").listeners().set_handler("error", std::move(handler));
}
void WebSocket::onclose(std::function<void(const CloseEvent&)> handler) {
  checked(state_, "WebSocket::onclose").listeners().set_handler("close", std::move(handler));
}

void WebSocket::onbufferedamountlow(std::function<void(const Event&)> handler) {
  checked(state_, "WebSocket::onbufferedamountlow").listeners().set_handler("bufferedamountlow", std::move(handler));
}
void WebSocket::onpong(std::function<void(const PongEvent&)> handler) {
  checked(state_, "WebSocket::onpong").listeners().set_handler("pong", std::move(handler));
}

// A moved-from WebSocket reads as having no handlers.
std::function<void(const Event&)> WebSocket::onopen() const {
  State* s = loop_state(state_, "WebSocket::onopen");
  return s ? s->listeners().handler<Event>("open") : nullptr;
}
std::function<void(const MessageEvent&)> WebSocket::onmessage() const {
  State* s = loop_state(state_, "WebSocket::onmessage");
  return s ? s->listeners().handler<MessageEvent>("message") : nullptr;
}
std::function<void(const ErrorEvent&)> WebSocket::onerror() const {
  State* s = loop_state(state_, "WebSocket::onerror");
  return s ? s->listeners().handler<ErrorEvent>("error") : nullptr;
}
std::function<void(const CloseEvent&)> WebSocket::onclose() const {
  State* s = loop_state(state_, "WebSocket::onclose");
  return s ? s->listeners().handler<CloseEvent>("close") : nullptr;
}
std::function<void(const Event&)> WebSocket::onbufferedamountlow() const {
  State* s = loop_state(state_, "WebSocket::onbufferedamountlow");
  return s ? s->listeners().handler<Event>("bufferedamountlow") : nullptr;
}
std::function<void(const PongEvent&)> WebSocket::onpong() const {
  State* s = loop_state(state_, "WebSocket::onpong");
  return s ? s->listeners().handler<PongEvent>("pong") : nullptr;
}

Sender WebSocket::sender(Sender::ErrorHandler on_error) {
  return Sender(checked(state_, "WebSocket::sender").sender_channel(), std::move(on_error));
}

const Event* WebSocket::dispatched_event(std::string_view type) {
  // The class of each event a WebSocket fires (WHATWG WebSockets § Feedback
  // from the protocol; beyond it, pong and bufferedamountlow): one of each,
  // for dynamic_cast to test a typed listener against.
  static const Event open("open");
  static const MessageEvent message{MessageData{}};
  static const ErrorEvent error;
  static const CloseEvent close(false, 1006, {});
  static const PongEvent pong({}, std::nullopt);
  static const Event low("bufferedamountlow");
  static const Event* const all[] = {&open, &message, &error, &close, &pong, &low};
  for (const Event* event : all) {
    if (event->type() == type) return event;
  }
  return nullptr;
}

ListenerId WebSocket::add_event_listener(std::string_view type, Listener listener, bool once) {
  return checked(state_, "WebSocket::add_event_listener").listeners().add(type, std::move(listener), once);
}

bool WebSocket::remove_event_listener(std::string_view type, ListenerId id) {
  return checked(state_, "WebSocket::remove_event_listener").listeners().remove(type, id);
}

}  // namespace duplex
