// permessage-deflate (RFC 7692) against real peers nobody here wrote: npm `ws`
// and Debian's python3-websockets, both started with --deflate on 127.0.0.1.

#include <catch2/catch.hpp>

#include <duplex/duplex.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/peers.hpp"

namespace duplex::test {
namespace {

Peer start_deflate_peer(const std::string& kind) {
  return kind == "ws" ? start_ws_peer_deflate() : start_python_peer_deflate();
}

struct EchoResult {
  std::string extensions;  ///< as seen in onopen
  std::vector<MessageData> messages;
  std::optional<CloseEvent> close;
  std::string error;
};

std::string bytes_of(const MessageData& data) {
  if (auto* text = std::get_if<std::string>(&data)) return *text;
  if (auto* blob = std::get_if<Blob>(&data)) return blob->str();
  return std::get<ArrayBuffer>(data).str();
}

/// Sends `outgoing` once open, closes with 1000 after as many echoes.
EchoResult echo(const Peer& peer, const std::vector<MessageData>& outgoing, Options options = {}) {
  WebSocket ws(peer.url("/"), {}, std::move(options));
  ws.binary_type(BinaryType::arraybuffer);
  EchoResult result;
  ws.onopen([&](const Event&) {
    result.extensions = ws.extensions();
    for (const auto& data : outgoing) {
      if (auto* text = std::get_if<std::string>(&data))
        ws.send(*text);
      else
        ws.send(std::get<ArrayBuffer>(data));
    }
    if (outgoing.empty()) ws.close(1000);
  });
  ws.onmessage([&](const MessageEvent& e) {
    result.messages.push_back(e.data());
    if (result.messages.size() == outgoing.size()) ws.close(1000);
  });
  ws.onerror([&](const ErrorEvent& e) { result.error = e.message(); });
  ws.onclose([&](const CloseEvent& e) { result.close = e; });
  run();
  return result;
}

void check_echoed(const EchoResult& result, const std::vector<MessageData>& sent) {
  INFO("error: " << result.error);
  REQUIRE(result.messages.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    INFO("message " << i);
    CHECK(result.messages[i].index() == sent[i].index());
    CHECK(bytes_of(result.messages[i]) == bytes_of(sent[i]));
  }
  REQUIRE(result.close);
  CHECK(result.close->was_clean());
  CHECK(result.close->code() == 1000);
}

// Text that compresses well, as JSON or logs do.
std::string prose(std::size_t n, unsigned seed = 5) {
  static const std::string words[] = {"{\"id\": ", "\"name\": ", "\"value\": ", "true, ",
                                      "null, ",    "42, ",       "}, ",         "\"hello world\", "};
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) s += words[rng() % 8];
  s.resize(n);
  return s;
}

std::string noise(std::size_t n) {
  std::mt19937 rng(9);
  std::string s(n, '\0');
  for (auto& ch : s) ch = static_cast<char>(rng());
  return s;
}

// Random hex digits: they compress to about half, but not by repeating
// themselves within a message, so only an earlier message's copy in the
// compression context can make a second one cheap.
std::string hex_noise(std::size_t n) {
  std::mt19937 rng(17);
  std::string s(n, '\0');
  for (auto& ch : s) ch = "0123456789abcdef"[rng() % 16];
  return s;
}

/// Sends `text` `times` times to the npm `ws` peer's /wire-size path, each
/// after the answer to the one before, and returns the answers: how many
/// bytes each message's frames took on the TCP connection, as received.
std::vector<std::size_t> wire_sizes(const Peer& peer, const std::string& text, int times, Options options) {
  WebSocket ws(peer.url("/wire-size"), {}, std::move(options));
  std::vector<std::size_t> sizes;
  std::string ending;  // the error and close events, for a failure's message
  ws.onopen([&](const Event&) { ws.send(text); });
  ws.onmessage([&](const MessageEvent& e) {
    sizes.push_back(std::stoul(e.text()));
    if (static_cast<int>(sizes.size()) < times)
      ws.send(text);
    else
      ws.close(1000);
  });
  ws.onerror([&](const ErrorEvent& e) { ending = "error: " + e.message() + "; "; });
  ws.onclose([&](const CloseEvent& e) { ending += "close " + std::to_string(e.code()) + " " + e.reason(); });
  run();
  INFO(ending);
  REQUIRE(static_cast<int>(sizes.size()) == times);
  return sizes;
}

}  // namespace

TEST_CASE("the servers accept permessage-deflate and extensions() says so", "[integration][deflate]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_deflate_peer(kind);
  SECTION("default offer") {
    const auto result = echo(peer, {});
    CHECK(result.extensions.rfind("permessage-deflate", 0) == 0);
  }
  SECTION("no context takeover requested") {
    Options options;
    options.deflate_no_context_takeover = true;
    const auto result = echo(peer, {}, options);
    CHECK(result.extensions.rfind("permessage-deflate", 0) == 0);
    CHECK(result.extensions.find("server_no_context_takeover") != std::string::npos);
  }
  SECTION("not offered") {
    Options options;
    options.permessage_deflate = false;
    const auto result = echo(peer, {std::string("plain")}, options);
    CHECK(result.extensions.empty());
    check_echoed(result, {std::string("plain")});
  }
}

