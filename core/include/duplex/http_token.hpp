#pragma once
// The HTTP token grammar (RFC 7230 §3.2.6), shared by subprotocol names and
// header field names.

#include <string_view>

namespace duplex {

/// True if `c` is an RFC 7230 tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~".
constexpr bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~"))
    if (c == t) return true;
  return false;
}

/// True if `s` is an RFC 7230 token: `token = 1*tchar` (so never empty).
constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

}  // namespace duplex
