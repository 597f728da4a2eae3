// The WebSocket constructor that uses the linked backend's default loop. Kept
// in its own translation unit so that a program (or test) that only ever passes
// an explicit Backend does not need duplex::default_backend() at link time.

#include "duplex/backend.hpp"
#include "duplex/websocket.hpp"

namespace duplex {

WebSocket::WebSocket(std::string_view url, std::vector<std::string> protocols, Options options)
    : WebSocket(default_backend(), url, std::move(protocols), std::move(options)) {}

Capabilities capabilities() { return default_backend().capabilities(); }

}  // namespace duplex
