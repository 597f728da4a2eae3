// RFC 6455 §5.2 base framing header.

#include "frame_header.hpp"

#include <algorithm>

#include "duplex/rfc6455/error.hpp"

namespace duplex::rfc6455 {
namespace {

constexpr std::byte fin_bit{0x80};
constexpr std::byte mask_bit{0x80};

std::size_t extended_length_size(std::byte second) noexcept {
  const auto len7 = std::to_integer<unsigned>(second & std::byte{0x7F});
  return len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
}

}  // namespace

std::size_t encode_frame_header(const FrameHeader& header, std::array<std::byte, max_frame_header_size>& out) noexcept {
  out[0] = std::byte((header.fin ? 0x80 : 0) | ((header.rsv & 0x7) << 4) | static_cast<std::uint8_t>(header.op));
  const std::byte masked = header.masked ? mask_bit : std::byte{0};
  std::size_t n = 2;
  // §5.2: "the minimal number of bytes MUST be used to encode the length".
  const std::uint64_t len = header.payload_length;
  if (len <= 125) {
    out[1] = masked | std::byte(len);
  } else if (len <= 0xFFFF) {
    out[1] = masked | std::byte{126};
    out[2] = std::byte(len >> 8);
    out[3] = std::byte(len);
    n = 4;
  } else {
    out[1] = masked | std::byte{127};
    for (int i = 0; i < 8; ++i) out[2 + i] = std::byte(len >> (8 * (7 - i)));
    n = 10;
  }
  if (header.masked) {
    std::copy(header.key.begin(), header.key.end(), out.begin() + n);
    n += 4;
  }
  return n;
}

FrameHeaderDecoder::Result FrameHeaderDecoder::feed(std::span<const std::byte>& input) noexcept {
  while (size_ < needed_) {
    if (input.empty()) return Result::need_more;
    const std::size_t take = std::min(needed_ - size_, input.size());
    std::copy_n(input.begin(), take, buffer_.begin() + size_);
    size_ += take;
    input = input.subspan(take);
    if (size_ == 2) {
      // Now the total header size is known.
      needed_ = 2 + extended_length_size(buffer_[1]) + ((buffer_[1] & mask_bit) != std::byte{0} ? 4 : 0);
    }
  }
  return decode();
}

FrameHeaderDecoder::Result FrameHeaderDecoder::decode() noexcept {
  const auto b0 = std::to_integer<unsigned>(buffer_[0]);
  const auto b1 = std::to_integer<unsigned>(buffer_[1]);
  header_.fin = (buffer_[0] & fin_bit) != std::byte{0};
  header_.rsv = static_cast<std::uint8_t>((b0 >> 4) & 0x7);
  header_.op = static_cast<opcode>(b0 & 0x0F);
  header_.masked = (b1 & 0x80) != 0;
  std::size_t pos = 2;
  const std::size_t ext = extended_length_size(buffer_[1]);
  if (ext == 0) {
    header_.payload_length = b1 & 0x7F;
  } else {
    std::uint64_t len = 0;
    for (std::size_t i = 0; i < ext; ++i) len = (len << 8) | std::to_integer<std::uint64_t>(buffer_[pos + i]);
    pos += ext;
    // §5.2: "If 127, the following 8 bytes interpreted as a 64-bit unsigned
    // integer (the most significant bit MUST be 0)".
    if (ext == 8 && (len >> 63) != 0) {
      error_ = error::length_msb_set;
      return Result::failed;
    }
    // §5.2 also says "the minimal number of bytes MUST be used to encode the
    // length", but a receiver gains nothing by enforcing it and deployed
    // clients (browsers included) accept non-minimal lengths; so do we.
    header_.payload_length = len;
  }
  if (header_.masked) std::copy_n(buffer_.begin() + pos, 4, header_.key.begin());
  return Result::done;
}

}  // namespace duplex::rfc6455
