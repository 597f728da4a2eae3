// Backend::post_after for the native backend: an asio::steady_timer per task.

#include <boost/asio/steady_timer.hpp>

#include "duplex/native/asio_backend.hpp"

namespace duplex::native {
namespace {

/// The timer and its task, kept alive by the pending wait; the handle only
/// cancels. Everything runs on the io_context's thread, so a flag suffices to
/// stop a completion that was already queued when cancel() came.
struct PendingTask {
  explicit PendingTask(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  std::function<void()> task;  // empty once run or cancelled
};

class AsioTimer final : public Timer {
 public:
  explicit AsioTimer(std::weak_ptr<PendingTask> pending) : pending_(std::move(pending)) {}
  ~AsioTimer() override { cancel(); }
  void cancel() noexcept override {
    if (auto p = pending_.lock()) {
      p->task = nullptr;
      p->timer.cancel();
    }
  }

 private:
  std::weak_ptr<PendingTask> pending_;
};

}  // namespace

std::unique_ptr<Timer> AsioBackend::post_after(std::chrono::milliseconds delay, std::function<void()> task) {
  auto pending = std::make_shared<PendingTask>(io_);
  pending->task = std::move(task);
  pending->timer.expires_after(delay);
  // A zero delay still completes from the loop, never inside this call.
  pending->timer.async_wait([pending](const boost::system::error_code&) {
    if (!pending->task) return;
    auto run = std::move(pending->task);
    pending->task = nullptr;
    run();
  });
  return std::make_unique<AsioTimer>(pending);
}

}  // namespace duplex::native
