#pragma once
// Hex and base64 (RFC 4648 §4) for the command line's input and output of
// binary messages: small, exact, and strict about what they accept.

#include <optional>
#include <string>
#include <string_view>

namespace duplex::cli {

/// Lowercase hex digits of `bytes`, one space between bytes ("41 42") when
/// `spaced`, else none ("4142").
std::string hex_encode(std::string_view bytes, bool spaced = true);

/// The bytes of hex digits (either case); white space (space, tab, line
/// ends) may separate bytes, not the two digits of one byte. Nothing for any other character or an odd
/// digit count.
std::optional<std::string> hex_decode(std::string_view text);

/// Base64 of `bytes` with the standard alphabet and '=' padding (RFC 4648 §4).
std::string base64_encode(std::string_view bytes);

/// The bytes of base64 text (standard alphabet, RFC 4648 §4); the padding may
/// be left out. Nothing for a character outside the alphabet, padding in the
/// middle, a length no encoding produces, or non-zero bits after the last
/// byte (RFC 4648 §3.5: "decoders MAY chose to reject an encoding if the pad
/// bits have not been set to zero").
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace duplex::cli
