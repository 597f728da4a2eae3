#include "duplex/utf8.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using duplex::is_valid_utf8;
using duplex::Utf8Validator;

namespace {

std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

struct Case {
  std::string bytes;
  bool valid;
  // For invalid input: length of the longest prefix that can still become
  // valid (the validator must fail at the byte after it). npos: only the end
  // of input makes it invalid (a truncated sequence).
  std::size_t fails_after;
};

constexpr auto at_end = std::string::npos;

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"", true, 0},
      {"hello, world", true, 0},
      {"\x7f", true, 0},
      {"\xc2\x80", true, 0},                                      // U+0080
      {"\xdf\xbf", true, 0},                                      // U+07FF
      {"\xe0\xa0\x80", true, 0},                                  // U+0800
      {"\xed\x9f\xbf", true, 0},                                  // U+D7FF
      {"\xee\x80\x80", true, 0},                                  // U+E000
      {"\xef\xbf\xbf", true, 0},                                  // U+FFFF
      {"\xf0\x90\x80\x80", true, 0},                              // U+10000
      {"\xf4\x8f\xbf\xbf", true, 0},                              // U+10FFFF
      {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", true, 0},  // κόσμε (Autobahn 6.2)
      {std::string(40, 'a') + "\xe2\x82\xac" + std::string(40, 'b'), true, 0},
      {"\xc0\x80", false, 0},                  // overlong NUL
      {"\xc1\xbf", false, 0},                  // overlong
      {"\xe0\x80\x80", false, 1},              // overlong 3-byte
      {"\xe0\x9f\xbf", false, 1},              // overlong U+07FF
      {"\xf0\x80\x80\x80", false, 1},          // overlong 4-byte
      {"\xf0\x8f\xbf\xbf", false, 1},          // overlong U+FFFF
      {"\xed\xa0\x80", false, 1},              // U+D800
      {"\xed\xbf\xbf", false, 1},              // U+DFFF
      {"\xf4\x90\x80\x80", false, 1},          // U+110000
      {"\xf5\x80\x80\x80", false, 0},          // beyond U+10FFFF
      {"\xf8\x88\x80\x80\x80", false, 0},      // 5-byte form
      {"\xfc\x84\x80\x80\x80\x80", false, 0},  // 6-byte form
      {"\xfe", false, 0},
      {"\xff", false, 0},
      {"\x80", false, 0},  // stray continuation
      {"a\xbf", false, 1},
      {"\xc2", false, at_end},          // truncated 2-byte
      {"\xe2\x82", false, at_end},      // truncated 3-byte
      {"\xf0\x9f\x98", false, at_end},  // truncated 4-byte
      {"\xe2\x82\x28", false, 2},       // continuation expected
      {"\xc2\xc2\x80", false, 1},
      {std::string(33, 'x') + "\xc3\x28", false, 34},
      {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64", false, 12},  // Autobahn 6.3
  };
  return table;
}

}  // namespace

TEST_CASE("is_valid_utf8 on a table of cases", "[utf8]") {
  for (const auto& c : cases()) {
    INFO("case of " << c.bytes.size() << " bytes, expected " << c.valid);
    CHECK(is_valid_utf8(c.bytes) == c.valid);
  }
}

TEST_CASE("incremental validation split at every point equals the whole verdict", "[utf8]") {
  for (const auto& c : cases()) {
    for (std::size_t i = 0; i <= c.bytes.size(); ++i) {
      Utf8Validator v;
      const bool ok = v.feed(bytes_of(std::string_view(c.bytes).substr(0, i))) &&
                      v.feed(bytes_of(std::string_view(c.bytes).substr(i)));
      INFO("split at " << i);
      CHECK((ok && v.complete()) == c.valid);
    }
    Utf8Validator v;
    bool ok = true;
    for (char ch : c.bytes) ok = v.feed(bytes_of(std::string_view(&ch, 1))) && ok;
    CHECK((ok && v.complete()) == c.valid);
  }
}

TEST_CASE("the validator fails at the first byte that cannot become valid", "[utf8]") {
  for (const auto& c : cases()) {
    if (c.valid) continue;
    INFO("case of " << c.bytes.size() << " bytes");
    Utf8Validator v;
    std::size_t i = 0;
    for (; i < c.bytes.size(); ++i) {
      if (!v.feed(bytes_of(std::string_view(c.bytes).substr(i, 1)))) break;
    }
    if (c.fails_after == at_end) {
      CHECK(i == c.bytes.size());
      CHECK_FALSE(v.complete());
    } else {
      CHECK(i == c.fails_after);
    }
  }
}

TEST_CASE("rejection sticks until reset", "[utf8]") {
  Utf8Validator v;
  CHECK_FALSE(v.feed(bytes_of("\xff")));
  CHECK_FALSE(v.feed(bytes_of("plain ascii")));
  CHECK_FALSE(v.complete());
  v.reset();
  CHECK(v.feed(bytes_of("plain ascii")));
  CHECK(v.complete());
}

TEST_CASE("every code point encodes to valid UTF-8, surrogates do not", "[utf8]") {
  auto encode = [](std::uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
  };
  std::size_t wrong = 0;
  for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (is_valid_utf8(encode(cp)) == surrogate) ++wrong;
  }
  CHECK(wrong == 0);
}

TEST_CASE("the ASCII fast path does not skip a non-ASCII byte at any position", "[utf8]") {
  for (std::size_t len = 1; len <= 40; ++len) {
    for (std::size_t pos = 0; pos < len; ++pos) {
      std::string s(len, 'a');
      s[pos] = '\x80';
      if (is_valid_utf8(s)) FAIL("len " << len << " pos " << pos);
    }
  }
  SUCCEED();
}
