// AsioSession, the io_uring I/O path for plain TCP once open (Linux): the
// socket leaves Asio's reactor for the io_context's ring (IoUringService); a
// multishot recv reads into the ring's shared provided buffers and each write
// is a sendmsg request, all of one loop turn submitted together. Chosen per
// backend at run time (io_path_linux.cpp); the epoll path
// (asio_session_io_linux.cpp) is the fallback. TLS connections keep Asio's
// reactor: their stream reads and writes through Asio.

#include <liburing.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cerrno>
#include <vector>

#include "asio_session.hpp"
#include "io_uring_service.hpp"

namespace duplex::native {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Once the engine has reported this many events (messages, Pongs) from one
// completion, the loop delivers them before the next completion is read: as
// the epoll path's max_events_per_wakeup, and for the same reason.
constexpr std::size_t max_events_before_yield = 1024;

}  // namespace

/// The socket of an open connection on the ring: its fd, what its requests
/// need until they complete, and the session kept alive meanwhile (a request
/// in the kernel must not outlive the session its completion is reported to).
struct AsioSession::RingLink final : IoUringClient {
  // A send's completion overtakes receives reaped with it (IoUringService::reap).
  enum Kind : unsigned { recv = 1, send = 2 | IoUringService::dispatched_early };

  RingLink(AsioSession& owner, IoUringService& service, int socket_fd)
      : session(owner), ring(service), fd(socket_fd) {}
  ~RingLink() {
    if (fd >= 0) ::close(fd);
    if (in_flight > 0) ring.untrack(*this);
  }
  RingLink(const RingLink&) = delete;
  RingLink& operator=(const RingLink&) = delete;

  void started(Kind kind) {
    (kind == recv ? receiving : sending) = true;
    if (in_flight++ == 0) {
      hold = session.shared_from_this();
      ring.track(*this);
    }
  }

  bool on_completion(unsigned kind, int result, unsigned flags, std::span<const std::byte> received) override {
    const bool more = (flags & IORING_CQE_F_MORE) != 0;
    // The last completion lets the session go, once its handler has run.
    std::shared_ptr<AsioSession> last_hold;
    if (!more) {
      (kind == recv ? receiving : sending) = false;
      if (--in_flight == 0) {
        ring.untrack(*this);
        last_hold = std::move(hold);
      }
    }
    if (kind == recv) return session.on_ring_received(result, more, received);
    session.on_ring_sent(result);
    return false;
  }

  void on_ring_shutdown() override {
    in_flight = 0;
    receiving = sending = false;  // nothing to cancel on a ring that is gone
    const auto last_hold = std::move(hold);  // may destroy the session, and this
  }

  // Closing the fd does not end requests that hold the socket: cancel them.
  void cancel_and_close() {
    for (const Kind kind : {recv, send}) {
      if (!(kind == recv ? receiving : sending)) continue;
      if (io_uring_sqe* sqe = ring.next_anonymous_sqe())
        io_uring_prep_cancel64(sqe, IoUringService::user_data(*this, kind), IORING_ASYNC_CANCEL_ALL);
    }
    ::close(fd);
    fd = -1;
  }

  AsioSession& session;
  IoUringService& ring;
  int fd;
  std::shared_ptr<AsioSession> hold;  // while requests are in flight
  unsigned in_flight = 0;
  bool receiving = false;
  bool sending = false;
  std::size_t sending_bytes = 0;
  msghdr message{};
  std::vector<iovec> iov;  // grown to the batch, kept up to 2 * max_frames_per_write: empty if never written
};

AsioSession::~AsioSession() = default;
void AsioSession::RingLinkDeleter::operator()(RingLink* link) const noexcept { delete link; }

// Not while Asio writes (releasing the socket would cancel the write): the
// epoll path serves until the next read.
bool AsioSession::switch_to_ring() {
  if (writing_) return false;
  error_code ec;
  const int fd = std::get<tcp::socket>(stream_).release(ec);
  if (ec) return false;
  ring_link_.reset(new RingLink(*this, *ring_, fd));
  std::vector<std::byte>().swap(read_buffer_);  // the handshake's buffer
  return true;
}

void AsioSession::receive_through_ring() {
  io_uring_sqe* sqe = ring_->next_sqe(*ring_link_, RingLink::recv);
  if (sqe == nullptr) return on_read_error(asio::error::no_buffer_space);
  io_uring_prep_recv_multishot(sqe, ring_link_->fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = IoUringService::buffer_group;
  ring_link_->started(RingLink::recv);
}

bool AsioSession::on_ring_received(int result, bool more, std::span<const std::byte> received) {
  if (phase_ == Phase::ended) return false;
  if (result > 0) {
    events_this_wakeup_ = 0;
    on_bytes(received);
    if (phase_ != Phase::ended && !more) receive_through_ring();
    return events_this_wakeup_ >= max_events_before_yield;
  }
  // ENOBUFS: every provided buffer was taken before the loop reaped; they are
  // back by now, and the bytes wait in the socket.
  if (result == -ENOBUFS)
    receive_through_ring();
  else if (result == 0)
    on_read_error(asio::error::eof);
  else if (result == -ECANCELED)
    on_read_error(asio::error::operation_aborted);
  else
    on_read_error(error_code(-result, boost::system::system_category()));
  return false;
}

bool AsioSession::queues_writes() const noexcept { return ring_link_ != nullptr && ring_link_->fd >= 0; }

bool AsioSession::queue_write() {
  if (!queues_writes()) return false;
  RingLink& link = *ring_link_;
  link.sending_bytes = 0;
  link.iov.resize(write_buffers_.size());
  for (std::size_t i = 0; i < write_buffers_.size(); ++i) {
    link.iov[i] = iovec{const_cast<void*>(write_buffers_[i].data()), write_buffers_[i].size()};
    link.sending_bytes += write_buffers_[i].size();
  }
  link.message = msghdr{};
  link.message.msg_iov = link.iov.data();
  link.message.msg_iovlen = write_buffers_.size();
  io_uring_sqe* sqe = ring_->next_sqe(link, RingLink::send);
  if (sqe == nullptr) {
    on_written(asio::error::no_buffer_space);
    return true;
  }
  io_uring_prep_sendmsg(sqe, link.fd, &link.message, MSG_NOSIGNAL);
  link.started(RingLink::send);
  return true;
}

// As write_async's completion: a short write sends the rest.
void AsioSession::on_ring_sent(int result) {
  if (result < 0) return on_written(error_code(-result, boost::system::system_category()));
  if (result == 0) return on_written(asio::error::broken_pipe);
  const auto written = static_cast<std::size_t>(result);
  if (phase_ != Phase::ended && written < ring_link_->sending_bytes) {
    drop_written(written);
    if (!queue_write()) on_written(asio::error::bad_descriptor);  // dropped meanwhile
    return;
  }
  if (ring_link_->iov.capacity() > 2 * max_frames_per_write) std::vector<iovec>().swap(ring_link_->iov);
  on_written({});
  if (phase_ != Phase::ended) flush();
}

void AsioSession::drop_connection() {
  error_code ignored;
  tcp_socket().close(ignored);
  if (queues_writes()) ring_link_->cancel_and_close();
}

}  // namespace duplex::native
