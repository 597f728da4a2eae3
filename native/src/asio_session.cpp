#include "asio_session.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "engine_failure.hpp"
#include "happy_eyeballs.hpp"
#include "openssl_random.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t handshake_read_buffer = 512;  // a 101 response is a few hundred bytes
// One write hands the kernel at most this much: a big message goes out in a
// few large writes (one per 64 KiB fragment would cost a system call and a
// loop turn each), while a Ping or Pong queued meanwhile still waits behind
// no more than this (about 20 ms at 100 Mbit/s) on top of the socket buffer.
constexpr std::size_t max_bytes_per_write = 256 * 1024;
// A batch up to this size is written at once, inside the call that queued it
// (write_now). A bigger one goes through Asio's write operation: its
// completion comes a loop turn later, so the sends made meanwhile join the
// next batch, and its buffers are not freed the moment they were allocated
// (a 64 KiB message freed at once shrinks and regrows the heap, brk and page
// faults on every message).
constexpr std::size_t max_bytes_written_at_once = 16 * 1024;

}  // namespace

// The session's files: this one (reading, writing, closing), and
// asio_session_connect.cpp (resolve, connect, proxy, TLS, opening handshake)
// and asio_session_liveness.cpp (heartbeat, idle timeout).

AsioSession::AsioSession(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls, ConnectRequest request,
                         TransportEvents& events, SessionResolver resolver, TlsResumption resumption,
                         IoUringService* ring)
    : io_(io),
      scratch_(ReadScratch::of(io)),
      tls_context_(std::move(tls)),
      tls_resumption_(std::move(resumption)),
      request_(std::move(request)),
      events_(&events),
      resolver_(io),
      custom_resolver_(std::move(resolver)),
      stream_(std::in_place_type<tcp::socket>, io),
      open_timer_(io),
      step_timer_(io),
      ring_(ring) {
  if (request_.url.secure && tls_context_) make_tls_layer();
}

void AsioSession::fail_later(Failure failure) {
  asio::post(io_,
             [self = shared_from_this(), failure = std::move(failure)]() mutable { self->fail(std::move(failure)); });
}

// TLS reads as its strategy does (tls_read); plain TCP once open as the I/O
// strategy does (read_open).
void AsioSession::read() {
  if (tls() != nullptr) return tls_read();
  auto& socket = std::get<tcp::socket>(stream_);
  if (phase_ == Phase::handshaking) {
    // The response to the opening handshake goes to a small buffer of its
    // own. async_read_some tries the recv at once and, finding nothing yet,
    // waits without touching epoll's registration.
    if (read_buffer_.empty()) read_buffer_.resize(handshake_read_buffer);
    socket.async_read_some(
        asio::buffer(read_buffer_),
        [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_handshake_read(ec, n); });
    return;
  }
  read_open();
}

void AsioSession::on_handshake_read(const error_code& ec, std::size_t size) {
  if (phase_ == Phase::ended) return;
  if (ec) return on_read_error(ec);
  on_bytes(std::span<const std::byte>(read_buffer_.data(), size));  // the handshake copies what it keeps
  if (phase_ == Phase::ended) return;
  read();
}

void AsioSession::on_bytes(std::span<const std::byte> bytes) {
  // The clock is read only for the options that need it (tens of
  // nanoseconds per message otherwise).
  if (request_.options.ping_interval.count() > 0) last_received_ = std::chrono::steady_clock::now();
  if (phase_ == Phase::handshaking) return on_handshake_bytes(bytes);
  connection_->receive(bytes);
  drain_engine_events();
}

