#pragma once
// duplex::Task<T> — the coroutine type of duplex's coroutine interface, and
// spawn(), which runs one on a backend's loop.
//
//   duplex::Task<int> answer() { co_return 42; }
//   duplex::Task<void> main_task() { int a = co_await answer(); ... }
//   duplex::spawn(main_task());  duplex::run();

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "duplex/detail/coroutine.hpp"
#include "duplex/export.hpp"

namespace duplex {

class Backend;

template <class T = void>
class [[nodiscard]] Task;

namespace detail {

/// Resumes `handle` without nesting: inside a resume_flat() already running on
/// this thread, it queues `handle` for that loop and returns at once; else it
/// runs the loop (resume `handle`, then whatever it queued, ...) here. Task
/// hand-offs (awaiting a task, a task finishing) go through it, so a chain or
/// loop of awaits of any depth runs in constant stack at every optimization
/// level — what symmetric transfer promises but compilers only deliver as a
/// tail call when optimizing (GCC at -O0 or under sanitizers does not).
DUPLEX_API void resume_flat(coro::coroutine_handle<> handle);

/// What every Task promise has: who awaits it, what it threw, and the link to
/// its awaiter's promise, so that a chain of tasks suspended on a destroyed
/// WebSocketStream can be found from its innermost frame (see spawn()).
struct DUPLEX_API TaskPromiseBase {
  /// Resumed (by symmetric transfer) when this task finishes.
  coro::coroutine_handle<> continuation = coro::noop_coroutine();
  /// The promise of the Task awaiting this one, if that is a Task (or a spawn root).
  TaskPromiseBase* parent = nullptr;
  /// This promise's own coroutine.
  coro::coroutine_handle<> self;
  /// True for the frame spawn() makes: the root that owns a spawned chain.
  bool spawn_root = false;
  std::exception_ptr exception;

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(coro::coroutine_handle<P> finished) noexcept {
      resume_flat(finished.promise().continuation);  // no stack growth
    }
    void await_resume() const noexcept {}
  };
  coro::suspend_always initial_suspend() const noexcept { return {}; }  // lazily started
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }
};

/// The TaskPromiseBase of `handle`'s promise if it has one, else nullptr.
template <class P>
TaskPromiseBase* task_promise_of(coro::coroutine_handle<P> handle) noexcept {
  if constexpr (std::is_base_of_v<TaskPromiseBase, P>)
    return &handle.promise();
  else
    return nullptr;
}

template <class T>
struct TaskPromise : TaskPromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <class U = T>
    requires std::is_convertible_v<U&&, T>
  void return_value(U&& result) {
    value.emplace(std::forward<U>(result));
  }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() const noexcept {}
};

}  // namespace detail

/// A lazily started, move-only coroutine: its body runs when it is awaited
/// (`co_await task`, which gives its value or rethrows its exception) or
/// spawned (spawn()). Control passes between a task and its awaiter through
/// a per-thread loop (detail::resume_flat, the effect of symmetric transfer
/// without relying on the optimizer), so a loop or a chain of any depth of
/// awaits does not grow the stack. Destroying a Task destroys its coroutine
/// frame (and the locals it holds at its suspension point), finished or not;
/// a suspended task is then never resumed. Await a Task once, and never a
/// moved-from one (valid() is false): that is undefined behaviour.
template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;

  Task() noexcept = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  /// True when this object holds a coroutine (not moved from).
  bool valid() const noexcept { return static_cast<bool>(handle_); }
  /// True when the coroutine has finished (returned or thrown).
  bool done() const noexcept { return handle_ && handle_.done(); }

  /// The awaiter of `co_await task`: starts the task, suspends the awaiting
  /// coroutine until it finishes, then gives its value or rethrows.
  struct Awaiter {
    coro::coroutine_handle<promise_type> handle;
    bool await_ready() const noexcept { return !handle || handle.done(); }
    template <class P>
    void await_suspend(coro::coroutine_handle<P> awaiting) {
      handle.promise().continuation = awaiting;
      handle.promise().parent = detail::task_promise_of(awaiting);
      detail::resume_flat(handle);  // runs the task; no stack growth
    }
    T await_resume() const {
      auto& promise = handle.promise();
      if (promise.exception) std::rethrow_exception(promise.exception);
      if constexpr (!std::is_void_v<T>) return std::move(*promise.value);
    }
  };
  Awaiter operator co_await() & noexcept { return Awaiter{handle_}; }
  Awaiter operator co_await() && noexcept { return Awaiter{handle_}; }

  /// Gives up ownership of the coroutine frame (for spawn()).
  coro::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, nullptr); }

 private:
  friend promise_type;
  explicit Task(coro::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  coro::coroutine_handle<promise_type> handle_;
};

namespace detail {
template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  auto handle = coro::coroutine_handle<TaskPromise<T>>::from_promise(*this);
  self = handle;
  return Task<T>(handle);
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  auto handle = coro::coroutine_handle<TaskPromise<void>>::from_promise(*this);
  self = handle;
  return Task<void>(handle);
}
}  // namespace detail

/// Starts `task` on `backend`'s loop — posted, never inside this call — and
/// keeps its frame alive until it finishes; then frees it. A spawned task
/// keeps duplex::run() waiting while it waits on a duplex socket (natively
/// the io_context has that socket's work, on WebAssembly the host's loop
/// resumes it); a task suspended on something else does not.
/// An exception escaping a spawned task is printed to stderr ("duplex: a
/// spawned task threw: <what>") and std::terminate() is called: catch inside
/// the task what it can survive.
/// If the task waits on a WebSocketStream that is destroyed meanwhile, it is
/// never resumed: its whole chain of frames is destroyed from the loop soon
/// after (locals' destructors run, no code after the co_await does).
/// A backend destroyed before the task started destroys it unstarted.
DUPLEX_API void spawn(Backend& backend, Task<void> task);
/// spawn() on duplex::default_backend().
DUPLEX_API void spawn(Task<void> task);

/// Starts the task `make()` returns on `backend`'s loop, as spawn(backend,
/// task) does, keeping `make` (e.g. a lambda and its captures) alive until
/// the task finishes:
///
///   duplex::spawn(backend, [url]() -> duplex::Task<void> { ... co_await ... url ... });
///
/// Spawning the task of a capturing lambda called on the spot,
/// `spawn(backend, [url]() -> Task<void> {...}())`, is a trap: the task
/// starts on the loop, after the lambda, and with it `url`, is gone.
template <class Make>
  requires std::is_invocable_r_v<Task<void>, Make&>
void spawn(Backend& backend, Make make) {
  // The callable is a parameter of this coroutine, so it lives in its frame.
  spawn(backend, [](Make kept) -> Task<void> { co_await kept(); }(std::move(make)));
}
/// The same on duplex::default_backend().
template <class Make>
  requires std::is_invocable_r_v<Task<void>, Make&>
void spawn(Make make) {
  spawn([](Make kept) -> Task<void> { co_await kept(); }(std::move(make)));
}

namespace detail {
/// Destroys the spawned chain that contains `promise` (the frame of the task
/// suspended on something that will never complete): walks `parent` links to
/// the root and destroys it if it is a spawn root; otherwise does nothing (the
/// Task object that owns the chain frees it). Called from the loop.
DUPLEX_API void abandon_task_chain(TaskPromiseBase* promise) noexcept;
}  // namespace detail

}  // namespace duplex
