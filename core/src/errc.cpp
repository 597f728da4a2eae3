// The "duplex" error category: names, messages and the std::errc each value
// corresponds to, where one does.

#include "duplex/errc.hpp"

#include <string>

namespace duplex {
namespace {

struct Entry {
  errc value;
  const char* name;
  const char* message;
};

constexpr Entry entries[] = {
    {errc::unknown, "unknown", "the connection failed; the host gave no reason"},
    {errc::unavailable, "unavailable", "no WebSocket is available in this process"},
    {errc::aborted, "aborted", "closed before the connection was established"},
    {errc::host_refused, "host_refused", "the host's WebSocket failed the connection"},
    {errc::name_resolution, "name_resolution", "the host name did not resolve"},
    {errc::connection_refused, "connection_refused", "the server refused the connection"},
    {errc::connection_failed, "connection_failed", "the TCP connection could not be made"},
    {errc::connect_timeout, "connect_timeout", "the TCP connection timed out"},
    {errc::open_timeout, "open_timeout", "the opening handshake timed out"},
    {errc::tls_certificate_expired, "tls_certificate_expired", "the server's certificate has expired"},
    {errc::tls_certificate_wrong_host, "tls_certificate_wrong_host", "the server's certificate is for another host"},
    {errc::tls_certificate_unknown_issuer, "tls_certificate_unknown_issuer",
     "the server's certificate is not issued by a trusted authority"},
    {errc::tls_certificate_revoked, "tls_certificate_revoked", "the server's certificate has been revoked"},
    {errc::tls_certificate_invalid, "tls_certificate_invalid", "the server's certificate is not valid"},
    {errc::tls_handshake, "tls_handshake", "the TLS handshake failed"},
    {errc::tls_configuration, "tls_configuration", "the TLS settings could not be loaded"},
    {errc::proxy_refused, "proxy_refused", "the proxy refused the tunnel"},
    {errc::proxy_authentication, "proxy_authentication", "the proxy requires authentication"},
    {errc::handshake_status, "handshake_status", "the server refused the WebSocket handshake"},
    {errc::handshake_invalid, "handshake_invalid", "the server's handshake response is invalid"},
    {errc::protocol_violation, "protocol_violation", "the server violated the WebSocket protocol"},
    {errc::invalid_utf8, "invalid_utf8", "the server sent text that is not UTF-8"},
    {errc::invalid_data, "invalid_data", "the server sent invalid compressed data"},
    {errc::message_too_big, "message_too_big", "the server sent a message over the size limit"},
    {errc::policy_violation, "policy_violation", "the server keeps sending Pings without reading"},
    {errc::pong_timeout, "pong_timeout", "no pong arrived in time"},
    {errc::close_timeout, "close_timeout", "the closing handshake timed out"},
    {errc::going_away, "going_away", "the peer dropped the connection without a closing handshake"},
};

const Entry* find(int value) noexcept {
  for (const Entry& entry : entries)
    if (static_cast<int>(entry.value) == value) return &entry;
  return nullptr;
}

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "duplex"; }
  std::string message(int value) const override {
    const Entry* entry = find(value);
    return entry != nullptr ? entry->message : "unknown duplex error " + std::to_string(value);
  }
  std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<errc>(value)) {
      case errc::connection_refused:
        return std::errc::connection_refused;
      case errc::connect_timeout:
      case errc::open_timeout:
      case errc::pong_timeout:
      case errc::close_timeout:
        return std::errc::timed_out;
      case errc::message_too_big:
        return std::errc::message_size;
      case errc::going_away:
        return std::errc::connection_reset;
      case errc::aborted:
        return std::errc::operation_canceled;
      case errc::protocol_violation:
        return std::errc::protocol_error;
      case errc::unavailable:
        return std::errc::not_supported;
      default:
        return {value, *this};
    }
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

const char* errc_name(errc e) noexcept {
  const Entry* entry = find(static_cast<int>(e));
  return entry != nullptr ? entry->name : "?";
}

}  // namespace duplex
