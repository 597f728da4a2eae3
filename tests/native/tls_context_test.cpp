// The kind of each certificate verification result (tls_context.hpp); the
// real certificates behind the common ones are in error_kinds_test.cpp.

#include "tls_context.hpp"

#include <openssl/x509_vfy.h>

#include <catch2/catch.hpp>

namespace duplex::native {

TEST_CASE("each X509 verification result has its certificate kind", "[native][tls][errors]") {
  struct Case {
    long result;
    errc kind;
  };
  const auto c = GENERATE(values<Case>({
      {X509_V_ERR_CERT_HAS_EXPIRED, errc::tls_certificate_expired},
      {X509_V_ERR_CERT_NOT_YET_VALID, errc::tls_certificate_expired},
      {X509_V_ERR_CRL_HAS_EXPIRED, errc::tls_certificate_expired},
      {X509_V_ERR_CRL_NOT_YET_VALID, errc::tls_certificate_expired},
      {X509_V_ERR_HOSTNAME_MISMATCH, errc::tls_certificate_wrong_host},
      {X509_V_ERR_IP_ADDRESS_MISMATCH, errc::tls_certificate_wrong_host},
      {X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, errc::tls_certificate_unknown_issuer},
      {X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, errc::tls_certificate_unknown_issuer},
      {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, errc::tls_certificate_unknown_issuer},
      {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, errc::tls_certificate_unknown_issuer},
      {X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, errc::tls_certificate_unknown_issuer},
      {X509_V_ERR_CERT_REVOKED, errc::tls_certificate_revoked},
      {X509_V_ERR_CERT_SIGNATURE_FAILURE, errc::tls_certificate_invalid},
      {X509_V_ERR_INVALID_CA, errc::tls_certificate_invalid},
      {X509_V_ERR_INVALID_PURPOSE, errc::tls_certificate_invalid},
  }));
  INFO(X509_verify_cert_error_string(c.result));
  CHECK(certificate_error_kind(c.result) == c.kind);
  CHECK(is_certificate_error(certificate_error_kind(c.result)));
}

}  // namespace duplex::native
