#pragma once
// HTTP CONNECT tunnels through a proxy (RFC 9110 §9.3.6), sans-IO: the request
// to write and a parser for the proxy's answer. Basic authentication per
// RFC 7617, sent up front as curl does (no 407 round trip).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "duplex/errc.hpp"

namespace duplex::native::proxy {

/// A user name and password for a proxy.
struct Credentials {
  std::string user;
  std::string password;
};

/// The CONNECT request for `host`:`port` (an IPv6 literal without brackets is
/// bracketed), with `Proxy-Authorization: Basic ...` when credentials are given.
std::string http_connect_request(std::string_view host, std::uint16_t port,
                                 const std::optional<Credentials>& credentials);

/// Reads the proxy's answer to CONNECT: "any 2xx (Successful) response
/// indicates that the sender (and all inbound proxies) will switch to tunnel
/// mode immediately after the response header section" (RFC 9110 §9.3.6).
class HttpConnectResponse {
 public:
  enum class Status { need_more, established, failed };

  /// `proxy` names the proxy in error texts ("127.0.0.1:3128");
  /// `sent_credentials` says whether the request carried Proxy-Authorization.
  explicit HttpConnectResponse(std::string proxy, bool sent_credentials = false)
      : proxy_(std::move(proxy)), sent_credentials_(sent_credentials) {}

  /// Bytes from the proxy, split anywhere. After `established`, bytes past
  /// the response head are in leftover().
  Status feed(std::span<const std::byte> bytes);
  /// Why it failed, for people: "proxy 127.0.0.1:3128 refused CONNECT: 403
  /// Forbidden", "proxy requires authentication (407)", "proxy 127.0.0.1:3128
  /// rejected the credentials (407)", "proxy answered something that is not HTTP".
  const std::string& error() const noexcept { return error_; }
  /// Why it failed, as a kind: errc::proxy_authentication for 407 (and the
  /// 401 some proxies send instead), errc::proxy_refused for any other
  /// refusal or an answer that is not HTTP.
  errc error_kind() const noexcept { return error_kind_; }
  /// The status code of the answer (0 before it was parsed).
  int status_code() const noexcept { return status_code_; }
  /// Bytes that followed the response head (tunnel data).
  std::span<const std::byte> leftover() const noexcept;

 private:
  Status finish_head(std::size_t head_end);
  Status failed(errc kind, std::string error);

  std::string proxy_;
  bool sent_credentials_ = false;
  std::string buffer_;
  std::size_t leftover_at_ = 0;
  int status_code_ = 0;
  std::string error_;
  errc error_kind_ = errc::proxy_refused;
  Status status_ = Status::need_more;
};

}  // namespace duplex::native::proxy
