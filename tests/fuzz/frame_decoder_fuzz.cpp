// libFuzzer target: the client engine fed arbitrary server bytes, split
// arbitrarily. Whatever arrives, the engine must not crash, must end in at most
// one Failed event, and must keep its output to well-formed masked frames.

#include <cstdint>
#include <cstdlib>

#include "duplex/rfc6455/connection.hpp"
#include "fuzz_input.hpp"

using namespace duplex::rfc6455;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Connection connection(ConnectionConfig{.max_message_size = 1 << 20}, [](std::span<std::byte> out) {
    for (auto& b : out) b = std::byte{0x5A};
  });
  int failures = 0;
  auto drain = [&] {
    while (auto event = connection.next_event())
      if (std::holds_alternative<event::Failed>(*event)) ++failures;
    for (const auto& frame : connection.output()) {
      // Every frame we write is masked (RFC 6455 §5.3) with a header of 6..14 bytes.
      if (frame.header_size < 6 || frame.header_size > 14) std::abort();
      if ((std::to_integer<unsigned>(frame.header[1]) & 0x80) == 0) std::abort();
    }
    connection.output().clear();
  };
  for (auto chunk : duplex::fuzz::split_input(data, size)) {
    connection.receive(chunk);
    drain();
  }
  connection.receive_eof();
  drain();
  if (failures > 1) std::abort();
  return 0;
}
