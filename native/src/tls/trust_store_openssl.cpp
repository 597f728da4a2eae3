// Linux and other Unix: the system's CA certificates are where OpenSSL was
// built to find them (Debian: /etc/ssl/certs, a hashed directory, and
// /etc/ssl/certs/ca-certificates.crt, the same certificates as one bundle),
// unless SSL_CERT_FILE / SSL_CERT_DIR say otherwise.

#include "tls/trust_store_openssl.hpp"

#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace duplex::native {
namespace {

/// `variable`'s value, or `fallback` when it is not set.
std::string environment_or(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  return value ? value : fallback;
}

/// True if `a` and `b` name the same existing file or directory.
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

}  // namespace

TrustPaths locate_openssl_trust_paths() {
  TrustPaths paths;
  paths.file = environment_or(X509_get_default_cert_file_env(), X509_get_default_cert_file());
  paths.directory = environment_or(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
  std::error_code ec;
  const bool no_file = !std::filesystem::exists(paths.file, ec);
  paths.directory_mirrors_file = same_file(paths.directory, X509_get_default_cert_dir()) &&
                                 (no_file || same_file(paths.file, X509_get_default_cert_file()));
  return paths;
}

void trust_system_store(SSL_CTX* context) { load_trust_paths(context, locate_openssl_trust_paths()); }

}  // namespace duplex::native
