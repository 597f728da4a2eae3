// permessage-deflate compression and decompression (RFC 7692 §7.2) over zlib.

#include "deflate_codec.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>

#include "duplex/rfc6455/error.hpp"

namespace duplex::rfc6455 {
namespace {

// §7.2.1: the sender removes "4 octets (that are 0x00 0x00 0xff 0xff)" from
// the tail end; §7.2.2: the receiver appends them again.
constexpr unsigned char flush_tail[4] = {0x00, 0x00, 0xff, 0xff};

// Memory per stream (zlib's zconf.h): deflate uses (1 << (windowBits + 2)) +
// (1 << (memLevel + 9)) bytes, 136 KiB at 15 and 4 (zlib's default memLevel 8
// would make it 256 KiB); inflate 1 << windowBits bytes (32 KiB at 15) plus
// about 7 KiB of state. The smaller hash table (Boost.Beast's default too)
// also stays in cache, which pays on the small messages WebSocket mostly
// carries; large messages compress slightly less tightly.
constexpr int mem_level = 4;

// Decompressed bytes produced per zlib call: the unit in which the size limit
// is checked, so a deflate bomb is stopped after at most this much past it.
constexpr std::size_t inflate_step = 16 * 1024;

// zlib refuses a 256-byte window for raw deflate ("windowBits 8 ... is not
// supported" for deflateInit2 without the zlib wrapper) and uses 512 bytes
// instead. That still honours a negotiated window of 8: zlib's deflate never
// emits a distance above its window size minus MIN_LOOKAHEAD (262 bytes), which
// is 250 for a 512-byte window, within the 256 bytes the peer keeps.
int zlib_window_bits(int negotiated) { return std::clamp(negotiated, 9, 15); }

// Grows `out` by `n` bytes at most to `limit` + 1, so geometric growth of the
// buffer never reserves much past the size limit.
void append_bounded(std::string& out, const char* data, std::size_t n, std::size_t limit) {
  const std::size_t needed = out.size() + n;
  if (needed > out.capacity()) {
    // std::string::reserve may double past what is asked; a fresh string
    // reserves exactly.
    const std::size_t cap = limit == static_cast<std::size_t>(-1) ? limit : limit + 1;
    std::string bigger;
    bigger.reserve(std::max(needed, std::min(2 * out.capacity(), cap)));
    bigger.append(out);
    out.swap(bigger);
  }
  out.append(data, n);
}

}  // namespace

MessageDeflater::MessageDeflater(int window_bits, bool no_context_takeover) noexcept
    : window_bits_(window_bits), no_context_takeover_(no_context_takeover) {}

MessageDeflater::~MessageDeflater() { release(); }

void MessageDeflater::release() noexcept {
  if (stream_ == nullptr) return;
  deflateEnd(stream_);
  delete stream_;
  stream_ = nullptr;
}

std::string MessageDeflater::compress(std::string_view message) {
  // §7.2.3.6: an empty message is sent as the single byte 0x00 (an empty
  // stored block without its LEN/NLEN); it leaves the LZ77 window unchanged.
  if (message.empty()) return std::string(1, '\0');
  if (stream_ == nullptr) {
    auto stream = std::make_unique<z_stream>();
    // Negative windowBits: raw DEFLATE, no zlib header or trailer (§7.2.1 "DEFLATE").
    if (deflateInit2(stream.get(), Z_DEFAULT_COMPRESSION, Z_DEFLATED, -zlib_window_bits(window_bits_), mem_level,
                     Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::bad_alloc();
    stream_ = stream.release();
  }
  std::string out(deflateBound(stream_, message.size()) + 16, '\0');
  stream_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
  stream_->avail_in = static_cast<uInt>(message.size());
  std::size_t produced = 0;
  for (;;) {
    stream_->next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream_->avail_out = static_cast<uInt>(out.size() - produced);
    // §7.2.1: "Compress all the octets of the payload of the message using DEFLATE.
    // If the resulting data does not end with an empty DEFLATE block with no
    // compression (the "BTYPE" bits are set to 00), append an empty DEFLATE
    // block with no compression to the tail end." Z_SYNC_FLUSH does both.
    const int rc = deflate(stream_, Z_SYNC_FLUSH);
    produced = out.size() - stream_->avail_out;
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("deflate failed");
    if (stream_->avail_out != 0) break;
    out.resize(out.size() * 2);
  }
  if (produced < 4 || std::memcmp(out.data() + produced - 4, flush_tail, 4) != 0)
    throw std::runtime_error("deflate did not end with an empty stored block");
  out.resize(produced - 4);
  // §7.1.1.2: in "no context takeover" mode each message starts with an empty
  // window; freeing the stream (rather than resetting it) leaves an idle
  // connection without the 256 KiB of compressor state.
  if (no_context_takeover_) release();
  return out;
}

MessageInflater::MessageInflater(int window_bits, bool no_context_takeover) noexcept
    : window_bits_(window_bits), no_context_takeover_(no_context_takeover) {}

MessageInflater::~MessageInflater() { release(); }

void MessageInflater::release() noexcept {
  if (stream_ == nullptr) return;
  inflateEnd(stream_);
  delete stream_;
  stream_ = nullptr;
}

std::error_code MessageInflater::inflate(std::span<const std::byte> input, std::string& out, std::size_t limit) {
  // §7.2.3.5: a sender may end its DEFLATE stream with a block that has BFINAL
  // set; whatever follows it in the message (our own tail included) is unused.
  if (stream_ended_) return {};
  if (!input.empty()) has_input_ = true;
  if (stream_ == nullptr) {
    auto stream = std::make_unique<z_stream>();
    if (inflateInit2(stream.get(), -zlib_window_bits(window_bits_)) != Z_OK) throw std::bad_alloc();
    stream_ = stream.release();
  }
  stream_->next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
  stream_->avail_in = static_cast<uInt>(input.size());
  char buffer[inflate_step];
  for (;;) {
    // Never produce more than one byte past the limit: enough to know it is exceeded.
    if (out.size() > limit) return error::message_too_big;
    const std::size_t left = limit - out.size();
    const std::size_t room = left < inflate_step ? left + 1 : inflate_step;
    stream_->next_out = reinterpret_cast<Bytef*>(buffer);
    stream_->avail_out = static_cast<uInt>(room);
    const int rc = ::inflate(stream_, Z_SYNC_FLUSH);
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) return error::invalid_compressed_data;
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    const std::size_t produced = room - stream_->avail_out;
    if (out.size() + produced > limit) return error::message_too_big;
    append_bounded(out, buffer, produced, limit);
    if (rc == Z_STREAM_END) {
      stream_ended_ = true;
      return {};
    }
    // Output space left over means zlib used all the input it could.
    if (stream_->avail_out != 0) return {};
  }
}

std::error_code MessageInflater::finish(std::string& out, std::size_t limit) {
  // An empty payload carries no DEFLATE data at all (some senders flush
  // nothing for an empty message); the tail alone would be the start of a
  // stored block and corrupt the stream for the next message.
  if (!has_input_) return {};
  // §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the
  // payload of the message. Decompress the resulting data using DEFLATE."
  if (auto ec = inflate(std::as_bytes(std::span(flush_tail)), out, limit)) return ec;
  // With the tail the message must end on a block boundary (zlib's data_type
  // bit 128); anything else is a message cut short inside a DEFLATE block.
  if (!stream_ended_ && (stream_->data_type & 128) == 0) return error::invalid_compressed_data;
  if (no_context_takeover_) {
    // §7.1.1.1: the server starts each message with an empty window, so the
    // decompressor's 32 KiB window need not stay allocated between messages.
    release();
  } else if (stream_ended_) {
    // A stream ended by BFINAL cannot continue; the sender starts a new one.
    inflateReset(stream_);
  }
  stream_ended_ = false;
  has_input_ = false;
  return {};
}

}  // namespace duplex::rfc6455
