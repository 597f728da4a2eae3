// macOS: the network proxies of System Settings (Network → Details → Proxies),
// read through CFNetworkCopySystemProxySettings. Only proxies set by hand are
// used: automatic discovery (WPAD) and configuration URLs (PAC) are not followed.
//
// UNTESTED: written against Apple's documented API; no macOS machine has
// compiled or run it.

#include <CFNetwork/CFNetwork.h>
#include <CoreFoundation/CoreFoundation.h>

#include <string>

#include "proxy/system_proxy.hpp"

namespace duplex::native::proxy {
namespace {

/// `value` as UTF-8 if it is a CFString; empty otherwise.
std::string utf8(CFTypeRef value) {
  if (value == nullptr || CFGetTypeID(value) != CFStringGetTypeID()) return {};
  const auto text = static_cast<CFStringRef>(value);
  const CFIndex size = CFStringGetMaximumSizeForEncoding(CFStringGetLength(text), kCFStringEncodingUTF8) + 1;
  std::string out(static_cast<std::size_t>(size), '\0');
  if (!CFStringGetCString(text, out.data(), size, kCFStringEncodingUTF8)) return {};
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

/// `value` as an int if it is a CFNumber; 0 otherwise.
int integer(CFTypeRef value) {
  int out = 0;
  if (value != nullptr && CFGetTypeID(value) == CFNumberGetTypeID())
    CFNumberGetValue(static_cast<CFNumberRef>(value), kCFNumberIntType, &out);
  return out;
}

/// The proxy of one kind (`enable`, `host`, `port` keys) in `settings`, if enabled and complete.
std::optional<ProxyUrl> proxy(CFDictionaryRef settings, CFStringRef enable, CFStringRef host, CFStringRef port,
                              ProxyScheme scheme) {
  if (integer(CFDictionaryGetValue(settings, enable)) == 0) return std::nullopt;
  std::string name = utf8(CFDictionaryGetValue(settings, host));
  const int number = integer(CFDictionaryGetValue(settings, port));
  if (name.empty() || number <= 0 || number > 65535) return std::nullopt;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  return ProxyUrl{scheme, std::move(name), static_cast<std::uint16_t>(number), std::nullopt};
}

}  // namespace

SystemProxySettings system_proxy_settings() {
  CFDictionaryRef settings = CFNetworkCopySystemProxySettings();
  if (settings == nullptr) return {};
  SystemProxySettings out;
  out.http = proxy(settings, kCFNetworkProxiesHTTPEnable, kCFNetworkProxiesHTTPProxy, kCFNetworkProxiesHTTPPort,
                   ProxyScheme::http);
  out.https = proxy(settings, kCFNetworkProxiesHTTPSEnable, kCFNetworkProxiesHTTPSProxy, kCFNetworkProxiesHTTPSPort,
                    ProxyScheme::http);
  out.socks = proxy(settings, kCFNetworkProxiesSOCKSEnable, kCFNetworkProxiesSOCKSProxy, kCFNetworkProxiesSOCKSPort,
                    ProxyScheme::socks5);
  // "Exclude simple hostnames": names without a dot, what "<local>" means to the bypass rules.
  if (integer(CFDictionaryGetValue(settings, kCFNetworkProxiesExcludeSimpleHostnames)) != 0)
    out.bypass.emplace_back("<local>");
  const CFTypeRef exceptions = CFDictionaryGetValue(settings, kCFNetworkProxiesExceptionsList);
  if (exceptions != nullptr && CFGetTypeID(exceptions) == CFArrayGetTypeID()) {
    const auto list = static_cast<CFArrayRef>(exceptions);
    for (CFIndex i = 0, n = CFArrayGetCount(list); i < n; ++i)
      if (auto entry = utf8(CFArrayGetValueAtIndex(list, i)); !entry.empty()) out.bypass.push_back(std::move(entry));
  }
  CFRelease(settings);
  return out;
}

}  // namespace duplex::native::proxy
