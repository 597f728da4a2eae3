// spawn() and the WebSocketStream constructor that use the linked backend's
// default loop. In their own translation unit (as websocket_default_backend.cpp)
// so that a program or test that only passes an explicit Backend does not
// need duplex::default_backend() at link time.

#include "duplex/backend.hpp"
#include "duplex/task.hpp"
#include "duplex/websocket_stream.hpp"

namespace duplex {

void spawn(Task<void> task) { spawn(default_backend(), std::move(task)); }

WebSocketStream::WebSocketStream(std::string_view url, WebSocketStreamOptions options)
    : WebSocketStream(default_backend(), url, std::move(options)) {}

}  // namespace duplex
