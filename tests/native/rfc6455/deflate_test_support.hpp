#pragma once
// The server's side of permessage-deflate for the engine's tests, written
// directly against zlib (not with the engine's codec): a raw DEFLATE
// compressor and decompressor that keep or drop their context per message as
// RFC 7692 §7.2 describes.

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace duplex::rfc6455::test {

/// Compresses messages as a permessage-deflate server would (§7.2.1).
class TestDeflater {
 public:
  explicit TestDeflater(int window_bits = 15, bool no_context_takeover = false, int level = Z_DEFAULT_COMPRESSION)
      : no_context_takeover_(no_context_takeover) {
    REQUIRE(deflateInit2(&z_, level, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  }
  ~TestDeflater() { deflateEnd(&z_); }
  TestDeflater(const TestDeflater&) = delete;
  TestDeflater& operator=(const TestDeflater&) = delete;

  /// The payload of the compressed message: DEFLATE, sync flush, tail removed.
  std::string compress(std::string_view message) {
    // §7.2.3.6: an empty message is an empty stored block without LEN/NLEN
    // (zlib has nothing to flush twice in a row).
    if (message.empty()) return std::string(1, '\0');
    std::string out;
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    z_.avail_in = static_cast<uInt>(message.size());
    char buffer[64 * 1024];
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buffer);
      z_.avail_out = sizeof buffer;
      const int rc = deflate(&z_, Z_SYNC_FLUSH);
      REQUIRE((rc == Z_OK || rc == Z_BUF_ERROR));
      out.append(buffer, sizeof buffer - z_.avail_out);
    } while (z_.avail_out == 0);
    REQUIRE(out.size() >= 4);
    REQUIRE(out.substr(out.size() - 4) == std::string("\x00\x00\xff\xff", 4));
    out.resize(out.size() - 4);
    if (no_context_takeover_) deflateReset(&z_);
    return out;
  }

 private:
  z_stream z_{};
  bool no_context_takeover_;
};

/// Decompresses messages as a permessage-deflate server would (§7.2.2).
class TestInflater {
 public:
  explicit TestInflater(int window_bits = 15, bool no_context_takeover = false)
      : no_context_takeover_(no_context_takeover) {
    REQUIRE(inflateInit2(&z_, -window_bits) == Z_OK);
  }
  ~TestInflater() { inflateEnd(&z_); }
  TestInflater(const TestInflater&) = delete;
  TestInflater& operator=(const TestInflater&) = delete;

  std::string inflate_message(std::string payload) {
    payload.append("\x00\x00\xff\xff", 4);
    z_.next_in = reinterpret_cast<Bytef*>(payload.data());
    z_.avail_in = static_cast<uInt>(payload.size());
    std::string out;
    char buffer[64 * 1024];
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buffer);
      z_.avail_out = sizeof buffer;
      const int rc = inflate(&z_, Z_SYNC_FLUSH);
      REQUIRE((rc == Z_OK || rc == Z_BUF_ERROR));
      out.append(buffer, sizeof buffer - z_.avail_out);
    } while (z_.avail_out == 0);
    REQUIRE(z_.avail_in == 0);
    if (no_context_takeover_) inflateReset(&z_);
    return out;
  }

 private:
  z_stream z_{};
  bool no_context_takeover_;
};

}  // namespace duplex::rfc6455::test
