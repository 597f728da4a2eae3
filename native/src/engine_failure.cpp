#include "engine_failure.hpp"

#include "duplex/rfc6455/error.hpp"

namespace duplex::native {
namespace {

using rfc6455::error;

errc kind_of(error e) noexcept {
  switch (e) {
    // RFC 6455 §4.1 (1): "If the status code received from the server is not
    // 101, the client handles the response per HTTP [RFC2616] procedures."
    case error::handshake_bad_status:
      return errc::handshake_status;
    // The server hung up before answering: the connection failed, not its answer.
    case error::handshake_eof:
    case error::unexpected_eof:
      return errc::connection_failed;
    // §4.1 (2)-(6): "... the client MUST _Fail the WebSocket Connection_."
    case error::handshake_malformed:
    case error::handshake_too_large:
    case error::handshake_bad_upgrade:
    case error::handshake_bad_connection:
    case error::handshake_bad_accept:
    case error::handshake_unrequested_protocol:
    case error::handshake_unrequested_extension:
    case error::handshake_bad_extension_params:
    case error::handshake_duplicate_extension:
      return errc::handshake_invalid;
    // §5 framing, §7.4 close codes, §5.5.1 "MUST NOT send any more data frames":
    // the server broke the protocol.
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
      return errc::protocol_violation;
    // §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds
    // that the byte stream is not, in fact, a valid UTF-8 stream, that
    // endpoint MUST _Fail the WebSocket Connection_." (a close reason too, §5.5.1)
    case error::invalid_utf8:
    case error::invalid_close_reason:
      return errc::invalid_utf8;
    case error::invalid_compressed_data:
      return errc::invalid_data;
    case error::message_too_big:
      return errc::message_too_big;
    case error::ping_flood:
      return errc::policy_violation;
  }
  return errc::unknown;
}

}  // namespace

Failure engine_failure(std::error_code ec, std::string detail) {
  if (ec.category() != rfc6455::error_category()) return Failure(errc::unknown, std::move(detail));
  const auto e = static_cast<error>(ec.value());
  Failure failure(kind_of(e), std::move(detail));
  // A frame after the server's Close: our Close had already gone out (with the
  // echo of the server's code), so no Close frame carries 1002 (error.hpp).
  const std::uint16_t sent = rfc6455::close_code_for(ec);
  if (sent != 1006 && e != error::frame_after_close) failure.close_code = sent;
  return failure;
}

Failure handshake_failure(const rfc6455::ClientHandshake& handshake) {
  Failure failure = engine_failure(handshake.error(), handshake.error_detail());
  if (failure.error == errc::handshake_status) failure.http_status = handshake.status_code();
  return failure;
}

}  // namespace duplex::native
