#pragma once
// The system's CA certificates for client TLS contexts, read only when a
// verification needs them wherever the system allows it.

#include <openssl/ssl.h>

#include <string>

namespace duplex::native {

/// Where the system's CA certificates are: OpenSSL's built-in paths, or the
/// SSL_CERT_FILE and SSL_CERT_DIR environment variables that replace them.
struct SystemTrustPaths {
  std::string file;       ///< a PEM bundle
  std::string directory;  ///< certificates named by subject hash; may be a ':'-separated list
  /// The directory holds what the file holds: both are OpenSSL's built-in
  /// paths (under whatever names), or there is no file. A distribution fills
  /// the two from the same certificates (Debian's update-ca-certificates does).
  bool directory_mirrors_file = false;

  /// The paths SSL_CTX_set_default_verify_paths would use now.
  static SystemTrustPaths locate();
};

/// True if `directory` holds a certificate named the way OpenSSL's hashed
/// lookup finds it: eight hex digits of the subject hash, a dot, a number
/// ("5ad8a5d6.0", as c_rehash and Debian's update-ca-certificates make them).
bool is_hashed_certificate_directory(const std::string& directory);

/// Makes `context` trust the system's CA certificates at `paths`.
///
/// The bundle file is parsed whole when it is loaded: some 140 certificates,
/// about 25 ms of CPU for each context. A hashed directory holds the same
/// certificates one per file, and OpenSSL reads from it only the issuers a
/// verification looks up, once each. So when the directory mirrors the file
/// and is hashed, only the directory is added; otherwise both, as
/// SSL_CTX_set_default_verify_paths does.
void trust_system_store(SSL_CTX* context, const SystemTrustPaths& paths = SystemTrustPaths::locate());

}  // namespace duplex::native
