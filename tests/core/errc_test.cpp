// The "duplex" error category: names, messages, comparisons with
// std::error_code, and the std::errc conditions some values correspond to.

#include "duplex/errc.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <system_error>
#include <vector>

using duplex::errc;

namespace {

constexpr errc first = errc::unknown;
constexpr errc last = errc::going_away;

// Every value of the enumeration, in order.
std::vector<errc> all_values() {
  std::vector<errc> values;
  for (int v = static_cast<int>(first); v <= static_cast<int>(last); ++v) values.push_back(static_cast<errc>(v));
  return values;
}

}  // namespace

TEST_CASE("the category is named duplex", "[errc]") {
  CHECK(std::string(duplex::error_category().name()) == "duplex");
  const std::error_code ec = errc::connection_refused;  // is_error_code_enum: implicit
  CHECK(&ec.category() == &duplex::error_category());
  CHECK(ec.value() == static_cast<int>(errc::connection_refused));
  CHECK(static_cast<bool>(ec));
}

TEST_CASE("every value has its own non-empty message and its enumerator's name", "[errc]") {
  std::set<std::string> messages;
  std::set<std::string> names;
  for (const errc e : all_values()) {
    const std::error_code ec = e;
    INFO("value " << ec.value());
    CHECK_FALSE(ec.message().empty());
    CHECK(ec.message().find("unknown duplex error") == std::string::npos);
    CHECK(std::string(duplex::errc_name(e)) != "?");
    messages.insert(ec.message());
    names.insert(duplex::errc_name(e));
  }
  CHECK(messages.size() == all_values().size());
  CHECK(names.size() == all_values().size());
  CHECK(std::string(duplex::errc_name(errc::connection_refused)) == "connection_refused");
  CHECK(std::string(duplex::errc_name(errc::tls_certificate_expired)) == "tls_certificate_expired");
  CHECK(std::string(duplex::errc_name(errc::going_away)) == "going_away");
  // Values outside the enumeration.
  CHECK(std::string(duplex::errc_name(static_cast<errc>(0))) == "?");
  CHECK(std::string(duplex::errc_name(static_cast<errc>(static_cast<int>(last) + 1))) == "?");
  CHECK(duplex::error_category().message(9999).find("9999") != std::string::npos);
}

TEST_CASE("an error_code compares equal to its errc and to no other", "[errc]") {
  const std::error_code ec = duplex::make_error_code(errc::handshake_status);
  CHECK(ec == errc::handshake_status);
  CHECK(ec != errc::handshake_invalid);
  CHECK_FALSE(ec == errc::unknown);
  CHECK(std::error_code() != errc::unknown);  // no error is not errc::unknown
  // The same number in another category is another error.
  CHECK(std::error_code(static_cast<int>(errc::handshake_status), std::generic_category()) != errc::handshake_status);
}

TEST_CASE("default_error_condition maps to std::errc where one fits", "[errc]") {
  CHECK(std::error_code(errc::connection_refused) == std::errc::connection_refused);
  CHECK(std::error_code(errc::connect_timeout) == std::errc::timed_out);
  CHECK(std::error_code(errc::open_timeout) == std::errc::timed_out);
  CHECK(std::error_code(errc::pong_timeout) == std::errc::timed_out);
  CHECK(std::error_code(errc::close_timeout) == std::errc::timed_out);
  CHECK(std::error_code(errc::message_too_big) == std::errc::message_size);
  CHECK(std::error_code(errc::aborted) == std::errc::operation_canceled);
  CHECK(std::error_code(errc::protocol_violation) == std::errc::protocol_error);
  CHECK(std::error_code(errc::unavailable) == std::errc::not_supported);
  CHECK(std::error_code(errc::going_away) == std::errc::connection_reset);
  // And not to another one.
  CHECK(std::error_code(errc::connection_refused) != std::errc::timed_out);
  CHECK(std::error_code(errc::connect_timeout) != std::errc::connection_refused);
  // A value with no std::errc counterpart is its own condition.
  const std::error_condition own = duplex::error_category().default_error_condition(static_cast<int>(errc::handshake_status));
  CHECK(&own.category() == &duplex::error_category());
  CHECK(own.value() == static_cast<int>(errc::handshake_status));
  CHECK(std::error_code(errc::handshake_status) != std::errc::connection_refused);
}

TEST_CASE("is_certificate_error is true for the certificate kinds only", "[errc]") {
  const std::set<errc> certificate{errc::tls_certificate_expired, errc::tls_certificate_wrong_host,
                                   errc::tls_certificate_unknown_issuer, errc::tls_certificate_revoked,
                                   errc::tls_certificate_invalid};
  for (const errc e : all_values()) {
    INFO(duplex::errc_name(e));
    CHECK(duplex::is_certificate_error(e) == certificate.contains(e));
  }
  CHECK_FALSE(duplex::is_certificate_error(errc::tls_handshake));  // a TLS failure, not the certificate's
  static_assert(duplex::is_certificate_error(errc::tls_certificate_expired));  // constexpr
}
