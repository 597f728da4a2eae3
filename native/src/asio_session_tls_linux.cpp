// AsioSession, TLS on the Linux fast path: the SSL object reads and writes
// the socket itself (TlsChannel), on readiness waits of Asio's reactor, as
// asio_session_io_linux.cpp does for plain TCP. Decrypted bytes go to the
// io_context's shared ReadScratch and OpenSSL frees its own buffers whenever
// they are empty, so an idle wss:// connection holds no buffer at all (an
// asio::ssl::stream holds four of about 17 KiB each). Selected by CMake with
// asio_session_io_linux.cpp; asio_session_tls_portable.cpp otherwise.

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "asio_session.hpp"
#include "handshake_burst.hpp"
#include "tls_channel.hpp"
#include "tls_context.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

class TlsLayer {
 public:
  TlsLayer(asio::io_context& io, asio::ssl::context& context) : socket(io), channel(context.native_handle()) {}
  asio::ip::tcp::socket socket;
  TlsChannel channel;
  TlsChannel::Want write_wants = TlsChannel::Want::nothing;  // why the last write stopped short
  HandshakeBurst* burst = nullptr;                           // from the TLS handshake until open, or the end

  void end_of_handshake() noexcept {
    if (burst != nullptr) std::exchange(burst, nullptr)->end();
  }
};

void TlsLayerDeleter::operator()(TlsLayer* layer) const noexcept { delete layer; }

namespace {

// As in asio_session_io_linux.cpp: reads per wakeup before other sockets get
// their turn, or fewer once the engine has reported this many events.
constexpr int max_reads_per_wakeup = 16;
constexpr std::size_t max_events_per_wakeup = 1024;

// RFC 8446 §5.1: a record carries at most 2^14 bytes of plaintext.
constexpr std::size_t record_size = 16 * 1024;

// The bytes to hand TLS next, from `buffers` at `offset`: the rest of the
// first buffer when it fills a record or nothing follows it; else up to a
// record's worth of it and the buffers after it, copied into `staging`, so a
// frame's header and a small payload go out as one record and one send.
// Depends only on what is left to write, so a write retried after a want
// passes the same bytes, as OpenSSL requires.
std::span<const std::byte> next_chunk(std::span<const asio::const_buffer> buffers, std::size_t offset,
                                      std::array<std::byte, record_size>& staging) {
  const auto* first = static_cast<const std::byte*>(buffers[0].data()) + offset;
  const std::size_t first_size = buffers[0].size() - offset;
  if (first_size >= record_size || buffers.size() == 1) return {first, first_size};
  std::size_t gathered = 0;
  for (std::size_t i = 0; i < buffers.size() && gathered < record_size; ++i) {
    const auto* data = i == 0 ? first : static_cast<const std::byte*>(buffers[i].data());
    const std::size_t size = std::min(i == 0 ? first_size : buffers[i].size(), record_size - gathered);
    std::memcpy(staging.data() + gathered, data, size);
    gathered += size;
  }
  return {staging.data(), gathered};
}

}  // namespace

void AsioSession::make_tls_layer() { stream_ = TlsLayerPtr(new TlsLayer(io_, *tls_context_)); }

AsioSession::tcp::socket& AsioSession::tcp_socket() {
  if (TlsLayer* layer = tls()) return layer->socket;
  return std::get<tcp::socket>(stream_);
}

SSL* AsioSession::tls_handle() { return tls()->channel.native_handle(); }

void AsioSession::wait_tls(bool readable, TlsStep then) {
  tcp_socket().async_wait(readable ? tcp::socket::wait_read : tcp::socket::wait_write,
                          [self = shared_from_this(), then](const error_code& ec) { (self.get()->*then)(ec); });
}

void AsioSession::tls_handshake() {
  TlsLayer& layer = *tls();
  layer.channel.attach(tcp_socket().native_handle());
  layer.burst = &HandshakeBurst::of(io_);
  layer.burst->begin();
  step_tls_handshake({});
}

void AsioSession::step_tls_handshake(const error_code& ec) {
  if (phase_ == Phase::ended) return;
  if (ec) return on_tls_handshake_done(ec);
  const auto result = tls()->channel.handshake();
  if (!result.error && result.want != TlsChannel::Want::nothing)
    return wait_tls(result.want == TlsChannel::Want::read, &AsioSession::step_tls_handshake);
  on_tls_handshake_done(result.error);
}

