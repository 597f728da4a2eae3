#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace duplex::native {
namespace ssl = boost::asio::ssl;

bool needs_own_tls_context(const Options& options) {
  return !options.ca_file.empty() || !options.client_certificate_file.empty() || !options.client_key_file.empty();
}

namespace {

void load(const char* what, const std::string& file, const std::function<void(boost::system::error_code&)>& step) {
  boost::system::error_code ec;
  step(ec);
  if (ec) throw std::runtime_error(std::string("cannot load ") + what + " '" + file + "': " + ec.message());
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const Options& options) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  context->set_default_verify_paths(ec);  // the system trust store, as a browser uses
  if (!options.ca_file.empty())
    load("CA file", options.ca_file, [&](auto& e) { context->load_verify_file(options.ca_file, e); });
  if (options.client_certificate_file.empty() != options.client_key_file.empty())
    throw std::runtime_error("a client certificate needs both a certificate file and a key file");
  if (!options.client_certificate_file.empty()) {
    load("client certificate", options.client_certificate_file,
         [&](auto& e) { context->use_certificate_chain_file(options.client_certificate_file, e); });
    load("client key", options.client_key_file,
         [&](auto& e) { context->use_private_key_file(options.client_key_file, ssl::context::pem, e); });
  }
  return context;
}

void prepare_tls_session(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (!ec) {
    // An IP literal: verify it against the certificate's iPAddress names; no SNI
    // ("Literal IPv4 and IPv6 addresses are not permitted in HostName", RFC 6066 §3).
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    return;
  }
  SSL_set_tlsext_host_name(ssl, host.c_str());
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  SSL_set1_host(ssl, host.c_str());
}

std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return std::string("TLS certificate verification failed: ") + X509_verify_cert_error_string(verify);
  return "TLS handshake failed: " + ec.message();
}

}  // namespace duplex::native
