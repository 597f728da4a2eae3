#pragma once
// Randomness is injected into the engine: masking keys and Sec-WebSocket-Key
// must come from a cryptographically strong source (RFC 6455 §5.3, §4.1).

#include <cstddef>
#include <functional>
#include <span>

namespace duplex::rfc6455 {

/// Fills its argument with cryptographically strong random bytes.
using RandomSource = std::function<void(std::span<std::byte>)>;

}  // namespace duplex::rfc6455
