#pragma once
// One native WebSocket connection: Asio does the I/O (resolve, TCP, TLS, reads,
// writes, timers); the sans-IO engine decides everything about the protocol.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "duplex/rfc6455/connection.hpp"
#include "duplex/rfc6455/handshake.hpp"
#include "duplex/transport.hpp"

namespace duplex::native {

/// Owns the socket and the engine of one connection. Kept alive by its own
/// pending operations (shared_from_this), so it can finish a closing handshake
/// after the WebSocket that started it is gone.
class AsioSession : public std::enable_shared_from_this<AsioSession> {
 public:
  AsioSession(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls, ConnectRequest request,
              TransportEvents& events);

  /// Resolve, connect, TLS, opening handshake; then read until the connection ends.
  void start();
  /// Queue a message (only while open; core checks readyState first).
  void send(Message message);
  /// Start the closing handshake and the close timeout.
  void close(std::optional<std::uint16_t> code, std::string reason);
  /// Drop everything now; report nothing more.
  void abort();
  /// The owner is gone: report nothing more; close an open connection with 1001.
  void detach();
  /// Fail before start() could run (e.g. the TLS context could not be built).
  void fail_later(std::string reason);

 private:
  enum class Phase { connecting, handshaking, open, ended };
  using tcp = boost::asio::ip::tcp;
  using tls_stream = boost::asio::ssl::stream<tcp::socket>;

  tcp::socket& tcp_socket();
  template <class Operation>
  void with_stream(Operation&& operation);

  void on_resolved(const boost::system::error_code& ec, const tcp::resolver::results_type& results);
  void on_connected(const boost::system::error_code& ec);
  void send_handshake_request();
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t size);
  void on_handshake_bytes(std::span<const std::byte> bytes);
  void on_read_error(const boost::system::error_code& ec);
  void drain_engine_events();
  void flush();
  void on_written(const boost::system::error_code& ec);
  void start_close_timer();
  void fail(std::string reason);
  void finish();

  template <class Report>
  void report(Report&& report_fact);

  boost::asio::io_context& io_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  ConnectRequest request_;
  TransportEvents* events_;
  bool terminal_reported_ = false;

  tcp::resolver resolver_;
  std::variant<tcp::socket, tls_stream> stream_;
  boost::asio::steady_timer open_timer_;
  boost::asio::steady_timer close_timer_;
  bool close_timer_running_ = false;
  Phase phase_ = Phase::connecting;

  std::optional<rfc6455::ClientHandshake> handshake_;
  std::optional<rfc6455::Connection> connection_;

  std::vector<std::byte> read_buffer_;
  bool writing_ = false;
  bool close_after_flush_ = false;
  std::vector<rfc6455::OutgoingFrame> in_flight_;
  std::vector<boost::asio::const_buffer> write_buffers_;
};

}  // namespace duplex::native
