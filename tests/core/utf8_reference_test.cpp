// The UTF-8 validators (SIMD where the CPU has it, the DFA elsewhere and for
// short input) against a plain reference decoder, over generated input: valid
// mixed text and every kind of ill-formed sequence at every position, at every
// alignment and length, whole and fed in pieces.

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "duplex/utf8.hpp"

using duplex::is_valid_utf8;
using duplex::Utf8Validator;

namespace {

std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

struct Verdict {
  bool valid;          // well-formed and ends on a code point boundary
  std::size_t viable;  // length of the longest prefix that can still become valid
};

// RFC 3629 §4 (the Unicode Standard's Table 3-7), byte by byte: the lead byte
// gives the length and the range of the second byte; the others are 80..BF.
Verdict reference(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    std::size_t len = 1;
    std::uint8_t lo = 0x80, hi = 0xBF;  // the second byte's range
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlongs
      hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      lo = c == 0xF0 ? 0x90 : 0x80;  // no overlongs
      hi = c == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    } else {
      return {false, i};  // 80..C1, F5..FF cannot start a code point
    }
    for (std::size_t k = 1; k < len; ++k) {
      if (i + k == s.size()) return {false, s.size()};  // cut short by the end
      const auto b = static_cast<std::uint8_t>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return {false, i + k};
    }
    i += len;
  }
  return {true, s.size()};
}

// A second, independent reading: decode each code point, then check its value.
bool decodes(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<std::uint8_t>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = cp << 6 | (b & 0x3F);
    }
    constexpr std::uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::string encode(std::uint32_t cp) {
  std::string s;
  auto put = [&](std::uint32_t b) { s += static_cast<char>(b); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | cp >> 6);
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | cp >> 12);
    put(0x80 | (cp >> 6 & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | cp >> 18);
    put(0x80 | (cp >> 12 & 0x3F));
    put(0x80 | (cp >> 6 & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
  return s;
}

// A code point: ASCII, or (with `non_ascii_percent` chance) one of 2, 3 or 4
// bytes, or one at the edge of a length or of the surrogates.
std::uint32_t random_code_point(std::mt19937& rng, int non_ascii_percent) {
  static constexpr std::uint32_t edges[] = {0x80,   0x7FF,  0x800,  0xFFF,   0x1000,  0xD7FF,
                                            0xE000, 0xFFFD, 0xFFFF, 0x10000, 0xFFFFF, 0x10FFFF};
  auto in = [&](std::uint32_t lo, std::uint32_t hi) {
    return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
  };
  if (static_cast<int>(in(0, 99)) >= non_ascii_percent) return in(0, 0x7F);
  switch (in(0, 3)) {
    case 0:
      return in(0x80, 0x7FF);
    case 1: {
      const std::uint32_t cp = in(0x800, 0xFFFF - 0x800);
      return cp < 0xD800 ? cp : cp + 0x800;  // skip the surrogates
    }
    case 2:
      return in(0x10000, 0x10FFFF);
    default:
      return edges[in(0, std::size(edges) - 1)];
  }
}

// Valid text of exactly `size` bytes (whole code points, ASCII-padded).
std::string valid_text(std::mt19937& rng, std::size_t size, int non_ascii_percent) {
  std::string s;
  for (;;) {
    const std::string next = encode(random_code_point(rng, non_ascii_percent));
    if (s.size() + next.size() > size) break;
    s += next;
  }
  s.resize(size, 'a');
  return s;
}

// Ill-formed sequences of every kind.
const std::vector<std::string>& bad_sequences() {
  static const std::vector<std::string> table = {
      // Overlong 2-byte forms; C0, C1 alone.
      "\xc0\x80", "\xc1\xbf", "\xc0", "\xc1",
      // Overlong 3- and 4-byte forms.
      "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
      // Surrogates.
      "\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xb0\x80",
      // Above U+10FFFF; F5..FF.
      "\xf4\x90\x80\x80", "\xf4\xbf\xbf\xbf", "\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf", "\xf8\x88\x80\x80",
      "\xfc\x84\x80\x80", "\xfe", "\xff",
      // Lone continuation bytes.
      "\x80", "\xbf", "\x80\x80\x80\x80",
      // Truncated sequences.
      "\xc2", "\xe2\x82", "\xe2", "\xf0\x9f\x98", "\xf4\x8f\xbf",
      // One continuation too many; a lead byte where a continuation belongs.
      "\xc2\x80\x80", "\xe2\x82\xac\x80", "\xf0\x9f\x98\x80\x80", "\xc2\xc2\x80", "\xe2\xe2\x82\xac",
      "\xf0\x9f\xf0\x9f\x98\x80"};
  return table;
}

// Counts disagreements and keeps the first one's description.
struct Mismatches {
  std::size_t count = 0;
  std::string first;
  void check(bool ok, const std::function<std::string()>& describe) {
    if (ok) return;
    if (count++ == 0) first = describe();
  }
};

std::string hex(std::string_view s) {
  std::ostringstream out;
  out << s.size() << " bytes:";
  for (char c : s) out << ' ' << std::hex << static_cast<unsigned>(static_cast<std::uint8_t>(c));
  return out.str();
}

// Validates `s` placed at `offset` into a 64-aligned buffer whose bytes before
// it are F0 (which would need continuations) and after it 80 (a continuation):
// a validator that looks outside its input sees them and errs.
bool whole_verdict_at(std::string_view s, std::size_t offset) {
  alignas(64) static char buffer[64 + 1024 + 64];
  std::memset(buffer, 0xF0, offset);
  std::memcpy(buffer + offset, s.data(), s.size());
  std::memset(buffer + offset + s.size(), 0x80, 64);
  return is_valid_utf8(std::string_view(buffer + offset, s.size()));
}

// Checks the whole verdict on `s` at every alignment 0..63.
void check_whole_everywhere(Mismatches& m, std::string_view s) {
  const bool expected = reference(s).valid;
  for (std::size_t offset = 0; offset < 64; ++offset) {
    m.check(whole_verdict_at(s, offset) == expected,
            [&] { return "whole, offset " + std::to_string(offset) + ", " + hex(s); });
  }
}

// Feeds `s` in two pieces split at every point: the first piece must fail
// exactly when it cannot be the start of valid UTF-8 (RFC 6455 §8.1).
void check_two_pieces(Mismatches& m, std::string_view s) {
  const Verdict r = reference(s);
  for (std::size_t at = 0; at <= s.size(); ++at) {
    Utf8Validator v;
    const bool first = v.feed(bytes_of(s.substr(0, at)));
    const bool second = v.feed(bytes_of(s.substr(at)));
    m.check(first == (at <= r.viable) && second == (r.viable == s.size()) && v.complete() == r.valid,
            [&] { return "split at " + std::to_string(at) + ", " + hex(s); });
  }
}

// Feeds `s` one byte at a time, then in pieces of random sizes (1..100).
void check_small_pieces(Mismatches& m, std::string_view s, std::mt19937& rng) {
  const Verdict r = reference(s);
  Utf8Validator v;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool ok = v.feed(bytes_of(s.substr(i, 1)));
    m.check(ok == (i < r.viable), [&] { return "byte " + std::to_string(i) + " alone, " + hex(s); });
  }
  m.check(v.complete() == r.valid, [&] { return "bytewise at the end, " + hex(s); });
  v.reset();
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 100)(rng);
    const bool ok = v.feed(bytes_of(s.substr(at, n)));
    at = std::min(s.size(), at + n);
    m.check(ok == (at <= r.viable), [&] { return "piece ending at " + std::to_string(at) + ", " + hex(s); });
  }
  m.check(v.complete() == r.valid, [&] { return "pieces at the end, " + hex(s); });
}

