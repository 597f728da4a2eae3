#pragma once
// A backend is where sockets live: an event loop and a way to open transports.

#include <functional>
#include <memory>

#include "duplex/transport.hpp"

namespace duplex {

/// An event loop plus a transport factory. Native: `duplex::native::AsioBackend`
/// over an `asio::io_context`; WebAssembly: the host's event loop and WebSocket.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Run `task` later on this backend's loop, never inside the caller.
  virtual void post(std::function<void()> task) = 0;
  /// Throws `duplex::Error("NotSupportedError")` for an option this backend
  /// cannot honour; called before `connect`.
  virtual void check_options(const Options& options) const = 0;
  /// Start opening a connection; facts are reported to `events`, which must
  /// outlive the returned transport.
  virtual std::unique_ptr<Transport> connect(ConnectRequest request, TransportEvents& events) = 0;
};

/// The backend linked into this program (native: a process-wide io_context;
/// wasm: the host's loop). Defined by the backend library, not by core/.
Backend& default_backend();

/// Run the default backend's loop until no socket remains open or closing.
/// Native: runs the default io_context on the calling thread. WebAssembly:
/// returns at once; the host's loop runs the sockets.
void run();

}  // namespace duplex
