#pragma once
// Errors of the RFC 6455 engine. Every peer-caused error maps to the close code
// it causes (RFC 6455 §7.4.1).

#include <cstdint>
#include <string>
#include <system_error>

#include "duplex/export.hpp"

namespace duplex::rfc6455 {

enum class error {
  // opening handshake (RFC 6455 §4.1, client requirements 1–6): the connection fails (1006)
  handshake_malformed = 1,          ///< not parseable as an HTTP/1.1 response
  handshake_too_large,              ///< response header exceeds the limit
  handshake_bad_status,             ///< status other than 101
  handshake_bad_upgrade,            ///< Upgrade missing or not "websocket"
  handshake_bad_connection,         ///< Connection missing or without "Upgrade"
  handshake_bad_accept,             ///< Sec-WebSocket-Accept missing or wrong
  handshake_unrequested_protocol,   ///< a subprotocol the client did not offer
  handshake_unrequested_extension,  ///< an extension the client did not offer
  handshake_eof,                    ///< the peer closed before the handshake ended
  handshake_bad_extension_params,   ///< RFC 7692 §7.1: permessage-deflate response parameters refused
  handshake_duplicate_extension,    ///< RFC 7692 §5: permessage-deflate accepted more than once
  // framing (RFC 6455 §5): close 1002
  masked_frame,             ///< §5.1: a server MUST NOT mask frames
  reserved_bits,            ///< §5.2: RSV1–3 nonzero without an extension
  reserved_opcode,          ///< §5.2: opcodes 3–7, 0xB–0xF
  fragmented_control,       ///< §5.5: control frames MUST NOT be fragmented
  control_too_long,         ///< §5.5: control payload > 125 bytes
  unexpected_continuation,  ///< §5.4: continuation with no message started
  expected_continuation,    ///< §5.4: new data frame inside a fragmented message
  non_minimal_length,       ///< §5.2: "the minimal number of bytes MUST be used"
  length_msb_set,           ///< §5.2: 64-bit length with the most significant bit set
  bad_close_payload,        ///< §5.5.1: a 1-byte close body
  bad_close_code,           ///< §7.4: a code not allowed on the wire
  frame_after_close,        ///< §5.5.1: a frame after the server's Close frame (our Close is already
                            ///< queued or sent, so none carries 1002; the TCP connection is dropped)
  // payload (RFC 6455 §8.1): close 1007
  invalid_utf8,             ///< text message not UTF-8
  invalid_close_reason,     ///< close reason not UTF-8
  invalid_compressed_data,  ///< RFC 7692 §7.2.2: a compressed message is not valid DEFLATE data
  // size: close 1009
  message_too_big,  ///< message exceeds the configured limit
  // policy: close 1008
  ping_flood,  ///< Pings keep arriving while the peer does not take our Pong (it is not reading)
  // transport-level
  unexpected_eof,  ///< TCP closed without a closing handshake: 1006
};

DUPLEX_API const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), error_category()}; }

/// The close code a peer-caused error makes us send (1002, 1007, 1009), or
/// 1006 for errors that end the connection without a Close frame.
DUPLEX_API std::uint16_t close_code_for(std::error_code ec) noexcept;

}  // namespace duplex::rfc6455

template <>
struct std::is_error_code_enum<duplex::rfc6455::error> : std::true_type {};
