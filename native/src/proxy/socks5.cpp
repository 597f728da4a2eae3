#include "proxy/socks5.hpp"

#include <array>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <utility>

namespace duplex::native::proxy {
namespace {

constexpr char version = 0x05;
constexpr char method_none = 0x00;             // RFC 1928 §3: NO AUTHENTICATION REQUIRED
constexpr char method_password = 0x02;         // USERNAME/PASSWORD (RFC 1929)
constexpr unsigned char no_acceptable = 0xFF;  // NO ACCEPTABLE METHODS
constexpr char auth_version = 0x01;            // RFC 1929 §2: "the current version of the subnegotiation is X'01'"
constexpr char command_connect = 0x01;
constexpr char atyp_ipv4 = 0x01, atyp_domain = 0x03, atyp_ipv6 = 0x04;

unsigned char at(const std::string& s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

void append_port(std::string& out, std::uint16_t port) {
  out.push_back(static_cast<char>(port >> 8));
  out.push_back(static_cast<char>(port & 0xFF));
}

}  // namespace

std::string socks5_reply_text(std::uint8_t code) {
  switch (code) {
    case 0x00:
      return "succeeded";
    case 0x01:
      return "general SOCKS server failure";
    case 0x02:
      return "connection not allowed by ruleset";
    case 0x03:
      return "network unreachable";
    case 0x04:
      return "host unreachable";
    case 0x05:
      return "connection refused by destination host";
    case 0x06:
      return "TTL expired";
    case 0x07:
      return "command not supported";
    case 0x08:
      return "address type not supported";
    default:
      return "unassigned reply code " + std::to_string(code);
  }
}

Socks5Handshake::Socks5Handshake(std::string host, std::uint16_t port, std::optional<Credentials> credentials)
    : host_(std::move(host)), port_(port), credentials_(std::move(credentials)) {
  // RFC 1929 §2: ULEN and PLEN are one byte each.
  if (credentials_ &&
      (credentials_->user.empty() || credentials_->user.size() > 255 || credentials_->password.size() > 255)) {
    failed(errc::proxy_authentication, "SOCKS5 user name and password must be 1 to 255 bytes long");
    return;
  }
  // RFC 1928 §3: "The METHODS field contains the list of method identifier
  // octets that appear in the message."
  output_ = {version};
  if (credentials_) {
    output_ += {char{2}, method_none, method_password};
  } else {
    output_ += {char{1}, method_none};
  }
}

std::string Socks5Handshake::take_output() { return std::exchange(output_, {}); }

Socks5Handshake::Status Socks5Handshake::feed(std::span<const std::byte> bytes) {
  if (status_ != Status::need_more) return status_;
  input_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (;;) {
    const Status before = status_;
    const Step step = step_;
    if (step_ == Step::method)
      on_method();
    else if (step_ == Step::auth)
      on_auth();
    else if (step_ == Step::reply)
      on_reply();
    if (status_ != Status::need_more || (step == step_ && status_ == before)) return status_;
  }
}

// RFC 1928 §3: "The server selects from one of the methods given in METHODS,
// and sends a METHOD selection message: VER | METHOD".
Socks5Handshake::Status Socks5Handshake::on_method() {
  if (input_.size() < 2) return status_;
  if (input_[0] != version) return failed(errc::proxy_refused, "proxy answered something that is not SOCKS5");
  const unsigned char method = at(input_, 1);
  input_.erase(0, 2);
  if (method == no_acceptable)
    return failed(errc::proxy_authentication, credentials_ ? "SOCKS5 proxy accepts none of our authentication methods"
                                                           : "SOCKS5 proxy requires authentication");
  if (method == static_cast<unsigned char>(method_password) && credentials_) {
    // RFC 1929 §2: VER | ULEN | UNAME | PLEN | PASSWD
    output_ += auth_version;
    output_ += static_cast<char>(credentials_->user.size());
    output_ += credentials_->user;
    output_ += static_cast<char>(credentials_->password.size());
    output_ += credentials_->password;
    step_ = Step::auth;
    return status_;
  }
  if (method != static_cast<unsigned char>(method_none))
    return failed(errc::proxy_refused, "SOCKS5 proxy chose an authentication method we did not offer");
  queue_connect();
  return status_;
}

// RFC 1929 §2: "A STATUS field of X'00' indicates success. If the server
// returns a `failure' (STATUS value other than X'00') status, it MUST close
// the connection."
Socks5Handshake::Status Socks5Handshake::on_auth() {
  if (input_.size() < 2) return status_;
  const unsigned char result = at(input_, 1);
  input_.erase(0, 2);
  if (result != 0) return failed(errc::proxy_authentication, "SOCKS5 proxy rejected the user name or password");
  queue_connect();
  return status_;
}

// RFC 1928 §4: VER | CMD | RSV | ATYP | DST.ADDR | DST.PORT
void Socks5Handshake::queue_connect() {
  output_ += {version, command_connect, char{0}};
  boost::system::error_code not_v4, not_v6;
  const auto v4 = boost::asio::ip::make_address_v4(host_, not_v4);
  const auto v6 = boost::asio::ip::make_address_v6(host_, not_v6);
  if (!not_v4) {
    const auto bytes = v4.to_bytes();
    output_ += atyp_ipv4;
    output_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } else if (!not_v6 && v6.scope_id() == 0) {  // a zone ("%eth0") has no place in DST.ADDR
    const auto bytes = v6.to_bytes();
    output_ += atyp_ipv6;
    output_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } else {
    if (host_.empty() || host_.size() > 255) {
      failed(errc::proxy_refused, "host name '" + host_ + "' cannot go through SOCKS5 (1 to 255 bytes)");
      return;
    }
    // "the first octet of the address field contains the number of octets of
    // name that follow, there is no terminating NUL octet."
    output_ += atyp_domain;
    output_ += static_cast<char>(host_.size());
    output_ += host_;
  }
  append_port(output_, port_);
  step_ = Step::reply;
}

// The reply's size, once its ATYP (and a domain's length) have arrived; 0 if
// not known yet.
std::size_t Socks5Handshake::reply_size() const {
  if (input_.size() < 5) return 0;
  switch (input_[3]) {
    case atyp_ipv4:
      return 4 + 4 + 2;
    case atyp_ipv6:
      return 4 + 16 + 2;
    case atyp_domain:
      return 4 + 1 + at(input_, 4) + 2;
    default:
      return 0;
  }
}

// RFC 1928 §6: VER | REP | RSV | ATYP | BND.ADDR | BND.PORT
Socks5Handshake::Status Socks5Handshake::on_reply() {
  if (input_.size() < 2) return status_;
  if (input_[0] != version) return failed(errc::proxy_refused, "proxy answered something that is not SOCKS5");
  const unsigned char reply = at(input_, 1);
  // "When a reply (REP value other than X'00') indicates a failure, the SOCKS
  // server MUST terminate the TCP connection shortly after sending the reply."
  if (reply != 0) return failed(errc::proxy_refused, "SOCKS5 proxy: " + socks5_reply_text(reply));
  if (input_.size() >= 4 && input_[3] != atyp_ipv4 && input_[3] != atyp_ipv6 && input_[3] != atyp_domain)
    return failed(errc::proxy_refused, "proxy answered something that is not SOCKS5");
  const std::size_t size = reply_size();
  if (size == 0 || input_.size() < size) return status_;
  input_.erase(0, size);
  step_ = Step::done;
  status_ = Status::established;
  return status_;
}

Socks5Handshake::Status Socks5Handshake::failed(errc kind, std::string error) {
  error_kind_ = kind;
  error_ = std::move(error);
  status_ = Status::failed;
  output_.clear();
  return status_;
}

std::span<const std::byte> Socks5Handshake::leftover() const noexcept {
  if (status_ != Status::established) return {};
  return std::as_bytes(std::span(input_));
}

}  // namespace duplex::native::proxy
