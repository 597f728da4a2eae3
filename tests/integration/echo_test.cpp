// Messages through real echo servers nobody here wrote: npm `ws` and Debian's
// python3-websockets, started on 127.0.0.1 for the test and stopped by PID.

#include <catch2/catch.hpp>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

Peer start_peer(const std::string& kind) { return kind == "ws" ? start_ws_peer() : start_python_peer(); }

/// Sends `outgoing` once open, closes after as many echoes, runs the loop.
Recorder echo(const Peer& peer, const std::vector<MessageData>& outgoing, BinaryType type = BinaryType::arraybuffer) {
  WebSocket ws(peer.url("/"));
  ws.binary_type(type);
  Recorder recorder(ws);
  ws.onopen([&](const Event&) {
    for (const auto& data : outgoing) {
      if (auto* text = std::get_if<std::string>(&data))
        ws.send(*text);
      else if (auto* blob = std::get_if<Blob>(&data))
        ws.send(*blob);
      else
        ws.send(std::get<ArrayBuffer>(data));
    }
  });
  ws.onmessage([&](const MessageEvent&) {
    if (recorder.messages.size() == outgoing.size()) ws.close(1000);
  });
  run();
  return recorder;
}

std::string all_byte_values() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

}  // namespace

TEST_CASE("text messages come back exactly, non-ASCII and U+0000 included", "[integration][echo]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  const std::vector<MessageData> sent{std::string("hello"), std::string("héllo wörld ✓ 😀 \u5336"),
                                      std::string("nul\0inside", 10), std::string()};
  auto result = echo(peer, sent);
  REQUIRE(result.events.front() == "open");
  REQUIRE(result.messages.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    REQUIRE(std::holds_alternative<std::string>(result.messages[i]));
    CHECK(std::get<std::string>(result.messages[i]) == std::get<std::string>(sent[i]));
  }
  REQUIRE(result.close);
  CHECK(result.close->was_clean());
  CHECK(result.close->code() == 1000);
}

TEST_CASE("binary messages come back exactly, as ArrayBuffer or Blob", "[integration][echo]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  const std::vector<MessageData> sent{ArrayBuffer(all_byte_values()), Blob(std::string("\x01\x02", 2)),
                                      ArrayBuffer(std::string())};
  SECTION("binaryType arraybuffer") {
    auto result = echo(peer, sent, BinaryType::arraybuffer);
    REQUIRE(result.messages.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      REQUIRE(std::holds_alternative<ArrayBuffer>(result.messages[i]));
      CHECK(payload_of(result.messages[i]) == payload_of(sent[i]));
    }
  }
  SECTION("binaryType blob") {
    auto result = echo(peer, sent, BinaryType::blob);
    REQUIRE(result.messages.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      REQUIRE(std::holds_alternative<Blob>(result.messages[i]));
      CHECK(payload_of(result.messages[i]) == payload_of(sent[i]));
    }
  }
}

TEST_CASE("every length encoding round-trips: 125, 126, 65535, 65536 bytes and 16 MiB", "[integration][echo]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  std::vector<MessageData> sent;
  for (std::size_t size : {125u, 126u, 65535u, 65536u, 16u * 1024u * 1024u}) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7 + size) & 0xFF);
    sent.emplace_back(ArrayBuffer(bytes));
    sent.emplace_back(std::string(size, 'a' + size % 26));
  }
  auto result = echo(peer, sent);
  REQUIRE(result.messages.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    INFO("message " << i);
    CHECK(result.messages[i].index() == sent[i].index());
    CHECK(payload_of(result.messages[i]) == payload_of(sent[i]));
  }
}

TEST_CASE("5000 small messages sent in one go come back whole and in order", "[integration][echo]") {
  // More than the socket buffers hold: the writes stop part way through a
  // frame (header or payload) and carry on when the peer has read.
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  std::vector<MessageData> sent;
  for (std::size_t i = 0; i < 5000; ++i) {
    const std::size_t size = (i * 7919) % 4096;  // 0 to 4095 bytes, every header form up to 16 bits
    std::string bytes(size, '\0');
    for (std::size_t k = 0; k < size; ++k) bytes[k] = static_cast<char>((i + k * 31) & 0xFF);
    if (i % 2 == 0)
      sent.emplace_back(ArrayBuffer(bytes));
    else
      sent.emplace_back(std::string(size, static_cast<char>('a' + i % 26)));
  }
  auto result = echo(peer, sent);
  REQUIRE(result.messages.size() == sent.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < sent.size(); ++i)
    if (result.messages[i].index() != sent[i].index() || payload_of(result.messages[i]) != payload_of(sent[i]))
      ++mismatches;
  CHECK(mismatches == 0);
  REQUIRE(result.close);
  CHECK(result.close->was_clean());
}

TEST_CASE("bufferedAmount counts queued bytes and falls to 0 once they are written", "[integration][echo]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  std::vector<std::uint64_t> seen;
  ws.onopen([&](const Event&) {
    ws.send(std::string(1000, 'x'));
    ws.send("¥¥¥¥¥¥");
    seen.push_back(ws.buffered_amount());  // nothing falls inside our own code path
  });
  ws.onmessage([&](const MessageEvent&) {
    seen.push_back(ws.buffered_amount());
    if (seen.size() == 3) ws.close();
  });
  run();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == 1012);
  CHECK(seen[2] == 0);
}

TEST_CASE("the server selects one of the offered subprotocols", "[integration][handshake]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_peer(kind);
  SECTION("offered: x-unknown, chat") {
    WebSocket ws(peer.url("/"), {"x-unknown", "chat"});
    std::string at_open;
    ws.onopen([&](const Event&) {
      at_open = ws.protocol();
      ws.close();
    });
    CHECK(ws.protocol().empty());  // "" until open
    run();
    CHECK(at_open == "chat");
  }
  SECTION("none offered: none selected") {
    WebSocket ws(peer.url("/"));
    std::string at_open = "unset";
    ws.onopen([&](const Event&) {
      at_open = ws.protocol();
      ws.close();
    });
    run();
    CHECK(at_open.empty());
  }
}

}  // namespace duplex::test
