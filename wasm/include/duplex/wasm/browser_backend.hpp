#pragma once
// The WebAssembly backend: sockets are the host's WebSocket objects (a
// browser's, or node's with a WebSocket global), driven through duplex's own
// emscripten --js-library (wasm/src/duplex_websocket.js). Link `duplex::duplex`
// with em++ and the library comes along.
//
// Threading model: everything runs on the thread that created the socket,
// from that thread's host event loop: the page's (or node's) main thread, or
// with -pthread a worker (main() under -sPROXY_TO_PTHREAD). Each thread has
// its own duplex::default_backend(), not thread-safe: use a socket and post to
// a backend only on its own thread. duplex::run() yields to the host in
// programs linked with -sASYNCIFY and returns at once otherwise.

#include <cstddef>

#include "duplex/export.hpp"

namespace duplex::wasm {

/// Host sockets this thread's js-library still holds: those of transports that
/// exist and have not ended. Destroyed and ended transports are removed at
/// once, so this returns to 0 when every socket is gone (a leak check for
/// tests).
DUPLEX_API std::size_t host_socket_count() noexcept;

/// C++ transports of this thread's default backend that exist (ended or not).
DUPLEX_API std::size_t transport_count() noexcept;

}  // namespace duplex::wasm
