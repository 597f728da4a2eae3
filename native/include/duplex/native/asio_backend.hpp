#pragma once
// The native backend: sockets on a Boost.Asio io_context.
//
// Threading model: every socket on an AsioBackend lives on the thread that runs
// its io_context; handlers run there, from the loop. Run the io_context on one
// thread (io_context::run from a single thread, or a concurrency hint of 1):
// nothing in duplex is locked. Several backends on several io_contexts on
// several threads are independent. Other threads hand work over with a
// socket's sender() (duplex/sender.hpp) or with post(), which is thread-safe.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "duplex/backend.hpp"
#include "duplex/export.hpp"

namespace duplex::native {

class IoUringService;

/// How the plain-TCP (ws://) connections of a backend move their bytes once
/// open. wss:// connections read and write through Asio's TLS stream on every
/// path. README, "I/O paths on Linux", compares them.
enum class IoPath {
  /// A request only: io_uring where the kernel allows it, else epoll (Linux);
  /// the DUPLEX_IO environment variable (epoll, io_uring) may say which.
  automatic,
  /// Linux: readiness waits on Asio's epoll reactor, recv/sendmsg made inside the call.
  epoll,
  /// Linux 6.0 or later: the io_context's io_uring; a multishot recv into
  /// buffers the io_context's connections share, sends as requests, the
  /// requests of a loop turn submitted together (one io_uring_enter per 16).
  io_uring,
  /// Windows, macOS, and Linux built with DUPLEX_PORTABLE_IO: Asio's own operations.
  portable,
};

/// A Backend over an io_context the application owns:
///   boost::asio::io_context io;
///   duplex::native::AsioBackend backend(io);
///   duplex::WebSocket ws(backend, "wss://example.com/");
///   io.run();
/// The backend must outlive the sockets opened on it.
/// Settings of an AsioBackend beyond its io_context.
struct AsioBackendConfig {
  /// Replaces name resolution (custom DNS, tests): returns the addresses of
  /// `host` with `port`, in order of preference; an empty list fails the
  /// connection ("cannot resolve"). Called on the loop thread; it should not
  /// block. Empty (the default): the system resolver (getaddrinfo).
  std::function<std::vector<boost::asio::ip::tcp::endpoint>(const std::string& host, std::uint16_t port)> resolver;
  /// The I/O path to take (Linux; other builds have only `portable`). The
  /// default, `automatic`, defers to the DUPLEX_IO environment variable, then
  /// takes io_uring where the kernel allows it. A path asked for (here or by
  /// DUPLEX_IO) that cannot be taken falls back to epoll, with one line on
  /// stderr saying why; AsioBackend::io_path() tells which path was taken.
  IoPath io_path = IoPath::automatic;
};

class DUPLEX_API AsioBackend final : public Backend {
 public:
  explicit AsioBackend(boost::asio::io_context& io, AsioBackendConfig config = {});
  ~AsioBackend() override;

  /// The io_context sockets of this backend run on.
  boost::asio::io_context& context() noexcept { return io_; }
  /// The I/O path this backend's plain-TCP connections take (never `automatic`).
  IoPath io_path() const noexcept { return io_path_; }

  /// asio::post on the io_context: callable from any thread (Backend::post).
  void post(std::function<void()> task) override;
  /// Posts a lambda holding the weak pointer straight to Asio, whose handler
  /// memory is recycled: no allocation per task.
  void post_task(std::weak_ptr<PostedTask> task) override;
  /// An asio::steady_timer on the io_context (native/src/asio_timer.cpp).
  std::unique_ptr<Timer> post_after(std::chrono::milliseconds delay, std::function<void()> task) override;
  void check_options(const Options& options) const override;
  Capabilities capabilities() const override;
  std::unique_ptr<Transport> connect(ConnectRequest request, TransportEvents& events) override;

  /// TLS handshakes completed by this backend's wss:// connections so far.
  struct TlsHandshakes {
    std::uint64_t full = 0;     ///< certificate checked, new keys agreed
    std::uint64_t resumed = 0;  ///< resumed an earlier connection's session (Options::tls_session_resumption)
  };
  /// Counts of TLS handshakes, full and resumed, since the backend was made.
  /// Read it on the loop thread, like the rest of the backend's state.
  TlsHandshakes tls_handshakes() const noexcept;

 private:
  struct TlsCache;
  boost::asio::io_context& io_;
  AsioBackendConfig config_;
  std::unique_ptr<TlsCache> tls_cache_;
  IoPath io_path_ = IoPath::portable;
  IoUringService* ring_ = nullptr;  // the io_context's ring on the io_uring path
};

}  // namespace duplex::native
