// An in-memory client↔server pair: a tiny server written here (unmasked
// frames out, masked frames in) talks to Connection.
#include "duplex/rfc6455/connection.hpp"

#include <catch2/catch.hpp>

#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using namespace duplex::rfc6455::test;
using duplex::Message;

namespace {

// The server side: echoes each client data frame back, unmasked.
struct EchoServer {
  std::string to_client;
  bool saw_close = false;
  int close_code = -1;

  void receive(const ClientFrame& f) {
    REQUIRE(f.masked);  // §5.1: every client frame is masked
    REQUIRE(f.fin);
    REQUIRE(f.rsv == 0);
    if (f.opcode == 0x8) {
      saw_close = true;
      close_code = close_code_of(f);
      to_client += server_frame(0x88, f.payload);
      return;
    }
    to_client += server_frame(0x80 | f.opcode, f.payload);
  }
};

std::string sized(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace

TEST_CASE("round trip of text and binary messages of boundary sizes, then close", "[round_trip]") {
  Connection client({}, counting_source());
  EchoServer server;
  const std::vector<std::size_t> sizes = {0, 125, 126, 65535, 65536};
  std::vector<Message> sent;
  for (auto n : sizes) {
    sent.push_back({Message::Kind::text, sized(n)});
    sent.push_back({Message::Kind::binary, sized(n)});
  }
  for (const auto& m : sent) client.send(m);
  std::size_t app_bytes = 0;
  for (const auto& f : take_output(client)) {
    app_bytes += f.app_bytes;
    server.receive(f);
  }
  CHECK(app_bytes == 2 * (0 + 125 + 126 + 65535 + 65536));

  // Deliver the echoes in uneven chunks.
  std::string_view wire(server.to_client);
  server.to_client.reserve(server.to_client.size());
  std::size_t step = 1;
  while (!wire.empty()) {
    const auto n = std::min(step, wire.size());
    client.receive(bytes_of(wire.substr(0, n)));
    wire.remove_prefix(n);
    step = step * 3 + 1;
  }
  const auto events = take_events(client);
  REQUIRE(events.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto& m = std::get<event::MessageReceived>(events[i]).message;
    CHECK(m.kind == sent[i].kind);
    CHECK(m.payload == sent[i].payload);
  }

  server.to_client.clear();
  client.close(1000, "bye");
  for (const auto& f : take_output(client)) server.receive(f);
  CHECK(server.saw_close);
  CHECK(server.close_code == 1000);
  client.receive(bytes_of(server.to_client));
  CHECK(client.state() == Connection::State::closed);
  client.receive_eof();
  const auto closed = take_events(client);
  REQUIRE(closed.size() == 1);
  CHECK(std::get<event::Closed>(closed[0]).was_clean);
  CHECK(std::get<event::Closed>(closed[0]).code == 1000);
  CHECK(std::get<event::Closed>(closed[0]).reason == "bye");
}
