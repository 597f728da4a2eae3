// The default backend of WebAssembly builds and duplex::run().

#include "browser_backend.hpp"

#include <emscripten/emscripten.h>

#include <atomic>
#include <cstdio>

#include "duplex/error.hpp"
#include "js_imports.hpp"

namespace duplex::wasm {

void BrowserBackend::post(std::function<void()> task) {
  // Architecture rule 4: events are queued to the event loop, never run inside
  // the caller; the host's loop runs them from a macrotask, like a browser's
  // "queue a task".
  tasks_.emplace_back(std::move(task));
  wake();
}

void BrowserBackend::post_task(std::weak_ptr<PostedTask> task) {
  tasks_.emplace_back(std::move(task));
  wake();
}

void BrowserBackend::wake() noexcept {
  if (macrotask_scheduled_ || host_event_depth_ > 0) return;  // host_event runs them at its end
  macrotask_scheduled_ = true;
  duplex_ws_schedule_tasks();
}

bool BrowserBackend::leave_host_event() noexcept {
  if (--host_event_depth_ > 0 || tasks_.empty() || macrotask_scheduled_) return false;
  if (in_tasks) {  // reported from inside a task: never run tasks inside a task
    wake();
    return false;
  }
  return true;
}

namespace {

class HostTimer final : public Timer {
 public:
  HostTimer(BrowserBackend& backend, int id) : backend_(backend), id_(id) {}
  ~HostTimer() override { cancel(); }
  void cancel() noexcept override { backend_.cancel_timer(id_); }

 private:
  BrowserBackend& backend_;
  int id_;
};

}  // namespace

std::unique_ptr<Timer> BrowserBackend::post_after(std::chrono::milliseconds delay, std::function<void()> task) {
  const int id = duplex_ws_set_timer(delay.count() > 0 ? static_cast<double>(delay.count()) : 0.0);
  timers_[id] = std::move(task);
  return std::make_unique<HostTimer>(*this, id);
}

void BrowserBackend::run_timer(int id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  auto task = std::move(it->second);
  timers_.erase(it);
  // Run as a posted task (after those already queued), so an exception takes
  // the same way out.
  tasks_.emplace_back(std::move(task));
  if (!in_tasks) run_tasks();
}

void BrowserBackend::cancel_timer(int id) noexcept {
  if (timers_.erase(id) > 0) duplex_ws_clear_timer(id);
}

void BrowserBackend::check_options(const Options& options) const {
  // The WHATWG constructor takes a URL and protocols only: the handshake's
  // other fields and the TLS setup belong to the host.
  if (!options.headers.empty())
    throw Error("NotSupportedError", "Options::headers: a browser's WebSocket cannot send extra handshake headers");
  if (!options.origin.empty()) throw Error("NotSupportedError", "Options::origin: the host sends its own Origin");
  if (!options.ca_file.empty())
    throw Error("NotSupportedError", "Options::ca_file: the host's trust store decides wss:// certificates");
  if (!options.client_certificate_file.empty() || !options.client_key_file.empty())
    throw Error("NotSupportedError",
                "Options::client_certificate_file / client_key_file: the host chooses client certificates");
  // Browsers always offer permessage-deflate with their own parameters.
  if (!options.permessage_deflate)
    throw Error("NotSupportedError", "Options::permessage_deflate = false: the host always offers permessage-deflate");
  if (options.deflate_no_context_takeover)
    throw Error("NotSupportedError",
                "Options::deflate_no_context_takeover: the host negotiates its own deflate parameters");
  // Proxies, connection racing and TLS settings belong to the host (its proxy
  // settings, its own Happy Eyeballs, its trust store); the browser API has no
  // Ping and no idle timer of its own.
  const Options defaults;
  if (!options.proxy.empty()) throw Error("NotSupportedError", "Options::proxy: the host uses its own proxy settings");
  if (options.connect_timeout != defaults.connect_timeout)
    throw Error("NotSupportedError", "Options::connect_timeout: the host decides how it connects");
  if (options.ping_interval.count() != 0 || options.pong_timeout.count() != 0)
    throw Error("NotSupportedError", "Options::ping_interval / pong_timeout: a browser's WebSocket cannot send Pings");
  if (options.idle_timeout.count() != 0)
    throw Error("NotSupportedError", "Options::idle_timeout: not available on this backend");
  if (!options.ca_pem.empty())
    throw Error("NotSupportedError", "Options::ca_pem: the host's trust store decides wss:// certificates");
  if (!options.client_certificate_pem.empty() || !options.client_key_pem.empty())
    throw Error("NotSupportedError",
                "Options::client_certificate_pem / client_key_pem: the host chooses client certificates");
  if (options.min_tls_version != Options::TlsVersion::tls1_2)
    throw Error("NotSupportedError", "Options::min_tls_version: the host decides TLS versions");
  if (options.insecure_skip_certificate_verification)
    throw Error("NotSupportedError",
                "Options::insecure_skip_certificate_verification: the host always verifies certificates");
  if (!options.tls_session_resumption)
    throw Error("NotSupportedError", "Options::tls_session_resumption = false: the host resumes TLS sessions its own way");
}

Capabilities BrowserBackend::capabilities() const {
  Capabilities c;
  c.open_timeout = true;      // a JS timer fails the connection
  c.close_timeout = true;     // a JS timer reports the close as not clean (1006)
  c.max_message_size = true;  // enforced once the host has the message, before it enters the wasm heap
  // The host's WebSocket (WHATWG) has no ping() and no `pong` event, and never
  // shows the handshake response: WebSocket::ping() and handshake_response()
  // throw NotSupportedError here.
  c.ping = false;
  c.handshake_response = false;
  return c;
}

std::optional<std::string> BrowserBackend::unavailable() const {
  if (duplex_ws_host_has_websocket()) return std::nullopt;
  return "this host has no WebSocket: node before 22 needs one preloaded "
         "(e.g. npm ws as globalThis.WebSocket, see the README's WebAssembly guide)";
}

void BrowserBackend::run_tasks() {
  in_tasks = true;
  for (std::size_t n = tasks_.size(); n > 0 && !tasks_.empty(); --n) {
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    try {
      task.run();
    } catch (...) {
      in_tasks = false;
      if (!tasks_.empty()) wake();
      // WebSocket contract: a listener's exception propagates out of the loop
      // that ran it: out of a waiting duplex::run(), else to the host.
      if (run_depth > 0 && !exception_) {
        exception_ = std::current_exception();
        return;
      }
      throw;
    }
  }
  in_tasks = false;
  if (!tasks_.empty()) wake();
}

BrowserBackend& browser_backend() {
  // One per thread: with -pthread each thread that uses duplex (e.g. main()
  // on a worker under -sPROXY_TO_PTHREAD) has its own host event loop and its
  // own js-library state, so its own queue, timers and sockets.
  static thread_local BrowserBackend backend;
  return backend;
}

std::size_t host_socket_count() noexcept { return static_cast<std::size_t>(duplex_ws_socket_count()); }

}  // namespace duplex::wasm

