#pragma once
// Client-to-server masking (RFC 6455 §5.3): octet i of the payload is XORed
// with octet (i MOD 4) of the 4-byte masking key.

#include <array>
#include <cstddef>
#include <span>

namespace duplex::rfc6455 {

using mask_key = std::array<std::byte, 4>;

/// XORs `data` in place with `key`, as if `data` started at payload offset
/// `offset` (so a payload can be masked in pieces). Word-at-a-time.
void apply_mask(std::span<std::byte> data, mask_key key, std::size_t offset = 0) noexcept;

/// The byte-at-a-time definition of §5.3, the reference for apply_mask.
void apply_mask_naive(std::span<std::byte> data, mask_key key, std::size_t offset = 0) noexcept;

}  // namespace duplex::rfc6455
