#pragma once
// Gives the system back the heap pages that a burst of TLS handshakes used
// and freed. OpenSSL holds about 20 KiB per handshake in flight (a 16 KiB
// handshake message buffer, record buffers) and frees it at the end; being
// allocated between the connections' lasting state (certificates, keys,
// sessions), those pages stay resident in the heap: 10,000 handshakes at
// once left about 19 KiB per connection behind (W7 wss, 45 KiB instead of 26).

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>

namespace duplex::native {

/// Counts the TLS handshakes in flight on one io_context. When a burst of at
/// least `min_burst` of them at once has ended, returns the heap's free pages
/// to the system (glibc's malloc_trim: tens of milliseconds for 10,000
/// connections, once per burst). A connection opened alone never trims.
class HandshakeBurst final : public boost::asio::execution_context::service {
 public:
  using key_type = HandshakeBurst;
  static inline boost::asio::execution_context::id id;

  /// Handshakes that must have been in flight at once for their end to trim.
  static constexpr std::size_t min_burst = 16;

  explicit HandshakeBurst(boost::asio::execution_context& context) : service(context) {}

  /// The burst counter of `io`'s sessions.
  static HandshakeBurst& of(boost::asio::io_context& io) { return boost::asio::use_service<HandshakeBurst>(io); }

  /// A handshake started (TLS, then the WebSocket opening handshake).
  void begin() noexcept;
  /// A handshake that began ended: open, failed or abandoned.
  void end() noexcept;

 private:
  void shutdown() override {}
  std::size_t in_flight_ = 0;
  std::size_t peak_ = 0;  // most in flight at once since the counter was last at zero
};

}  // namespace duplex::native
