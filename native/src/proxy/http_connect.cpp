#include "proxy/http_connect.hpp"

#include <openssl/evp.h>

#include "rfc6455/http_response.hpp"

namespace duplex::native::proxy {
namespace {

// A proxy's answer to CONNECT is a short head; more is not a proxy we talk to.
constexpr std::size_t max_response_head = 16 * 1024;

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// "HTTP/" then a digit: RFC 9112 §2.3 HTTP-version.
bool looks_like_http(std::string_view text) {
  constexpr std::string_view prefix = "HTTP/";
  const std::size_t n = std::min(text.size(), prefix.size());
  if (text.substr(0, n) != prefix.substr(0, n)) return false;
  return text.size() <= prefix.size() || (text[prefix.size()] >= '0' && text[prefix.size()] <= '9');
}

}  // namespace

std::string http_connect_request(std::string_view host, std::uint16_t port,
                                 const std::optional<Credentials>& credentials) {
  // RFC 9110 §9.3.6: "the request-target consists of only the host name and
  // port number of the tunnel destination, separated by a colon".
  std::string authority = host.find(':') != std::string_view::npos ? "[" + std::string(host) + "]" : std::string(host);
  authority += ":" + std::to_string(port);
  std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (credentials) {
    // RFC 7617 §2: the user-id and password, separated by a single colon.
    request += "Proxy-Authorization: Basic " + base64(credentials->user + ":" + credentials->password) + "\r\n";
  }
  request += "\r\n";
  return request;
}

HttpConnectResponse::Status HttpConnectResponse::feed(std::span<const std::byte> bytes) {
  if (status_ != Status::need_more) return status_;
  const std::size_t old_size = buffer_.size();
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!looks_like_http(buffer_)) return failed(errc::proxy_refused, "proxy answered something that is not HTTP");
  const auto end = buffer_.find("\r\n\r\n", old_size < 3 ? 0 : old_size - 3);
  if (end == std::string::npos) {
    if (buffer_.size() > max_response_head)
      return failed(errc::proxy_refused, "proxy answered something that is not HTTP");
    return Status::need_more;
  }
  return finish_head(end);
}

HttpConnectResponse::Status HttpConnectResponse::finish_head(std::size_t head_end) {
  rfc6455::HttpResponseHead head;
  if (rfc6455::parse_response_head(std::string_view(buffer_).substr(0, head_end + 2), head))
    return failed(errc::proxy_refused, "proxy answered something that is not HTTP");
  status_code_ = head.status;
  // RFC 9110 §15.5.8: 407 "indicates that the client needs to authenticate
  // itself in order to use a proxy".
  // (Some proxies, tinyproxy among them, answer 401 instead.)
  if (head.status == 407 || head.status == 401) {
    const std::string code = "(" + std::to_string(head.status) + ")";
    if (sent_credentials_)
      return failed(errc::proxy_authentication, "proxy " + proxy_ + " rejected the credentials " + code);
    return failed(errc::proxy_authentication, "proxy requires authentication " + code);
  }
  if (head.status < 200 || head.status > 299) {
    std::string text = "proxy " + proxy_ + " refused CONNECT: " + std::to_string(head.status);
    if (!head.reason.empty()) text.append(" ").append(head.reason);
    return failed(errc::proxy_refused, std::move(text));
  }
  leftover_at_ = head_end + 4;
  status_ = Status::established;
  return status_;
}

HttpConnectResponse::Status HttpConnectResponse::failed(errc kind, std::string error) {
  error_kind_ = kind;
  error_ = std::move(error);
  status_ = Status::failed;
  return status_;
}

std::span<const std::byte> HttpConnectResponse::leftover() const noexcept {
  if (status_ != Status::established) return {};
  return std::as_bytes(std::span(buffer_)).subspan(leftover_at_);
}

}  // namespace duplex::native::proxy
