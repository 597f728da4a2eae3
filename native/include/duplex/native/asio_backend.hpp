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
};

class DUPLEX_API AsioBackend final : public Backend {
 public:
  explicit AsioBackend(boost::asio::io_context& io, AsioBackendConfig config = {});
  ~AsioBackend() override;

  /// The io_context sockets of this backend run on.
  boost::asio::io_context& context() noexcept { return io_; }

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
};

}  // namespace duplex::native
