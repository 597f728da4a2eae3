// macOS: the system's CA certificates are the Security framework's anchors,
// copied into OpenSSL's X509_STORE: the built-in roots
// (SecTrustCopyAnchorCertificates) and the certificates an administrator or the
// user marked as trusted roots (trust settings of the admin and user domains).
//
// UNTESTED: written against Apple's documented API; no macOS machine has
// compiled or run it. Like trust_store_windows.cpp it does no revocation
// checking and leaves chain building, host names and errors to OpenSSL. A Deny
// set by an administrator or user on a built-in root is not honoured.

#include "tls/trust_store.hpp"

#include <CoreFoundation/CoreFoundation.h>
#include <Security/Security.h>

namespace duplex::native {
namespace {

/// Releases a Core Foundation object at the end of a scope.
struct CfReleaser {
  CFTypeRef object;
  ~CfReleaser() {
    if (object != nullptr) CFRelease(object);
  }
};

/// True if the trust settings dictionary `entry` applies to TLS servers: it names
/// no policy ("If this key is not present, the trust setting applies to all
/// policies") or the SSL policy.
bool applies_to_tls(CFDictionaryRef entry) {
  const auto policy = static_cast<SecPolicyRef>(CFDictionaryGetValue(entry, kSecTrustSettingsPolicy));
  if (policy == nullptr) return true;
  CFDictionaryRef properties = SecPolicyCopyProperties(policy);
  if (properties == nullptr) return false;
  CfReleaser release{properties};
  const CFTypeRef oid = CFDictionaryGetValue(properties, kSecPolicyOid);
  return oid != nullptr && CFEqual(oid, kSecPolicyAppleSSL);
}

/// True if `certificate`'s trust settings in `domain` make it a root for TLS.
/// SecTrustSettingsCopyTrustSettings: an empty array means "always trust this
/// certificate" as a root; an entry without kSecTrustSettingsResult means
/// kSecTrustSettingsResultTrustRoot. A Deny for TLS wins over any trust.
bool trusted_root_for_tls(SecCertificateRef certificate, SecTrustSettingsDomain domain) {
  CFArrayRef settings = nullptr;
  if (SecTrustSettingsCopyTrustSettings(certificate, domain, &settings) != errSecSuccess || settings == nullptr)
    return false;
  CfReleaser release{settings};
  const CFIndex count = CFArrayGetCount(settings);
  if (count == 0) return true;
  bool trusted = false;
  for (CFIndex i = 0; i < count; ++i) {
    const auto entry = static_cast<CFDictionaryRef>(CFArrayGetValueAtIndex(settings, i));
    if (entry == nullptr || !applies_to_tls(entry)) continue;
    // Settings for one application or one host name do not make a root for every connection.
    if (CFDictionaryContainsKey(entry, kSecTrustSettingsApplication) ||
        CFDictionaryContainsKey(entry, kSecTrustSettingsPolicyString))
      continue;
    SInt32 result = kSecTrustSettingsResultTrustRoot;
    if (const auto number = static_cast<CFNumberRef>(CFDictionaryGetValue(entry, kSecTrustSettingsResult)))
      CFNumberGetValue(number, kCFNumberSInt32Type, &result);
    if (result == kSecTrustSettingsResultDeny) return false;
    if (result == kSecTrustSettingsResultTrustRoot || result == kSecTrustSettingsResultTrustAsRoot) trusted = true;
  }
  return trusted;
}

/// Adds `certificate`'s DER encoding to `store`.
void add(X509_STORE* store, SecCertificateRef certificate) {
  CFDataRef der = SecCertificateCopyData(certificate);
  if (der == nullptr) return;
  CfReleaser release{der};
  add_der_certificate(store, CFDataGetBytePtr(der), static_cast<std::size_t>(CFDataGetLength(der)));
}

}  // namespace

void trust_system_store(SSL_CTX* context) {
  if (auto paths = trust_paths_from_environment()) return load_trust_paths(context, *paths);
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  CFArrayRef anchors = nullptr;
  if (SecTrustCopyAnchorCertificates(&anchors) == errSecSuccess && anchors != nullptr) {
    CfReleaser release{anchors};
    for (CFIndex i = 0, n = CFArrayGetCount(anchors); i < n; ++i)
      add(store, static_cast<SecCertificateRef>(const_cast<void*>(CFArrayGetValueAtIndex(anchors, i))));
  }
  for (const SecTrustSettingsDomain domain : {kSecTrustSettingsDomainAdmin, kSecTrustSettingsDomainUser}) {
    CFArrayRef certificates = nullptr;
    if (SecTrustSettingsCopyCertificates(domain, &certificates) != errSecSuccess || certificates == nullptr) continue;
    CfReleaser release{certificates};
    for (CFIndex i = 0, n = CFArrayGetCount(certificates); i < n; ++i) {
      const auto certificate = static_cast<SecCertificateRef>(const_cast<void*>(CFArrayGetValueAtIndex(certificates, i)));
      if (trusted_root_for_tls(certificate, domain)) add(store, certificate);
    }
  }
}

}  // namespace duplex::native
