#include "rfc6455/deflate_codec.hpp"

#include <catch2/catch.hpp>

#include <random>

#include "deflate_test_support.hpp"
#include "duplex/rfc6455/error.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using namespace duplex::rfc6455::test;

namespace {

std::string inflate_all(MessageInflater& inflater, std::string_view payload, std::size_t limit = 1u << 30) {
  std::string out;
  REQUIRE_FALSE(inflater.inflate(bytes_of(payload), out, limit));
  REQUIRE_FALSE(inflater.finish(out, limit));
  return out;
}

// Text that compresses well but not trivially.
std::string prose(std::size_t n) {
  static const std::string words[] = {"alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta ", "eta ", "theta "};
  std::mt19937 rng(7);
  std::string s;
  while (s.size() < n) s += words[rng() % 8];
  s.resize(n);
  return s;
}

}  // namespace

TEST_CASE("RFC 7692 §7.2.3.1: \"Hello\" compresses to f2 48 cd c9 c9 07 00", "[deflate_codec]") {
  MessageDeflater deflater(15, false);
  CHECK(deflater.compress("Hello") == hex_bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
}

TEST_CASE("RFC 7692 §7.2.3.2: the second \"Hello\" refers back to the first", "[deflate_codec]") {
  MessageDeflater deflater(15, false);
  CHECK(deflater.compress("Hello") == hex_bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
  CHECK(deflater.compress("Hello") == hex_bytes({0xf2, 0x00, 0x11, 0x00, 0x00}));
  MessageInflater inflater(15, false);
  CHECK(inflate_all(inflater, hex_bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})) == "Hello");
  CHECK(inflate_all(inflater, hex_bytes({0xf2, 0x00, 0x11, 0x00, 0x00})) == "Hello");
}

TEST_CASE("no context takeover: every message compresses as if it were the first", "[deflate_codec]") {
  MessageDeflater deflater(15, true);
  for (int i = 0; i < 3; ++i)
    CHECK(deflater.compress("Hello") == hex_bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
}

TEST_CASE("RFC 7692 §7.2.3.3 and §7.2.3.5: a stored block, and a block with BFINAL set", "[deflate_codec]") {
  MessageInflater inflater(15, false);
  CHECK(inflate_all(inflater, hex_bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00})) ==
        "Hello");
  CHECK(inflate_all(inflater, hex_bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00})) == "Hello");
  // After a final block the sender starts a fresh DEFLATE stream.
  CHECK(inflate_all(inflater, hex_bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})) == "Hello");
}

TEST_CASE("RFC 7692 §7.2.3.6: the empty message is the single byte 00", "[deflate_codec]") {
  MessageDeflater deflater(15, false);
  CHECK(deflater.compress("") == std::string(1, '\0'));
  CHECK_FALSE(deflater.holds_stream());
  MessageInflater inflater(15, false);
  CHECK(inflate_all(inflater, std::string(1, '\0')).empty());
  CHECK(inflate_all(inflater, "").empty());
}

TEST_CASE("inflating works on input split anywhere", "[deflate_codec]") {
  TestDeflater server;
  const std::string text = prose(3000);
  const std::string payload = server.compress(text);
  for_each_split(payload, [&](const std::vector<std::string_view>& chunks) {
    MessageInflater inflater(15, true);
    std::string out;
    for (auto chunk : chunks) REQUIRE_FALSE(inflater.inflate(bytes_of(chunk), out, 1u << 20));
    REQUIRE_FALSE(inflater.finish(out, 1u << 20));
    CHECK(out == text);
  });
}

TEST_CASE("invalid DEFLATE data is refused", "[deflate_codec]") {
  std::string out;
  {
    MessageInflater inflater(15, false);
    // BTYPE 11 is reserved (RFC 1951 §3.2.3).
    CHECK(inflater.inflate(bytes_of(hex_bytes({0xff})), out, 1000) == error::invalid_compressed_data);
  }
  {
    MessageInflater inflater(15, false);
    // A stored block whose NLEN is not the complement of LEN.
    CHECK(inflater.inflate(bytes_of(hex_bytes({0x00, 0x05, 0x00, 0x00, 0x00})), out, 1000) ==
          error::invalid_compressed_data);
  }
  {
    MessageInflater inflater(15, false);
    // The second "Hello" of §7.2.3.2 refers back to a first one this inflater
    // never saw: a distance further back than anything output so far.
    CHECK(inflater.inflate(bytes_of(hex_bytes({0xf2, 0x00, 0x11, 0x00, 0x00})), out, 1000) ==
          error::invalid_compressed_data);
  }
  {
    MessageInflater inflater(15, false);
    // A stored block announcing 10 bytes that end after 2: the tail is read as
    // its data and the message ends inside the block.
    out.clear();
    REQUIRE_FALSE(inflater.inflate(bytes_of(hex_bytes({0x00, 0x0a, 0x00, 0xf5, 0xff, 0x48, 0x65})), out, 1000));
    CHECK(inflater.finish(out, 1000) == error::invalid_compressed_data);
  }
}

