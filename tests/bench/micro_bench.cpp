// Micro-benchmarks of the engine's hot paths, each beside the naive version
// it replaces: masking (RFC 6455 §5.3), UTF-8 validation, frame header
// encode/decode (§5.2), opening handshake build/parse (§4.1, §4.2.2).

#include <benchmark/benchmark.h>

#include <cstring>
#include <duplex/rfc6455/handshake.hpp>
#include <duplex/utf8.hpp>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "frame_header.hpp"
#include "mask.hpp"

namespace {

using namespace duplex::rfc6455;

constexpr mask_key key{std::byte{0x37}, std::byte{0xfa}, std::byte{0x21}, std::byte{0x3d}};

void BM_mask_naive(benchmark::State& state) {
  std::vector<std::byte> buf(std::size_t(state.range(0)));
  for (auto _ : state) {
    apply_mask_naive(buf, key, 0);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
void BM_mask(benchmark::State& state) {
  std::vector<std::byte> buf(std::size_t(state.range(0)));
  for (auto _ : state) {
    apply_mask(buf, key, 0);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
void BM_memcpy(benchmark::State& state) {
  std::vector<char> a(std::size_t(state.range(0))), b(a.size());
  for (auto _ : state) {
    std::memcpy(b.data(), a.data(), a.size());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_mask_naive)->Arg(16)->Arg(1024)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(BM_mask)->Arg(16)->Arg(1024)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(BM_memcpy)->Arg(1 << 20);

// A straightforward validator: decode each code point, check its range.
bool naive_utf8(const unsigned char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static constexpr std::uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::string utf8_input(int kind, std::size_t size) {
  std::string s = bench::make_payload(kind == 0 ? "ascii" : "utf8", size);
  if (kind == 2) s[s.size() - 3] = '\xFF';  // invalid near the end: the whole input is scanned
  return s;
}
const char* utf8_label(int kind) { return kind == 0 ? "ascii" : kind == 1 ? "mixed" : "invalid"; }

void BM_utf8_naive(benchmark::State& state) {
  const std::string s = utf8_input(int(state.range(0)), std::size_t(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(naive_utf8(reinterpret_cast<const unsigned char*>(s.data()), s.size()));
  state.SetBytesProcessed(state.iterations() * state.range(1));
  state.SetLabel(utf8_label(int(state.range(0))));
}
void BM_utf8(benchmark::State& state) {
  const std::string s = utf8_input(int(state.range(0)), std::size_t(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(duplex::is_valid_utf8(s));
  state.SetBytesProcessed(state.iterations() * state.range(1));
  state.SetLabel(utf8_label(int(state.range(0))));
}
BENCHMARK(BM_utf8_naive)->ArgsProduct({{0, 1, 2}, {1024, 64 << 10}});
BENCHMARK(BM_utf8)->ArgsProduct({{0, 1, 2}, {1024, 64 << 10}});

void BM_frame_header_encode(benchmark::State& state) {
  FrameHeader h;
  h.op = opcode::binary;
  h.masked = true;
  h.key = key;
  h.payload_length = std::uint64_t(state.range(0));
  std::array<std::byte, max_frame_header_size> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(encode_frame_header(h, out));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_frame_header_encode)->Arg(16)->Arg(1024)->Arg(1 << 20);

std::vector<std::byte> encoded_header(std::uint64_t len) {
  FrameHeader h;
  h.op = opcode::binary;
  h.payload_length = len;
  std::array<std::byte, max_frame_header_size> out{};
  const std::size_t n = encode_frame_header(h, out);
  return {out.begin(), out.begin() + long(n)};
}
// Whole header in one piece (the common case: it arrives in one read).
void BM_frame_header_decode(benchmark::State& state) {
  const auto bytes = encoded_header(std::uint64_t(state.range(0)));
  FrameHeaderDecoder d;
  for (auto _ : state) {
    std::span<const std::byte> in(bytes);
    benchmark::DoNotOptimize(d.feed(in));
    d.reset();
  }
}
// The naive way: one byte per call, as a byte-at-a-time parser does.
void BM_frame_header_decode_bytewise(benchmark::State& state) {
  const auto bytes = encoded_header(std::uint64_t(state.range(0)));
  FrameHeaderDecoder d;
  for (auto _ : state) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      std::span<const std::byte> in(&bytes[i], 1);
      benchmark::DoNotOptimize(d.feed(in));
    }
    d.reset();
  }
}
BENCHMARK(BM_frame_header_decode)->Arg(16)->Arg(1024)->Arg(1 << 20);
BENCHMARK(BM_frame_header_decode_bytewise)->Arg(16)->Arg(1024)->Arg(1 << 20);

HandshakeRequest sample_request() {
  return HandshakeRequest{"127.0.0.1:9002", "/chat", {"chat"}, {"permessage-deflate; client_max_window_bits"}, {}, {}};
}
void BM_handshake_build(benchmark::State& state) {
  for (auto _ : state) {
    ClientHandshake h(sample_request(), std::string("dGhlIHNhbXBsZSBub25jZQ=="));
    benchmark::DoNotOptimize(h.request_bytes().data());
  }
}
void BM_handshake_parse(benchmark::State& state) {
  const std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n"
      "Server: bench\r\n\r\n";
  const auto bytes = std::as_bytes(std::span(response.data(), response.size()));
  for (auto _ : state) {
    state.PauseTiming();
    ClientHandshake h(sample_request(), std::string("dGhlIHNhbXBsZSBub25jZQ=="));
    state.ResumeTiming();
    if (h.feed(bytes) != ClientHandshake::Status::done) state.SkipWithError("handshake failed");
  }
}
BENCHMARK(BM_handshake_build);
BENCHMARK(BM_handshake_parse);

}  // namespace

BENCHMARK_MAIN();
