#include "rfc6455/frame_header.hpp"

#include <catch2/catch.hpp>

#include "duplex/rfc6455/error.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using duplex::rfc6455::test::bytes_of;
using duplex::rfc6455::test::for_each_split;
using duplex::rfc6455::test::hex_bytes;

namespace {

std::string encode(const FrameHeader& h) {
  std::array<std::byte, max_frame_header_size> out{};
  const auto n = encode_frame_header(h, out);
  return {reinterpret_cast<const char*>(out.data()), n};
}

// Decodes `input` (one header) fed in `chunks`; checks nothing is left over.
FrameHeaderDecoder::Result decode(const std::vector<std::string_view>& chunks, FrameHeaderDecoder& d) {
  auto result = FrameHeaderDecoder::Result::need_more;
  for (auto chunk : chunks) {
    auto in = bytes_of(chunk);
    if (result == FrameHeaderDecoder::Result::need_more)
      result = d.feed(in);
    else
      REQUIRE(in.empty());
    if (result != FrameHeaderDecoder::Result::need_more) REQUIRE(in.empty());
  }
  return result;
}

}  // namespace

TEST_CASE("encoder uses the minimal length encoding (§5.2)", "[frame_header]") {
  FrameHeader h;
  h.op = opcode::binary;
  h.payload_length = 125;
  CHECK(encode(h) == hex_bytes({0x82, 125}));
  h.payload_length = 126;
  CHECK(encode(h) == hex_bytes({0x82, 126, 0x00, 126}));
  h.payload_length = 65535;
  CHECK(encode(h) == hex_bytes({0x82, 126, 0xFF, 0xFF}));
  h.payload_length = 65536;
  CHECK(encode(h) == hex_bytes({0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST_CASE("encoder writes FIN, RSV, mask bit and key", "[frame_header]") {
  FrameHeader h;
  h.fin = false;
  h.rsv = 0x4;
  h.op = opcode::text;
  h.masked = true;
  h.key = {std::byte{0x37}, std::byte{0xfa}, std::byte{0x21}, std::byte{0x3d}};
  h.payload_length = 5;
  CHECK(encode(h) == hex_bytes({0x41, 0x85, 0x37, 0xfa, 0x21, 0x3d}));
}

TEST_CASE("decoder reads headers split anywhere", "[frame_header]") {
  struct Case {
    std::string bytes;
    bool fin;
    opcode op;
    bool masked;
    std::uint64_t length;
  };
  const std::vector<Case> cases = {
      {hex_bytes({0x81, 0x05}), true, opcode::text, false, 5},
      {hex_bytes({0x01, 0x03}), false, opcode::text, false, 3},
      {hex_bytes({0x82, 0x7E, 0x01, 0x00}), true, opcode::binary, false, 256},
      {hex_bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}), true, opcode::binary, false, 65536},
      {hex_bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}), true, opcode::text, true, 5},
      {hex_bytes({0x89, 0x00}), true, opcode::ping, false, 0},
      // Non-minimal lengths are accepted (see frame_header.cpp).
      {hex_bytes({0x82, 0x7E, 0x00, 0x05}), true, opcode::binary, false, 5},
  };
  for (const auto& c : cases) {
    for_each_split(c.bytes, [&](const std::vector<std::string_view>& chunks) {
      FrameHeaderDecoder d;
      REQUIRE(decode(chunks, d) == FrameHeaderDecoder::Result::done);
      CHECK(d.header().fin == c.fin);
      CHECK(d.header().op == c.op);
      CHECK(d.header().masked == c.masked);
      CHECK(d.header().payload_length == c.length);
    });
  }
}

TEST_CASE("decoder stops at the end of the header and can be reset", "[frame_header]") {
  const std::string two = hex_bytes({0x81, 0x00, 0x82, 0x7E, 0x01, 0x00});
  auto in = bytes_of(two);
  FrameHeaderDecoder d;
  REQUIRE(d.feed(in) == FrameHeaderDecoder::Result::done);
  CHECK(d.header().op == opcode::text);
  CHECK(in.size() == 4);
  d.reset();
  REQUIRE(d.feed(in) == FrameHeaderDecoder::Result::done);
  CHECK(d.header().op == opcode::binary);
  CHECK(d.header().payload_length == 256);
  CHECK(in.empty());
}

TEST_CASE("decoder rejects a 64-bit length with its MSB set", "[frame_header]") {
  for_each_split(hex_bytes({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}), [](const std::vector<std::string_view>& chunks) {
    FrameHeaderDecoder d;
    REQUIRE(decode(chunks, d) == FrameHeaderDecoder::Result::failed);
    CHECK(d.error() == error::length_msb_set);
  });
}

TEST_CASE("decoder reports reserved bits and opcodes as read", "[frame_header]") {
  const std::string bytes = hex_bytes({0x7B, 0x00});  // FIN 0, RSV1–3, opcode 0xB
  auto in = bytes_of(bytes);
  FrameHeaderDecoder d;
  REQUIRE(d.feed(in) == FrameHeaderDecoder::Result::done);
  CHECK_FALSE(d.header().fin);
  CHECK(d.header().rsv == 7);
  CHECK(static_cast<int>(d.header().op) == 0xB);
  CHECK_FALSE(is_known(d.header().op));
  CHECK(is_control(d.header().op));
}
