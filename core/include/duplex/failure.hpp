#pragma once
// duplex::Failure — why a connection failed, as a transport reports it and an
// `error` event carries it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "duplex/errc.hpp"

namespace duplex {

/// The detail of a failed connection (RFC 6455 §7.1.7 "Fail the WebSocket Connection").
struct Failure {
  Failure() = default;
  Failure(std::error_code error_, std::string message_) : error(error_), message(std::move(message_)) {}
  Failure(errc error_, std::string message_) : Failure(make_error_code(error_), std::move(message_)) {}

  /// What went wrong: a duplex::errc (errc::unknown when the backend cannot tell).
  std::error_code error = make_error_code(errc::unknown);
  /// For people, e.g. "cannot connect to 127.0.0.1:9: Connection refused".
  std::string message;
  /// The close code of the Close frame we sent because of the peer (1002,
  /// 1007, 1008, 1009), when we sent one.
  std::optional<std::uint16_t> close_code;
  /// errc::handshake_status: the HTTP status the server answered; else 0.
  int http_status = 0;
  /// The server's Retry-After (RFC 9110 §10.2.3) with a 429 or 503 answer,
  /// as a delay from when the answer arrived.
  std::optional<std::chrono::seconds> retry_after;
};

}  // namespace duplex
