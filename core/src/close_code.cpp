#include "duplex/close_code.hpp"

namespace duplex {

bool is_valid_api_close_code(std::uint16_t code) noexcept {
  // WHATWG WebSockets § close(): "If code is present, but is neither an integer
  // equal to 1000 nor an integer in the range 3000 to 4999, inclusive, throw an
  // "InvalidAccessError" DOMException."
  return code == 1000 || (code >= 3000 && code <= 4999);
}

}  // namespace duplex
