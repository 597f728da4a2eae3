// RFC 6455 §5.5.1 Close bodies and the §7.4 status codes allowed on the wire.

#include "close_payload.hpp"

#include "duplex/rfc6455/error.hpp"
#include "duplex/utf8.hpp"

namespace duplex::rfc6455 {

bool is_valid_wire_close_code(std::uint16_t code) noexcept {
  // §7.4.2: "Status codes in the range 0-999 are not used." 1000–2999 are the
  // protocol's own; of those only the ones §7.4.1 defines for use in a Close
  // frame are valid. 1004 is reserved; 1005, 1006 and 1015 "MUST NOT be set as
  // a status code in a Close control frame by an endpoint"; 1012–1014 are
  // registered in the IANA WebSocket Close Code Number Registry.
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  // §7.4.2: 3000–3999 for libraries and frameworks, 4000–4999 for private use.
  return code >= 3000 && code <= 4999;
}

std::error_code parse_close_payload(std::string_view body, ClosePayload& out) {
  out = {};
  if (body.empty())
    return {};  // §7.1.5: "If there is no such data ... _The WebSocket Connection Close Code_ is considered to be
                // 1005."
  // §5.5.1: "If there is a body, the first two bytes of the body MUST be a
  // 2-byte unsigned integer ... representing a status code".
  if (body.size() == 1) return error::bad_close_payload;
  const auto code =
      static_cast<std::uint16_t>((static_cast<unsigned char>(body[0]) << 8) | static_cast<unsigned char>(body[1]));
  if (!is_valid_wire_close_code(code)) return error::bad_close_code;
  const std::string_view reason = body.substr(2);
  // §5.5.1: "the data MUST be UTF-8-encoded" (§8.1 failure: 1007).
  if (!is_valid_utf8(reason)) return error::invalid_close_reason;
  out.code = code;
  out.reason = std::string(reason);
  return {};
}

std::string build_close_payload(std::optional<std::uint16_t> code, std::string_view reason) {
  std::string body;
  if (!code) return body;
  body.reserve(2 + reason.size());
  body.push_back(static_cast<char>(*code >> 8));
  body.push_back(static_cast<char>(*code & 0xFF));
  body.append(reason);
  return body;
}

}  // namespace duplex::rfc6455
