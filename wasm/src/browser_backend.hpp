#pragma once
// The Backend of WebAssembly builds: a task queue drained from host macrotasks
// and a transport factory over the host's WebSocket.

#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "duplex/backend.hpp"

namespace duplex::wasm {

class BrowserBackend final : public Backend {
 public:
  /// Queues `task`; a host macrotask runs it: the host event being handled,
  /// if any (see host_event), else a new one (setImmediate / MessageChannel).
  void post(std::function<void()> task) override;
  /// The same, without a std::function: the queue keeps the weak pointer.
  void post_task(std::weak_ptr<PostedTask> task) override;
  /// The host's setTimeout; the task runs from that macrotask.
  std::unique_ptr<Timer> post_after(std::chrono::milliseconds delay, std::function<void()> task) override;
  /// Throws Error("NotSupportedError") for headers, origin, ca_file and client
  /// certificates: a browser's WebSocket has no way to honour them.
  void check_options(const Options& options) const override;
  Capabilities capabilities() const override;
  /// "this host has no WebSocket ..." when the host (node before 22 with
  /// nothing preloaded) has no WebSocket global.
  std::optional<std::string> unavailable() const override;
  std::unique_ptr<Transport> connect(ConnectRequest request, TransportEvents& events) override;

  /// Runs `report` (a host event's facts, reported by the exports of
  /// browser_transport.cpp), then the tasks it queued, in this same host task:
  /// the event is already a task of the host's loop, not a call the
  /// application made, so a message reaches onmessage without waiting for one
  /// more macrotask. If a macrotask is already scheduled, the tasks wait for
  /// it, in order. Nested host events (the js-library brackets one that
  /// reports several facts with begin/end) run the tasks once, at the end.
  template <class Report>
  void host_event(Report&& report) {
    begin_host_event();
    try {
      report();
    } catch (...) {
      if (leave_host_event()) wake();  // what was queued still runs
      throw;
    }
    end_host_event();
  }
  void begin_host_event() noexcept { ++host_event_depth_; }
  void end_host_event() {
    if (leave_host_event()) run_tasks();
  }

  /// Runs the tasks queued before this call; tasks they post wait for the
  /// next macrotask, so the host's own events interleave. An exception from a
  /// task is kept for run() when one is waiting, else rethrown to the host.
  void run_tasks();
  /// The macrotask duplex_ws_schedule_tasks asked for: run_tasks().
  void run_scheduled_tasks() {
    macrotask_scheduled_ = false;
    run_tasks();
  }
  /// Runs the task of host timer `id` (from duplex_wasm_on_timer).
  void run_timer(int id);
  /// Forgets timer `id` and clears it in the host.
  void cancel_timer(int id) noexcept;
  /// True while a task is queued, a timer is pending or a transport has not ended.
  bool busy() const noexcept { return !tasks_.empty() || !timers_.empty() || active_ > 0; }
  /// The exception a task threw while run() was waiting, if any (cleared).
  std::exception_ptr take_exception() noexcept { return std::exchange(exception_, nullptr); }

  /// Transports count themselves active from creation until they end.
  void transport_started() noexcept { ++active_; }
  void transport_ended() noexcept { --active_; }

  int run_depth = 0;      ///< duplex::run() calls waiting
  bool in_tasks = false;  ///< inside run_tasks()

 private:
  /// A queued task: a function from post() or a PostedTask from post_task(), which
  /// core posts once per delivery of a socket's facts.
  struct Posted {
    // Built in place (emplace_back): a temporary would make the push an
    // invoke_ under em++'s JavaScript exceptions.
    explicit Posted(std::function<void()>&& f) noexcept : function(std::move(f)) {}
    explicit Posted(std::weak_ptr<PostedTask>&& t) noexcept : task(std::move(t)) {}
    std::function<void()> function;
    std::weak_ptr<PostedTask> task;
    void run() {
      if (function)
        function();
      else if (const auto alive = task.lock())
        alive->run();
    }
  };
  /// Tasks are queued: make sure something runs them. Asks the host for a
  /// macrotask only outside host events and only once: one JavaScript call
  /// per macrotask, not per task.
  void wake() noexcept;
  /// Leaves a host event; true when the tasks are to run now.
  [[nodiscard]] bool leave_host_event() noexcept;

  std::deque<Posted> tasks_;
  int host_event_depth_ = 0;
  bool macrotask_scheduled_ = false;
  std::map<int, std::function<void()>> timers_;  // pending host timers by id
  std::size_t active_ = 0;
  std::exception_ptr exception_;
};

/// The backend behind duplex::default_backend().
BrowserBackend& browser_backend();

}  // namespace duplex::wasm
