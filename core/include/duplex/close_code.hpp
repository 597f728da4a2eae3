#pragma once
// The close codes the WebSocket API's close() accepts. (Which codes a Close
// frame received from the peer may carry is a different rule, RFC 6455 §7.4,
// kept with the protocol engine.)

#include <cstdint>

#include "duplex/export.hpp"

namespace duplex {

/// True if `code` may be passed to `WebSocket::close()`: 1000, or 3000–4999
/// (WHATWG WebSockets § close(), step 1). Everything else makes close() throw
/// Error("InvalidAccessError").
DUPLEX_API bool is_valid_api_close_code(std::uint16_t code) noexcept;

}  // namespace duplex
