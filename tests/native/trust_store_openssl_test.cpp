// Linux and other Unix: the system trust store is where OpenSSL was built to
// find it, or where SSL_CERT_FILE / SSL_CERT_DIR say
// (native/src/tls/trust_store_openssl.hpp).

#include "tls/trust_store_openssl.hpp"

#include <openssl/x509.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "support/peers.hpp"
#include "support/proxies.hpp"

namespace duplex::test {

using native::locate_openssl_trust_paths;
namespace fs = std::filesystem;

TEST_CASE("locate_openssl_trust_paths follows SSL_CERT_FILE and SSL_CERT_DIR", "[native][tls]") {
  const auto& certs = test_certificates();
  const std::string built_in_file = X509_get_default_cert_file(), built_in_directory = X509_get_default_cert_dir();
  {
    // The built-in paths, named through the environment (as some systems do).
    ScopedEnv file("SSL_CERT_FILE", built_in_file);
    ScopedEnv directory("SSL_CERT_DIR", built_in_directory);
    const auto paths = locate_openssl_trust_paths();
    CHECK(paths.file == built_in_file);
    CHECK(paths.directory == built_in_directory);
    CHECK(paths.directory_mirrors_file == fs::is_directory(built_in_directory));
  }
  {
    ScopedEnv file("SSL_CERT_FILE", certs.ca);  // a bundle of one's own
    ScopedEnv directory("SSL_CERT_DIR", built_in_directory);
    const auto paths = locate_openssl_trust_paths();
    CHECK(paths.file == certs.ca);
    CHECK_FALSE(paths.directory_mirrors_file);
  }
  {
    ScopedEnv file("SSL_CERT_FILE", built_in_file);
    ScopedEnv directory("SSL_CERT_DIR", certs.dir);  // a directory of one's own
    const auto paths = locate_openssl_trust_paths();
    CHECK(paths.directory == certs.dir);
    CHECK_FALSE(paths.directory_mirrors_file);
  }
}

}  // namespace duplex::test
