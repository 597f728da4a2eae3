// What every platform's trust store shares (native/src/tls/trust_store.hpp):
// a hashed certificate directory is read lazily, a bundle eagerly; the
// environment's SSL_CERT_FILE / SSL_CERT_DIR name certificates; DER blobs
// (as the Windows and macOS stores give them) become trust anchors.

#include "tls/trust_store.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "support/peers.hpp"
#include "support/proxies.hpp"

namespace duplex::test {
namespace {

using native::add_der_certificate;
using native::is_hashed_certificate_directory;
using native::load_trust_paths;
using native::trust_paths_from_environment;
using native::TrustPaths;
namespace fs = std::filesystem;

/// An empty directory of this test process's own, removed at the end.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& name)
      : path_(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDirectory() { fs::remove_all(path_); }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  std::string path() const { return path_.string(); }
  void add(const std::string& name, const std::string& from_file = {}) const {
    if (from_file.empty())
      std::ofstream(path_ / name) << "";
    else
      fs::copy_file(from_file, path_ / name);
  }

 private:
  fs::path path_;
};

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

X509Ptr read_certificate(const std::string& file) {
  std::FILE* f = std::fopen(file.c_str(), "r");
  REQUIRE(f);
  X509Ptr certificate(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  REQUIRE(certificate);
  return certificate;
}

/// The name OpenSSL's hashed lookup looks for: "<subject hash>.0".
std::string hashed_name(const std::string& certificate_file) {
  const auto certificate = read_certificate(certificate_file);
  char name[16];
  std::snprintf(name, sizeof name, "%08lx.0",
                X509_NAME_hash_ex(X509_get_subject_name(certificate.get()), nullptr, nullptr, nullptr));
  return name;
}

/// A client SSL_CTX, freed at the end.
struct Context {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()), &SSL_CTX_free};

  /// Certificates the trust store holds in memory so far.
  int certificates_in_memory() const {
    return sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx.get())));
  }
  /// X509_V_OK if `certificate_file` verifies against the trust store.
  long verify(const std::string& certificate_file) const {
    const auto certificate = read_certificate(certificate_file);
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> check(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
    REQUIRE(X509_STORE_CTX_init(check.get(), SSL_CTX_get_cert_store(ctx.get()), certificate.get(), nullptr) == 1);
    X509_verify_cert(check.get());
    return X509_STORE_CTX_get_error(check.get());
  }
};

}  // namespace

TEST_CASE("is_hashed_certificate_directory: only '<8 hex digits>.<n>' names count", "[native][tls]") {
  ScratchDirectory dir("duplex-hashed-names");
  CHECK_FALSE(is_hashed_certificate_directory(dir.path()));
  dir.add("ca-certificates.crt");
  dir.add("5ad8a5d6.r0");  // a CRL, not a certificate
  dir.add("5ad8a5d6.x");
  dir.add("5ad8a5g6.0");
  CHECK_FALSE(is_hashed_certificate_directory(dir.path()));
  dir.add("5ad8a5d6.0");
  CHECK(is_hashed_certificate_directory(dir.path()));
  CHECK_FALSE(is_hashed_certificate_directory(dir.path() + "/missing"));
}

// [nowine]: under Wine the bundle is parsed although the directory mirrors it
// (1 certificate in memory before any verification, not 0), so the lazy
// loading is not proven on Windows, where SSL_CERT_FILE / SSL_CERT_DIR are
// the only way to these paths.
TEST_CASE("load_trust_paths: a hashed directory is read only for the issuer a verification needs",
          "[native][tls][nowine]") {
  const auto& certs = test_certificates();
  ScratchDirectory dir("duplex-hashed-store");
  dir.add(hashed_name(certs.ca), certs.ca);
  Context context;
  load_trust_paths(context.ctx.get(), TrustPaths{certs.ca, dir.path(), true});
  CHECK(context.certificates_in_memory() == 0);  // the bundle was not parsed

  CHECK(context.verify(certs.server_cert) == X509_V_OK);
  CHECK(context.certificates_in_memory() == 1);  // the CA, read from the directory
  CHECK(context.verify(certs.client_cert) == X509_V_OK);
  CHECK(context.certificates_in_memory() == 1);  // and kept
  CHECK(context.verify(certs.self_cert) != X509_V_OK);
}

