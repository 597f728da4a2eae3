// libFuzzer target: the client engine with permessage-deflate negotiated
// (RFC 7692), fed arbitrary server bytes split arbitrarily. Whatever arrives,
// compressed or not, the engine must not crash, must end in at most one Failed
// event, must never hand out a message over the size limit, and must keep its
// output to well-formed masked frames.

#include <cstdint>
#include <cstdlib>

#include "duplex/rfc6455/connection.hpp"
#include "fuzz_input.hpp"

using namespace duplex::rfc6455;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the negotiated parameters; the rest is split_input's.
  const std::uint8_t params = data[0];
  DeflateParams deflate;
  deflate.server_max_window_bits = 8 + (params & 0x7);
  deflate.client_max_window_bits = 15 - ((params >> 3) & 0x7);
  deflate.server_no_context_takeover = (params & 0x40) != 0;
  deflate.client_no_context_takeover = (params & 0x80) != 0;
  constexpr std::size_t limit = 1 << 16;
  ConnectionConfig config;
  config.max_message_size = limit;
  config.permessage_deflate = deflate;
  Connection connection(config, [](std::span<std::byte> out) {
    for (auto& b : out) b = std::byte{0x5A};
  });
  int failures = 0;
  auto drain = [&] {
    while (auto event = connection.next_event()) {
      if (std::holds_alternative<event::Failed>(*event)) ++failures;
      if (auto* m = std::get_if<event::MessageReceived>(&*event)) {
        if (m->message.payload.size() > limit) std::abort();
        // Echo what arrived, so the compressor runs on fuzzed data too.
        connection.send(std::move(m->message));
      }
    }
    for (const auto& frame : connection.output()) {
      if (frame.header_size < 6 || frame.header_size > 14) std::abort();
      if ((std::to_integer<unsigned>(frame.header[1]) & 0x80) == 0) std::abort();
    }
    connection.output().clear();
  };
  for (auto chunk : duplex::fuzz::split_input(data + 1, size - 1)) {
    connection.receive(chunk);
    drain();
  }
  connection.receive_eof();
  drain();
  if (failures > 1) std::abort();
  return 0;
}