void AsioSession::on_handshake_bytes(std::span<const std::byte> bytes) {
  using Status = rfc6455::ClientHandshake::Status;
  const Status status = handshake_->feed(bytes);
  if (status == Status::need_more) return;
  // The response head goes first, so the `open` or `error` event can read it
  // (a refusal's status and headers, e.g. Retry-After, matter most).
  if (auto response = handshake_->response())
    report([&](TransportEvents& e) { e.on_transport_handshake_response(std::move(*response)); });
  if (status == Status::failed) return fail(handshake_failure(*handshake_));
  open_timer_.cancel();
  phase_ = Phase::open;
  rfc6455::ConnectionConfig config;
  config.max_message_size = request_.options.max_message_size;
  config.permessage_deflate = handshake_->permessage_deflate();
  connection_.emplace(config, rfc6455::RandomSource(openssl_random_bytes));
  report([&](TransportEvents& e) { e.on_transport_open(handshake_->protocol(), handshake_->extensions()); });
  start_liveness_timers();
  // Frames that arrived in the same read as the handshake's end.
  if (!handshake_->leftover().empty()) connection_->receive(handshake_->leftover());
  handshake_.reset();
  drain_engine_events();
}

void AsioSession::on_read_error(const error_code& ec) {
  if (phase_ != Phase::open)
    return fail(errc::connection_failed,
                "connection to " + describe_endpoint() + " closed during the opening handshake: " + ec.message());
  // EOF, a TLS stream truncated, a reset or our own close on timeout: the TCP
  // connection is gone either way, and the engine decides how cleanly.
  connection_->receive_eof();
  drain_engine_events();
}

void AsioSession::drain_engine_events() {
  unsolicited_pong_reported_ = false;  // at most one per read (see on_pong)
  while (auto event = connection_->next_event()) {
    ++events_this_wakeup_;
    std::visit(
        [this](auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, rfc6455::event::MessageReceived>) {
            note_message();
            report([&](TransportEvents& t) { t.on_transport_message(std::move(e.message)); });
          } else if constexpr (std::is_same_v<T, rfc6455::event::PongReceived>) {
            on_pong(std::move(e.payload));
          } else if constexpr (std::is_same_v<T, rfc6455::event::PeerStartedClosing>) {
            report([](TransportEvents& t) { t.on_transport_closing(); });
            start_close_timer();  // RFC 6455 §7.1.1: the server should close TCP first; don't wait forever
          } else if constexpr (std::is_same_v<T, rfc6455::event::Failed>) {
            report([&](TransportEvents& t) { t.on_transport_failed(engine_failure(e.error, std::move(e.detail))); });
            terminal_reported_ = true;
            close_after_flush_ = true;  // RFC 6455 §7.1.7: send our Close, then close the connection
            start_close_timer();
          } else if constexpr (std::is_same_v<T, rfc6455::event::Closed>) {
            report([&](TransportEvents& t) {
              t.on_transport_closed(e.was_clean, e.code, std::move(e.reason), close_cause(e.was_clean));
            });
            finish();
          }
        },
        *event);
    if (phase_ == Phase::ended) return;
  }
  flush();
}

void AsioSession::flush() {
  while (!writing_ && phase_ == Phase::open) {
    auto& output = connection_->output();
    if (output.empty()) {
      if (close_after_flush_) finish();
      return;
    }
    const std::size_t batch_bytes = take_output_batch();
    writing_ = true;
    if (batch_bytes > max_bytes_written_at_once || queues_writes()) return write_async();
    std::size_t written = 0;
    if (const auto ec = tls() != nullptr ? tls_write_now(written) : write_now(written)) return on_written(ec);
    if (written < batch_bytes) {
      drop_written(written);
      return write_async();
    }
    complete_write();
  }
}

std::size_t AsioSession::take_output_batch() {
  in_flight_.clear();
  write_buffers_.clear();
  // The engine frames one fragment's worth at a time; asking it again once
  // its output is taken frames the next.
  std::size_t batch_bytes = 0;
  const std::size_t max_frames = queues_writes() ? max_frames_per_queued_write : max_frames_per_write;
  auto* frames = &connection_->output();
  for (; !frames->empty() && batch_bytes < max_bytes_per_write; frames = &connection_->output()) {
    while (!frames->empty() && in_flight_.size() < max_frames) {
      batch_bytes += frames->front().header_size + frames->front().payload_bytes().size();
      in_flight_.push_back(std::move(frames->front()));
      frames->pop_front();
    }
    if (in_flight_.size() == max_frames) break;
  }
  for (const auto& frame : in_flight_) {
    write_buffers_.emplace_back(frame.header.data(), frame.header_size);
    const auto payload = frame.payload_bytes();
    if (!payload.empty()) write_buffers_.emplace_back(payload.data(), payload.size());
  }
  return batch_bytes;
}

