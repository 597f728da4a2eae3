#pragma once
// OpenSSL client contexts for wss://: peer verification against the system
// trust store, an optional extra CA file, an optional client certificate.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "duplex/failure.hpp"
#include "duplex/options.hpp"

namespace duplex::native {

/// True if `options` need a TLS context of their own (not the shared default one).
bool needs_own_tls_context(const Options& options);

/// Builds a client context (TLS 1.2+, or 1.3 with min_tls_version) that
/// verifies the peer: system trust store, plus `options.ca_file` and
/// `options.ca_pem`, with the client certificate/key (files or PEM) if given.
/// With `insecure_skip_certificate_verification` it verifies nothing.
/// Throws std::runtime_error naming the file and OpenSSL's reason on failure.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const Options& options);

/// Configures one TLS connection to `host`: SNI (not for IP literals, RFC 6066 §3)
/// and host name or IP verification of the certificate (RFC 6125), unless
/// `options.insecure_skip_certificate_verification`.
void prepare_tls_session(SSL* ssl, const std::string& host, const Options& options);

/// Why a TLS handshake failed: the kind (a tls_certificate_* errc named by
/// the certificate verification result, else errc::tls_handshake) and a
/// one-line message naming the certificate error ("certificate has expired",
/// "hostname mismatch", "unable to get local issuer certificate") when
/// verification is what failed.
Failure tls_failure(SSL* ssl, const boost::system::error_code& ec);

/// The kind of an X509 verification result (X509_V_ERR_*): expired or not yet
/// valid, wrong host, unknown issuer, revoked, or tls_certificate_invalid.
/// Precondition: `verify_result` != X509_V_OK.
errc certificate_error_kind(long verify_result) noexcept;

}  // namespace duplex::native