// `bad` at byte `pos` of otherwise valid text, followed by `tail` valid bytes.
std::string with_bad_sequence(std::mt19937& rng, std::string_view bad, std::size_t pos, std::size_t tail) {
  return valid_text(rng, pos, 50) + std::string(bad) + valid_text(rng, tail, 50);
}

#define REQUIRE_NO_MISMATCH(m) \
  do {                         \
    INFO((m).first);           \
    CHECK((m).count == 0);     \
  } while (false)

}  // namespace

TEST_CASE("the UTF-8 reference decoder agrees with decoding code points", "[utf8]") {
  // Every string of up to 4 bytes drawn from the bytes at the edges of the
  // ranges that matter, plus every 1- and 2-byte string.
  static constexpr std::uint8_t edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                           0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                           0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF};
  Mismatches m;
  std::string s;
  std::function<void(std::size_t)> all = [&](std::size_t left) {
    m.check(reference(s).valid == decodes(s), [&] { return hex(s); });
    if (left == 0) return;
    for (std::uint8_t b : edges) {
      s.push_back(static_cast<char>(b));
      all(left - 1);
      s.pop_back();
    }
  };
  all(4);
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      const std::string two{static_cast<char>(a), static_cast<char>(b)};
      m.check(reference(two).valid == decodes(two), [&] { return hex(two); });
    }
  }
  REQUIRE_NO_MISMATCH(m);
}

