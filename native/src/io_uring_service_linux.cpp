// IoUringService: the ring of an io_context, its provided buffers, and the
// wait for its completions in Asio's reactor.

#include <sys/mman.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "io_uring_service.hpp"

namespace duplex::native {
namespace asio = boost::asio;

namespace {

// Submission entries: one loop turn of a busy io_context queues about one per
// connection that received something; a full queue is submitted early.
constexpr unsigned submission_entries = 256;
// Completion entries: multishot recvs of many connections may complete before
// the loop reaps (the kernel keeps the rest on an overflow list, at a cost).
constexpr unsigned completion_entries = 4096;
// Queued entries are handed to the kernel once this many wait, if the loop
// turn has not ended before.
constexpr unsigned entries_per_submission = 16;
// Rounds of dispatching and submitting in one handler before other handlers
// get their turn (receives_per_submission receives each).
constexpr unsigned max_rounds_per_reap = 16;
// The user_data of requests nobody is told about (cancels).
constexpr std::uint64_t anonymous = 0;

std::string system_error(const char* call, int error) { return std::string(call) + ": " + std::strerror(error); }

// Multishot recv (IORING_RECV_MULTISHOT) came with Linux 6.0; older kernels
// fail the request with EINVAL, so they take the epoll path instead.
bool kernel_has_multishot_recv(std::string& why_not) {
  utsname name{};
  unsigned major = 0, minor = 0;
  if (::uname(&name) != 0 || std::sscanf(name.release, "%u.%u", &major, &minor) != 2) return true;
  if (major >= 6) return true;
  why_not = std::string("Linux ") + name.release + " has no multishot recv (6.0 or later needed)";
  return false;
}

}  // namespace

IoUringService::IoUringService(asio::execution_context& context)
    : service(context), io_(static_cast<asio::io_context&>(context)), ring_fd_(io_) {}

IoUringService::~IoUringService() = default;

IoUringService* IoUringService::of(asio::io_context& io, std::string& why_not) {
  auto& service = asio::use_service<IoUringService>(io);
  if (!service.set_up_tried_) {
    service.set_up_tried_ = true;
    service.ring_ready_ = service.set_up(service.why_not_);
  }
  if (service.ring_ready_) return &service;
  why_not = service.why_not_;
  return nullptr;
}

bool IoUringService::set_up(std::string& why_not) {
  if (!kernel_has_multishot_recv(why_not)) return false;
  io_uring_params params{};
  // COOP_TASKRUN: a completion's work (the recv into a provided buffer) waits
  // for the loop thread's next system call instead of interrupting it (an
  // inter-processor interrupt per message received otherwise: a tenth of the
  // client's CPU in W2); a thread asleep in epoll_wait is still woken.
  // SUBMIT_ALL: one bad entry does not hold back the other connections' ones.
  // No SINGLE_ISSUER: an application may construct the backend on one thread
  // and run the io_context on another.
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;
  params.cq_entries = completion_entries;
  if (const int error = io_uring_queue_init_params(submission_entries, &ring_, &params); error < 0) {
    why_not = system_error("io_uring_setup", -error);
    return false;
  }
  if (!set_up_buffers(why_not)) {
    io_uring_queue_exit(&ring_);
    return false;
  }
  // No io_uring_register_ring_fd: the registration is the calling thread's,
  // and the loop may run on another thread than the one that made the backend.
  boost::system::error_code ec;
  ring_fd_.assign(ring_.ring_fd, ec);
  if (ec) {
    why_not = "the ring's fd in Asio's reactor: " + ec.message();
    io_uring_queue_exit(&ring_);
    return false;
  }
  return true;
}

// The provided-buffer ring (Linux 5.19): the kernel picks a free buffer for
// each recv completion; recycle() hands it back once the session has read it.
bool IoUringService::set_up_buffers(std::string& why_not) {
  const std::size_t ring_bytes = buffer_count * sizeof(io_uring_buf);
  void* entries = ::mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void* memory = ::mmap(nullptr, buffer_count * buffer_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (entries == MAP_FAILED || memory == MAP_FAILED) {
    why_not = system_error("mmap", errno);
    if (entries != MAP_FAILED) ::munmap(entries, ring_bytes);
    if (memory != MAP_FAILED) ::munmap(memory, buffer_count * buffer_size);
    return false;
  }
  buffers_ = static_cast<io_uring_buf_ring*>(entries);
  buffer_memory_ = static_cast<std::byte*>(memory);
  io_uring_buf_reg registration{};
  registration.ring_addr = reinterpret_cast<std::uintptr_t>(entries);
  registration.ring_entries = buffer_count;
  registration.bgid = buffer_group;
  if (const int error = io_uring_register_buf_ring(&ring_, &registration, 0); error < 0) {
    why_not = system_error("io_uring_register_buf_ring", -error);
    ::munmap(entries, ring_bytes);
    ::munmap(memory, buffer_count * buffer_size);
    buffers_ = nullptr;
    buffer_memory_ = nullptr;
    return false;
  }
  io_uring_buf_ring_init(buffers_);
  for (unsigned id = 0; id < buffer_count; ++id)
    io_uring_buf_ring_add(buffers_, buffer_memory_ + id * buffer_size, buffer_size, static_cast<unsigned short>(id),
                          io_uring_buf_ring_mask(buffer_count), static_cast<int>(id));
  io_uring_buf_ring_advance(buffers_, buffer_count);
  return true;
}

io_uring_sqe* IoUringService::next_sqe(IoUringClient& client, unsigned kind) {
  io_uring_sqe* sqe = take_sqe();
  if (sqe != nullptr) io_uring_sqe_set_data64(sqe, user_data(client, kind));
  return sqe;
}

io_uring_sqe* IoUringService::next_anonymous_sqe() {
  io_uring_sqe* sqe = take_sqe();
  if (sqe != nullptr) io_uring_sqe_set_data64(sqe, anonymous);
  return sqe;
}

io_uring_sqe* IoUringService::take_sqe() {
  if (!ring_ready_) return nullptr;  // shut down: a session that outlives the io_context's services
  // The entries queued so far are complete: a long loop turn does not hold
  // back the first connections' writes until its end.
  if (io_uring_sq_ready(&ring_) >= entries_per_submission) io_uring_submit(&ring_);
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    io_uring_submit(&ring_);  // the queue is full: hand it over now, then take the freed entry
    sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) return nullptr;
  }
  ++in_flight_;
  submit_soon();
  return sqe;
}

