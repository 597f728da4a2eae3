#pragma once
// The body of a Close frame (RFC 6455 §5.5.1) and the status codes a Close
// frame may carry on the wire (§7.4). This is the wire's validator; the API's
// (close() accepts 1000 or 3000–4999) lives in core/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace duplex::rfc6455 {

/// True if a received Close frame may carry `code` (§7.4.1, §7.4.2).
bool is_valid_wire_close_code(std::uint16_t code) noexcept;

/// A parsed Close body: no code (an empty body, reported as 1005) or code + reason.
struct ClosePayload {
  std::optional<std::uint16_t> code;
  std::string reason;
};

/// Parses and validates a received Close body. Errors: bad_close_payload (one
/// byte), bad_close_code, invalid_close_reason.
std::error_code parse_close_payload(std::string_view body, ClosePayload& out);

/// Builds a Close body: empty without a code, else the code in network byte
/// order followed by `reason`.
std::string build_close_payload(std::optional<std::uint16_t> code, std::string_view reason);

}  // namespace duplex::rfc6455