TEST_CASE("load_trust_paths: the bundle is loaded unless a hashed directory mirrors it", "[native][tls]") {
  const auto& certs = test_certificates();
  ScratchDirectory hashed("duplex-hashed-store-2");
  hashed.add(hashed_name(certs.ca), certs.ca);
  ScratchDirectory plain("duplex-plain-store");
  plain.add("ca.pem", certs.ca);

  for (const auto& paths :
       {TrustPaths{certs.ca, plain.path(), true}, TrustPaths{certs.ca, hashed.path(), false},
        TrustPaths{certs.ca, hashed.path() + ":" + plain.path(), true}}) {
    CAPTURE(paths.directory, paths.directory_mirrors_file);
    Context context;
    load_trust_paths(context.ctx.get(), paths);
    CHECK(context.certificates_in_memory() == 1);  // the bundle's one CA, parsed up front
    CHECK(context.verify(certs.server_cert) == X509_V_OK);
  }

  Context nothing;  // no store at all: nothing is trusted, and no error is left behind
  load_trust_paths(nothing.ctx.get(),
                     TrustPaths{plain.path() + "/missing.pem", plain.path() + "/missing", true});
  CHECK(ERR_peek_error() == 0);
  CHECK(nothing.verify(certs.server_cert) != X509_V_OK);
}

TEST_CASE("trust_paths_from_environment: SSL_CERT_FILE and SSL_CERT_DIR, and nothing else", "[native][tls]") {
  const auto& certs = test_certificates();
  {
    ScopedEnv file("SSL_CERT_FILE", "", true);
    ScopedEnv directory("SSL_CERT_DIR", "", true);
    CHECK_FALSE(trust_paths_from_environment());  // no built-in path filled in
  }
  {
    ScopedEnv file("SSL_CERT_FILE", "");  // empty counts as unset
    ScopedEnv directory("SSL_CERT_DIR", "", true);
    CHECK_FALSE(trust_paths_from_environment());
  }
  {
    ScopedEnv file("SSL_CERT_FILE", certs.ca);
    ScopedEnv directory("SSL_CERT_DIR", "", true);
    const auto paths = trust_paths_from_environment();
    REQUIRE(paths);
    CHECK(paths->file == certs.ca);
    CHECK(paths->directory.empty());
    CHECK_FALSE(paths->directory_mirrors_file);
  }
  {
    ScopedEnv file("SSL_CERT_FILE", "", true);
    ScopedEnv directory("SSL_CERT_DIR", certs.dir);
    const auto paths = trust_paths_from_environment();
    REQUIRE(paths);
    CHECK(paths->file.empty());
    CHECK(paths->directory == certs.dir);
    CHECK(paths->directory_mirrors_file);  // no file to mirror: the directory alone
  }
}

TEST_CASE("add_der_certificate: one DER certificate becomes a trust anchor, anything else is refused", "[native][tls]") {
  const auto& certs = test_certificates();
  const auto ca = read_certificate(certs.ca);
  unsigned char* der = nullptr;
  const int size = i2d_X509(ca.get(), &der);
  REQUIRE(size > 0);
  const std::vector<unsigned char> bytes(der, der + size);
  OPENSSL_free(der);

  Context context;
  X509_STORE* store = SSL_CTX_get_cert_store(context.ctx.get());
  CHECK(context.verify(certs.server_cert) != X509_V_OK);
  CHECK_FALSE(add_der_certificate(store, bytes.data(), bytes.size() - 1));  // cut short
  auto trailing = bytes;
  trailing.push_back(0);
  CHECK_FALSE(add_der_certificate(store, trailing.data(), trailing.size()));  // bytes after it
  CHECK_FALSE(add_der_certificate(store, bytes.data(), 0));
  CHECK(ERR_peek_error() == 0);
  CHECK(context.certificates_in_memory() == 0);

  CHECK(add_der_certificate(store, bytes.data(), bytes.size()));
  CHECK(add_der_certificate(store, bytes.data(), bytes.size()));  // again: not an error
  CHECK(context.certificates_in_memory() == 1);
  CHECK(context.verify(certs.server_cert) == X509_V_OK);
  CHECK(context.verify(certs.self_cert) != X509_V_OK);
}

TEST_CASE("trust_system_store: SSL_CERT_FILE names the certificates to trust, on every platform", "[native][tls]") {
  const auto& certs = test_certificates();
  ScratchDirectory empty("duplex-empty-store");
  ScopedEnv directory("SSL_CERT_DIR", empty.path());
  {
    ScopedEnv file("SSL_CERT_FILE", certs.ca);
    Context context;
    native::trust_system_store(context.ctx.get());
    CHECK(context.verify(certs.server_cert) == X509_V_OK);
  }
  {
    ScopedEnv file("SSL_CERT_FILE", certs.self_cert);
    Context context;
    native::trust_system_store(context.ctx.get());
    CHECK(context.verify(certs.server_cert) != X509_V_OK);  // the system's own store is not read
  }
}

}  // namespace duplex::test