void AsioSession::drop_written(std::size_t written) {
  auto first_unwritten = write_buffers_.begin();
  while (written >= first_unwritten->size()) written -= (first_unwritten++)->size();
  *first_unwritten += written;
  write_buffers_.erase(write_buffers_.begin(), first_unwritten);
}

void AsioSession::write_async() {
  if (tls() != nullptr) return tls_write_async();
  if (queue_write()) return;
  // A span, not the vector: the write operation keeps a copy of the buffer
  // sequence, and a vector would be copied (allocated) on every write.
  asio::async_write(std::get<tcp::socket>(stream_), std::span<const asio::const_buffer>(write_buffers_),
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      self->on_written(ec);
                      if (!ec && self->phase_ != Phase::ended) self->flush();
                    });
}

void AsioSession::on_written(const error_code& ec) {
  if (!ec && phase_ != Phase::ended) return complete_write();
  writing_ = false;
  if (phase_ == Phase::ended) return;
  drop_connection();  // the read side sees the broken connection too and reports it
}

void AsioSession::complete_write() {
  writing_ = false;
  std::size_t flushed = 0;
  for (const auto& frame : in_flight_) flushed += frame.app_bytes;
  in_flight_.clear();
  if (in_flight_.capacity() > max_frames_per_write) {  // a burst's batch (queued writes): not kept while idle
    std::vector<rfc6455::OutgoingFrame>().swap(in_flight_);
    std::vector<asio::const_buffer>().swap(write_buffers_);
  }
  if (flushed > 0) report([&](TransportEvents& t) { t.on_transport_flushed(flushed); });
}

void AsioSession::start_close_timer() {
  if (close_timer_running_) return;
  close_timer_running_ = true;
  step_timer_.start(request_.options.close_timeout, [this] {  // the timer is ours: `this` outlives it
    if (phase_ == Phase::ended) return;
    // Closing the socket completes the pending read with an error; the engine
    // then reports the close as clean only if both Close frames were exchanged.
    close_timed_out_ = true;
    drop_connection();
  });
}

void AsioSession::send(Message message) {
  if (phase_ != Phase::open) return;
  note_message();
  connection_->send(std::move(message));
  flush();
}

void AsioSession::close(std::optional<std::uint16_t> code, std::string reason) {
  if (phase_ != Phase::open) return;
  connection_->close(code, reason);
  flush();
  start_close_timer();
}

void AsioSession::abort() {
  events_ = nullptr;
  finish();
}

void AsioSession::detach() {
  events_ = nullptr;
  if (phase_ != Phase::open) return finish();
  if (connection_->state() == rfc6455::Connection::State::open) close(1001, {});  // RFC 6455 §7.4.1 "going away"
}

void AsioSession::fail(Failure failure) {
  report([&](TransportEvents& t) { t.on_transport_failed(std::move(failure)); });
  finish();
}

// Why a connection that did not fail ended (CloseEvent::cause()): nothing to
// add when the closing handshake completed; else the TCP connection is gone
// with no Close frame from the peer, dropped by our close timer or by the peer.
std::error_code AsioSession::close_cause(bool was_clean) const noexcept {
  if (was_clean) return {};
  return make_error_code(close_timed_out_ ? errc::close_timeout : errc::going_away);
}

void AsioSession::finish() {
  if (phase_ == Phase::ended) return;
  phase_ = Phase::ended;
  terminal_reported_ = true;
  open_timer_.cancel();
  step_timer_.cancel();
  if (liveness_) {
    liveness_->ping.cancel();
    liveness_->pong.cancel();
    liveness_->idle.cancel();
  }
  resolver_.cancel();
  if (connector_) connector_->cancel();
  if (tls() != nullptr) tls_close();
  drop_connection();
}

}  // namespace duplex::native
