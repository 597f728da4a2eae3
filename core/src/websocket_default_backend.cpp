// The WebSocket and ReconnectingWebSocket constructors that use the linked
// backend's default loop. Kept in their own translation unit so that a program
// (or test) that only ever passes an explicit Backend does not need
// duplex::default_backend() at link time.

#include "duplex/backend.hpp"
#include "duplex/reconnecting_websocket.hpp"
#include "duplex/websocket.hpp"

namespace duplex {

WebSocket::WebSocket(std::string_view url, std::vector<std::string> protocols, Options options)
    : WebSocket(default_backend(), url, std::move(protocols), std::move(options)) {}

ReconnectingWebSocket::ReconnectingWebSocket(std::string_view url, std::vector<std::string> protocols, Options options,
                                             ReconnectOptions reconnect)
    : ReconnectingWebSocket(default_backend(), url, std::move(protocols), std::move(options), std::move(reconnect)) {}

Capabilities capabilities() { return default_backend().capabilities(); }

}  // namespace duplex
