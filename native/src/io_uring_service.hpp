#pragma once
// Linux only: one io_uring per io_context, shared by its plain-TCP sessions
// on the io_uring I/O path (asio_session_io_uring.cpp).

#include <liburing.h>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace duplex::native {

/// Who started requests on the ring: told of each of their completions, and
/// told to let go of what it holds when the io_context shuts down with
/// requests still in flight. Aligned so that the low bits of its address can
/// carry the kind of request in a completion's user_data.
class alignas(8) IoUringClient {
 public:
  /// One completion of a request of `kind` (0–7) that this client started.
  /// `received` holds the bytes of a recv completion that used a provided
  /// buffer (empty otherwise); they are valid until the call returns. True
  /// asks the loop to run its other handlers before the next completion (the
  /// client has queued much work for them, e.g. many messages to deliver).
  virtual bool on_completion(unsigned kind, int result, unsigned flags, std::span<const std::byte> received) = 0;
  /// The io_context is going away: its requests will never complete.
  virtual void on_ring_shutdown() = 0;

 protected:
  ~IoUringClient() = default;
};

/// An io_uring, its provided-buffer ring, and the wait for its completions in
/// Asio's reactor (the ring's fd is readable while completions are queued), so
/// applications that run their own io_context keep working. Sessions queue
/// requests with next_sqe(); what is queued during one loop turn goes to the
/// kernel together, whichever sessions queued it: one io_uring_enter per 16
/// entries, and at the end of the completions' handler or of a handler posted
/// for the purpose. Multishot recvs read into buffers of the
/// shared ring: an idle connection holds no read buffer. Used from the
/// io_context's thread only (the io_context runs on one thread, as the
/// backend's threading model requires).
class IoUringService final : public boost::asio::execution_context::service {
 public:
  using key_type = IoUringService;
  static inline boost::asio::execution_context::id id;

  /// A kind with this bit is dispatched before the completions without it
  /// that were reaped with it (e.g. a send before queued receives: see reap()).
  static constexpr unsigned dispatched_early = 4;
  /// Receive completions dispatched between two submissions while reaping.
  static constexpr std::size_t receives_per_submission = 16;

  /// Provided buffers: this many (a power of two) of buffer_size bytes each,
  /// so one recv completion carries up to 32 KiB.
  static constexpr unsigned buffer_count = 64;
  static constexpr std::size_t buffer_size = 32 * 1024;
  /// The buffer group of the recvs (IOSQE_BUFFER_SELECT).
  static constexpr std::uint16_t buffer_group = 0;

  explicit IoUringService(boost::asio::execution_context& context);
  ~IoUringService() override;

  /// `io`'s ring, set up on the first call; nullptr when the kernel refuses
  /// (io_uring_setup forbidden by a container's seccomp policy, a kernel older
  /// than 6.0 without multishot recv, ...), with the reason in `why_not`.
  static IoUringService* of(boost::asio::io_context& io, std::string& why_not);

  /// A free submission queue entry for a request of `client`'s of `kind`, its
  /// user_data set; submitted by the end of this loop turn. Submits what is
  /// queued first when the queue is full. nullptr once the io_context has
  /// shut down (or if the kernel keeps the queue full).
  io_uring_sqe* next_sqe(IoUringClient& client, unsigned kind);
  /// The user_data of `client`'s requests of `kind` (what a cancel matches).
  static std::uint64_t user_data(const IoUringClient& client, unsigned kind) noexcept {
    return reinterpret_cast<std::uintptr_t>(&client) | kind;
  }
  /// An entry whose completion nobody is told of (e.g. a cancel).
  io_uring_sqe* next_anonymous_sqe();
  /// `client` has requests in flight: on_ring_shutdown() is called if the
  /// io_context goes away before untrack().
  void track(IoUringClient& client) { clients_.insert(&client); }
  /// `client`'s last request has completed.
  void untrack(IoUringClient& client) noexcept {
    if (!shut_down_) clients_.erase(&client);
  }

 private:
  bool set_up(std::string& why_not);
  bool set_up_buffers(std::string& why_not);
  io_uring_sqe* take_sqe();
  void submit_soon();
  void submit_now();
  void wait_for_completions();
  struct Completion {
    std::uint64_t user_data;
    int result;
    unsigned flags;
  };
  void reap();
  void take_completions();
  /// The client's answer: true to yield to other handlers.
  bool dispatch(const Completion& completion);
  void recycle(unsigned buffer_id);
  void shutdown() override;

  boost::asio::io_context& io_;
  io_uring ring_{};
  bool ring_ready_ = false;
  bool set_up_tried_ = false;
  std::string why_not_;
  io_uring_buf_ring* buffers_ = nullptr;  // the provided-buffer ring's entries (mmap)
  std::byte* buffer_memory_ = nullptr;    // buffer_count × buffer_size bytes (mmap, touched when used)
  boost::asio::posix::stream_descriptor ring_fd_;
  bool waiting_ = false;        // an async_wait on the ring's fd is pending
  bool submit_posted_ = false;  // a handler that submits is posted
  bool reaping_ = false;        // inside reap(): it submits when done
  bool shut_down_ = false;
  std::size_t in_flight_ = 0;  // requests submitted or queued whose last completion has not come
  std::unordered_set<IoUringClient*> clients_;  // clients with requests in flight
  std::vector<Completion> reaped_;               // taken from the ring; dispatched up to next_reaped_
  std::size_t next_reaped_ = 0;
};

}  // namespace duplex::native
