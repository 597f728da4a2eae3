// The default backend of WebAssembly builds and duplex::run().

#include "browser_backend.hpp"

#include <emscripten/emscripten.h>

#include "duplex/error.hpp"
#include "js_imports.hpp"

namespace duplex::wasm {

void BrowserBackend::post(std::function<void()> task) {
  // Architecture rule 4: events are queued to the event loop, never run inside
  // the caller; the host's loop runs them from a macrotask, like a browser's
  // "queue a task".
  tasks_.push_back(std::move(task));
  duplex_ws_schedule_tasks();
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
}

Capabilities BrowserBackend::capabilities() const {
  Capabilities c;
  c.open_timeout = true;      // a JS timer fails the connection
  c.close_timeout = true;     // a JS timer reports the close as not clean (1006)
  c.max_message_size = true;  // enforced once the host has the message, before it enters the wasm heap
  return c;
}

void BrowserBackend::run_tasks() {
  in_tasks = true;
  for (std::size_t n = tasks_.size(); n > 0 && !tasks_.empty(); --n) {
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    try {
      task();
    } catch (...) {
      in_tasks = false;
      if (!tasks_.empty()) duplex_ws_schedule_tasks();
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
  if (!tasks_.empty()) duplex_ws_schedule_tasks();
}

BrowserBackend& browser_backend() {
  static BrowserBackend backend;
  return backend;
}

std::size_t host_socket_count() noexcept { return static_cast<std::size_t>(duplex_ws_socket_count()); }

}  // namespace duplex::wasm

extern "C" EMSCRIPTEN_KEEPALIVE void duplex_wasm_run_tasks() { duplex::wasm::browser_backend().run_tasks(); }

namespace duplex {

Backend& default_backend() { return wasm::browser_backend(); }

void run() {
  auto& backend = wasm::browser_backend();
  // Without ASYNCIFY nothing can wait here: the host's loop delivers the
  // events after main() has returned. Inside a task run() cannot wait either
  // (the host is already running us), so it returns at once there too.
  if (!emscripten_has_asyncify() || backend.in_tasks) return;
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
