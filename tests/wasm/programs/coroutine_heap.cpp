// Bounded memory of a coroutine producer in WebAssembly: 1 GiB written in
// 64 KiB binary messages with `co_await write(...)`, as natively
// (tests/native/stream_backpressure_test.cpp), to the npm ws peer's /discard
// path, which counts them. write() completes once bufferedAmount is at most
// write_buffer_limit (1 MiB), so the program never holds more than about that
// plus one message: the wasm heap (emscripten_get_heap_size(), i.e.
// HEAP8.length; with -sALLOW_MEMORY_GROWTH it only grows) must grow by less
// than 64 MiB over the run, and bufferedAmount must be within the limit each
// time a write completes. Then a text message asks the peer for its total,
// which must be 1 GiB. No -sASYNCIFY: main() spawns the task and returns; the
// task's result is the exit status.
//
// The wasm heap alone proves little here: every message sent is copied out of
// it into the host (duplex_websocket.js), so a producer that never waited
// would grow the host's memory, not the heap. So in node the host's
// ArrayBuffer memory (process.memoryUsage().arrayBuffers: the copies npm ws
// has not written yet, and those not yet collected) is sampled too and must
// grow by less than 128 MiB.
//
// Usage: coroutine_heap [unbounded]
//   unbounded  write_buffer_limit of 1 TiB (write() never waits) to the peer's
//              /stop-reading path, which reads nothing: the host holds what
//              was sent (256 MiB here, twice the bound), and the host memory
//              check fails (exit 6), which shows that it can
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "duplex/duplex.hpp"
#include "duplex/task.hpp"
#include "duplex/websocket_stream.hpp"

namespace {

constexpr std::size_t message_size = 64 * 1024;
constexpr std::uint64_t total_bytes = 1024ull * 1024 * 1024;
constexpr std::uint64_t unbounded_total_bytes = 256ull * 1024 * 1024;
constexpr std::size_t heap_growth_bound = 64 * 1024 * 1024;
constexpr double host_memory_bound = 128.0 * 1024 * 1024;

/// node's process.memoryUsage().arrayBuffers, or -1 in other hosts.
double host_array_buffers() {
  return EM_ASM_DOUBLE({
    return (typeof process === 'object' && process.memoryUsage) ? process.memoryUsage().arrayBuffers : -1;
  });
}

duplex::Task<int> produce(bool unbounded) {
  const char* port = std::getenv("DUPLEX_WS_PEER_PORT");
  if (port == nullptr) {
    std::fprintf(stderr, "coroutine_heap: DUPLEX_WS_PEER_PORT is not set (run it with run_with_peers.js)\n");
    co_return 2;
  }
  const std::size_t heap_before = emscripten_get_heap_size();
  duplex::WebSocketStreamOptions options;
  if (unbounded) options.write_buffer_limit = std::uint64_t{1} << 40;
  const double host_before = host_array_buffers();
  double host_most = host_before;
  duplex::WebSocketStream ws(std::string("ws://127.0.0.1:") + port + (unbounded ? "/stop-reading" : "/discard"),
                             options);
  co_await ws.opened();

  const std::uint64_t total = unbounded ? unbounded_total_bytes : total_bytes;
  std::vector<std::byte> chunk(message_size);
  for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<std::byte>(i * 7);
  std::uint64_t most_buffered = 0;
  for (std::uint64_t sent = 0; sent < total; sent += message_size) {
    co_await ws.write(std::span<const std::byte>(chunk));
    if (sent % (64 * message_size) == 0) host_most = std::max(host_most, host_array_buffers());
    const std::uint64_t buffered = ws.buffered_amount();
    if (buffered > most_buffered) most_buffered = buffered;
    if (buffered > options.write_buffer_limit) {
      std::fprintf(stderr, "coroutine_heap: write() completed with bufferedAmount %llu > %llu\n",
                   static_cast<unsigned long long>(buffered),
                   static_cast<unsigned long long>(options.write_buffer_limit));
      co_return 3;
    }
  }
  const std::size_t heap_after = emscripten_get_heap_size();
  host_most = std::max(host_most, host_array_buffers());

  const std::size_t growth = heap_after - heap_before;
  std::printf("coroutine_heap: sent %llu MiB in %zu KiB messages; wasm heap %zu -> %zu bytes (growth %zu, bound %zu); "
              "most bufferedAmount after a write %llu; host ArrayBuffers %.0f -> at most %.0f bytes (bound %.0f above)\n",
              static_cast<unsigned long long>(total >> 20), message_size >> 10, heap_before, heap_after, growth,
              heap_growth_bound, static_cast<unsigned long long>(most_buffered), host_before, host_most,
              host_memory_bound);
  if (growth >= heap_growth_bound) {
    std::fprintf(stderr, "coroutine_heap: the wasm heap grew by %zu bytes, bound %zu\n", growth, heap_growth_bound);
    co_return 5;
  }
  if (host_before >= 0 && host_most - host_before >= host_memory_bound) {
    std::fprintf(stderr, "coroutine_heap: the host's ArrayBuffer memory grew by %.0f bytes, bound %.0f\n",
                 host_most - host_before, host_memory_bound);
    co_return 6;
  }

  co_await ws.write(std::string("total?"));
  const auto answer = co_await ws.read();
  const std::string expected = std::to_string(total);
  if (!answer || answer->payload != expected) {
    std::fprintf(stderr, "coroutine_heap: the peer received %s bytes, expected %s\n",
                 answer ? answer->payload.c_str() : "(no answer)", expected.c_str());
    co_return 4;
  }
  ws.close({1000, ""});
  co_await ws.closed();
  co_return 0;
}

duplex::Task<void> program(bool unbounded) {
  int status = 1;
  try {
    status = co_await produce(unbounded);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coroutine_heap: %s\n", e.what());
    status = 8;
  }
  std::fflush(stdout);
  emscripten_force_exit(status);
}

}  // namespace

int main(int argc, char* argv[]) {
  duplex::spawn(program(argc > 1 && std::string(argv[1]) == "unbounded"));
  return 0;  // the host's event loop runs the task, which ends the program
}
