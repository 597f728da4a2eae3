#pragma once
// The client's opening handshake (RFC 6455 §4.1, §4.2.2): build the request,
// parse and validate the response. Sans-IO: bytes in, verdict out.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "duplex/export.hpp"
#include "duplex/handshake_response.hpp"
#include "duplex/rfc6455/permessage_deflate.hpp"
#include "duplex/rfc6455/random_source.hpp"

namespace duplex::rfc6455 {

/// What goes into the opening handshake request.
struct HandshakeRequest {
  std::string host;                     ///< Host header value (with ":port" when not the default)
  std::string resource;                 ///< request target, "/" at least
  std::vector<std::string> protocols;   ///< Sec-WebSocket-Protocol offer, in order
  std::vector<std::string> extensions;  ///< Sec-WebSocket-Extensions offer (e.g. from permessage-deflate)
  std::string origin;                   ///< Origin header; empty: none
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra fields
};

/// §1.3 / §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
DUPLEX_API std::string compute_accept(std::string_view key);

/// One opening handshake, client side.
class DUPLEX_API ClientHandshake {
 public:
  enum class Status { need_more, done, failed };

  /// Picks a fresh 16-byte nonce from `random` (§4.1 item 7) and builds the request.
  ClientHandshake(HandshakeRequest request, const RandomSource& random);
  /// As above with a given Sec-WebSocket-Key (for tests with §1.3's vector).
  ClientHandshake(HandshakeRequest request, std::string key);

  /// The request bytes to write.
  const std::string& request_bytes() const noexcept { return request_bytes_; }
  const std::string& key() const noexcept { return key_; }

  /// Feed response bytes as they arrive, split anywhere. After `done`,
  /// `leftover()` holds the bytes after the header (the first frames).
  Status feed(std::span<const std::byte> bytes);

  Status status() const noexcept { return status_; }
  /// Why the handshake failed (a `duplex::rfc6455::error`).
  std::error_code error() const noexcept { return error_; }
  /// Human-readable detail, e.g. "server answered 403 Forbidden".
  const std::string& error_detail() const noexcept { return error_detail_; }
  /// Status code of the response once its status line is parsed, else 0.
  int status_code() const noexcept { return status_code_; }
  /// The response head (status, reason phrase, every header field in the
  /// order received) once it was parsed, whether the handshake then succeeded
  /// or failed (e.g. a 403, RFC 6455 §4.1 "the client handles the response
  /// per HTTP"); nothing before that or when the head was malformed or too
  /// large. Built on each call from the bytes kept.
  std::optional<HandshakeResponse> response() const;
  /// Selected subprotocol ("" if none) and accepted extensions (the header value, "" if none).
  const std::string& protocol() const noexcept { return protocol_; }
  const std::string& extensions() const noexcept { return extensions_; }
  /// The permessage-deflate parameters agreed on (RFC 7692 §7.1) if the server
  /// accepted a permessage-deflate element of `request.extensions`, else nullopt.
  const std::optional<DeflateParams>& permessage_deflate() const noexcept { return deflate_; }
  std::span<const std::byte> leftover() const noexcept;

 private:
  Status fail(std::error_code ec, std::string detail);
  Status validate();
  Status validate_extensions(std::string_view header);
  DeflateOffer offered_deflate() const;

  HandshakeRequest request_;
  std::string key_;
  std::string request_bytes_;
  std::string buffer_;          // response bytes received so far
  std::size_t header_end_ = 0;  // offset past "\r\n\r\n" once found
  Status status_ = Status::need_more;
  std::error_code error_;
  std::string error_detail_;
  int status_code_ = 0;
  std::string protocol_;
  std::string extensions_;
  std::optional<DeflateParams> deflate_;
};

}  // namespace duplex::rfc6455
