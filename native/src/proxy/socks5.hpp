#pragma once
// The client side of a SOCKS version 5 CONNECT (RFC 1928) with optional
// username/password authentication (RFC 1929), sans-IO: bytes to write out,
// the proxy's bytes in.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "proxy/http_connect.hpp"  // Credentials

namespace duplex::native::proxy {

/// One SOCKS5 negotiation for a tunnel to `host`:`port`. A host name goes to
/// the proxy as a domain name (ATYP 3: the proxy resolves it, "socks5h");
/// an IPv4 or IPv6 literal goes as an address (ATYP 1 or 4).
class Socks5Handshake {
 public:
  enum class Status { need_more, established, failed };

  Socks5Handshake(std::string host, std::uint16_t port, std::optional<Credentials> credentials);

  /// Bytes to write now (the greeting first, then what the answers call
  /// for); empty when waiting for the proxy. Each call takes them out.
  std::string take_output();
  /// Bytes from the proxy, split anywhere.
  Status feed(std::span<const std::byte> bytes);
  Status status() const noexcept { return status_; }
  /// Why it failed, for people ("SOCKS5 proxy: connection refused by
  /// destination host", RFC 1928 §6 names every reply code).
  const std::string& error() const noexcept { return error_; }
  /// Why it failed, as a kind: errc::proxy_authentication when the proxy
  /// wants credentials we lack, refuses ours, or ours cannot be sent (RFC
  /// 1929's one-byte lengths); errc::proxy_refused for every other failure.
  errc error_kind() const noexcept { return error_kind_; }
  /// Bytes that followed the proxy's CONNECT reply (tunnel data).
  std::span<const std::byte> leftover() const noexcept;

 private:
  enum class Step { method, auth, reply, done };
  Status on_method();
  Status on_auth();
  Status on_reply();
  void queue_connect();
  Status failed(errc kind, std::string error);
  std::size_t reply_size() const;

  std::string host_;
  std::uint16_t port_;
  std::optional<Credentials> credentials_;
  Step step_ = Step::method;
  std::string input_;
  std::string output_;
  std::string error_;
  errc error_kind_ = errc::proxy_refused;
  Status status_ = Status::need_more;
};

/// RFC 1928 §6's meaning of a reply code, e.g. 5 → "connection refused by
/// destination host".
std::string socks5_reply_text(std::uint8_t code);

}  // namespace duplex::native::proxy
