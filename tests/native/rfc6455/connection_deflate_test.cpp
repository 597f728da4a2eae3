// Connection with permessage-deflate negotiated (RFC 7692 §6, §7.2): the
// engine inflates what the server compressed and compresses what it sends.
#include "duplex/rfc6455/connection.hpp"

#include <catch2/catch.hpp>

#include <random>

#include "deflate_test_support.hpp"
#include "duplex/rfc6455/error.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using namespace duplex::rfc6455::test;
using duplex::Message;
using Chunks = std::vector<std::string_view>;

namespace {

ConnectionConfig deflate_config(DeflateParams params = {}) {
  ConnectionConfig config;
  config.permessage_deflate = params;
  return config;
}

// Feeds `input` every way to a connection with permessage-deflate negotiated.
void expect_messages_deflated(const std::string& input, const std::vector<Message>& expected,
                              ConnectionConfig config = deflate_config()) {
  expect_messages(input, expected, config);
}

// Feeds `input` every way to a connection with permessage-deflate negotiated.
void expect_failure_deflated(const std::string& input, error expected, std::uint16_t close_code,
                             ConnectionConfig config = deflate_config()) {
  expect_failure(input, expected, close_code, config);
}

const Message hello{Message::Kind::text, "Hello"};
const std::string compressed_hello = hex_bytes({0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});

std::string prose(std::size_t n) {
  static const std::string words[] = {"alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta ", "eta ", "theta "};
  std::mt19937 rng(11);
  std::string s;
  while (s.size() < n) s += words[rng() % 8];
  s.resize(n);
  return s;
}

std::string noise(std::size_t n) {
  std::mt19937 rng(3);
  std::string s(n, '\0');
  for (auto& ch : s) ch = static_cast<char>(rng());
  return s;
}

}  // namespace

// ---- RFC 7692 §7.2.3 examples, received ----

TEST_CASE("§7.2.3.1: a compressed \"Hello\" in one frame", "[connection][deflate]") {
  expect_messages_deflated(compressed_hello, {hello});
}

TEST_CASE("§7.2.3.2: the second message refers back to the first", "[connection][deflate]") {
  expect_messages_deflated(compressed_hello + hex_bytes({0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00}), {hello, hello});
}

TEST_CASE("§7.2.3.3: a DEFLATE block with no compression", "[connection][deflate]") {
  expect_messages_deflated(hex_bytes({0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}),
                           {hello});
}

TEST_CASE("§7.2.3.4: a fragmented compressed message", "[connection][deflate]") {
  expect_messages_deflated(hex_bytes({0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00}), {hello});
}

TEST_CASE("§7.2.3.5: a block with BFINAL set, then a fresh stream", "[connection][deflate]") {
  expect_messages_deflated(hex_bytes({0xc1, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00}) + compressed_hello,
                           {hello, hello});
}

TEST_CASE("§7.2.3.6: an empty compressed message, and an empty payload with RSV1", "[connection][deflate]") {
  expect_messages_deflated(hex_bytes({0xc1, 0x01, 0x00, 0xc2, 0x00}),
                           {{Message::Kind::text, ""}, {Message::Kind::binary, ""}});
}

TEST_CASE("uncompressed messages still pass on a deflate connection", "[connection][deflate]") {
  expect_messages_deflated(
      hex_bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}) + compressed_hello + hex_bytes({0x82, 0x01, 0x00}),
      {hello, hello, {Message::Kind::binary, std::string(1, '\0')}});
}

TEST_CASE("a Ping between fragments of a compressed message", "[connection][deflate]") {
  const std::string input = hex_bytes({0x41, 0x03, 0xf2, 0x48, 0xcd, 0x89, 0x00, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00});
  for_each_split(input, [&](const Chunks& chunks) {
    auto c = run(chunks, deflate_config());
    const auto events = take_events(c);
    REQUIRE(events.size() == 1);
    CHECK(std::get<event::MessageReceived>(events[0]).message.payload == "Hello");
    const auto out = take_output(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0].opcode == 0xA);
  });
}

// ---- RSV1 where RFC 7692 §6 forbids it ----

TEST_CASE("RSV1 on a continuation frame fails with 1002", "[connection][deflate]") {
  expect_failure_deflated(hex_bytes({0x41, 0x03, 0xf2, 0x48, 0xcd, 0xc0, 0x04, 0xc9, 0xc9, 0x07, 0x00}),
                          error::reserved_bits, 1002);
  expect_failure_deflated(hex_bytes({0x01, 0x02, 0x48, 0x65, 0xc0, 0x03, 0x6c, 0x6c, 0x6f}), error::reserved_bits,
                          1002);
}

