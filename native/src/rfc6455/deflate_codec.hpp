#pragma once
// The compression of permessage-deflate (RFC 7692 §7.2): raw DEFLATE with an
// empty-block flush at the end of each message, over zlib. The zlib streams
// are allocated on first use and, in "no context takeover" mode, freed after
// each message, so a connection that does not compress holds no zlib memory.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

struct z_stream_s;

namespace duplex::rfc6455 {

/// Compresses whole messages (§7.2.1).
class MessageDeflater {
 public:
  /// `window_bits`: the negotiated client_max_window_bits (8–15).
  /// `no_context_takeover`: start every message with an empty LZ77 window.
  MessageDeflater(int window_bits, bool no_context_takeover) noexcept;
  ~MessageDeflater();
  MessageDeflater(const MessageDeflater&) = delete;
  MessageDeflater& operator=(const MessageDeflater&) = delete;

  /// The compressed payload of one message, without the final 00 00 ff ff.
  /// Throws std::bad_alloc if zlib cannot get memory.
  std::string compress(std::string_view message);
  /// True while a zlib stream is allocated (for tests of the memory policy).
  bool holds_stream() const noexcept { return stream_ != nullptr; }

 private:
  void release() noexcept;

  int window_bits_;
  bool no_context_takeover_;
  z_stream_s* stream_ = nullptr;
};

/// Decompresses messages as their payload arrives (§7.2.2), with a bound on
/// the decompressed size checked as it grows.
class MessageInflater {
 public:
  /// `window_bits`: the negotiated server_max_window_bits (8–15).
  /// `no_context_takeover`: the server starts every message with an empty window.
  MessageInflater(int window_bits, bool no_context_takeover) noexcept;
  ~MessageInflater();
  MessageInflater(const MessageInflater&) = delete;
  MessageInflater& operator=(const MessageInflater&) = delete;

  /// Decompresses `input` (the next payload bytes of the message) and appends
  /// the output to `out`, never letting `out` grow past `limit` + 1 bytes.
  /// Errors: message_too_big once `out` would exceed `limit`;
  /// invalid_compressed_data if `input` is not valid DEFLATE data.
  std::error_code inflate(std::span<const std::byte> input, std::string& out, std::size_t limit);
  /// The message ended: feeds the 00 00 ff ff the sender removed and prepares
  /// for the next message. Same errors as inflate().
  std::error_code finish(std::string& out, std::size_t limit);
  /// True while a zlib stream is allocated (for tests of the memory policy).
  bool holds_stream() const noexcept { return stream_ != nullptr; }

 private:
  void release() noexcept;

  int window_bits_;
  bool no_context_takeover_;
  bool stream_ended_ = false;  // a block with BFINAL set ended the DEFLATE stream
  bool has_input_ = false;     // the message so far has payload bytes
  z_stream_s* stream_ = nullptr;
};

}  // namespace duplex::rfc6455
