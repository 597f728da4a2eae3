// Backpressure against a real server, on every backend: a producer driven only
// by bufferedamountlow, and Options::max_buffered_amount.

#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("a producer driven by bufferedamountlow keeps bufferedAmount bounded", "[integration][backpressure]") {
  constexpr std::uint64_t message_size = 1024 * 1024;
  constexpr std::uint64_t total = 64 * message_size;
  constexpr std::uint64_t threshold = 4 * message_size;
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/discard"));
  Recorder recorder(ws);
  ws.buffered_amount_low_threshold(threshold);
  const std::string chunk(message_size, 'x');
  std::uint64_t sent = 0, peak = 0;
  int low_events = 0;
  std::string count;
  auto pump = [&] {
    // Send until the buffer is above the threshold; bufferedamountlow resumes.
    while (sent < total && ws.buffered_amount() <= threshold) {
      ws.send(std::as_bytes(std::span(chunk)));
      sent += message_size;
      peak = std::max(peak, ws.buffered_amount());
    }
    if (sent == total) ws.send("count");  // /discard answers with the bytes it received
  };
  ws.onopen([&](const Event&) { pump(); });
  ws.onbufferedamountlow([&](const Event&) {
    ++low_events;
    if (sent < total) pump();
  });
  ws.onmessage([&](const MessageEvent& e) {
    count = e.text();
    ws.close(1000);
  });
  run();
  CHECK(sent == total);
  CHECK(count == std::to_string(total));
  CHECK(peak <= threshold + message_size);
  CHECK(low_events >= static_cast<int>((total - threshold) / threshold) / 2);
  REQUIRE(recorder.close);
  CHECK(recorder.close->was_clean());
}

TEST_CASE("max_buffered_amount refuses a send past it with OperationError", "[integration][backpressure]") {
  auto peer = start_ws_peer();
  Options options;
  options.max_buffered_amount = 1024 * 1024;
  WebSocket ws(peer.url("/discard"), {}, options);
  Recorder recorder(ws);
  std::string first_error, answer;
  const std::string full(1024 * 1024, 'a'), one(1, 'b');
  bool asked = false;
  ws.onopen([&](const Event&) {
    ws.send(std::as_bytes(std::span(full)));
    // bufferedAmount falls only from the loop, so the limit is reached now.
    try {
      ws.send(std::as_bytes(std::span(one)));
    } catch (const Error& e) {
      first_error = e.name();
    }
  });
  ws.onbufferedamountlow([&](const Event&) {
    if (!std::exchange(asked, true)) ws.send("count");
  });
  ws.onmessage([&](const MessageEvent& e) {
    answer = e.text();
    ws.close();
  });
  run();
  CHECK(first_error == "OperationError");
  CHECK(answer == std::to_string(1024 * 1024));  // the refused message never reached the server
  CHECK(recorder.events == std::vector<std::string>{"open", "message", "close"});
}

}  // namespace duplex::test
