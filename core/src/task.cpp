// duplex::spawn: runs a Task<void> on a backend's loop, owned by a root
// coroutine frame that frees itself when the task finishes.

#include "duplex/task.hpp"

#include <cstdio>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "duplex/backend.hpp"

namespace duplex {
namespace {

[[noreturn]] void report_and_terminate(const char* what) noexcept {
  std::fprintf(stderr, "duplex: a spawned task threw: %s\n", what);
  std::fflush(stderr);
  std::terminate();
}

/// The frame spawn() makes: it awaits the task, then destroys itself
/// (final_suspend does not suspend). Its promise is a TaskPromiseBase marked
/// spawn_root, the end of the parent links abandon_task_chain() walks.
struct SpawnRoot {
  struct promise_type : detail::TaskPromiseBase {
    SpawnRoot get_return_object() noexcept {
      auto handle = coro::coroutine_handle<promise_type>::from_promise(*this);
      self = handle;
      spawn_root = true;
      return SpawnRoot{handle};
    }
    coro::suspend_always initial_suspend() const noexcept { return {}; }
    coro::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    [[noreturn]] void unhandled_exception() const noexcept { report_and_terminate("(unknown)"); }
  };
  coro::coroutine_handle<promise_type> handle;
};

SpawnRoot run_spawned(Task<void> task) {
  try {
    co_await std::move(task);
  } catch (const std::exception& e) {
    report_and_terminate(e.what());
  } catch (...) {
    report_and_terminate("an exception not derived from std::exception");
  }
}

/// Owns the root until the loop starts it: a backend destroyed with the
/// start still queued destroys the task unstarted.
struct Unstarted {
  coro::coroutine_handle<> handle;
  explicit Unstarted(coro::coroutine_handle<> h) noexcept : handle(h) {}
  Unstarted(const Unstarted&) = delete;
  Unstarted& operator=(const Unstarted&) = delete;
  ~Unstarted() {
    if (handle) handle.destroy();
  }
};

}  // namespace

void spawn(Backend& backend, Task<void> task) {
  auto root = std::make_shared<Unstarted>(run_spawned(std::move(task)).handle);
  // Posted: the task's body never runs inside this call.
  backend.post([root] { detail::resume_flat(std::exchange(root->handle, nullptr)); });
}

namespace detail {

namespace {
// The hand-offs waiting for the loop of the resume_flat() running on this
// thread: usually one (a coroutine hands off once per suspension), more if a
// coroutine resumes another by hand before it suspends.
thread_local bool flat_running = false;
thread_local std::vector<coro::coroutine_handle<>> flat_queue;
}  // namespace

void resume_flat(coro::coroutine_handle<> handle) {
  if (!handle) return;
  flat_queue.push_back(handle);
  if (flat_running) return;  // the loop below us on this thread resumes it
  flat_running = true;
  struct Reset {
    ~Reset() {
      flat_running = false;
      flat_queue.clear();
    }
  } reset;
  for (std::size_t next = 0; next < flat_queue.size(); ++next) {
    auto next_handle = flat_queue[next];  // a copy: resume() may grow the queue
    next_handle.resume();
    if (next + 1 == flat_queue.size()) {  // drained: reuse the storage from its start
      flat_queue.clear();
      next = static_cast<std::size_t>(-1);
    }
  }
}

void abandon_task_chain(TaskPromiseBase* promise) noexcept {
  if (promise == nullptr) return;
  while (promise->parent != nullptr) promise = promise->parent;
  // Only a spawned chain has no owner but itself; a Task someone holds is
  // freed when they destroy it.
  if (promise->spawn_root) promise->self.destroy();
}

}  // namespace detail
}  // namespace duplex
