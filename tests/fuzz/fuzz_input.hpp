#pragma once
// Splits a fuzzer's input into a control part and the bytes to feed, so one
// input also decides where the data is cut into reads.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace duplex::fuzz {

/// The first byte of the input seeds the chunk sizes (1..64 bytes, or whole
/// when the seed is 0); the rest is the data.
inline std::vector<std::span<const std::byte>> split_input(const std::uint8_t* data, std::size_t size) {
  std::vector<std::span<const std::byte>> chunks;
  if (size == 0) return chunks;
  const std::uint8_t seed = data[0];
  std::span<const std::byte> rest(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  if (seed == 0) {
    chunks.push_back(rest);
    return chunks;
  }
  std::uint32_t state = seed;
  while (!rest.empty()) {
    state = state * 1103515245u + 12345u;  // a fixed LCG: the same input always splits the same way
    const std::size_t n = std::min<std::size_t>(rest.size(), 1 + (state >> 16) % 64);
    chunks.push_back(rest.first(n));
    rest = rest.subspan(n);
  }
  return chunks;
}

}  // namespace duplex::fuzz
