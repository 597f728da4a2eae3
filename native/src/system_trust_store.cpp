#include "system_trust_store.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cctype>
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

SystemTrustPaths SystemTrustPaths::locate() {
  SystemTrustPaths paths;
  paths.file = environment_or(X509_get_default_cert_file_env(), X509_get_default_cert_file());
  paths.directory = environment_or(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
  std::error_code ec;
  const bool no_file = !std::filesystem::exists(paths.file, ec);
  paths.directory_mirrors_file = same_file(paths.directory, X509_get_default_cert_dir()) &&
                                 (no_file || same_file(paths.file, X509_get_default_cert_file()));
  return paths;
}

bool is_hashed_certificate_directory(const std::string& directory) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec))
    if (is_hashed_certificate_name(it->path().filename().string())) return true;
  return false;
}

void trust_system_store(SSL_CTX* context, const SystemTrustPaths& paths) {
  // A ':'-separated list is OpenSSL's to walk; only a single directory is checked here.
  const bool single_directory = paths.directory.find(':') == std::string::npos;
  if (paths.directory_mirrors_file && single_directory && is_hashed_certificate_directory(paths.directory)) {
    SSL_CTX_load_verify_dir(context, paths.directory.c_str());
    return;
  }
  // Failures are not errors here: a system without a store has nothing to trust.
  if (!paths.file.empty()) SSL_CTX_load_verify_file(context, paths.file.c_str());
  if (!paths.directory.empty()) SSL_CTX_load_verify_dir(context, paths.directory.c_str());
  ERR_clear_error();
}

}  // namespace duplex::native
