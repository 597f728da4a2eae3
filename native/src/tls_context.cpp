#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

#include "tls/trust_store.hpp"
#include "tls_session_resumption.hpp"

namespace duplex::native {
namespace ssl = boost::asio::ssl;

bool needs_own_tls_context(const Options& options) {
  return !options.ca_file.empty() || !options.client_certificate_file.empty() || !options.client_key_file.empty() ||
         !options.ca_pem.empty() || !options.client_certificate_pem.empty() || !options.client_key_pem.empty() ||
         options.min_tls_version != Options::TlsVersion::tls1_2 || options.insecure_skip_certificate_verification;
}

namespace {

void load(const char* what, const std::string& file, const std::function<void(boost::system::error_code&)>& step) {
  boost::system::error_code ec;
  step(ec);
  if (ec) throw std::runtime_error(std::string("cannot load ") + what + " '" + file + "': " + ec.message());
}

void load_client_certificate(ssl::context& context, const Options& options) {
  const bool files = !options.client_certificate_file.empty() || !options.client_key_file.empty();
  const bool pem = !options.client_certificate_pem.empty() || !options.client_key_pem.empty();
  if (files && pem) throw std::runtime_error("a client certificate comes from files or from PEM text, not both");
  if (options.client_certificate_file.empty() != options.client_key_file.empty())
    throw std::runtime_error("a client certificate needs both a certificate file and a key file");
  if (options.client_certificate_pem.empty() != options.client_key_pem.empty())
    throw std::runtime_error("a client certificate needs both certificate and key PEM text");
  if (!options.client_certificate_file.empty()) {
    load("client certificate", options.client_certificate_file,
         [&](auto& e) { context.use_certificate_chain_file(options.client_certificate_file, e); });
    load("client key", options.client_key_file,
         [&](auto& e) { context.use_private_key_file(options.client_key_file, ssl::context::pem, e); });
  }
  if (!options.client_certificate_pem.empty()) {
    load("client certificate", "(client_certificate_pem)",
         [&](auto& e) { context.use_certificate_chain(boost::asio::buffer(options.client_certificate_pem), e); });
    load("client key", "(client_key_pem)",
         [&](auto& e) { context.use_private_key(boost::asio::buffer(options.client_key_pem), ssl::context::pem, e); });
  }
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const Options& options) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  const bool tls13 = options.min_tls_version == Options::TlsVersion::tls1_3;
  SSL_CTX_set_min_proto_version(context->native_handle(), tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
  // An idle connection keeps no read or write buffer (about 17 KiB each):
  // OpenSSL frees them whenever they are empty and allocates them again for
  // the next record.
  SSL_CTX_set_mode(context->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  // DANGER (see Options::insecure_skip_certificate_verification): no check at all.
  const bool verify = !options.insecure_skip_certificate_verification;
  context->set_verify_mode(verify ? ssl::verify_peer : ssl::verify_none);
  trust_system_store(context->native_handle());  // as a browser does
  if (!options.ca_file.empty())
    load("CA file", options.ca_file, [&](auto& e) { context->load_verify_file(options.ca_file, e); });
  if (!options.ca_pem.empty())
    load("CA certificates", "(ca_pem)",
         [&](auto& e) { context->add_certificate_authority(boost::asio::buffer(options.ca_pem), e); });
  load_client_certificate(*context, options);
  enable_tls_session_resumption(context->native_handle());
  return context;
}

void prepare_tls_session(SSL* ssl, const std::string& host, const Options& options) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (!ec) {
    // An IP literal: verify it against the certificate's iPAddress names; no SNI
    // ("Literal IPv4 and IPv6 addresses are not permitted in HostName", RFC 6066 §3).
    if (!options.insecure_skip_certificate_verification)
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    return;
  }
  SSL_set_tlsext_host_name(ssl, host.c_str());
  if (options.insecure_skip_certificate_verification) return;  // SNI still names the host
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  SSL_set1_host(ssl, host.c_str());
}

errc certificate_error_kind(long verify_result) noexcept {
  switch (verify_result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return errc::tls_certificate_expired;
    // RFC 6125 §6: the certificate's identifiers do not match the URL's host.
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return errc::tls_certificate_wrong_host;
    // No path from the certificate to a trusted CA.
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return errc::tls_certificate_unknown_issuer;
    case X509_V_ERR_CERT_REVOKED:
      return errc::tls_certificate_revoked;
    default:
      return errc::tls_certificate_invalid;
  }
}

Failure tls_failure(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return Failure(certificate_error_kind(verify),
                   std::string("TLS certificate verification failed: ") + X509_verify_cert_error_string(verify));
  return Failure(errc::tls_handshake, "TLS handshake failed: " + ec.message());
}

}  // namespace duplex::native
