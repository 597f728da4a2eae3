// What every platform's trust store shares: certificates from files
// (SSL_CERT_FILE, SSL_CERT_DIR, OpenSSL's own paths) and from DER blobs
// (the Windows and macOS stores).

#include "tls/trust_store.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

namespace duplex::native {
namespace {

/// `variable`'s value, or nullopt when it is unset or empty.
std::optional<std::string> non_empty_environment(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

/// "<8 hex digits>.<digits>": a certificate (not a CRL, "<hash>.r<n>") in a hashed directory.
bool is_hashed_certificate_name(const std::string& name) {
  if (name.size() < 10 || name[8] != '.') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (i == 8) continue;
    const auto c = static_cast<unsigned char>(name[i]);
    if (i < 8 ? !std::isxdigit(c) : !std::isdigit(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<TrustPaths> trust_paths_from_environment() {
  auto file = non_empty_environment(X509_get_default_cert_file_env());
  auto directory = non_empty_environment(X509_get_default_cert_dir_env());
  if (!file && !directory) return std::nullopt;
  TrustPaths paths{file.value_or(""), directory.value_or(""), false};
  paths.directory_mirrors_file = paths.file.empty();  // nothing to mirror
  return paths;
}

bool is_hashed_certificate_directory(const std::string& directory) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec))
    if (is_hashed_certificate_name(it->path().filename().string())) return true;
  return false;
}

void load_trust_paths(SSL_CTX* context, const TrustPaths& paths) {
  // A list (':'-separated; ';' on Windows) is OpenSSL's to walk; only a single directory is checked here.
  const bool single_directory = paths.directory.find_first_of(":;") == std::string::npos;
  if (paths.directory_mirrors_file && single_directory && !paths.directory.empty() &&
      is_hashed_certificate_directory(paths.directory)) {
    SSL_CTX_load_verify_dir(context, paths.directory.c_str());
    return;
  }
  if (!paths.file.empty()) SSL_CTX_load_verify_file(context, paths.file.c_str());
  if (!paths.directory.empty()) SSL_CTX_load_verify_dir(context, paths.directory.c_str());
  ERR_clear_error();
}

bool add_der_certificate(X509_STORE* store, const unsigned char* der, std::size_t size) {
  const unsigned char* cursor = der;
  std::unique_ptr<X509, decltype(&X509_free)> certificate(d2i_X509(nullptr, &cursor, static_cast<long>(size)),
                                                          &X509_free);
  // X509_STORE_add_cert takes its own reference; a certificate already there is not an error.
  const bool added = certificate && cursor == der + size && X509_STORE_add_cert(store, certificate.get()) == 1;
  ERR_clear_error();
  return added;
}

}  // namespace duplex::native
