// AsioSession, the Linux epoll I/O path for plain TCP once open: readiness
// waits on Asio's epoll reactor, then non-blocking recv/sendmsg calls made
// inside the handler or the call that queued the data. Built on Linux unless
// DUPLEX_PORTABLE_IO is set (asio_session_io_portable.cpp then), beside the
// io_uring path (asio_session_io_uring.cpp), which a session whose backend
// chose it takes once open.

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "asio_session.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Reads per readiness notification before other sockets get their turn.
constexpr int max_reads_per_wakeup = 16;
// Or fewer: once the engine has reported this many events (messages, Pongs),
// the loop runs other handlers before the next read. Each message waits in
// core/ as an event (about 130 bytes even when empty) until the loop
// delivers it, so a server sending empty messages could otherwise queue
// 2 million of them from one wakeup's 4 MiB, and stall the loop meanwhile.
constexpr std::size_t max_events_per_wakeup = 1024;

}  // namespace

// Waits for readability, then reads what is there into the io_context's
// shared buffer (ReadScratch): an idle connection holds no read buffer at
// all. (Each wait re-arms Asio's edge-triggered epoll registration, one
// epoll_ctl: the same price as the recv that fails with EAGAIN when an
// async_read_some is started right after the previous read completed.)
void AsioSession::read_open() {
  if (ring_ != nullptr && switch_to_ring()) return receive_through_ring();
  auto& socket = std::get<tcp::socket>(stream_);
  if (!read_buffer_.empty()) {
    // Just opened: the handshake's buffer goes, and the first wait is a peek
    // at one byte, which like a read waits without re-arming epoll. Every
    // later wait is an async_wait (an EPOLL_CTL_MOD), once the socket is
    // registered for reading only (register_for_reads).
    std::vector<std::byte>().swap(read_buffer_);
    socket.async_receive(asio::buffer(&peeked_, 1), tcp::socket::message_peek,
                         [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_readable(ec); });
    return;
  }
  if (!registered_for_reads_ && !writing_ && !register_for_reads()) return;
  socket.async_wait(tcp::socket::wait_read,
                    [self = shared_from_this()](const error_code& ec) { self->on_readable(ec); });
}

// Asio registers a socket for EPOLLOUT when it waits for the connect and
// keeps that in the registration for good. Edge-triggered, the socket is then
// reported writable on every re-arm (each async_wait) and on acknowledgements:
// one more wakeup per message received, for a socket that seldom waits to
// write. A connection that carries messages is registered once more, for
// reading only (a write that must wait adds EPOLLOUT back): two epoll_ctl
// calls and a getsockname, once. Not while a write is in progress, as
// releasing the socket would cancel it.
bool AsioSession::register_for_reads() {
  registered_for_reads_ = true;
  auto& socket = tcp_socket();  // TLS too (asio_session_tls_linux.cpp)
  error_code ec;
  const tcp protocol = socket.local_endpoint(ec).protocol();
  if (ec) return true;  // not connected any more: the wait reports it
  const int fd = socket.release(ec);
  if (ec) return true;  // still registered as before
  socket.assign(protocol, fd, ec);
  if (!ec) return true;
  ::close(fd);
  on_read_error(ec);
  return false;
}

void AsioSession::on_readable(const error_code& ec) {
  if (phase_ == Phase::ended) return;
  if (ec) return on_read_error(ec);
  const int fd = std::get<tcp::socket>(stream_).native_handle();
  const std::span<std::byte> buffer = scratch_.bytes();
  events_this_wakeup_ = 0;
  for (int reads = 0; reads < max_reads_per_wakeup && events_this_wakeup_ < max_events_per_wakeup; ++reads) {
    // MSG_DONTWAIT: this read must not wait (the loop does), and unlike
    // socket::non_blocking(true) it needs no ioctl per connection.
    const ssize_t size = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (size < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return on_read_error(error_code(errno, boost::system::system_category()));
    }
    if (size == 0) return on_read_error(asio::error::eof);
    on_bytes(buffer.first(static_cast<std::size_t>(size)));
    if (phase_ == Phase::ended) return;
    // A short read took everything the kernel had; the next bytes bring a
    // new readiness notification.
    if (static_cast<std::size_t>(size) < buffer.size()) break;
  }
  read();
}

// One sendmsg, as the write operation's first attempt would make, but without
// the operation: a small message costs no allocation and no trip through the
// loop. MSG_DONTWAIT: the loop does the waiting (write_async).
error_code AsioSession::write_now(std::size_t& written) {
  std::array<iovec, 2 * max_frames_per_write> iov;
  msghdr message{};
  message.msg_iov = iov.data();
  message.msg_iovlen = write_buffers_.size();
  for (std::size_t i = 0; i < write_buffers_.size(); ++i)
    iov[i] = iovec{const_cast<void*>(write_buffers_[i].data()), write_buffers_[i].size()};
  const int fd = std::get<tcp::socket>(stream_).native_handle();
  for (;;) {
    const ssize_t size = ::sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (size >= 0) {
      written = static_cast<std::size_t>(size);
      return {};
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
    if (errno != EINTR) return error_code(errno, boost::system::system_category());
  }
}

}  // namespace duplex::native
