// libFuzzer target: the WHATWG WebSocket URL parser. Arbitrary input either
// throws duplex::Error("SyntaxError") or parses; a parsed URL's serialization
// parses again to itself (serializing is idempotent).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "duplex/error.hpp"
#include "duplex/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  duplex::WebSocketUrl url;
  try {
    url = duplex::parse_websocket_url(input);
  } catch (const duplex::Error& e) {
    if (e.name() != "SyntaxError") std::abort();
    return 0;
  }
  if (url.resource.empty() || url.resource[0] != '/') std::abort();
  const auto again = duplex::parse_websocket_url(url.serialized);  // must not throw
  if (again.serialized != url.serialized || again.host != url.host || again.port != url.port) std::abort();
  return 0;
}
