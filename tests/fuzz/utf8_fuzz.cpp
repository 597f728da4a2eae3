// libFuzzer target: the UTF-8 validator against a plain reference decoder
// (RFC 3629 §4 syntax), whole and fed incrementally in arbitrary pieces, and
// each piece's verdict against the one fed a byte at a time.

#include <cstdint>
#include <cstdlib>

#include "duplex/utf8.hpp"
#include "fuzz_input.hpp"

namespace {

// Straight from RFC 3629 §4's ABNF: no overlongs, no surrogates, ≤ U+10FFFF.
bool reference_valid(const std::uint8_t* s, std::size_t n) {
  std::size_t i = 0;
  auto tail = [&](std::size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  while (i < n) {
    const std::uint8_t c = s[i];
    if (c < 0x80) {
      i += 1;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF && tail(1)) {
      i += 2;
      continue;
    }
    if (c == 0xE0 && tail(1) && s[i + 1] >= 0xA0 && tail(2)) {
      i += 3;
      continue;
    }
    if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) && tail(1) && tail(2)) {
      i += 3;
      continue;
    }
    if (c == 0xED && tail(1) && s[i + 1] <= 0x9F && tail(2)) {
      i += 3;
      continue;
    }
    if (c == 0xF0 && tail(1) && s[i + 1] >= 0x90 && tail(2) && tail(3)) {
      i += 4;
      continue;
    }
    if (c >= 0xF1 && c <= 0xF3 && tail(1) && tail(2) && tail(3)) {
      i += 4;
      continue;
    }
    if (c == 0xF4 && tail(1) && s[i + 1] <= 0x8F && tail(2) && tail(3)) {
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool expected = reference_valid(data + 1, size - 1);
  const auto chunks = duplex::fuzz::split_input(data, size);
  std::span<const std::byte> whole(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  if (duplex::is_valid_utf8(whole) != expected) std::abort();
  // Each piece's verdict must equal the one fed a byte at a time, which the
  // DFA alone decides: a stream fails at the first piece whose bytes cannot
  // begin valid UTF-8 (RFC 6455 §8.1), whichever path checked the piece.
  duplex::Utf8Validator validator, bytewise;
  bool ok = true, bytewise_ok = true;
  for (auto chunk : chunks) {
    ok = validator.feed(chunk);
    for (std::size_t i = 0; i < chunk.size(); ++i) bytewise_ok = bytewise.feed(chunk.subspan(i, 1));
    if (ok != bytewise_ok) std::abort();
  }
  if ((ok && validator.complete()) != expected) std::abort();
  return 0;
}