void IoUringService::submit_soon() {
  if (reaping_ || submit_posted_) return;
  submit_posted_ = true;
  asio::post(io_, [this] {
    submit_posted_ = false;
    reap();  // submits, then takes what completed at once
  });
}

void IoUringService::submit_now() {
  if (io_uring_sq_ready(&ring_) > 0 || io_uring_cq_has_overflow(&ring_)) io_uring_submit(&ring_);
  wait_for_completions();
}

// The wait is pending only while requests are in flight, so that
// io_context::run() returns once all work is done, as it does without a ring:
// reap() also runs from the submitting handler, and may take the last
// completions while the wait is pending; it is cancelled then (no system call).
void IoUringService::wait_for_completions() {
  if (shut_down_) return;
  if (in_flight_ == 0) {
    if (waiting_) ring_fd_.cancel();
    return;
  }
  if (waiting_) return;
  waiting_ = true;
  ring_fd_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    waiting_ = false;
    if (shut_down_) return;
    if (ec == asio::error::operation_aborted) return wait_for_completions();  // requests may have come since
    if (!ec) reap();
  });
}

// Completions are copied out and the queue advanced before anyone is told:
// a client may queue requests, or end, from its handler. Receives are
// dispatched a few at a time, and what their handlers queued is submitted in
// between; completions dispatched early (sends) overtake the receives reaped
// with them. A send the socket takes at once completes inside the submission,
// so a session that writes as it reads (Pongs to a flood of Pings, or any
// backlog of messages) goes on writing within this handler, as on the epoll
// path, instead of one write per loop turn.
void IoUringService::reap() {
  if (shut_down_) return;
  reaping_ = true;
  take_completions();
  bool yield = false;
  for (unsigned round = 1;; ++round) {
    const std::size_t end = std::min(reaped_.size(), next_reaped_ + receives_per_submission);
    while (next_reaped_ < end && !yield) yield = dispatch(reaped_[next_reaped_++]);
    const bool submitted = io_uring_sq_ready(&ring_) > 0;
    if (submitted) io_uring_submit(&ring_);
    if (yield || round == max_rounds_per_reap) break;
    take_completions();
    if (!submitted && next_reaped_ == reaped_.size()) break;
  }
  reaping_ = false;
  if (next_reaped_ < reaped_.size()) {
    // The rest after the handlers queued meanwhile (as the epoll path stops
    // reading after max_events_per_wakeup); the wait stays off till then.
    asio::post(io_, [this] { reap(); });
    return;
  }
  reaped_.clear();
  next_reaped_ = 0;
  submit_now();
}

