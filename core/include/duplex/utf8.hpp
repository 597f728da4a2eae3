#pragma once
// UTF-8 validation (RFC 3629), whole and incremental (RFC 6455 §8.1: a text
// message may be rejected as soon as its bytes cannot become valid UTF-8).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "duplex/export.hpp"

namespace duplex {

/// True if `bytes` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
DUPLEX_API bool is_valid_utf8(std::span<const std::byte> bytes) noexcept;
inline bool is_valid_utf8(std::string_view text) noexcept {
  return is_valid_utf8(std::as_bytes(std::span(text.data(), text.size())));
}

/// Validates a byte stream fed in pieces split anywhere, e.g. across frames.
class DUPLEX_API Utf8Validator {
 public:
  /// Feed the next piece; returns false as soon as the stream so far can no
  /// longer be valid UTF-8 (and from then on).
  bool feed(std::span<const std::byte> bytes) noexcept;
  /// True if the stream so far ends on a whole code point (call at message end).
  bool complete() const noexcept { return state_ == 0; }
  /// Start a new stream.
  void reset() noexcept { state_ = 0; }

 private:
  std::uint32_t state_ = 0;  // 0 = accept; the reject state sticks
};

}  // namespace duplex
