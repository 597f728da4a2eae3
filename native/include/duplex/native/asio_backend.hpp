#pragma once
// The native backend: sockets on a Boost.Asio io_context.
//
// Threading model: every socket on an AsioBackend lives on the thread that runs
// its io_context; handlers run there, from the loop. Run the io_context on one
// thread (io_context::run from a single thread, or a concurrency hint of 1):
// nothing in duplex is locked. Several backends on several io_contexts on
// several threads are independent.

#include <boost/asio/io_context.hpp>
#include <memory>

#include "duplex/backend.hpp"

namespace duplex::native {

/// A Backend over an io_context the application owns:
///   boost::asio::io_context io;
///   duplex::native::AsioBackend backend(io);
///   duplex::WebSocket ws(backend, "wss://example.com/");
///   io.run();
/// The backend must outlive the sockets opened on it.
class AsioBackend final : public Backend {
 public:
  explicit AsioBackend(boost::asio::io_context& io);
  ~AsioBackend() override;

  /// The io_context sockets of this backend run on.
  boost::asio::io_context& context() noexcept { return io_; }

  void post(std::function<void()> task) override;
  void check_options(const Options& options) const override;
  Capabilities capabilities() const override;
  std::unique_ptr<Transport> connect(ConnectRequest request, TransportEvents& events) override;

 private:
  struct TlsCache;
  boost::asio::io_context& io_;
  std::unique_ptr<TlsCache> tls_cache_;
};

}  // namespace duplex::native
