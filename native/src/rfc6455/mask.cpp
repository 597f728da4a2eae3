// RFC 6455 §5.3 masking, eight bytes per step.

#include "mask.hpp"

#include <cstdint>
#include <cstring>

namespace duplex::rfc6455 {

void apply_mask_naive(std::span<std::byte> data, mask_key key, std::size_t offset) noexcept {
  // §5.3: "transformed-octet-i = original-octet-i XOR masking-key-octet-j" with j = i MOD 4.
  for (std::size_t i = 0; i < data.size(); ++i) data[i] ^= key[(offset + i) % 4];
}

void apply_mask(std::span<std::byte> data, mask_key key, std::size_t offset) noexcept {
  std::byte* p = data.data();
  std::size_t n = data.size();
  std::size_t k = offset % 4;

  // Head: byte by byte until p is 8-byte aligned, so the word loop below never
  // straddles a cache line (the loads go through memcpy, so any alignment is legal).
  while (n != 0 && reinterpret_cast<std::uintptr_t>(p) % 8 != 0) {
    *p++ ^= key[k];
    k = (k + 1) % 4;
    --n;
  }

  // The key rotated so that its first byte applies to p, repeated to 8 bytes
  // in memory order: endianness does not matter.
  std::byte rotated[8];
  for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(k + i) % 4];
  std::uint64_t word_key;
  std::memcpy(&word_key, rotated, 8);

  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= word_key;
    std::memcpy(p, &word, 8);
    p += 8;
    n -= 8;
  }

  // Tail: 8 bytes consumed keep k where it was.
  for (std::size_t i = 0; i < n; ++i) p[i] ^= rotated[i];
}

}  // namespace duplex::rfc6455