TEST_CASE("RSV1 on control frames fails with 1002", "[connection][deflate]") {
  expect_failure_deflated(hex_bytes({0xc9, 0x00}), error::reserved_bits, 1002);
  expect_failure_deflated(hex_bytes({0xca, 0x00}), error::reserved_bits, 1002);
  expect_failure_deflated(hex_bytes({0xc8, 0x02, 0x03, 0xe8}), error::reserved_bits, 1002);
}

TEST_CASE("RSV2 and RSV3 stay reserved, RSV1 without deflate fails", "[connection][deflate]") {
  expect_failure_deflated(hex_bytes({0xa1, 0x00}), error::reserved_bits, 1002);
  expect_failure_deflated(hex_bytes({0x91, 0x00}), error::reserved_bits, 1002);
  expect_failure_deflated(compressed_hello, error::reserved_bits, 1002, ConnectionConfig{});
}

// ---- bad compressed payloads ----

TEST_CASE("invalid DEFLATE data fails with 1007", "[connection][deflate]") {
  expect_failure_deflated(hex_bytes({0xc2, 0x01, 0xff}), error::invalid_compressed_data, 1007);
  // A message that ends inside a stored block.
  expect_failure_deflated(hex_bytes({0xc2, 0x07, 0x00, 0x0a, 0x00, 0xf5, 0xff, 0x48, 0x65}),
                          error::invalid_compressed_data, 1007);
  CHECK(close_code_for(error::invalid_compressed_data) == 1007);
}

TEST_CASE("compressed text that inflates to invalid UTF-8 fails with 1007", "[connection][deflate]") {
  TestDeflater server;
  std::string bad = "valid prefix " + std::string(100, 'x') + "\xc3\x28 and more";
  expect_failure_deflated(server_frame(0xc1, server.compress(bad)), error::invalid_utf8, 1007);
  // Truncated inside a code point at the end of the message.
  TestDeflater server2;
  expect_failure_deflated(server_frame(0xc1, server2.compress("caf\xc3")), error::invalid_utf8, 1007);
  // Valid UTF-8 split across the inflated output of two fragments.
  TestDeflater server3;
  const std::string payload = server3.compress("caf\xc3\xa9 cr\xc3\xa8me");
  expect_messages_deflated(server_frame(0x41, payload.substr(0, 4)) + server_frame(0x80, payload.substr(4)),
                           {{Message::Kind::text, "caf\xc3\xa9 cr\xc3\xa8me"}});
}

TEST_CASE("max_message_size applies to the inflated size", "[connection][deflate]") {
  TestDeflater server(15, true);
  const std::string payload = server.compress(std::string(5000, 'a'));
  REQUIRE(payload.size() < 100);
  auto config = deflate_config();
  config.max_message_size = 5000;
  expect_messages_deflated(server_frame(0xc2, payload), {{Message::Kind::binary, std::string(5000, 'a')}}, config);
  config.max_message_size = 4999;
  expect_failure_deflated(server_frame(0xc2, payload), error::message_too_big, 1009, config);
}

TEST_CASE("a deflate bomb fails with 1009 at the limit", "[connection][deflate]") {
  TestDeflater server(15, false, Z_BEST_COMPRESSION);
  const std::string bomb = server.compress(std::string(100u << 20, '\0'));
  CHECK(bomb.size() < 200u * 1024);
  auto config = deflate_config();
  config.max_message_size = 1u << 20;
  for (const std::size_t fragment : {bomb.size(), std::size_t{4096}}) {
    INFO("fragments of " << fragment);
    std::string wire;
    for (std::size_t i = 0; i < bomb.size(); i += fragment) {
      const bool first = i == 0;
      const bool last = i + fragment >= bomb.size();
      wire += server_frame((last ? 0x80 : 0) | (first ? 0x42 : 0x00), std::string_view(bomb).substr(i, fragment));
    }
    Connection c(config, counting_source());
    c.receive(bytes_of(wire));
    CHECK(c.state() == Connection::State::failed);
    const auto events = take_events(c);
    REQUIRE(events.size() == 1);
    CHECK(std::get<event::Failed>(events[0]).error == error::message_too_big);
    const auto out = take_output(c);
    REQUIRE(out.size() == 1);
    CHECK(close_code_of(out[0]) == 1009);
  }
}

// ---- sending ----