// Called once, when the handshake request is on its way; on_tls_readable
// waits from then on. OpenSSL may already hold bytes it read ahead with the
// handshake's last record, which no readiness would announce.
void AsioSession::tls_read() {
  if (SSL_has_pending(tls_handle()) == 1)
    return asio::post(io_, [self = shared_from_this()] { self->on_tls_readable({}); });
  wait_tls(true, &AsioSession::on_tls_readable);
}

void AsioSession::on_tls_readable(const error_code& ec) {
  if (phase_ == Phase::ended) return;
  if (ec) return on_read_error(ec);
  TlsChannel& channel = tls()->channel;
  const std::span<std::byte> buffer = scratch_.bytes();
  events_this_wakeup_ = 0;
  for (int reads = 0; reads < max_reads_per_wakeup && events_this_wakeup_ < max_events_per_wakeup; ++reads) {
    // A write that failed closed the socket; its descriptor may be another's by now.
    if (!tcp_socket().is_open()) return on_read_error(asio::error::operation_aborted);
    const auto result = channel.read(buffer);
    if (result.error) return on_read_error(result.error);
    // The kernel had nothing more (a want, or a short read with nothing left
    // in OpenSSL): the next bytes bring a new readiness notification.
    if (result.want == TlsChannel::Want::read) return wait_tls_idle();
    if (result.want == TlsChannel::Want::write) return wait_tls(false, &AsioSession::on_tls_readable);
    on_bytes(buffer.first(result.size));
    if (phase_ == Phase::ended) return;
    if (channel.drained()) return wait_tls_idle();
  }
  // Bytes may wait in OpenSSL's buffer with none in the kernel to announce them.
  asio::post(io_, [self = shared_from_this()] { self->on_tls_readable({}); });
}

// Nothing more to read: OpenSSL's buffers go and, once open, the socket is
// registered for reading only, as on the plain path (register_for_reads).
void AsioSession::wait_tls_idle() {
  TlsLayer& layer = *tls();
  layer.channel.release_buffers();
  if (phase_ == Phase::open) {
    layer.end_of_handshake();  // open, with the session tickets read and the buffers freed
    if (!registered_for_reads_ && !writing_ && !register_for_reads()) return;
  }
  wait_tls(true, &AsioSession::on_tls_readable);
}

error_code AsioSession::tls_write_now(std::size_t& written) {
  written = 0;
  TlsLayer& layer = *tls();
  layer.write_wants = TlsChannel::Want::nothing;
  std::array<std::byte, record_size> staging;
  std::size_t index = 0, offset = 0;
  while (index < write_buffers_.size()) {
    // A write that failed closed the socket; its descriptor may be another's by now.
    if (!tcp_socket().is_open()) return asio::error::operation_aborted;
    const auto remaining = std::span<const asio::const_buffer>(write_buffers_).subspan(index);
    const auto result = layer.channel.write(next_chunk(remaining, offset, staging));
    if (result.error) return result.error;
    if (result.want != TlsChannel::Want::nothing) {
      layer.write_wants = result.want;
      return {};
    }
    written += result.size;
    offset += result.size;
    while (index < write_buffers_.size() && offset >= write_buffers_[index].size())
      offset -= write_buffers_[index++].size();
  }
  return {};
}

bool AsioSession::tls_write_more(error_code& ec) {
  std::size_t total = 0;
  for (const auto& buffer : write_buffers_) total += buffer.size();
  std::size_t written = 0;
  ec = tls_write_now(written);
  if (ec || written == total) return true;
  drop_written(written);
  return false;
}

// Writes what the socket takes now; the completion still comes from the loop,
// as an Asio write's does, so flush() never recurses into itself.
void AsioSession::tls_write_async() {
  error_code ec;
  if (!tls_write_more(ec)) return wait_tls(tls()->write_wants == TlsChannel::Want::read, &AsioSession::on_tls_writable);
  asio::post(io_, [self = shared_from_this(), ec] {
    self->on_written(ec);
    if (!ec && self->phase_ != Phase::ended) self->flush();
  });
}

void AsioSession::on_tls_writable(const error_code& ec) {
  if (ec || phase_ == Phase::ended) return on_written(ec);
  error_code write_error;
  if (!tls_write_more(write_error))
    return wait_tls(tls()->write_wants == TlsChannel::Want::read, &AsioSession::on_tls_writable);
  on_written(write_error);
  if (!write_error && phase_ != Phase::ended) flush();
}

void AsioSession::tls_close() {
  tls()->end_of_handshake();
  if (tcp_socket().is_open()) tls()->channel.shutdown();
}

}  // namespace duplex::native
