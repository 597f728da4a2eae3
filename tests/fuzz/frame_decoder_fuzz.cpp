// libFuzzer target: the client engine fed arbitrary server bytes, split
// arbitrarily, with the transport taking output and the application sending,
// pinging and closing in between, in an order the input decides. Whatever
// arrives, the engine must not crash, must end in at most one Failed event,
// must keep its output to well-formed masked frames, the Pongs waiting
// (RFC 6455 §5.5.3) and our Pings bounded, and must write nothing after its
// Close frame (§5.5.1).

#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "duplex/rfc6455/connection.hpp"
#include "fuzz_input.hpp"

using namespace duplex::rfc6455;

namespace {

constexpr unsigned opcode_of(const OutgoingFrame& frame) { return std::to_integer<unsigned>(frame.header[0]) & 0x0F; }

void require(bool condition) {
  if (!condition) std::abort();
}

struct Driver {
  Connection connection{ConnectionConfig{.max_message_size = 1 << 20, .max_unanswered_ping_bytes = 4096},
                        [](std::span<std::byte> out) {
                          for (auto& b : out) b = std::byte{0x5A};
                        }};
  int failures = 0;
  bool close_written = false;

  void check_waiting() {
    std::size_t pongs = 0, pings = 0;
    for (const auto& frame : connection.output()) {
      // Every frame we write is masked (RFC 6455 §5.3) with a header of 6..14 bytes.
      require(frame.header_size >= 6 && frame.header_size <= 14);
      require((std::to_integer<unsigned>(frame.header[1]) & 0x80) != 0);
      pongs += opcode_of(frame) == 0xA;
      pings += opcode_of(frame) == 0x9;
    }
    require(pongs <= max_pongs_waiting);
    require(pings <= max_queued_pings);
  }

  /// Takes up to `limit` frames, as a transport whose write accepts that many.
  void take(std::size_t limit) {
    auto& output = connection.output();
    for (std::size_t i = 0; i < limit && !output.empty(); ++i) {
      require(!close_written);  // §5.5.1: the Close frame is the last one we send
      close_written = opcode_of(output.front()) == 0x8;
      output.pop_front();
    }
  }

  void drain_events() {
    while (auto event = connection.next_event())
      if (std::holds_alternative<event::Failed>(*event)) ++failures;
  }

  /// One step between reads, chosen by `action`.
  void act(std::uint8_t action) {
    drain_events();
    check_waiting();
    switch (action % 8) {
      case 0:
        return take(SIZE_MAX);  // the write took everything
      case 1:
        return take(1);  // a short write
      case 2:
        return;  // the write is still in flight
      case 3:
        return connection.send({duplex::Message::Kind::binary, std::string(action, 'd')});
      case 4:
        try {
          connection.ping("p");
        } catch (const std::length_error&) {
          // max_queued_pings of ours are waiting: refused, as documented
        }
        return;
      case 5:
        return connection.close(1000, "bye");
      default:
        return take(SIZE_MAX);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Driver driver;
  for (auto chunk : duplex::fuzz::split_input(data, size)) {
    driver.connection.receive(chunk);
    driver.act(chunk.empty() ? 0 : std::to_integer<std::uint8_t>(chunk.back()));
  }
  driver.connection.receive_eof();
  driver.drain_events();
  driver.check_waiting();
  driver.take(SIZE_MAX);
  require(driver.failures <= 1);
  return 0;
}
