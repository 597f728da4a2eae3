// AsioSession, the portable I/O path for plain TCP once open, written only
// against Asio: each read is an async_read_some into a buffer of the
// connection's own (completion ports on Windows complete reads, they do not
// report readiness), and a small write is tried at once with a non-blocking
// send. Windows and macOS take it; on Linux, DUPLEX_PORTABLE_IO selects it
// instead of asio_session_io_linux.cpp so that CI runs it.

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include "asio_session.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// An idle connection holds this much; a read that fills the buffer doubles
// it, up to the size of the shared buffer the Linux path reads into.
constexpr std::size_t initial_read_buffer = 4 * 1024;

}  // namespace

void AsioSession::read_open() {
  auto& socket = std::get<tcp::socket>(stream_);
  if (!registered_for_reads_) {
    // Just opened: from now on a send that cannot complete at once returns
    // would_block instead of waiting (write_now).
    registered_for_reads_ = true;
    error_code ignored;
    socket.non_blocking(true, ignored);
    if (read_buffer_.size() < initial_read_buffer) read_buffer_.resize(initial_read_buffer);
  }
  socket.async_read_some(asio::buffer(read_buffer_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
    self->on_portable_read(ec, n);
  });
}

void AsioSession::on_portable_read(const error_code& ec, std::size_t size) {
  if (phase_ == Phase::ended) return;
  if (ec) return on_read_error(ec);
  on_bytes(std::span<const std::byte>(read_buffer_.data(), size));
  if (phase_ == Phase::ended) return;
  if (size == read_buffer_.size() && read_buffer_.size() < ReadScratch::size) read_buffer_.resize(2 * size);
  read();
}

// Writes are made at once or through Asio's write operation; there is no ring.
struct AsioSession::RingLink {};
AsioSession::~AsioSession() = default;
void AsioSession::RingLinkDeleter::operator()(RingLink* link) const noexcept { delete link; }
bool AsioSession::queues_writes() const noexcept { return false; }
bool AsioSession::queue_write() { return false; }

void AsioSession::drop_connection() {
  error_code ignored;
  tcp_socket().close(ignored);
}

error_code AsioSession::write_now(std::size_t& written) {
  error_code ec;
  written = std::get<tcp::socket>(stream_).send(std::span<const asio::const_buffer>(write_buffers_), 0, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return {};
  return ec;
}

}  // namespace duplex::native
