#pragma once
// The events a WebSocket dispatches (WHATWG WebSockets § "Feedback from the protocol").

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>

#include "duplex/blob.hpp"
#include "duplex/error.hpp"
#include "duplex/export.hpp"

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

/// The `error` event. The standard's error event carries no detail; `message()`
/// adds a human-readable reason where the backend knows one (it may be empty).
class DUPLEX_API ErrorEvent : public Event {
 public:
  explicit ErrorEvent(std::string message) : Event("error"), message_(std::move(message)) {}
  const std::string& message() const noexcept { return message_; }

 private:
  std::string message_;
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
  CloseEvent(bool was_clean, std::uint16_t code, std::string reason)
      : Event("close"), was_clean_(was_clean), code_(code), reason_(std::move(reason)) {}
  bool was_clean() const noexcept { return was_clean_; }
  std::uint16_t code() const noexcept { return code_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  bool was_clean_;
  std::uint16_t code_;
  std::string reason_;
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
