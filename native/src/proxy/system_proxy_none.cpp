// Linux and other Unix: no system proxy settings are read. The environment
// (http_proxy, https_proxy, all_proxy, no_proxy) is the convention there, and
// desktop settings (GNOME's, KDE's) reach programs through it.

#include "proxy/proxy_config.hpp"

namespace duplex::native::proxy {

SystemProxySettings system_proxy_settings() { return {}; }

}  // namespace duplex::native::proxy
