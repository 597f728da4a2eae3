#pragma once
// One native WebSocket connection: Asio does the I/O (resolve, TCP, TLS, reads,
// writes, timers); the sans-IO engine decides everything about the protocol.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "deadline_timer.hpp"
#include "duplex/rfc6455/connection.hpp"
#include "duplex/rfc6455/handshake.hpp"
#include "duplex/transport.hpp"
#include "proxy/proxy_config.hpp"
#include "read_scratch.hpp"
#include "tls_session_resumption.hpp"

namespace duplex::native {

class HappyEyeballs;
/// The TLS half of a wss:// connection, with its TCP socket: defined by
/// asio_session_tls_linux.cpp (a TlsChannel: OpenSSL reads and writes the
/// socket itself) or asio_session_tls_portable.cpp (asio::ssl::stream).
class TlsLayer;
struct TlsLayerDeleter {
  void operator()(TlsLayer* layer) const noexcept;
};
class IoUringService;

/// Name resolution the session uses: the system resolver when empty.
using SessionResolver =
    std::function<std::vector<boost::asio::ip::tcp::endpoint>(const std::string& host, std::uint16_t port)>;

/// Owns the socket and the engine of one connection. Kept alive by its own
/// pending operations (shared_from_this), so it can finish a closing handshake
/// after the WebSocket that started it is gone.
class AsioSession : public std::enable_shared_from_this<AsioSession> {
 public:
  /// Frames handed to the kernel in one write at most.
  static constexpr std::size_t max_frames_per_write = 64;
  /// The same when writes are queued (the io_uring path): a write completes a
  /// loop turn later, so it takes what a turn has queued, up to the kernel's
  /// limit of 1024 iovecs (two per frame).
  static constexpr std::size_t max_frames_per_queued_write = 512;

  /// `ring`: the io_context's io_uring when the backend chose that I/O path
  /// (plain TCP once open then goes through it), nullptr for the others.
  AsioSession(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls, ConnectRequest request,
              TransportEvents& events, SessionResolver resolver = {}, TlsResumption resumption = {},
              IoUringService* ring = nullptr);
  ~AsioSession();
  AsioSession(const AsioSession&) = delete;
  AsioSession& operator=(const AsioSession&) = delete;

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
  /// Queue a Ping (RFC 6455 §5.5.2; payload ≤ 125 bytes, checked by core)
  /// and remember when, for the round-trip time its Pong reports. False, with
  /// nothing queued, while rfc6455::max_queued_pings of ours wait to be written.
  bool ping(std::string payload);
  /// Fail before start() could run, reporting `failure` from the loop.
  void fail_later(Failure failure);

 private:
  enum class Phase { connecting, handshaking, open, ended };
  using tcp = boost::asio::ip::tcp;
  using TlsLayerPtr = std::unique_ptr<TlsLayer, TlsLayerDeleter>;

  tcp::socket& tcp_socket();
  /// The TLS layer of a wss:// connection, nullptr for ws://.
  TlsLayer* tls() noexcept {
    auto* tls = std::get_if<TlsLayerPtr>(&stream_);
    return tls != nullptr ? tls->get() : nullptr;
  }
  std::string describe_endpoint() const;

  // Connecting (asio_session_connect.cpp): resolve, race addresses, proxy
  // tunnel, TLS, then the opening handshake.
  using Addresses = std::vector<tcp::endpoint>;
  void resolve(const std::string& host, std::uint16_t port, std::function<void(Addresses)> next);
  void connect_to(Addresses addresses);
  void connect_directly(const tcp::endpoint& address);
  void fail_to_connect(errc kind, const std::string& error);
  void on_connected();
  void open_tunnel(const std::string& host);
  void start_tls();
  void send_handshake_request();

  // Liveness (asio_session_liveness.cpp): heartbeat and idle timeout.
  void start_liveness_timers();
  void schedule_ping();
  void on_ping_due();
  void on_pong_deadline(std::chrono::steady_clock::time_point ping_sent);
  void schedule_idle_check(std::chrono::steady_clock::duration after);
  void on_idle_check();
  // Pings (asio_session_ping.cpp): ours remembered until a Pong answers them.
  /// Queues a Ping in the engine and remembers it; false if the engine refused it.
  bool queue_ping(std::string payload);
  /// A Pong arrived: reports it with the round-trip time of the Ping it answers.
  void on_pong(std::string payload);

