#include "rfc6455/mask.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using duplex::rfc6455::apply_mask;
using duplex::rfc6455::apply_mask_naive;
using duplex::rfc6455::mask_key;

namespace {

std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((i * 131 + 7) & 0xFF);
  return v;
}

const mask_key key{std::byte{0x37}, std::byte{0xfa}, std::byte{0x21}, std::byte{0x3d}};

}  // namespace

TEST_CASE("RFC 6455 §5.7: masking \"Hello\" with 37 fa 21 3d", "[mask]") {
  std::string hello = "Hello";
  apply_mask(std::as_writable_bytes(std::span(hello.data(), hello.size())), key);
  CHECK(hello == "\x7f\x9f\x4d\x51\x58");
}

TEST_CASE("fast mask equals the naive one at every alignment, length and key offset", "[mask]") {
  // A buffer with room to start the data at offsets 0..15 from an aligned base.
  alignas(16) std::byte base[16 + 300 + 16];
  for (std::size_t align = 0; align < 16; ++align) {
    for (std::size_t len = 0; len <= 300; ++len) {
      for (std::size_t offset : {0u, 1u, 2u, 3u, 5u}) {
        const auto data = pattern(len);
        std::vector<std::byte> expected = data;
        apply_mask_naive(expected, key, offset);
        std::copy(data.begin(), data.end(), base + align);
        apply_mask(std::span(base + align, len), key, offset);
        const bool same = std::equal(expected.begin(), expected.end(), base + align);
        if (!same) FAIL("align " << align << " len " << len << " offset " << offset);
      }
    }
  }
  SUCCEED();
}

TEST_CASE("masking twice restores the data, in place", "[mask]") {
  auto data = pattern(1000);
  const auto original = data;
  apply_mask(data, key);
  CHECK(data != original);
  apply_mask(data, key);
  CHECK(data == original);
}

TEST_CASE("masking in pieces with offsets equals masking whole", "[mask]") {
  auto whole = pattern(257);
  auto pieces = whole;
  apply_mask(whole, key);
  std::span<std::byte> rest(pieces);
  std::size_t done = 0;
  for (std::size_t n : {3u, 1u, 17u, 64u, 100u, 72u}) {
    apply_mask(rest.first(n), key, done);
    rest = rest.subspan(n);
    done += n;
  }
  REQUIRE(rest.empty());
  CHECK(whole == pieces);
}
