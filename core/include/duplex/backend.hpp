#pragma once
// A backend is where sockets live: an event loop and a way to open transports.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "duplex/export.hpp"
#include "duplex/transport.hpp"

namespace duplex {

/// Which `Options` (and features beyond the WHATWG API) a backend honours. A
/// backend's `check_options` throws `Error("NotSupportedError")` for an option
/// set away from its default whose flag here is false. The README's table
/// "Native and web: what each backend honours" lists both backends.
struct Capabilities {
  bool extra_headers = false;               ///< Options::headers reach the server
  bool origin = false;                      ///< Options::origin is sent as the Origin header
  bool client_certificates = false;         ///< Options::client_certificate_file / client_key_file
  bool ca_file = false;                     ///< Options::ca_file is trusted for wss://
  bool open_timeout = false;                ///< Options::open_timeout fails a slow opening handshake
  bool close_timeout = false;               ///< Options::close_timeout ends an unanswered close
  bool max_message_size = false;            ///< Options::max_message_size refuses bigger messages
  bool permessage_deflate_options = false;  ///< Options::permessage_deflate / deflate_no_context_takeover
                                            ///< can be changed (browsers always offer deflate their way)
  bool proxies = false;                     ///< HTTP CONNECT / SOCKS proxies
  bool ping = false;                        ///< ping() and the `pong` event
  bool handshake_response = false;          ///< handshake_response() (status, reason, headers)
  bool heartbeat = false;        ///< Options::ping_interval / pong_timeout / idle_timeout
  bool connect_timeout = false;  ///< Options::connect_timeout bounds each TCP connection attempt
  bool tls_settings = false;     ///< Options::ca_pem, client_*_pem, min_tls_version,
                                 ///< insecure_skip_certificate_verification
};

/// A task scheduled with `Backend::post_after`. Destroying the handle (or
/// calling cancel()) before the task ran means it never runs.
class DUPLEX_API Timer {
 public:
  virtual ~Timer() = default;
  /// The task will not run (if it has not run yet) and is released. Safe to
  /// call from inside the task and more than once.
  virtual void cancel() noexcept = 0;
};

/// Something to run on a backend's loop, posted by weak reference (see
/// Backend::post_task). (duplex::Task<T> is the coroutine type, task.hpp.)
class DUPLEX_API PostedTask {
 public:
  /// Runs on the loop.
  virtual void run() = 0;

 protected:
  ~PostedTask() = default;
};

/// An event loop plus a transport factory. Native: `duplex::native::AsioBackend`
/// over an `asio::io_context`; WebAssembly: the host's event loop and WebSocket.
class DUPLEX_API Backend {
 public:
  virtual ~Backend() = default;
  /// Run `task` later on this backend's loop, never inside the caller. Tasks
  /// posted from one thread run in the order they were posted.
  /// Thread safety: natively (AsioBackend) any thread may call it, at any
  /// time while the backend exists (it is asio::post on the io_context): the
  /// way, besides duplex::Sender, to hand work to a socket's thread. On
  /// WebAssembly the backend is its thread's own and not thread-safe: call it
  /// only on the thread that runs its loop. Every other member of a backend
  /// belongs to its loop's thread.
  virtual void post(std::function<void()> task) = 0;
  /// Run `task->run()` later on this backend's loop, never inside the caller,
  /// unless the task object is gone by then. The same as posting a lambda that
  /// locks the weak pointer, but a backend can do it without allocating (the
  /// native one does): core posts one per message it delivers.
  virtual void post_task(std::weak_ptr<PostedTask> task) {
    post([task = std::move(task)] {
      if (const auto alive = task.lock()) alive->run();
    });
  }
  /// Run `task` on this backend's loop once `delay` has passed (never inside
  /// the caller, even for a zero delay), unless the returned handle is
  /// cancelled or destroyed first. A pending timer keeps run() waiting, as a
  /// connecting socket does. Native: an asio::steady_timer; WebAssembly: the
  /// host's setTimeout. Core has no clock of its own: this is its only one.
  virtual std::unique_ptr<Timer> post_after(std::chrono::milliseconds delay, std::function<void()> task) = 0;
  /// Throws `duplex::Error("NotSupportedError")` for an option this backend
  /// cannot honour; called before `connect`.
  virtual void check_options(const Options& options) const = 0;
  /// What this backend honours (see Capabilities).
  virtual Capabilities capabilities() const = 0;
  /// Why this backend can open no connection at all in this process (a
  /// WebAssembly host without a WebSocket), or nothing when it can. A socket
  /// made then fails once with that reason (an `error` event whose message it
  /// is, then `close` 1006), and ReconnectingWebSocket gives up instead of
  /// retrying: no retry could succeed.
  virtual std::optional<std::string> unavailable() const { return std::nullopt; }
  /// Start opening a connection; facts are reported to `events`, which must
  /// outlive the returned transport.
  virtual std::unique_ptr<Transport> connect(ConnectRequest request, TransportEvents& events) = 0;
};

/// The backend linked into this program (native: a process-wide io_context;
/// wasm: the host's loop). Defined by the backend library, not by core/.
DUPLEX_API Backend& default_backend();

/// What the default backend honours: `default_backend().capabilities()`.
DUPLEX_API Capabilities capabilities();

/// Run the default backend's loop until no socket remains open or closing.
/// Native: runs the default io_context on the calling thread. WebAssembly: the
/// host's loop runs the sockets; in a program linked with `-sASYNCIFY`, run()
/// yields to the host (emscripten_sleep) until no socket of the default backend
/// is connecting, open or closing and no event is left to deliver; without
/// ASYNCIFY it cannot wait: the first call says so once on stderr (pointing at
/// duplex::spawn and at -sASYNCIFY) and it returns at once; events then arrive
/// after `main` has returned. Each WebAssembly thread has its own default backend.
DUPLEX_API void run();

}  // namespace duplex
