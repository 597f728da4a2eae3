#pragma once
// Helpers for the engine's tests: feeding input whole, split in two at every
// point and byte by byte; deterministic random sources; a tiny server-side
// frame encoder and a decoder for the client's masked frames.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "duplex/rfc6455/connection.hpp"
#include "duplex/rfc6455/error.hpp"
#include "rfc6455/mask.hpp"

namespace duplex::rfc6455::test {

inline std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

inline std::string hex_bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

/// Calls `check` with `input` cut into chunks: whole, in two at every point,
/// and one byte per chunk. `how` describes the cut for failure messages.
inline void for_each_split(const std::string& input,
                           const std::function<void(const std::vector<std::string_view>&)>& check) {
  const std::string_view all(input);
  {
    INFO("whole");
    check({all});
  }
  for (std::size_t i = 0; i <= all.size(); ++i) {
    INFO("split at " << i);
    check({all.substr(0, i), all.substr(i)});
  }
  std::vector<std::string_view> bytewise;
  for (std::size_t i = 0; i < all.size(); ++i) bytewise.push_back(all.substr(i, 1));
  INFO("byte by byte");
  check(bytewise);
}

/// A random source that repeats `pattern` forever.
inline RandomSource repeating_source(std::string pattern) {
  return [pattern, pos = std::size_t{0}](std::span<std::byte> out) mutable {
    for (auto& b : out) b = static_cast<std::byte>(pattern[pos++ % pattern.size()]);
  };
}

/// A random source that counts: 0x00, 0x01, ... (distinct keys per frame).
inline RandomSource counting_source() {
  return [n = std::uint8_t{0x11}](std::span<std::byte> out) mutable {
    for (auto& b : out) b = static_cast<std::byte>(n++);
  };
}

/// A server frame: unmasked, minimal length. `first` is the FIN/RSV/opcode byte.
inline std::string server_frame(int first, std::string_view payload) {
  std::string out(1, static_cast<char>(first));
  const std::uint64_t n = payload.size();
  if (n <= 125) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  }
  out.append(payload);
  return out;
}

/// A frame the client wrote, decoded by the test (mask checked and removed).
struct ClientFrame {
  bool fin = false;
  int rsv = 0;
  int opcode = -1;
  bool masked = false;
  std::string payload;
  std::size_t app_bytes = 0;
};

inline ClientFrame decode_client_frame(const OutgoingFrame& frame) {
  const auto h = frame.header_bytes();
  REQUIRE(h.size() >= 2);
  ClientFrame out;
  const auto b0 = std::to_integer<unsigned>(h[0]);
  const auto b1 = std::to_integer<unsigned>(h[1]);
  out.fin = (b0 & 0x80) != 0;
  out.rsv = (b0 >> 4) & 7;
  out.opcode = static_cast<int>(b0 & 0x0F);
  out.masked = (b1 & 0x80) != 0;
  std::uint64_t len = b1 & 0x7F;
  std::size_t pos = 2;
  const std::size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
  if (ext != 0) {
    len = 0;
    for (std::size_t i = 0; i < ext; ++i) len = (len << 8) | std::to_integer<unsigned>(h[pos + i]);
    pos += ext;
  }
  mask_key key{};
  if (out.masked) {
    for (std::size_t i = 0; i < 4; ++i) key[i] = h[pos + i];
    pos += 4;
  }
  REQUIRE(pos == h.size());
  const auto payload = frame.payload_bytes();
  REQUIRE(len == payload.size());
  out.payload.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
  apply_mask_naive(std::as_writable_bytes(std::span(out.payload.data(), out.payload.size())), key);
  out.app_bytes = frame.app_bytes;
  return out;
}

/// Pops every queued frame of `c`, decoded, as a transport would: batch after
/// batch until no frame is left (data messages are framed lazily).
inline std::vector<ClientFrame> take_output(Connection& c) {
  std::vector<ClientFrame> frames;
  for (auto* out = &c.output(); !out->empty(); out = &c.output()) {
    for (const auto& f : *out) frames.push_back(decode_client_frame(f));
    out->clear();
  }
  return frames;
}

/// Pops only the frames ready now (one batch), decoded.
inline std::vector<ClientFrame> take_batch(Connection& c) {
  std::vector<ClientFrame> frames;
  for (const auto& f : c.output()) frames.push_back(decode_client_frame(f));
  c.output().clear();
  return frames;
}

/// Drains every event of `c`.
inline std::vector<Event> take_events(Connection& c) {
  std::vector<Event> events;
  while (auto e = c.next_event()) events.push_back(std::move(*e));
  return events;
}

/// The close code of a decoded Close frame body (-1 if empty).
inline int close_code_of(const ClientFrame& f) {
  if (f.payload.size() < 2) return -1;
  return (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]);
}

/// A fresh connection fed `chunks`.
inline Connection run(const std::vector<std::string_view>& chunks, ConnectionConfig config = {}) {
  Connection c(config, counting_source());
  for (auto chunk : chunks) c.receive(bytes_of(chunk));
  return c;
}

/// Feeds `input` every way (whole, split at every point, byte by byte);
/// expects exactly `expected` messages, no failure, and (unless the input holds
/// a Ping) nothing to write.
inline void expect_messages(const std::string& input, const std::vector<Message>& expected,
                            ConnectionConfig config = {}, bool expect_output = false) {
  for_each_split(input, [&](const std::vector<std::string_view>& chunks) {
    auto c = run(chunks, config);
    const auto events = take_events(c);
    REQUIRE(events.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const auto* m = std::get_if<event::MessageReceived>(&events[i]);
      REQUIRE(m != nullptr);
      CHECK(m->message.kind == expected[i].kind);
      CHECK(m->message.payload == expected[i].payload);
    }
    CHECK(c.state() == Connection::State::open);
    CHECK(c.has_output() == expect_output);
  });
}

/// Feeds `input` every way; expects failure with `expected`: a Failed event
/// with a detail, and one queued Close frame, masked, without reserved bits,
/// carrying the close code the error maps to.
inline void expect_failure(const std::string& input, error expected, std::uint16_t close_code,
                           ConnectionConfig config = {}) {
  for_each_split(input, [&](const std::vector<std::string_view>& chunks) {
    auto c = run(chunks, config);
    CHECK(c.state() == Connection::State::failed);
    const auto events = take_events(c);
    REQUIRE_FALSE(events.empty());
    const auto* failed = std::get_if<event::Failed>(&events.back());
    REQUIRE(failed != nullptr);
    CHECK(failed->error == expected);
    CHECK_FALSE(failed->detail.empty());
    const auto out = take_output(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0].opcode == 0x8);
    CHECK(out[0].masked);
    CHECK(out[0].rsv == 0);
    CHECK(close_code_of(out[0]) == close_code);
    CHECK(close_code_for(expected) == close_code);
  });
}

}  // namespace duplex::rfc6455::test
