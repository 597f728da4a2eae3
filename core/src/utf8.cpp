// UTF-8 validation (RFC 3629 §4 syntax): an ASCII fast path that checks 16
// bytes per step, and a DFA for everything else. The DFA is Björn Höhrmann's
// "Flexible and Economical UTF-8 Decoder" reduced to validation; it moves to
// the reject state at the first byte that cannot continue a well-formed
// sequence, so a stream fails as early as RFC 6455 §8.1 allows.

#include "duplex/utf8.hpp"

#include <array>
#include <cstring>

namespace duplex {
namespace {

constexpr std::uint32_t utf8_accept = 0;
constexpr std::uint32_t utf8_reject = 12;

// Character classes: 0 ASCII; 1 80..8F; 9 90..9F; 7 A0..BF; 8 C0, C1, F5..FF;
// 2 C2..DF; 10 E0; 3 E1..EC, EE, EF; 4 ED; 11 F0; 6 F1..F3; 5 F4.
constexpr std::array<std::uint8_t, 256> byte_class = {
    0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1,  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9,
    9, 9, 9,  9, 9, 9, 9, 9, 9, 9, 9, 9, 7, 7, 7, 7, 7, 7, 7,  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7,  7, 7, 7, 7, 8, 8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 10, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 3, 3, 11, 6, 6, 6, 5, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
};

// Transitions: next state = transition[state + class]; states are multiples of
// 12 (0 accept, 12 reject, the others "inside a sequence").
constexpr std::array<std::uint8_t, 108> transition = {
    0,  12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72,  // 0: accept
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  // 12: reject (sticks)
    12, 0,  12, 12, 12, 12, 12, 0,  12, 0,  12, 12,  // 24: one continuation byte left
    12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,  // 36: two left
    12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12,  // 48: after E0 (A0..BF, no overlongs)
    12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,  // 60: after ED (80..9F, no surrogates)
    12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,  // 72: after F0 (90..BF, no overlongs)
    12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,  // 84: after F1..F3
    12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  // 96: after F4 (80..8F, ≤ U+10FFFF)
};

constexpr std::uint64_t high_bits = 0x8080808080808080ull;

// Runs the DFA over [p, end) from `state`; returns the final state, stopping
// early at reject. Skips ASCII runs 16 bytes at a time while between code points.
std::uint32_t run(std::uint32_t state, const unsigned char* p, const unsigned char* end) noexcept {
  while (p != end) {
    if (state == utf8_accept) {
      while (end - p >= 16) {
        std::uint64_t a, b;
        std::memcpy(&a, p, 8);
        std::memcpy(&b, p + 8, 8);
        if (((a | b) & high_bits) != 0) break;
        p += 16;
      }
      while (p != end && *p < 0x80) ++p;
      if (p == end) break;
    }
    state = transition[state + byte_class[*p]];
    if (state == utf8_reject) return state;
    ++p;
  }
  return state;
}

}  // namespace

bool is_valid_utf8(std::span<const std::byte> bytes) noexcept {
  Utf8Validator validator;
  return validator.feed(bytes) && validator.complete();
}

bool Utf8Validator::feed(std::span<const std::byte> bytes) noexcept {
  if (state_ == utf8_reject) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  state_ = run(state_, p, p + bytes.size());
  return state_ != utf8_reject;
}

}  // namespace duplex