void IoUringService::take_completions() {
  for (;;) {
    std::array<Completion, 64> batch;
    unsigned count = 0;
    unsigned head = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      batch[count++] = Completion{cqe->user_data, cqe->res, cqe->flags};
      if (count == batch.size()) break;
    }
    io_uring_cq_advance(&ring_, count);
    for (unsigned i = 0; i < count; ++i) {
      if ((batch[i].user_data & dispatched_early) != 0)
        dispatch(batch[i]);
      else
        reaped_.push_back(batch[i]);
    }
    if (count < batch.size()) return;
  }
}

bool IoUringService::dispatch(const Completion& completion) {
  const auto [user_data, result, flags] = completion;
  if ((flags & IORING_CQE_F_MORE) == 0) --in_flight_;
  const bool has_buffer = (flags & IORING_CQE_F_BUFFER) != 0;
  const unsigned buffer_id = flags >> IORING_CQE_BUFFER_SHIFT;
  bool yield = false;
  if (user_data != anonymous) {
    std::span<const std::byte> received;
    if (has_buffer && result > 0) received = {buffer_memory_ + buffer_id * buffer_size, static_cast<std::size_t>(result)};
    auto* client = reinterpret_cast<IoUringClient*>(user_data & ~std::uint64_t{7});
    yield = client->on_completion(static_cast<unsigned>(user_data & 7), result, flags, received);
  }
  if (has_buffer) recycle(buffer_id);
  return yield;
}

void IoUringService::recycle(unsigned buffer_id) {
  io_uring_buf_ring_add(buffers_, buffer_memory_ + buffer_id * buffer_size, buffer_size,
                        static_cast<unsigned short>(buffer_id), io_uring_buf_ring_mask(buffer_count), 0);
  io_uring_buf_ring_advance(buffers_, 1);
}

// The io_context is going away. Every request is cancelled synchronously
// before the ring and its buffers go (a recv completing later would write
// into unmapped, maybe reused, memory); then the clients that still had
// requests in flight let go of themselves.
void IoUringService::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (!ring_ready_) return;
  ring_fd_.release();  // the ring's fd is closed by io_uring_queue_exit
  io_uring_sync_cancel_reg cancel_all{};
  cancel_all.flags = IORING_ASYNC_CANCEL_ANY;
  cancel_all.fd = -1;
  cancel_all.timeout.tv_sec = -1;
  cancel_all.timeout.tv_nsec = -1;
  io_uring_register_sync_cancel(&ring_, &cancel_all);
  io_uring_queue_exit(&ring_);
  ::munmap(buffers_, buffer_count * sizeof(io_uring_buf));
  ::munmap(buffer_memory_, buffer_count * buffer_size);
  ring_ready_ = false;
  const std::vector<IoUringClient*> clients(clients_.begin(), clients_.end());
  clients_.clear();
  for (IoUringClient* client : clients) client->on_ring_shutdown();
}

}  // namespace duplex::native
