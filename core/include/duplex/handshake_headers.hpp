#pragma once
// Validation of the extra handshake header fields an application may add
// (Options::headers).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duplex/export.hpp"

namespace duplex {

/// True if `name` is a field the opening handshake itself writes and so may not
/// be given in Options::headers: Host, Upgrade, Connection, and every
/// Sec-WebSocket-* field (RFC 6455 §4.1), compared ignoring ASCII case.
DUPLEX_API bool is_handshake_owned_header(std::string_view name) noexcept;

/// True if `value` may be written as a header field value: no CR, LF or NUL
/// (which would end the field early or let it inject further fields).
DUPLEX_API bool is_valid_header_value(std::string_view value) noexcept;

/// Checks Options::headers before anything is sent: each name must be an
/// RFC 7230 token and not handshake-owned; no value may contain CR, LF or NUL
/// (which would let a value inject further fields).
/// Throws Error("SyntaxError") naming the offending field.
DUPLEX_API void validate_extra_headers(const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace duplex
