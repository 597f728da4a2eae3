#pragma once
// The system's CA certificates for client TLS contexts, read from where each
// platform keeps them. One declaration, one file per platform (CMake picks it):
//   trust_store_openssl.cpp  Linux and other Unix: OpenSSL's CA directory and bundle
//   trust_store_windows.cpp  Windows: the ROOT certificate store (crypt32)
//   trust_store_macos.cpp    macOS: the Security framework's anchor certificates
// trust_store.cpp holds what all three share.

#include <openssl/ssl.h>

#include <cstddef>
#include <optional>
#include <string>

namespace duplex::native {

/// Makes `context` trust the system's CA certificates, read where the platform
/// keeps them. On every platform SSL_CERT_FILE and SSL_CERT_DIR, when the user
/// sets either, name the certificates to trust instead, as OpenSSL defines
/// them. Failures are not errors: a system without a store has nothing to trust.
void trust_system_store(SSL_CTX* context);

/// CA certificates in files, as OpenSSL loads them.
struct TrustPaths {
  std::string file;       ///< a PEM bundle; empty for none
  std::string directory;  ///< certificates named by subject hash; may be a list; empty for none
  /// The directory holds what the file holds: both are OpenSSL's built-in
  /// paths (under whatever names), or there is no file. A distribution fills
  /// the two from the same certificates (Debian's update-ca-certificates does).
  bool directory_mirrors_file = false;
};

/// SSL_CERT_FILE and SSL_CERT_DIR (empty variables count as unset), or nullopt
/// when neither is set. A variable that is not set names nothing: OpenSSL's
/// built-in paths are not filled in (on Windows they are a directory any user
/// can create).
std::optional<TrustPaths> trust_paths_from_environment();

/// True if `directory` holds a certificate named the way OpenSSL's hashed
/// lookup finds it: eight hex digits of the subject hash, a dot, a number
/// ("5ad8a5d6.0", as c_rehash and Debian's update-ca-certificates make them).
bool is_hashed_certificate_directory(const std::string& directory);

/// Makes `context` trust the certificates at `paths`.
///
/// The bundle file is parsed whole when it is loaded: some 140 certificates,
/// about 25 ms of CPU for each context. A hashed directory holds the same
/// certificates one per file, and OpenSSL reads from it only the issuers a
/// verification looks up, once each. So when the directory mirrors the file
/// and is hashed, only the directory is added; otherwise both, as
/// SSL_CTX_set_default_verify_paths does. Missing files are not errors.
void load_trust_paths(SSL_CTX* context, const TrustPaths& paths);

/// Adds one DER-encoded certificate to `store` as a trust anchor. Returns
/// false (and leaves no OpenSSL error behind) if `der` is not one certificate.
bool add_der_certificate(X509_STORE* store, const unsigned char* der, std::size_t size);

}  // namespace duplex::native
