// 1 GiB sent by a producer that only the bufferedamountlow event drives, to a
// server that discards it: the peak resident memory of the process stays near
// the threshold, however much is sent.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <duplex/duplex.hpp>
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

}  // namespace

TEST_CASE("1 GiB driven by bufferedamountlow keeps peak RSS near the threshold", "[native][backpressure]") {
  constexpr std::uint64_t message_size = 1 * MiB;
  constexpr std::uint64_t total = 1024 * MiB;
  constexpr std::uint64_t threshold = 8 * MiB;
  // What may be resident beyond the baseline: the queue (at most threshold +
  // one message, as the producer stops once above the threshold), the frames
  // being written (a masked copy of each), and allocator slack.
  constexpr std::uint64_t bound = threshold + 24 * MiB + sanitizer_allowance;

  auto peer = start_ws_peer();
  const std::string chunk(message_size, 'x');
  const std::uint64_t baseline = resident_bytes();
  reset_peak_resident();
  WebSocket ws(peer.url("/discard"));
  ws.buffered_amount_low_threshold(threshold);
  std::uint64_t sent = 0, peak_buffered = 0;
  std::string count;
  auto pump = [&] {
    while (sent < total && ws.buffered_amount() <= threshold) {
      ws.send(std::as_bytes(std::span(chunk)));
      sent += message_size;
      peak_buffered = std::max(peak_buffered, ws.buffered_amount());
    }
    if (sent == total) ws.send("count");
  };
  ws.onopen([&](const Event&) { pump(); });
  ws.onbufferedamountlow([&](const Event&) {
    if (sent < total) pump();
  });
  ws.onmessage([&](const MessageEvent& e) {
    count = e.text();
    ws.close(1000);
  });
  const auto start = std::chrono::steady_clock::now();
  run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::uint64_t peak = peak_resident_bytes();
  std::printf(
      "backpressure: %llu MiB in %.2f s (%.0f MiB/s); peak bufferedAmount %llu MiB; RSS baseline %.1f MiB, "
      "peak %.1f MiB (+%.1f MiB, bound +%llu MiB)\n",
      static_cast<unsigned long long>(sent / MiB), seconds, static_cast<double>(sent / MiB) / seconds,
      static_cast<unsigned long long>(peak_buffered / MiB), static_cast<double>(baseline) / MiB,
      static_cast<double>(peak) / MiB, (static_cast<double>(peak) - static_cast<double>(baseline)) / MiB,
      static_cast<unsigned long long>(bound / MiB));
  CHECK(sent == total);
  CHECK(count == std::to_string(total));  // the server received every byte
  CHECK(peak_buffered <= threshold + message_size);
  CHECK(peak <= baseline + bound);
}

}  // namespace duplex::test
