// UTF-8 validation (RFC 3629 §4 syntax). Whole buffers go to the SIMD
// validator (utf8_simd.cpp) when the CPU has one; short buffers, other CPUs
// and Emscripten use a DFA with an ASCII fast path that checks 16 bytes per
// step. The DFA is Björn Höhrmann's "Flexible and Economical UTF-8 Decoder"
// reduced to validation; it moves to the reject state at the first byte that
// cannot continue a well-formed sequence, so a stream fails as early as
// RFC 6455 §8.1 allows. The incremental validator uses the DFA only at the
// edges of each piece: to finish the code point the previous piece left open
// and to take in the start of one the next piece finishes; the whole code
// points between go to the whole-buffer check.

#include "duplex/utf8.hpp"

#include <array>
#include <cstring>

#include "utf8_simd.hpp"

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

// Below this size a buffer goes to the DFA: the SIMD scan's fixed cost (one
// padded 64-byte block) would outweigh it.
constexpr std::size_t simd_min_size = 32;

// True if [p, end) is well-formed UTF-8 ending on a code point boundary.
bool whole_code_points_valid(const unsigned char* p, const unsigned char* end) noexcept {
  static const utf8_simd::Validator simd = utf8_simd::best_validator();
  const auto n = static_cast<std::size_t>(end - p);
  if (simd != nullptr && n >= simd_min_size) return simd(p, n);
  return run(utf8_accept, p, end) == utf8_accept;
}

// Length of the sequence a lead byte (C0..FF) starts; F5..FF count as 4, and
// the DFA rejects them and C0, C1.
std::ptrdiff_t sequence_length(unsigned char lead) noexcept { return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2; }

// Where the code point that [p, end) ends inside of begins, or `end` if the
// last lead byte's sequence is whole (or is broken anyway, which the
// whole-buffer check then finds).
const unsigned char* unfinished_tail(const unsigned char* p, const unsigned char* end) noexcept {
  for (std::ptrdiff_t i = 1; i <= 3 && i <= end - p; ++i) {
    const unsigned char c = end[-i];
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: its lead is further back
    return c >= 0xC0 && sequence_length(c) > i ? end - i : end;
  }
  return end;
}

}  // namespace

bool is_valid_utf8(std::span<const std::byte> bytes) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  return whole_code_points_valid(p, p + bytes.size());
}

bool Utf8Validator::feed(std::span<const std::byte> bytes) noexcept {
  if (state_ == utf8_reject) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  // Finish the code point the previous piece left open (at most 3 bytes).
  for (; state_ != utf8_accept && p != end; ++p) {
    state_ = transition[state_ + byte_class[*p]];
    if (state_ == utf8_reject) return false;
  }
  if (state_ != utf8_accept) return true;  // still open: the piece was too short to finish it
  // Whole code points, then the start of one a later piece finishes. Valid
  // whole code points leave the DFA where it started, in the accept state.
  const auto* tail = unfinished_tail(p, end);
  state_ = whole_code_points_valid(p, tail) ? run(utf8_accept, tail, end) : utf8_reject;
  return state_ != utf8_reject;
}

}  // namespace duplex
