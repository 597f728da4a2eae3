#pragma once
// Where OpenSSL looks for the system's CA certificates on Linux and other
// Unix (trust_store_openssl.cpp only).

#include "tls/trust_store.hpp"

namespace duplex::native {

/// The paths SSL_CTX_set_default_verify_paths would use now: OpenSSL's
/// built-in file and directory, or SSL_CERT_FILE and SSL_CERT_DIR in their place.
TrustPaths locate_openssl_trust_paths();

}  // namespace duplex::native