  void note_message() {
    if (request_.options.idle_timeout.count() > 0) last_message_ = std::chrono::steady_clock::now();
  }

  void read();
  // The I/O strategy for plain TCP once open, in files of its own: on Linux
  // asio_session_io_linux.cpp (epoll: readiness waits, non-blocking
  // recv/sendmsg) and asio_session_io_uring.cpp (requests on the io_context's
  // io_uring), chosen per backend at run time; or asio_session_io_portable.cpp
  // (Asio only: Windows, macOS, and Linux with DUPLEX_PORTABLE_IO).
  // Waits for the peer's next bytes and reads them.
  void read_open();
  /// Writes write_buffers_ without waiting; `written` is what the kernel took.
  boost::system::error_code write_now(std::size_t& written);
  /// True when every write goes through write_async() (the io_uring path: a
  /// send request, completed a loop turn later), not write_now().
  bool queues_writes() const noexcept;
  /// write_async() of a strategy that queues writes; false for the others.
  bool queue_write();
  /// Closes the TCP connection; the pending read completes with an error.
  void drop_connection();
  // io_uring path (asio_session_io_uring.cpp).
  struct RingLink;
  struct RingLinkDeleter {  // defined where RingLink is
    void operator()(RingLink* link) const noexcept;
  };
  /// Takes the socket out of Asio's reactor and onto the ring; false if it
  /// cannot be released now.
  bool switch_to_ring();
  /// Starts the multishot recv of an open connection on the ring.
  void receive_through_ring();
  /// True when the loop should deliver the events it reported before the next read.
  bool on_ring_received(int result, bool more, std::span<const std::byte> received);
  void on_ring_sent(int result);
  void on_readable(const boost::system::error_code& ec);                         // Linux path
  void on_portable_read(const boost::system::error_code& ec, std::size_t size);  // portable path
  /// Linux path: registers the socket with the reactor again, without
  /// EPOLLOUT (see the definition). False if the socket was lost doing so
  /// (reported as a read error).
  bool register_for_reads();

  // TLS, in a file per strategy: asio_session_tls_linux.cpp (readiness waits,
  // OpenSSL on the socket, reads into ReadScratch) or
  // asio_session_tls_portable.cpp (asio::ssl::stream, the Windows and macOS way).
  void make_tls_layer();
  SSL* tls_handle();
  /// The TLS handshake; then on_tls_handshake_done.
  void tls_handshake();
  /// Counts the handshake (resumed or not); then send_handshake_request(), or fail.
  void on_tls_handshake_done(const boost::system::error_code& ec);
  /// Waits for the peer's next bytes and hands them to on_bytes.
  void tls_read();
  /// Writes write_buffers_ without waiting, as write_now does.
  boost::system::error_code tls_write_now(std::size_t& written);
  /// Writes write_buffers_, waiting as needed; then on_written and flush.
  void tls_write_async();
  /// Our close_notify, where the strategy can send it without waiting.
  void tls_close();
  void on_tls_read(const boost::system::error_code& ec, std::size_t size);  // portable path
  // Linux path: each step runs again once the socket is ready as it asked.
  using TlsStep = void (AsioSession::*)(const boost::system::error_code&);
  void wait_tls(bool readable, TlsStep then);
  void step_tls_handshake(const boost::system::error_code& ec);
  void on_tls_readable(const boost::system::error_code& ec);
  void wait_tls_idle();
  void on_tls_writable(const boost::system::error_code& ec);
  /// Writes what the socket takes now; true when write_buffers_ is all written.
  bool tls_write_more(boost::system::error_code& ec);
  void on_handshake_read(const boost::system::error_code& ec, std::size_t size);
  void on_bytes(std::span<const std::byte> bytes);
  void on_handshake_bytes(std::span<const std::byte> bytes);
  void on_read_error(const boost::system::error_code& ec);
  void drain_engine_events();
  void flush();
  /// Moves the engine's next frames into in_flight_ and write_buffers_; their bytes.
  std::size_t take_output_batch();
  /// Drops the first `written` bytes (fewer than all) from write_buffers_.
  void drop_written(std::size_t written);
  /// Writes write_buffers_ with Asio's write operation, waiting as needed.
  void write_async();
  void on_written(const boost::system::error_code& ec);
  /// in_flight_ is written: reports its application bytes as flushed.
  void complete_write();
  void start_close_timer();
  void fail(Failure failure);
  void fail(errc kind, std::string reason) { fail(Failure(kind, std::move(reason))); }
  std::error_code close_cause(bool was_clean) const noexcept;
  void finish();

