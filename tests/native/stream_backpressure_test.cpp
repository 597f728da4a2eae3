// WebSocketStream's write() as backpressure: a producer task that only
// `co_await stream.write(...)`s 1 GiB in 64 KiB messages to a server that
// discards them keeps the peak resident memory of the process near the
// stream's write_buffer_limit, however much it sends.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <duplex/duplex.hpp>
#include <span>
#include <string>

#include "support/peers.hpp"
#include "support/process_stats.hpp"

namespace duplex::test {
namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// A sanitizer's allocator keeps freed blocks resident for a while (ASan's
// quarantine: 16 MiB under the asan preset's ASAN_OPTIONS) and pads every
// allocation; that much more may be resident without the queue growing.
constexpr std::uint64_t sanitizer_allowance = 32 * MiB;
#else
constexpr std::uint64_t sanitizer_allowance = 0;
#endif

struct Produced {
  std::uint64_t sent = 0;
  std::uint64_t peak_buffered = 0;  ///< buffered_amount() as each write completed
  std::string count;                ///< the server's total of the bytes it received
  std::optional<std::uint16_t> close_code;
};

// Writes `total` bytes in messages of `chunk`, each awaited, then asks the
// server how much arrived and closes.
Task<void> produce(WebSocketStream& stream, const std::string& chunk, std::uint64_t total, Produced& out) {
  co_await stream.opened();
  const auto bytes = std::as_bytes(std::span(chunk));
  while (out.sent < total) {
    co_await stream.write(bytes);
    out.sent += chunk.size();
    out.peak_buffered = std::max(out.peak_buffered, stream.buffered_amount());
  }
  co_await stream.write(std::string("count"));
  if (auto answer = co_await stream.read()) out.count = answer->payload;
  stream.close({1000, {}});
  out.close_code = (co_await stream.closed()).close_code;
}

}  // namespace

TEST_CASE("1 GiB through co_await write() keeps peak RSS near write_buffer_limit", "[native][backpressure]") {
  constexpr std::uint64_t message_size = 64 * 1024;
  constexpr std::uint64_t total = 1024 * MiB;
  constexpr std::uint64_t limit = 1 * MiB;
  // What may be resident beyond the baseline: the buffered messages (at most
  // the limit + one message, as each write waits until the buffered amount is
  // back within the limit), the frames being written (a masked copy of each)
  // and allocator slack; 1 GiB queued at once would be 1024 MiB.
  constexpr std::uint64_t bound = limit + 24 * MiB + sanitizer_allowance;

  auto peer = start_ws_peer();
  const std::string chunk(message_size, 'x');
  const std::uint64_t baseline = resident_bytes();
  reset_peak_resident();
  WebSocketStreamOptions options;
  options.write_buffer_limit = limit;
  WebSocketStream stream(peer.url("/discard"), options);
  Produced out;
  spawn(produce(stream, chunk, total, out));
  const auto start = std::chrono::steady_clock::now();
  run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::uint64_t peak = peak_resident_bytes();
  std::printf(
      "stream backpressure: %llu MiB in %.2f s (%.0f MiB/s); peak bufferedAmount after a write %.2f MiB; RSS "
      "baseline %.1f MiB, peak %.1f MiB (+%.1f MiB, bound +%llu MiB)\n",
      static_cast<unsigned long long>(out.sent / MiB), seconds, static_cast<double>(out.sent / MiB) / seconds,
      static_cast<double>(out.peak_buffered) / MiB, static_cast<double>(baseline) / MiB,
      static_cast<double>(peak) / MiB, (static_cast<double>(peak) - static_cast<double>(baseline)) / MiB,
      static_cast<unsigned long long>(bound / MiB));
  CHECK(out.sent == total);
  CHECK(out.count == std::to_string(total));  // the server received every byte
  CHECK(out.close_code == std::optional<std::uint16_t>(1000));
  CHECK(out.peak_buffered <= limit);  // write() completes only within the limit
  CHECK(peak <= baseline + bound);
}

}  // namespace duplex::test
