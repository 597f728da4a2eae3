// Windows: the system trust store is the ROOT certificate store
// (native/src/tls/trust_store_windows.cpp). The test CA of
// tests/peers/make_certs.sh goes into the local machine's ROOT store (an
// administrator's act, without the confirmation dialog the current user's
// store shows) and is taken out again at the end of each test.
//
// tests/windows/trust_store_windows.sh runs it (under Wine on Linux): it makes
// the certificates, starts a wss:// echo server (npm ws) with server.pem on
// 127.0.0.1, and passes
//   DUPLEX_TEST_CERTS     the certificates' directory
//   DUPLEX_TEST_WSS_PORT  the echo server's port

// wincrypt.h before OpenSSL's headers, which then undefine its clashing macros.
// clang-format off
#include <windows.h>
#include <wincrypt.h>
// clang-format on

#include "tls/trust_store.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "duplex/native/asio_backend.hpp"
#include "integration/recorder.hpp"

namespace duplex::test {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') FAIL(name << " is not set: run tests/windows/trust_store_windows.sh");
  return value;
}

std::string certificate_file(const std::string& name) { return environment("DUPLEX_TEST_CERTS") + "/" + name; }

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr read_certificate(const std::string& file) {
  std::FILE* f = std::fopen(file.c_str(), "r");
  REQUIRE(f);
  X509Ptr certificate(PEM_read_X509(f, nullptr, nullptr, nullptr), &X509_free);
  std::fclose(f);
  REQUIRE(certificate);
  return certificate;
}

/// The local machine's ROOT store. A registry store writes what was added or
/// deleted when it is closed (or committed): each change opens and closes it.
HCERTSTORE open_local_machine_root() {
  HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"ROOT");
  REQUIRE(store != nullptr);
  return store;
}

/// The test CA in the local machine's ROOT store while this object lives.
class TrustedTestCa {
 public:
  TrustedTestCa() {
    const auto ca = read_certificate(certificate_file("ca.pem"));
    unsigned char* der = nullptr;
    const int size = i2d_X509(ca.get(), &der);
    REQUIRE(size > 0);
    der_.assign(der, der + size);
    OPENSSL_free(der);
    HCERTSTORE root = open_local_machine_root();
    const BOOL added = CertAddEncodedCertificateToStore(root, X509_ASN_ENCODING, der_.data(),
                                                        static_cast<DWORD>(der_.size()),
                                                        CERT_STORE_ADD_REPLACE_EXISTING, nullptr);
    CertCloseStore(root, 0);
    REQUIRE(added);
  }
  ~TrustedTestCa() {
    HCERTSTORE root = open_local_machine_root();
    PCCERT_CONTEXT ca =
        CertCreateCertificateContext(X509_ASN_ENCODING, der_.data(), static_cast<DWORD>(der_.size()));
    if (PCCERT_CONTEXT found = CertFindCertificateInStore(root, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, ca, nullptr))
      CertDeleteCertificateFromStore(found);  // frees `found` too
    CertFreeCertificateContext(ca);
    CertControlStore(root, 0, CERT_STORE_CTRL_COMMIT, nullptr);
    CertCloseStore(root, 0);
  }
  TrustedTestCa(const TrustedTestCa&) = delete;
  TrustedTestCa& operator=(const TrustedTestCa&) = delete;

 private:
  std::vector<unsigned char> der_;
};

/// X509_V_OK if the test server's certificate verifies against a context that trusts the system store.
long verify_server_certificate() {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  native::trust_system_store(context.get());
  const auto server = read_certificate(certificate_file("server.pem"));
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> check(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
  REQUIRE(X509_STORE_CTX_init(check.get(), SSL_CTX_get_cert_store(context.get()), server.get(), nullptr) == 1);
  X509_verify_cert(check.get());
  return X509_STORE_CTX_get_error(check.get());
}

/// Opens wss://localhost:<port>/ with default Options (no ca_file), echoes one
/// message, closes. A backend of its own: no TLS context kept from before.
Recorder echo_over_wss() {
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  WebSocket ws(backend, "wss://localhost:" + environment("DUPLEX_TEST_WSS_PORT") + "/", {}, Options{});
  Recorder recorder(ws);
  ws.onopen([&](const Event&) { ws.send("trusted by the system"); });
  ws.onmessage([&](const MessageEvent&) { ws.close(1000); });
  io.run();
  return recorder;
}

/// SSL_CERT_FILE / SSL_CERT_DIR would replace the system store (Wine passes the host's environment on).
void use_the_system_store() {
  _putenv("SSL_CERT_FILE=");
  _putenv("SSL_CERT_DIR=");
}

}  // namespace

TEST_CASE("trust_system_store trusts the ROOT store's certificates, read when a context is built", "[tls][windows]") {
  use_the_system_store();
  CHECK(verify_server_certificate() == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  {
    TrustedTestCa trusted;
    CHECK(verify_server_certificate() == X509_V_OK);
  }
  CHECK(verify_server_certificate() == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_CASE("wss:// verifies the server against the ROOT store, with no ca_file", "[tls][windows]") {
  use_the_system_store();
  SECTION("the test CA is in the store: open, echo, clean close") {
    TrustedTestCa trusted;
    const auto result = echo_over_wss();
    CHECK(result.events == std::vector<std::string>{"open", "message", "close"});
    REQUIRE(result.close);
    CHECK(result.close->was_clean());
  }
  SECTION("it is not: the handshake fails on the certificate") {
    const auto result = echo_over_wss();
    CHECK(result.events == std::vector<std::string>{"error", "close"});
    CHECK(result.error_message.find("unable to get local issuer certificate") != std::string::npos);
    REQUIRE(result.close);
    CHECK(result.close->code() == 1006);
  }
}

}  // namespace duplex::test
