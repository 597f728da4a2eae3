// Outgoing fragmentation and control-frame priority (RFC 6455 §5.4): big
// messages leave in fragments, and Pings, Pongs and our replies to the
// server's Pings overtake the fragments not yet written.

#include "duplex/rfc6455/connection.hpp"

#include <catch2/catch.hpp>

#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using namespace duplex::rfc6455::test;
using duplex::Message;

namespace {

constexpr std::size_t fragment = 1000;

Connection make_connection(std::size_t fragment_size = fragment) {
  ConnectionConfig config;
  config.max_fragment_size = fragment_size;
  return Connection(config, counting_source());
}

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

// The data frames of `frames` joined into the message they carry.
std::string reassemble(const std::vector<ClientFrame>& frames) {
  std::string out;
  for (const auto& f : frames)
    if (f.opcode < 0x8) out += f.payload;
  return out;
}

}  // namespace

TEST_CASE("a message longer than the fragment size leaves in fragments", "[connection][fragmentation]") {
  auto c = make_connection();
  const std::string payload = pattern(3 * fragment + fragment / 2);
  c.send(Message{Message::Kind::binary, payload});
  const auto frames = take_output(c);
  REQUIRE(frames.size() == 4);
  CHECK(frames[0].opcode == 0x2);
  for (std::size_t i = 1; i < frames.size(); ++i) CHECK(frames[i].opcode == 0x0);
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) CHECK_FALSE(frames[i].fin);
  CHECK(frames.back().fin);
  std::size_t app = 0;
  for (const auto& f : frames) {
    CHECK(f.masked);
    CHECK(f.payload.size() <= fragment);
    CHECK(f.app_bytes == f.payload.size());  // bufferedAmount drains per fragment
    app += f.app_bytes;
  }
  CHECK(app == payload.size());
  CHECK(reassemble(frames) == payload);
}

TEST_CASE("fragments are parts of the moved-in message, masked in place, not copies", "[connection][fragmentation]") {
  auto c = make_connection();
  std::string payload = pattern(3 * fragment + 10);
  const char* storage = payload.data();
  c.send(Message{Message::Kind::binary, std::move(payload)});
  std::size_t offset = 0;
  while (!c.output().empty()) {
    auto& out = c.output();
    const auto bytes = out.front().payload_bytes();
    CHECK(reinterpret_cast<const char*>(bytes.data()) == storage + offset);
    offset += bytes.size();
    out.pop_front();
  }
  CHECK(offset == 3 * fragment + 10);
}

TEST_CASE("each batch holds at most one fragment's worth of data", "[connection][fragmentation]") {
  auto c = make_connection();
  c.send(Message{Message::Kind::text, pattern(2 * fragment)});
  CHECK(take_batch(c).size() == 1);
  CHECK(take_batch(c).size() == 1);
  CHECK(take_batch(c).empty());
  CHECK_FALSE(c.has_output());
}

TEST_CASE("small messages share a batch up to the fragment size", "[connection][fragmentation]") {
  auto c = make_connection();
  for (int i = 0; i < 5; ++i) c.send(Message{Message::Kind::text, pattern(300)});
  const auto first = take_batch(c);  // 3 × 300 fit in 1000, a fourth does not
  REQUIRE(first.size() == 3);
  for (const auto& f : first) CHECK((f.fin && f.opcode == 0x1 && f.payload.size() == 300));
  CHECK(take_batch(c).size() == 2);
}

TEST_CASE("a Pong answering the server's Ping overtakes the fragments not yet written", "[connection][fragmentation]") {
  const std::string ping = server_frame(0x89, "are you there");
  for_each_split(ping, [&](const std::vector<std::string_view>& chunks) {
    auto c = make_connection();
    const std::string payload = pattern(5 * fragment);
    c.send(Message{Message::Kind::binary, payload});
    const auto first = take_batch(c);  // the first fragment is being written
    REQUIRE(first.size() == 1);
    for (auto chunk : chunks) c.receive(bytes_of(chunk));
    const auto next = take_batch(c);
    REQUIRE(next.size() == 2);
    CHECK(next[0].opcode == 0xA);
    CHECK(next[0].payload == "are you there");
    CHECK(next[1].opcode == 0x0);
    auto rest = take_output(c);
    rest.insert(rest.begin(), next.begin(), next.end());
    rest.insert(rest.begin(), first.begin(), first.end());
    CHECK(reassemble(rest) == payload);
  });
}

TEST_CASE("a Ping and a Pong queued together keep their order ahead of data", "[connection][fragmentation]") {
  auto c = make_connection();
  c.send(Message{Message::Kind::binary, pattern(3 * fragment)});
  c.ping("mine");
  c.receive(bytes_of(server_frame(0x89, "theirs")));
  const auto frames = take_batch(c);
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].opcode == 0x9);
  CHECK(frames[0].payload == "mine");
  CHECK(frames[1].opcode == 0xA);
  CHECK(frames[1].payload == "theirs");
  CHECK(frames[2].opcode == 0x2);
  CHECK_FALSE(frames[2].fin);
}

TEST_CASE("a Close frame waits for every fragment queued before it", "[connection][fragmentation]") {
  auto c = make_connection();
  c.send(Message{Message::Kind::binary, pattern(3 * fragment)});
  c.close(1000, "bye");
  const auto frames = take_output(c);
  REQUIRE(frames.size() == 4);
  CHECK(frames.back().opcode == 0x8);
  CHECK(close_code_of(frames.back()) == 1000);
  CHECK(frames[2].fin);
}

TEST_CASE("an empty message is one frame", "[connection][fragmentation]") {
  auto c = make_connection();
  c.send(Message{Message::Kind::text, ""});
  const auto frames = take_output(c);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].fin);
  CHECK(frames[0].payload.empty());
}

TEST_CASE("a compressed message is fragmented after compression, RSV1 on the first fragment only",
          "[connection][fragmentation]") {
  ConnectionConfig config;
  config.max_fragment_size = 64;
  config.permessage_deflate = DeflateParams{};
  Connection c(config, counting_source());
  // Pseudo-random bytes: deflate cannot shrink them below a few fragments.
  std::string payload(2000, '\0');
  std::uint32_t x = 12345;
  for (auto& ch : payload) ch = static_cast<char>((x = x * 1103515245u + 12345u) >> 24);
  c.send(Message{Message::Kind::binary, payload});
  const auto frames = take_output(c);
  REQUIRE(frames.size() > 2);
  CHECK(frames[0].rsv == 4);
  std::size_t app = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i > 0) CHECK(frames[i].rsv == 0);
    app += frames[i].app_bytes;
  }
  CHECK(app == payload.size());
}
