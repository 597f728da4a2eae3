// AsioSession, TLS on the portable path, written only against Asio: an
// asio::ssl::stream over the socket, reading into a buffer of the
// connection's own. Windows and macOS take it (completion ports complete
// reads, they do not report readiness); on Linux, DUPLEX_PORTABLE_IO selects
// it instead of asio_session_tls_linux.cpp so that CI runs it. The stream
// holds about 70 KiB of buffers per connection, idle or not.

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "asio_session.hpp"
#include "tls_context.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

class TlsLayer {
 public:
  TlsLayer(asio::io_context& io, asio::ssl::context& context) : stream(io, context) {}
  asio::ssl::stream<asio::ip::tcp::socket> stream;
};

void TlsLayerDeleter::operator()(TlsLayer* layer) const noexcept { delete layer; }

namespace {

constexpr std::size_t initial_tls_read_buffer = 8 * 1024;  // idle connections stay small
constexpr std::size_t max_tls_read_buffer = 256 * 1024;    // bulk transfers read big chunks

}  // namespace

void AsioSession::make_tls_layer() { stream_ = TlsLayerPtr(new TlsLayer(io_, *tls_context_)); }

AsioSession::tcp::socket& AsioSession::tcp_socket() {
  if (TlsLayer* layer = tls()) return layer->stream.next_layer();
  return std::get<tcp::socket>(stream_);
}

SSL* AsioSession::tls_handle() { return tls()->stream.native_handle(); }

void AsioSession::tls_handshake() {
  tls()->stream.async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](const error_code& e) {
    if (self->phase_ == Phase::ended) return;
    self->on_tls_handshake_done(e);
  });
}

// The stream's records need their own buffering anyway; it reads into ours.
void AsioSession::tls_read() {
  if (read_buffer_.empty()) read_buffer_.resize(initial_tls_read_buffer);
  tls()->stream.async_read_some(
      asio::buffer(read_buffer_),
      [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_tls_read(ec, n); });
}

void AsioSession::on_tls_read(const error_code& ec, std::size_t size) {
  if (phase_ == Phase::ended) return;
  if (ec) return on_read_error(ec);
  on_bytes(std::span<const std::byte>(read_buffer_.data(), size));
  if (phase_ == Phase::ended) return;
  // A read that fills the buffer means data is streaming: read bigger chunks.
  if (size == read_buffer_.size() && read_buffer_.size() < max_tls_read_buffer)
    read_buffer_.resize(read_buffer_.size() * 2);
  read();
}

// The stream has no write that does not wait: everything goes through tls_write_async.
error_code AsioSession::tls_write_now(std::size_t& written) {
  written = 0;
  return {};
}

void AsioSession::tls_write_async() {
  // A span, not the vector: the write operation keeps a copy of the buffer
  // sequence, and a vector would be copied (allocated) on every write.
  asio::async_write(tls()->stream, std::span<const asio::const_buffer>(write_buffers_),
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      self->on_written(ec);
                      if (!ec && self->phase_ != Phase::ended) self->flush();
                    });
}

// Sending close_notify would mean waiting for the stream's shutdown operation;
// the TCP connection is closed instead, as before.
void AsioSession::tls_close() {}

}  // namespace duplex::native
