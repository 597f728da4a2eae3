#pragma once
// Negotiation of the permessage-deflate extension (RFC 7692 §5, §7.1): the
// client's offer and the validation of the server's response to it.

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "duplex/export.hpp"

namespace duplex::rfc6455 {

/// The extension token (RFC 7692 §7).
inline constexpr std::string_view permessage_deflate_token = "permessage-deflate";

/// What the client offers (RFC 7692 §7.1).
struct DeflateOffer {
  /// §7.1.2.2: offer `client_max_window_bits` (no value): the server may then
  /// limit the LZ77 window of our compressor.
  bool client_max_window_bits = true;
  /// §7.1.1.2: tell the server our compressor starts each message afresh.
  bool client_no_context_takeover = false;
  /// §7.1.1.1: ask the server to compress each message afresh.
  bool server_no_context_takeover = false;
};

/// The parameters in effect once the server accepted the extension.
struct DeflateParams {
  /// Our compressor resets its context after each message (§7.1.1.2).
  bool client_no_context_takeover = false;
  /// The server's compressor resets its context after each message (§7.1.1.1).
  bool server_no_context_takeover = false;
  /// Base-2 log of the largest LZ77 window our compressor may use (§7.1.2.2), 8–15.
  int client_max_window_bits = 15;
  /// Base-2 log of the largest LZ77 window the server's compressor uses (§7.1.2.1), 8–15.
  int server_max_window_bits = 15;
};

/// The Sec-WebSocket-Extensions element for `offer`, e.g.
/// "permessage-deflate; client_max_window_bits".
DUPLEX_API std::string deflate_offer_element(const DeflateOffer& offer);

/// Reads an element of our own offer back: nullopt if it is not a
/// permessage-deflate offer, else which of the parameters it carries.
DUPLEX_API std::optional<DeflateOffer> parse_deflate_offer(std::string_view element);

/// Validates one permessage-deflate element of the server's response against
/// the offer (RFC 7692 §7.1: unknown or duplicate parameters, bad values, and a
/// `client_max_window_bits` that was not offered are refused) and fills `out`.
/// Error: handshake_bad_extension_params, with `detail` saying why.
DUPLEX_API std::error_code parse_deflate_response(std::string_view element, const DeflateOffer& offer, DeflateParams& out,
                                       std::string& detail);

}  // namespace duplex::rfc6455
