// Windows: the system's CA certificates are the certificates of the ROOT
// system store (crypt32), copied into OpenSSL's X509_STORE.
//
// Why copy them rather than let Windows build and judge the chain
// (CertGetCertificateChain + CertVerifyCertificateChainPolicy from an OpenSSL
// verify callback): it is a few lines; OpenSSL keeps checking the host name
// and reporting errors the same way on every platform ("unable to get local
// issuer certificate", "hostname mismatch"); ca_file and ca_pem add to the
// same store. What it does not do, that Windows' own chain engine would:
// - no Automatic Root Certificates Update: a root Windows would download on
//   first use (and put into the store) is not trusted until something else on
//   the machine has fetched it;
// - no revocation checking, and the "Disallowed" store is not consulted;
// - the intermediate "CA" store is not read: a server must send its
//   intermediates (RFC 8446 §4.4.2, as every TLS client without AIA fetching
//   needs). That store also holds self-signed certificates that are not
//   trusted roots, which OpenSSL would take as trust anchors.

// wincrypt.h defines X509_NAME and other macros that clash with OpenSSL's
// types; OpenSSL's headers undefine them only when they come after it.
// clang-format off
#include <windows.h>
#include <wincrypt.h>
// clang-format on

#include "tls/trust_store.hpp"

#include <cstring>
#include <vector>

namespace duplex::native {
namespace {

/// True if Windows lets `certificate` vouch for TLS servers. CertGetEnhancedKeyUsage:
/// "If the cUsageIdentifier member is zero, the certificate might be valid for all uses
/// or the certificate might have no valid uses. [...] If GetLastError returns
/// CRYPT_E_NOT_FOUND, the certificate is good for all uses. If it returns zero, the
/// certificate has no valid uses." A root the user restricted to, say, e-mail is skipped.
bool trusted_for_server_authentication(PCCERT_CONTEXT certificate) {
  DWORD size = 0;
  if (!CertGetEnhancedKeyUsage(certificate, 0, nullptr, &size))
    return GetLastError() == static_cast<DWORD>(CRYPT_E_NOT_FOUND);
  std::vector<unsigned char> buffer(size);
  auto* usage = reinterpret_cast<CERT_ENHKEY_USAGE*>(buffer.data());
  SetLastError(0);
  if (!CertGetEnhancedKeyUsage(certificate, 0, usage, &size)) return false;
  if (usage->cUsageIdentifier == 0) return GetLastError() == static_cast<DWORD>(CRYPT_E_NOT_FOUND);
  for (DWORD i = 0; i < usage->cUsageIdentifier; ++i)
    if (std::strcmp(usage->rgpszUsageIdentifier[i], szOID_PKIX_KP_SERVER_AUTH) == 0) return true;
  return false;
}

}  // namespace

void trust_system_store(SSL_CTX* context) {
  if (auto paths = trust_paths_from_environment()) return load_trust_paths(context, *paths);
  // Never SSL_CTX_set_default_verify_paths here: OpenSSL's built-in paths are
  // under OPENSSLDIR, fixed at build time (a MinGW build: C:\usr\local\ssl), a
  // directory any Windows user may create and fill with certificates.
  HCERTSTORE root = CertOpenSystemStoreW(0, L"ROOT");
  if (root == nullptr) return;
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  // CertEnumCertificatesInStore frees the context it is given and returns the next.
  for (PCCERT_CONTEXT certificate = CertEnumCertificatesInStore(root, nullptr); certificate != nullptr;
       certificate = CertEnumCertificatesInStore(root, certificate)) {
    if ((certificate->dwCertEncodingType & X509_ASN_ENCODING) == 0 || !trusted_for_server_authentication(certificate))
      continue;
    add_der_certificate(store, certificate->pbCertEncoded, certificate->cbCertEncoded);
  }
  CertCloseStore(root, 0);
}

}  // namespace duplex::native
