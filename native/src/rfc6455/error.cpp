// The error category of the RFC 6455 engine and the close code each error
// causes (RFC 6455 §7.4.1).

#include "duplex/rfc6455/error.hpp"

namespace duplex::rfc6455 {
namespace {

class engine_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "duplex.rfc6455"; }

  std::string message(int value) const override {
    switch (static_cast<error>(value)) {
      case error::handshake_malformed:
        return "malformed opening handshake response";
      case error::handshake_too_large:
        return "opening handshake response too large";
      case error::handshake_bad_status:
        return "opening handshake status is not 101";
      case error::handshake_bad_upgrade:
        return "Upgrade header missing or not websocket";
      case error::handshake_bad_connection:
        return "Connection header missing or without Upgrade";
      case error::handshake_bad_accept:
        return "Sec-WebSocket-Accept missing or wrong";
      case error::handshake_unrequested_protocol:
        return "server selected a subprotocol not offered";
      case error::handshake_unrequested_extension:
        return "server selected an extension not offered";
      case error::handshake_eof:
        return "connection closed during the opening handshake";
      case error::handshake_bad_extension_params:
        return "server accepted permessage-deflate with bad parameters";
      case error::handshake_duplicate_extension:
        return "server accepted permessage-deflate more than once";
      case error::masked_frame:
        return "server sent a masked frame";
      case error::reserved_bits:
        return "reserved bits set without a negotiated extension";
      case error::reserved_opcode:
        return "reserved opcode";
      case error::fragmented_control:
        return "fragmented control frame";
      case error::control_too_long:
        return "control frame payload longer than 125 bytes";
      case error::unexpected_continuation:
        return "continuation frame without a message in progress";
      case error::expected_continuation:
        return "new data frame inside a fragmented message";
      case error::non_minimal_length:
        return "payload length not minimally encoded";
      case error::length_msb_set:
        return "64-bit payload length with the most significant bit set";
      case error::bad_close_payload:
        return "close frame with a 1-byte payload";
      case error::bad_close_code:
        return "close frame with a code not allowed on the wire";
      case error::frame_after_close:
        return "frame received after the server's Close frame";
      case error::invalid_utf8:
        return "text message is not valid UTF-8";
      case error::invalid_close_reason:
        return "close reason is not valid UTF-8";
      case error::invalid_compressed_data:
        return "compressed message is not valid DEFLATE data";
      case error::message_too_big:
        return "message exceeds the size limit";
      case error::ping_flood:
        return "peer keeps sending Pings while not reading our Pong";
      case error::unexpected_eof:
        return "connection closed without a closing handshake";
    }
    return "unknown duplex.rfc6455 error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const engine_category category;
  return category;
}

std::uint16_t close_code_for(std::error_code ec) noexcept {
  if (ec.category() != error_category()) return 1006;
  switch (static_cast<error>(ec.value())) {
    case error::masked_frame:
    case error::reserved_bits:
    case error::reserved_opcode:
    case error::fragmented_control:
    case error::control_too_long:
    case error::unexpected_continuation:
    case error::expected_continuation:
    case error::non_minimal_length:
    case error::length_msb_set:
    case error::bad_close_payload:
    case error::bad_close_code:
    case error::frame_after_close:
      return 1002;  // §7.4.1: "1002 indicates ... a protocol error"
    case error::invalid_utf8:
    case error::invalid_close_reason:
      return 1007;  // §7.4.1: "data within a message that was not consistent with the type"
    case error::invalid_compressed_data:
      // RFC 7692 names no code for undecodable data. The frames were well
      // formed; their payload is not what its RSV1 bit says it is, which is
      // what 1007 describes ("data within a message that was not consistent
      // with the type of the message"). npm ws sends 1007 here too.
      return 1007;
    case error::message_too_big:
      return 1009;  // §7.4.1: "a message that is too big for it to process"
    case error::ping_flood:
      return 1008;  // §7.4.1: "a message that violates its policy"
    default:
      return 1006;  // no Close frame is exchanged: reported as "closed abnormally"
  }
}

}  // namespace duplex::rfc6455
