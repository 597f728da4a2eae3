#pragma once
// The base framing header of RFC 6455 §5.2: encoding, and an incremental
// decoder that accepts the header split anywhere.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

#include "mask.hpp"

namespace duplex::rfc6455 {

/// §5.2 opcodes.
enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// §5.2: "Control frames are identified by opcodes where the most significant bit of the opcode is 1."
constexpr bool is_control(opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }
/// True for the opcodes §5.2 defines; the others are "reserved for further ... frames".
constexpr bool is_known(opcode op) noexcept {
  const auto v = static_cast<std::uint8_t>(op);
  return v <= 0x2 || (v >= 0x8 && v <= 0xA);
}

/// The fields of one frame header.
struct FrameHeader {
  bool fin = true;
  std::uint8_t rsv = 0;  ///< RSV1..RSV3 as bits 2..0 (RSV1 = 0x4)
  opcode op = opcode::text;
  bool masked = false;
  mask_key key{};
  std::uint64_t payload_length = 0;
};

/// Largest header: 2 + 8 (64-bit length) + 4 (masking key).
inline constexpr std::size_t max_frame_header_size = 14;

/// Writes `header` into `out` with the minimal length encoding §5.2 requires;
/// returns the number of bytes written (2–14).
std::size_t encode_frame_header(const FrameHeader& header, std::array<std::byte, max_frame_header_size>& out) noexcept;

/// Reads one header from bytes arriving in pieces. Only checks what is needed
/// to parse it (the 64-bit length's MSB); the protocol rules are the caller's.
class FrameHeaderDecoder {
 public:
  enum class Result { need_more, done, failed };

  /// Consumes bytes from the front of `input` (advancing it) up to the end of
  /// the header. After `done`, header() holds it; call reset() for the next.
  Result feed(std::span<const std::byte>& input) noexcept;
  const FrameHeader& header() const noexcept { return header_; }
  std::error_code error() const noexcept { return error_; }
  void reset() noexcept {
    size_ = 0;
    needed_ = 2;
  }

 private:
  Result decode() noexcept;

  std::array<std::byte, max_frame_header_size> buffer_{};
  std::size_t size_ = 0;
  std::size_t needed_ = 2;
  FrameHeader header_;
  std::error_code error_;
};

}  // namespace duplex::rfc6455
