// libFuzzer target: the opening-handshake response parser fed arbitrary bytes,
// split arbitrarily. It must end in need_more, done or failed without crashing,
// and once done the leftover bytes must be a suffix of what was fed.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "duplex/rfc6455/handshake.hpp"
#include "fuzz_input.hpp"

using namespace duplex::rfc6455;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  HandshakeRequest request{"example.com", "/chat", {"chat", "superchat"}, {"permessage-deflate"}, {}, {}};
  ClientHandshake handshake(std::move(request), std::string("dGhlIHNhbXBsZSBub25jZQ=="));
  std::size_t fed = 0;
  for (auto chunk : duplex::fuzz::split_input(data, size)) {
    const auto status = handshake.feed(chunk);
    fed += chunk.size();
    if (status != ClientHandshake::Status::need_more) break;
  }
  if (handshake.status() == ClientHandshake::Status::done && handshake.leftover().size() > fed) std::abort();
  if (handshake.status() == ClientHandshake::Status::failed && !handshake.error()) std::abort();
  return 0;
}
