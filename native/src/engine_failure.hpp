#pragma once
// The engine's errors (duplex::rfc6455::error) as the duplex::Failure an
// `error` event carries: which duplex::errc, and which close code we sent.

#include <string>
#include <system_error>

#include "duplex/failure.hpp"
#include "duplex/rfc6455/handshake.hpp"

namespace duplex::native {

/// The Failure for an engine error `error` with the message `detail`:
/// - framing errors and frame_after_close → protocol_violation;
///   invalid_utf8, invalid_close_reason → invalid_utf8;
///   invalid_compressed_data → invalid_data; message_too_big →
///   message_too_big; ping_flood → policy_violation;
/// - opening handshake errors: handshake_bad_status → handshake_status,
///   handshake_eof → connection_failed, every other → handshake_invalid;
/// - unexpected_eof → connection_failed; an error of another category → unknown.
/// close_code is the code of the Close frame the engine sent (RFC 6455 §7.1.7,
/// rfc6455::close_code_for); empty when none carried it (1006, and
/// frame_after_close, whose Close had gone out before). http_status stays 0.
Failure engine_failure(std::error_code error, std::string detail);

/// The Failure for a failed opening handshake (RFC 6455 §4.1): as
/// engine_failure, with http_status = the status of a non-101 answer.
/// Precondition: handshake.status() == failed.
Failure handshake_failure(const rfc6455::ClientHandshake& handshake);

}  // namespace duplex::native
