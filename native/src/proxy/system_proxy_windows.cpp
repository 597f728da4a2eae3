// Windows: the current user's proxy settings (Settings → Network & Internet →
// Proxy, or Internet Options → Connections → LAN settings), read through
// WinHTTP. Only a proxy set by hand is used: "Automatically detect settings"
// (WPAD) and setup scripts (PAC) are not followed.

// clang-format off
#include <windows.h>
#include <winhttp.h>
// clang-format on

#include <string>

#include "proxy/system_proxy.hpp"

namespace duplex::native::proxy {
namespace {

/// `text` (UTF-16, may be null) in UTF-8.
std::string utf8(const wchar_t* text) {
  if (text == nullptr || *text == L'\0') return {};
  const int size = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  if (size <= 1) return {};
  std::string out(static_cast<std::size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), size, nullptr, nullptr);
  out.resize(static_cast<std::size_t>(size - 1));  // the terminating NUL
  return out;
}

}  // namespace

SystemProxySettings system_proxy_settings() {
  WINHTTP_CURRENT_USER_IE_PROXY_CONFIG config{};
  // Fails with ERROR_FILE_NOT_FOUND when the user has no settings at all: connect directly.
  if (!WinHttpGetIEProxyConfigForCurrentUser(&config)) return {};
  const std::string proxy = utf8(config.lpszProxy);
  const std::string bypass = utf8(config.lpszProxyBypass);
  // The strings are the caller's to free, with GlobalFree.
  for (LPWSTR text : {config.lpszAutoConfigUrl, config.lpszProxy, config.lpszProxyBypass})
    if (text != nullptr) GlobalFree(text);
  if (proxy.empty()) return {};  // "use a proxy server" is off
  return parse_winhttp_proxy_settings(proxy, bypass);
}

}  // namespace duplex::native::proxy
