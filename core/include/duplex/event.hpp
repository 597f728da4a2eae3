#pragma once
// The events a WebSocket dispatches (WHATWG WebSockets § "Feedback from the protocol").

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "duplex/blob.hpp"
#include "duplex/error.hpp"
#include "duplex/export.hpp"
#include "duplex/failure.hpp"

namespace duplex {

/// A plain event: `open`, or the base of the others. `type()` is the event name.
class DUPLEX_API Event {
 public:
  explicit Event(std::string type) : type_(std::move(type)) {}
  virtual ~Event() = default;
  const std::string& type() const noexcept { return type_; }

 private:
  std::string type_;
};

/// The `error` event. The standard's error event carries no detail; beyond
/// it, `error()` says what went wrong as a duplex::errc and `message()` says
/// it for people (see duplex::Failure for the other members).
class DUPLEX_API ErrorEvent : public Event {
 public:
  explicit ErrorEvent(Failure failure) : Event("error"), failure_(std::move(failure)) {}
  /// An errc::unknown failure with this message.
  explicit ErrorEvent(std::string message) : ErrorEvent(Failure(errc::unknown, std::move(message))) {}
  /// No failure at all: what ReconnectOptions::should_retry receives for a
  /// connection that closed without one (error() is then false).
  ErrorEvent() : Event("error"), failure_(std::error_code(), "") {}

  /// A duplex::errc (compare with `== duplex::errc::...`); empty for no failure.
  std::error_code error() const noexcept { return failure_.error; }
  const std::string& message() const noexcept { return failure_.message; }
  /// The code of the Close frame we sent because of the peer, if any.
  std::optional<std::uint16_t> close_code() const noexcept { return failure_.close_code; }
  /// errc::handshake_status: the HTTP status of the server's answer; else 0.
  int http_status() const noexcept { return failure_.http_status; }
  /// The Retry-After of a 429 or 503 answer, if the server sent one.
  std::optional<std::chrono::seconds> retry_after() const noexcept { return failure_.retry_after; }
  const Failure& failure() const noexcept { return failure_; }

 private:
  Failure failure_;
};

/// What a `message` event carries: text (UTF-8), or binary as a Blob or an
/// ArrayBuffer depending on `binary_type()` when the message arrived.
using MessageData = std::variant<std::string, Blob, ArrayBuffer>;

/// The `message` event (WHATWG WebSockets § "When a WebSocket message has been received").
class DUPLEX_API MessageEvent : public Event {
 public:
  explicit MessageEvent(MessageData data, std::string origin = {})
      : Event("message"),
        data_(std::move(data)),
        origin_(origin.empty() ? nullptr : std::make_shared<const std::string>(std::move(origin))) {}
  /// The same, sharing the origin string (a socket's events all carry one).
  MessageEvent(MessageData data, std::shared_ptr<const std::string> origin)
      : Event("message"), data_(std::move(data)), origin_(std::move(origin)) {}

  const MessageData& data() const noexcept { return data_; }
  /// The serialized origin of the socket's URL (e.g. "ws://example.com:8080").
  const std::string& origin() const noexcept {
    static const std::string none;
    return origin_ ? *origin_ : none;
  }

  bool is_text() const noexcept { return std::holds_alternative<std::string>(data_); }
  bool is_binary() const noexcept { return !is_text(); }
  /// The text of a text message; throws Error("InvalidStateError") for a
  /// binary one (bytes() reads either kind).
  const std::string& text() const {
    if (const auto* text = std::get_if<std::string>(&data_)) return *text;
    throw Error("InvalidStateError", "text() of a binary message: use bytes()");
  }
  /// The bytes of any message: UTF-8 of text, or the binary payload.
  std::span<const std::byte> bytes() const noexcept;

 private:
  MessageData data_;
  std::shared_ptr<const std::string> origin_;
};

/// The `close` event (WHATWG WebSockets § "When the WebSocket connection is closed").
class DUPLEX_API CloseEvent : public Event {
 public:
  CloseEvent(bool was_clean, std::uint16_t code, std::string reason, std::error_code cause = {})
      : Event("close"), was_clean_(was_clean), code_(code), reason_(std::move(reason)), cause_(cause) {}
  bool was_clean() const noexcept { return was_clean_; }
  std::uint16_t code() const noexcept { return code_; }
  const std::string& reason() const noexcept { return reason_; }
  /// Beyond WHATWG: why the connection ended, as a duplex::errc. Empty when
  /// the closing handshake ended it; errc::close_timeout when we dropped it
  /// after Options::close_timeout; errc::going_away when the peer dropped it
  /// without a Close frame; after an `error` event, that event's error().
  std::error_code cause() const noexcept { return cause_; }

 private:
  bool was_clean_;
  std::uint16_t code_;
  std::string reason_;
  std::error_code cause_;
};

/// The `pong` event (beyond WHATWG): a Pong frame arrived (RFC 6455 §5.5.3).
class DUPLEX_API PongEvent : public Event {
 public:
  PongEvent(std::string payload, std::optional<std::chrono::nanoseconds> round_trip_time)
      : Event("pong"), payload_(std::move(payload)), round_trip_time_(round_trip_time) {}
  /// The Pong's application data: the payload of the Ping it answers.
  const std::string& payload() const noexcept { return payload_; }
  /// Time from the ping() (or heartbeat Ping) with this payload to this Pong;
  /// nothing for an unsolicited Pong.
  std::optional<std::chrono::nanoseconds> round_trip_time() const noexcept { return round_trip_time_; }

 private:
  std::string payload_;
  std::optional<std::chrono::nanoseconds> round_trip_time_;
};

inline std::span<const std::byte> MessageEvent::bytes() const noexcept {
  return std::visit(
      [](const auto& d) -> std::span<const std::byte> {
        if constexpr (std::is_same_v<std::decay_t<decltype(d)>, std::string>)
          return std::as_bytes(std::span(d));
        else
          return d.bytes();
      },
      data_);
}

}  // namespace duplex
