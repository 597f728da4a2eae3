#pragma once
// duplex::Error — the C++ face of the DOMExceptions the WHATWG WebSockets
// Standard throws on API misuse.

#include <stdexcept>
#include <string>

#include "duplex/export.hpp"

namespace duplex {

/// Thrown on API misuse, before anything reaches a transport, on every backend.
/// `name()` is the DOMException name the standard prescribes: "SyntaxError",
/// "InvalidStateError", "InvalidAccessError", "NotSupportedError" for an
/// option the backend cannot honour, "OperationError" for a send() past
/// Options::max_buffered_amount, "TypeError" for a typed listener whose event
/// class is not the one dispatched under its type, "WrongThreadError" for a
/// call from a thread that is not the socket's loop's (see duplex::Sender),
/// "AbortError" for a WebSocketStream whose opening was aborted.
/// Network failures never throw from WebSocket: they arrive as `error` then
/// `close` events (WebSocketStream's awaitables throw them as WebSocketError).
class DUPLEX_API Error : public std::runtime_error {
 public:
  Error(std::string name, const std::string& message)
      : std::runtime_error(name + ": " + message), name_(std::move(name)) {}

  /// The DOMException name, e.g. "SyntaxError".
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
};

}  // namespace duplex