TEST_CASE("outgoing messages: compressed from 64 bytes, masked after compression", "[connection][deflate]") {
  const bool no_context_takeover = GENERATE(false, true);
  INFO("no_context_takeover " << no_context_takeover);
  DeflateParams params;
  params.client_no_context_takeover = no_context_takeover;
  auto config = deflate_config(params);
  config.max_fragment_size = 2u << 20;  // one frame per message here; fragmentation has its own tests
  Connection client(config, counting_source());
  TestInflater server(15, no_context_takeover);
  const std::vector<std::size_t> sizes = {0, 1, 63, 64, 1000, 65536, 1u << 20, 1000, 64};
  for (const auto kind : {Message::Kind::text, Message::Kind::binary}) {
    for (auto n : sizes) {
      INFO("size " << n);
      const std::string payload = prose(n);
      client.send({kind, payload});
      const auto out = take_output(client);
      REQUIRE(out.size() == 1);
      CHECK(out[0].masked);
      CHECK(out[0].fin);
      CHECK(out[0].opcode == (kind == Message::Kind::text ? 0x1 : 0x2));
      CHECK(out[0].app_bytes == n);  // bufferedAmount counts application bytes
      if (n < 64) {
        CHECK(out[0].rsv == 0);
        CHECK(out[0].payload == payload);
      } else {
        CHECK(out[0].rsv == 4);
        CHECK(out[0].payload.size() < n);
        CHECK(server.inflate_message(out[0].payload) == payload);
      }
    }
  }
}

TEST_CASE("incompressible data goes out plain only without context takeover", "[connection][deflate]") {
  const std::string payload = noise(4096);
  {
    DeflateParams params;
    params.client_no_context_takeover = true;
    Connection client(deflate_config(params), counting_source());
    client.send({Message::Kind::binary, payload});
    const auto out = take_output(client);
    REQUIRE(out.size() == 1);
    CHECK(out[0].rsv == 0);
    CHECK(out[0].payload == payload);
  }
  {
    Connection client(deflate_config(), counting_source());
    TestInflater server;
    client.send({Message::Kind::binary, payload});
    client.send({Message::Kind::binary, payload});
    const auto out = take_output(client);
    REQUIRE(out.size() == 2);
    CHECK(out[0].rsv == 4);
    CHECK(server.inflate_message(out[0].payload) == payload);
    CHECK(out[1].rsv == 4);
    CHECK(out[1].payload.size() < 100);  // the whole repeat is one back-reference
    CHECK(server.inflate_message(out[1].payload) == payload);
  }
}

TEST_CASE("server to client round trip at boundary sizes, fragmented, split unevenly", "[connection][deflate]") {
  const bool no_context_takeover = GENERATE(false, true);
  INFO("no_context_takeover " << no_context_takeover);
  DeflateParams params;
  params.server_no_context_takeover = no_context_takeover;
  Connection client(deflate_config(params), counting_source());
  TestDeflater server(15, no_context_takeover);
  const std::vector<std::size_t> sizes = {0, 1, 63, 64, 1000, 65536, 1u << 20};
  std::string wire;
  std::vector<Message> sent;
  for (auto n : sizes) {
    for (const auto kind : {Message::Kind::text, Message::Kind::binary}) {
      const std::string payload = prose(n);
      sent.push_back({kind, payload});
      const std::string compressed = server.compress(payload);
      // One frame, or fragments of 1000 bytes with RSV1 on the first only.
      const std::size_t fragment = n % 2 == 0 ? 1000 : compressed.size() + 1;
      const int op = kind == Message::Kind::text ? 0x1 : 0x2;
      for (std::size_t i = 0; i == 0 || i < compressed.size(); i += fragment) {
        const bool last = i + fragment >= compressed.size();
        const int first_byte = (last ? 0x80 : 0) | (i == 0 ? 0x40 | op : 0);
        wire += server_frame(first_byte, std::string_view(compressed).substr(i, fragment));
      }
    }
  }
  std::string_view rest(wire);
  std::size_t step = 1;
  while (!rest.empty()) {
    const auto n = std::min(step, rest.size());
    client.receive(bytes_of(rest.substr(0, n)));
    rest.remove_prefix(n);
    step = step * 3 + 1;
  }
  const auto events = take_events(client);
  REQUIRE(events.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto& m = std::get<event::MessageReceived>(events[i]).message;
    CHECK(m.kind == sent[i].kind);
    CHECK(m.payload == sent[i].payload);
  }
  CHECK(client.state() == Connection::State::open);
}

TEST_CASE("negotiated window sizes are honoured both ways", "[connection][deflate]") {
  const int bits = GENERATE(8, 9, 11, 15);
  INFO("window bits " << bits);
  DeflateParams params;
  params.client_max_window_bits = bits;
  params.server_max_window_bits = bits;
  Connection client(deflate_config(params), counting_source());
  TestInflater server_in(bits);
  TestDeflater server_out(bits == 8 ? 9 : bits);
  for (int i = 0; i < 3; ++i) {
    const std::string payload = prose(30000 + static_cast<std::size_t>(i));
    client.send({Message::Kind::text, payload});
    const auto out = take_output(client);
    REQUIRE(out.size() == 1);
    CHECK(server_in.inflate_message(out[0].payload) == payload);
    client.receive(bytes_of(server_frame(0xc1, server_out.compress(payload))));
    const auto events = take_events(client);
    REQUIRE(events.size() == 1);
    CHECK(std::get<event::MessageReceived>(events[0]).message.payload == payload);
  }
}
