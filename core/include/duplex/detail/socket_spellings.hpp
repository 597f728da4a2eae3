#pragma once
// The C++ spellings of send() and close() that WebSocket and
// ReconnectingWebSocket share: written once here, so code written for one
// compiles against the other. Not part of the API by itself.

#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace duplex::detail {

/// WebIDL [Clamp] unsigned short (WebIDL § ConvertToInt, "clamp"): a value
/// outside 0..65535 becomes the nearest bound, never another code modulo 2^16.
template <std::integral Code>
constexpr std::uint16_t clamp_to_unsigned_short(Code code) noexcept {
  constexpr auto max = std::numeric_limits<std::uint16_t>::max();
  if constexpr (std::is_signed_v<Code>) {
    if (code < 0) return 0;
  }
  if (static_cast<std::uintmax_t>(code) > max) return max;
  return static_cast<std::uint16_t>(code);
}

/// Derived defines the primary overloads: send(std::string),
/// send(std::span<const std::byte>), send(ArrayBuffer), send(const Blob&) and
/// close(std::optional<std::uint16_t>, std::string_view); this adds the rest.
/// Derived brings them in with `using SocketSpellings<Derived>::send;` and
/// `using SocketSpellings<Derived>::close;`.
template <class Derived>
class SocketSpellings {
 public:
  /// Text from any string view (copied).
  void send(std::string_view text) { self().send(std::string(text)); }
  void send(const char* text) { self().send(std::string(text)); }
  /// Binary from bytes as unsigned char (copied).
  void send(std::span<const std::uint8_t> bytes) { self().send(std::as_bytes(bytes)); }

  /// close() without a code: the Close frame has no status (close event 1005).
  void close() { self().close(std::nullopt, {}); }
  /// close(code, reason) for any integer: the code is taken as the standard's
  /// `[Clamp] unsigned short code`, so close(66536) is close(65535), which
  /// throws InvalidAccessError, where a plain conversion would have sent 1000.
  template <std::integral Code>
  void close(Code code, std::string_view reason = {}) {
    self().close(std::optional<std::uint16_t>(clamp_to_unsigned_short(code)), reason);
  }
  /// Not a close code: spell the integer out.
  template <std::floating_point Code>
  void close(Code code, std::string_view reason = {}) = delete;

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace duplex::detail
