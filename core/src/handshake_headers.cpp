#include "duplex/handshake_headers.hpp"

#include <array>
#include <cstddef>

#include "duplex/error.hpp"
#include "duplex/http_token.hpp"

namespace duplex {
namespace {

bool starts_with_ignoring_ascii_case(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;  // `prefix` is lower case
  }
  return true;
}

bool equals_ignoring_ascii_case(std::string_view s, std::string_view lower) noexcept {
  return s.size() == lower.size() && starts_with_ignoring_ascii_case(s, lower);
}

}  // namespace

bool is_handshake_owned_header(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 3> owned{"host", "upgrade", "connection"};
  for (std::string_view o : owned)
    if (equals_ignoring_ascii_case(name, o)) return true;
  return starts_with_ignoring_ascii_case(name, "sec-websocket-");
}

bool is_valid_header_value(std::string_view value) noexcept {
  // RFC 7230 §3.2.4: a field value does not contain CR or LF (obs-fold is
  // deprecated); NUL is never valid in a field.
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void validate_extra_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    // RFC 7230 §3.2: "header-field = field-name ":" OWS field-value OWS",
    // "field-name = token".
    if (!is_token(name)) throw Error("SyntaxError", "header name \"" + name + "\" is not an HTTP token");
    if (is_handshake_owned_header(name))
      throw Error("SyntaxError", "header \"" + name + "\" is written by the opening handshake itself");
    if (!is_valid_header_value(value))
      throw Error("SyntaxError", "header \"" + name + "\" has CR, LF or NUL in its value");
  }
}

}  // namespace duplex