TEST_CASE("the inflated size limit is exact", "[deflate_codec]") {
  TestDeflater server(15, true);
  const std::string payload = server.compress(std::string(1000, 'x'));
  {
    MessageInflater inflater(15, true);
    std::string out;
    REQUIRE_FALSE(inflater.inflate(bytes_of(payload), out, 1000));
    REQUIRE_FALSE(inflater.finish(out, 1000));
    CHECK(out.size() == 1000);
  }
  {
    MessageInflater inflater(15, true);
    std::string out;
    auto ec = inflater.inflate(bytes_of(payload), out, 999);
    if (!ec) ec = inflater.finish(out, 999);
    CHECK(ec == error::message_too_big);
  }
}

TEST_CASE("a deflate bomb stops at the limit without inflating the rest", "[deflate_codec]") {
  // 100 MiB of zeros compress to about 100 KiB.
  TestDeflater server(15, false, Z_BEST_COMPRESSION);
  const std::string zeros(100u << 20, '\0');
  const std::string bomb = server.compress(zeros);
  CHECK(bomb.size() < 200u * 1024);
  const std::size_t limit = 1u << 20;
  MessageInflater inflater(15, false);
  std::string out;
  CHECK(inflater.inflate(bytes_of(bomb), out, limit) == error::message_too_big);
  // At most one byte past the limit was produced, and the buffer never grew beyond it.
  CHECK(out.size() <= limit);
  CHECK(out.capacity() <= limit + 1 + 64);
}

TEST_CASE("a deflate bomb fed in small pieces stops at the limit too", "[deflate_codec]") {
  TestDeflater server(15, false, Z_BEST_COMPRESSION);
  const std::string bomb = server.compress(std::string(20u << 20, '\0'));
  const std::size_t limit = 100 * 1000;
  MessageInflater inflater(15, false);
  std::string out;
  std::error_code ec;
  std::size_t fed = 0;
  for (; fed < bomb.size() && !ec; fed += 7) {
    ec = inflater.inflate(bytes_of(std::string_view(bomb).substr(fed, 7)), out, limit);
  }
  CHECK(ec == error::message_too_big);
  CHECK(fed < bomb.size() / 10);  // stopped early: the limit is checked as output grows
  CHECK(out.capacity() <= limit + 1 + 64);
}

TEST_CASE("round trip with the test's zlib peer, with and without context takeover", "[deflate_codec]") {
  const bool no_context_takeover = GENERATE(false, true);
  INFO("no_context_takeover " << no_context_takeover);
  MessageDeflater ours(15, no_context_takeover);
  TestInflater peer(15, no_context_takeover);
  TestDeflater peer_out(15, no_context_takeover);
  MessageInflater ours_in(15, no_context_takeover);
  for (std::size_t n : {1u, 63u, 64u, 1000u, 65536u, 1u << 20, 64u, 1u}) {
    const std::string text = prose(n);
    CHECK(peer.inflate_message(ours.compress(text)) == text);
    CHECK(inflate_all(ours_in, peer_out.compress(text)) == text);
    CHECK(ours.holds_stream() == !no_context_takeover);
    CHECK(ours_in.holds_stream() == !no_context_takeover);
  }
}

TEST_CASE("streams are allocated on first use only", "[deflate_codec]") {
  MessageDeflater deflater(15, false);
  MessageInflater inflater(15, false);
  CHECK_FALSE(deflater.holds_stream());
  CHECK_FALSE(inflater.holds_stream());
  deflater.compress("x");
  std::string out;
  REQUIRE_FALSE(inflater.inflate(bytes_of(hex_bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})), out, 100));
  CHECK(deflater.holds_stream());
  CHECK(inflater.holds_stream());
}

TEST_CASE("small windows: 8 is honoured although zlib compresses with 9", "[deflate_codec]") {
  // The peer's inflater keeps only the 256 bytes client_max_window_bits=8 allows.
  const int bits = GENERATE(8, 9, 10, 12);
  INFO("window bits " << bits);
  MessageDeflater ours(bits, false);
  TestInflater peer(bits, false);
  TestDeflater peer_out(bits == 8 ? 9 : bits, false);
  MessageInflater ours_in(bits, false);
  for (int i = 0; i < 4; ++i) {
    const std::string text = prose(20000 + static_cast<std::size_t>(i));
    CHECK(peer.inflate_message(ours.compress(text)) == text);
    CHECK(inflate_all(ours_in, peer_out.compress(text)) == text);
  }
}