TEST_CASE("is_valid_utf8 agrees with the reference on short strings across block edges", "[utf8]") {
  static constexpr std::uint8_t edges[] = {0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                                           0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF};
  Mismatches m;
  // Placed so that they cross 16-, 32- and 64-byte edges, and end the input.
  for (std::size_t lead : {0, 13, 30, 62, 63, 95}) {
    for (std::uint8_t a : edges) {
      for (std::uint8_t b : edges) {
        for (std::uint8_t c : edges) {
          for (std::uint8_t d : edges) {
            std::string s(lead, ' ');
            s += {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)};
            for (std::size_t cut = lead; cut <= s.size(); ++cut) {
              const std::string_view t(s.data(), cut);
              m.check(whole_verdict_at(t, 0) == reference(t).valid, [&] { return hex(t); });
            }
            s += "   ";
            m.check(whole_verdict_at(s, 0) == reference(s).valid, [&] { return hex(s); });
          }
        }
      }
    }
  }
  REQUIRE_NO_MISMATCH(m);
}

TEST_CASE("is_valid_utf8 on valid mixed text: every length 0..300 at every alignment", "[utf8]") {
  std::mt19937 rng(6455);
  Mismatches m;
  for (int percent : {0, 1, 10, 50, 90, 100}) {
    for (int round = 0; round < 3; ++round) {
      const std::string text = valid_text(rng, 300, percent);
      // Prefixes: whole code points are valid; one cut inside a code point is
      // truncated at the end.
      for (std::size_t len = 0; len <= text.size(); ++len)
        check_whole_everywhere(m, std::string_view(text).substr(0, len));
    }
  }
  REQUIRE_NO_MISMATCH(m);
}

TEST_CASE("is_valid_utf8 on every kind of ill-formed sequence at every position and alignment", "[utf8]") {
  std::mt19937 rng(3629);
  Mismatches m;
  std::size_t inputs = 0, invalid = 0;
  for (const std::string& bad : bad_sequences()) {
    for (std::size_t pos = 0; pos <= 300 - bad.size(); ++pos) {
      // Varying distances to the end, down to none (a sequence cut short by it).
      const std::string s = with_bad_sequence(rng, bad, pos, pos % 67);
      ++inputs;
      if (!reference(s).valid) ++invalid;
      check_whole_everywhere(m, s);
    }
  }
  REQUIRE_NO_MISMATCH(m);
  CHECK(invalid == inputs);  // valid text never starts with a continuation byte
}

TEST_CASE("Utf8Validator fails exactly when the bytes so far cannot become valid UTF-8", "[utf8]") {
  std::mt19937 rng(8259);
  Mismatches m;
  for (int percent : {0, 10, 60, 100}) {
    for (std::size_t size : {40, 100, 300}) {
      const std::string text = valid_text(rng, size, percent);
      check_two_pieces(m, text);
      check_small_pieces(m, text, rng);
    }
  }
  for (const std::string& bad : bad_sequences()) {
    for (std::size_t pos = 0; pos <= 300 - bad.size(); pos += 7) {
      const std::string s = with_bad_sequence(rng, bad, pos, (pos * 13) % 120);
      check_two_pieces(m, s);
      check_small_pieces(m, s, rng);
    }
  }
  REQUIRE_NO_MISMATCH(m);
}

TEST_CASE("Utf8Validator split at every pair of points agrees with the reference", "[utf8]") {
  std::mt19937 rng(1007);
  Mismatches m;
  std::vector<std::string> inputs;
  for (int percent : {10, 70, 100}) inputs.push_back(valid_text(rng, 90, percent));
  for (const char* bad : {"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80"})
    inputs.push_back(with_bad_sequence(rng, bad, 45, 40));
  for (const std::string& s : inputs) {
    const Verdict r = reference(s);
    for (std::size_t i = 0; i <= s.size(); ++i) {
      for (std::size_t j = i; j <= s.size(); ++j) {
        Utf8Validator v;
        const bool a = v.feed(bytes_of(std::string_view(s).substr(0, i)));
        const bool b = v.feed(bytes_of(std::string_view(s).substr(i, j - i)));
        const bool c = v.feed(bytes_of(std::string_view(s).substr(j)));
        m.check(a == (i <= r.viable) && b == (j <= r.viable) && c == (r.viable == s.size()) && v.complete() == r.valid,
                [&] { return "split at " + std::to_string(i) + " and " + std::to_string(j) + ", " + hex(s); });
      }
    }
  }
  REQUIRE_NO_MISMATCH(m);
}
