// The echo client of the WebAssembly bench: duplex::WebSocket compiled with
// em++, driven by tests/bench/wasm/bench_page.js in a browser beside a plain
// JavaScript WebSocket client that does the same (tests/bench/wasm/js_client.js).
//
// wasm_bench_start() opens `conns` sockets to ws://127.0.0.1:<port>/, and once
// all are open keeps one message in flight on each (ping-pong): every echo's
// onmessage sends the next message on that socket. After `warmup` echoes in all
// the clock starts (performance.now()); after `msgs` more it stops, every
// socket is closed with 1000, and once all close events have arrived the page
// is told the result (Module.onBenchResult(ms, msgs, error)).

#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <duplex/duplex.hpp>

// clang-format off
#ifdef EM_JS_DEPS  // emscripten >= 3.1.24 (see web/demo_page.cpp)
EM_JS_DEPS(duplex_wasm_bench, "$UTF8ToString");
#endif
/// Hands one run's result to the page: the measured phase's length in ms, the
/// echoes it counted, and an error ("" when the run worked).
EM_JS(void, report_result, (double ms, double msgs, const char* error), {
  Module.onBenchResult(ms, msgs, UTF8ToString(error));
});
// clang-format on

namespace {

/// One run: its sockets, its payload and where the measured phase stands.
class Run {
 public:
  Run(int port, int conns, std::size_t size, long warmup, long msgs, bool text)
      : conns_(conns), size_(size), warmup_(warmup), msgs_(msgs), text_(text) {
    // ASCII text or random-ish binary, as tests/bench/bench_common.hpp makes them.
    payload_.reserve(size);
    std::uint32_t x = 0x12345678;
    for (std::size_t i = 0; i < size; ++i) {
      x = x * 1664525u + 1013904223u;
      payload_.push_back(text ? static_cast<char>('a' + i % 26) : static_cast<char>(x >> 24));
    }
    const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/";
    sockets_.reserve(static_cast<std::size_t>(conns));
    for (int c = 0; c < conns; ++c) {
      auto& ws = *sockets_.emplace_back(std::make_unique<duplex::WebSocket>(url));
      ws.binary_type(duplex::BinaryType::arraybuffer);
      ws.onopen([this](const duplex::Event&) { opened(); });
      ws.onmessage([this, &ws](const duplex::MessageEvent& e) { echoed(ws, e); });
      ws.onerror([this](const duplex::ErrorEvent& e) { fail("error event: " + e.message()); });
      ws.onclose([this](const duplex::CloseEvent& e) { closed(e); });
    }
  }

 private:
  void send(duplex::WebSocket& ws) {
    if (text_)
      ws.send(payload_);
    else
      ws.send(std::as_bytes(std::span(payload_)));
  }

  void opened() {
    if (++open_ < conns_) return;
    if (warmup_ == 0) start_ = emscripten_get_now();
    for (auto& ws : sockets_) send(*ws);
  }

  // The hot path: count the echo, send the next message on the same socket.
  void echoed(duplex::WebSocket& ws, const duplex::MessageEvent& e) {
    if (stopped_) return;
    if (e.bytes().size() != size_ || e.is_text() != text_) return fail("echo of the wrong size or type");
    ++received_;
    if (received_ == warmup_) start_ = emscripten_get_now();
    if (received_ == warmup_ + msgs_) return stop();
    send(ws);
  }

  void stop() {
    elapsed_ms_ = emscripten_get_now() - start_;
    stopped_ = true;
    for (auto& ws : sockets_) ws->close(1000);
  }

  void closed(const duplex::CloseEvent& e) {
    if (!stopped_) return fail("closed early, code " + std::to_string(e.code()));
    if (++closed_ == conns_) report_result(elapsed_ms_, static_cast<double>(msgs_), "");
  }

  void fail(const std::string& what) {
    if (failed_) return;
    failed_ = stopped_ = true;
    report_result(0, 0, what.c_str());
  }

  std::vector<std::unique_ptr<duplex::WebSocket>> sockets_;
  std::string payload_;
  int conns_;
  std::size_t size_;
  long warmup_, msgs_;
  bool text_;
  int open_ = 0, closed_ = 0;
  long received_ = 0;
  double start_ = 0, elapsed_ms_ = 0;
  bool stopped_ = false, failed_ = false;
};

std::unique_ptr<Run> run;

}  // namespace

/// Starts one run (the previous one, finished, is dropped first).
extern "C" EMSCRIPTEN_KEEPALIVE void wasm_bench_start(int port, int conns, int size, double warmup, double msgs,
                                                      int text) {
  run.reset();
  run = std::make_unique<Run>(port, conns, static_cast<std::size_t>(size), static_cast<long>(warmup),
                              static_cast<long>(msgs), text != 0);
}

int main() { return 0; }  // the page calls wasm_bench_start; the runtime stays (EXIT_RUNTIME=0)