  template <class Report>
  void report(Report&& report_fact);

  boost::asio::io_context& io_;
  ReadScratch& scratch_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  TlsResumption tls_resumption_;  // wss://: offers a cached session, keeps the server's new ones
  ConnectRequest request_;
  TransportEvents* events_;
  bool terminal_reported_ = false;

  tcp::resolver resolver_;
  SessionResolver custom_resolver_;
  std::optional<proxy::ProxyUrl> proxy_;
  std::shared_ptr<HappyEyeballs> connector_;
  // wss:// puts the TLS layer (with the socket inside) on the heap, so a ws://
  // connection does not carry its size.
  std::variant<tcp::socket, TlsLayerPtr> stream_;
  DeadlineTimer open_timer_;
  // Bounds the one connection attempt to a single address (several go to
  // HappyEyeballs), later the closing handshake: never both at once.
  DeadlineTimer step_timer_;
  bool connect_timed_out_ = false;
  bool close_timer_running_ = false;
  bool close_timed_out_ = false;  // the close timer dropped the TCP connection
  Phase phase_ = Phase::connecting;

  std::unique_ptr<rfc6455::ClientHandshake> handshake_;  // while handshaking; on the heap: 400+ bytes
  std::optional<rfc6455::Connection> connection_;

  // TLS reads (portable path) and the handshake's response; then plain TCP reads into
  // ReadScratch (Linux path) or here (portable path).
  std::vector<std::byte> read_buffer_;
  std::byte peeked_{};                  // Linux path: the first wait once open peeks at a byte
  bool registered_for_reads_ = false;   // Linux path: see register_for_reads(); portable: set up for reads
  std::size_t events_this_wakeup_ = 0;  // Linux path: engine events of this wakeup's reads (see on_readable)
  IoUringService* ring_ = nullptr;      // io_uring path: the io_context's ring
  std::unique_ptr<RingLink, RingLinkDeleter> ring_link_;  // io_uring path: the socket on the ring, once open
  bool writing_ = false;
  bool close_after_flush_ = false;
  std::vector<rfc6455::OutgoingFrame> in_flight_;
  std::vector<boost::asio::const_buffer> write_buffers_;

  // The heartbeat's and idle timeout's timers, made only when an option asks
  // for them: an idle connection without them is ~360 bytes smaller.
  struct LivenessTimers {
    explicit LivenessTimers(boost::asio::io_context& io) : ping(io), pong(io), idle(io) {}
    boost::asio::steady_timer ping;
    boost::asio::steady_timer pong;
    boost::asio::steady_timer idle;
  };
  std::unique_ptr<LivenessTimers> liveness_;
  bool pong_timer_armed_ = false;
  // Kept only when an option reads them: any bytes from the peer (heartbeat),
  // a data message either way (idle timeout).
  std::chrono::steady_clock::time_point last_received_{};
  std::chrono::steady_clock::time_point last_message_{};

  // Our Pings (ping() and the heartbeat's) that no Pong has answered yet,
  // oldest first, at most max_pings_remembered (the oldest is forgotten
  // first). A vector: an idle connection that never pings allocates nothing.
  struct SentPing {
    std::string payload;
    std::chrono::steady_clock::time_point sent;
  };
  static constexpr std::size_t max_pings_remembered = 16;
  std::vector<SentPing> pings_sent_;
  // An unsolicited Pong was reported since drain_engine_events began.
  bool unsolicited_pong_reported_ = false;
};

template <class Report>
inline void AsioSession::report(Report&& report_fact) {
  if (events_ != nullptr && !terminal_reported_) report_fact(*events_);
}

}  // namespace duplex::native
