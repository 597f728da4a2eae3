#include "duplex/subprotocol.hpp"

#include <cstddef>
#include <string_view>

#include "duplex/error.hpp"
#include "duplex/http_token.hpp"

namespace duplex {
namespace {

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

void validate_protocols(const std::vector<std::string>& protocols) {
  for (std::size_t i = 0; i < protocols.size(); ++i) {
    // RFC 6455 §4.1: "The elements that comprise this value MUST be non-empty
    // strings with characters in the range U+0021 to U+007E not including
    // separator characters as defined in [RFC2616] and MUST all be unique
    // strings." — i.e. each is an HTTP token.
    if (!is_token(protocols[i]))
      throw Error("SyntaxError", "subprotocol \"" + protocols[i] + "\" is not an HTTP token");
    // WHATWG: "If any of the values in protocols occur more than once ...";
    // Sec-WebSocket-Protocol values are compared ASCII case-insensitively by browsers.
    for (std::size_t j = 0; j < i; ++j)
      if (equal_ignoring_ascii_case(protocols[i], protocols[j]))
        throw Error("SyntaxError", "subprotocol \"" + protocols[i] + "\" is given twice");
  }
}

}  // namespace duplex