TEST_CASE("servers without deflate leave extensions() empty", "[integration][deflate]") {
  auto peer = start_ws_peer();
  const auto result = echo(peer, {std::string(1000, 'a')});
  CHECK(result.extensions.empty());
  check_echoed(result, {std::string(1000, 'a')});
}

TEST_CASE("compressed echo of small and large, text and binary messages", "[integration][deflate]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  const bool no_context_takeover = GENERATE(false, true);
  INFO("peer: " << kind << ", no_context_takeover " << no_context_takeover);
  auto peer = start_deflate_peer(kind);
  Options options;
  options.deflate_no_context_takeover = no_context_takeover;
  std::vector<MessageData> sent;
  for (std::size_t size : {0u, 1u, 63u, 64u, 65u, 1000u, 65536u, 1024u * 1024u}) {
    sent.emplace_back(prose(size, static_cast<unsigned>(size)));
    sent.emplace_back(ArrayBuffer(prose(size, static_cast<unsigned>(size) + 1)));
  }
  sent.emplace_back(ArrayBuffer(noise(256 * 1024)));  // does not compress
  sent.emplace_back(std::string(1024 * 1024, 'z'));   // compresses a thousandfold
  std::string non_ascii;
  while (non_ascii.size() < 5000) non_ascii += "h\u00e9llo w\u00f6rld \u2713 \U0001F600 ";
  sent.emplace_back(non_ascii);
  const auto result = echo(peer, sent, options);
  CHECK(result.extensions.rfind("permessage-deflate", 0) == 0);
  check_echoed(result, sent);
}

TEST_CASE("many similar messages in a row: both peers inflate every one", "[integration][deflate]") {
  const auto kind = GENERATE(as<std::string>{}, "ws", "python");
  INFO("peer: " << kind);
  auto peer = start_deflate_peer(kind);
  std::vector<MessageData> sent;
  for (int i = 0; i < 300; ++i) {
    sent.emplace_back("{\"type\": \"update\", \"sequence\": " + std::to_string(i) +
                      ", \"payload\": \"the same words over and over again, message after message\"}");
  }
  check_echoed(echo(peer, sent), sent);
}

// Context takeover, seen on the wire: with the LZ77 window kept between
// messages, a message already in it is sent as back-references (RFC 7692
// §7.2.3.2: the second "Hello" refers back to the first). Offering
// client_no_context_takeover binds the client to start every message with an
// empty window (§7.1.1.2), so every copy then costs what the first did.
TEST_CASE("the compression context carries across messages: on the wire a repeat costs a fraction of the first",
          "[integration][deflate]") {
  auto peer = start_ws_peer_deflate();
  const std::string text = hex_noise(3000);
  SECTION("context takeover (the default)") {
    const auto sizes = wire_sizes(peer, text, 4, Options{});
    INFO("wire sizes: " << sizes[0] << " " << sizes[1] << " " << sizes[2] << " " << sizes[3]);
    CHECK(sizes[0] > 1000);  // compressed (3000 bytes of text), but not trivially
    CHECK(sizes[0] < 2000);
    for (std::size_t i = 1; i < sizes.size(); ++i) CHECK(sizes[i] * 10 < sizes[0]);
  }
  SECTION("deflate_no_context_takeover: every repeat costs the same") {
    Options options;
    options.deflate_no_context_takeover = true;
    const auto sizes = wire_sizes(peer, text, 4, options);
    INFO("wire sizes: " << sizes[0] << " " << sizes[1] << " " << sizes[2] << " " << sizes[3]);
    CHECK(sizes[0] > 1000);
    CHECK(sizes[0] < 2000);
    for (std::size_t i = 1; i < sizes.size(); ++i) CHECK(sizes[i] == sizes[0]);
  }
}

TEST_CASE("bufferedAmount counts application bytes, not compressed ones", "[integration][deflate]") {
  auto peer = start_ws_peer_deflate();
  WebSocket ws(peer.url("/"));
  std::vector<std::uint64_t> seen;
  ws.onopen([&](const Event&) {
    ws.send(std::string(100000, 'x'));
    seen.push_back(ws.buffered_amount());
  });
  ws.onmessage([&](const MessageEvent& e) {
    CHECK(e.text() == std::string(100000, 'x'));
    seen.push_back(ws.buffered_amount());
    ws.close();
  });
  run();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == 100000);
  CHECK(seen[1] == 0);
}

}  // namespace duplex::test