extern "C" EMSCRIPTEN_KEEPALIVE void duplex_wasm_run_tasks() { duplex::wasm::browser_backend().run_scheduled_tasks(); }

// A host event that reports several facts (BrowserBackend::host_event).
extern "C" EMSCRIPTEN_KEEPALIVE void duplex_wasm_host_event_begin() {
  duplex::wasm::browser_backend().begin_host_event();
}
extern "C" EMSCRIPTEN_KEEPALIVE void duplex_wasm_host_event_end() { duplex::wasm::browser_backend().end_host_event(); }

extern "C" EMSCRIPTEN_KEEPALIVE void duplex_wasm_on_timer(int id) { duplex::wasm::browser_backend().run_timer(id); }

namespace duplex {

Backend& default_backend() { return wasm::browser_backend(); }

namespace {

/// Says once per program, on stderr (the console's error stream), why run()
/// returned at once: a program that expected it to wait would otherwise end
/// with its sockets still connecting and no word of why.
void tell_run_cannot_wait() {
  static std::atomic<bool> told{false};
  if (told.exchange(true)) return;
  std::fputs(
      "duplex::run() cannot wait in a program linked without -sASYNCIFY: start a coroutine with "
      "duplex::spawn(...) and return from main (the host's event loop runs it), or link with -sASYNCIFY\n",
      stderr);
  std::fflush(stderr);
}

}  // namespace

void run() {
  auto& backend = wasm::browser_backend();
  // Without ASYNCIFY nothing can wait here: the host's loop delivers the
  // events after main() has returned. Inside a task run() cannot wait either
  // (the host is already running us), so it returns at once there too.
  if (!emscripten_has_asyncify()) {
    tell_run_cannot_wait();
    return;
  }
  if (backend.in_tasks) return;
  ++backend.run_depth;
  for (;;) {
    if (auto error = backend.take_exception()) {
      --backend.run_depth;
      std::rethrow_exception(error);
    }
    if (!backend.busy()) break;
    emscripten_sleep(1);
  }
  --backend.run_depth;
}

}  // namespace duplex
