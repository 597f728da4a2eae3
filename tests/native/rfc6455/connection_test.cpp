#include "duplex/rfc6455/connection.hpp"

#include <catch2/catch.hpp>

#include <set>

#include "duplex/rfc6455/error.hpp"
#include "engine_test_support.hpp"

using namespace duplex::rfc6455;
using namespace duplex::rfc6455::test;
using duplex::Message;
using Chunks = std::vector<std::string_view>;

namespace {

const std::string hello_frame = hex_bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});

}  // namespace

// ---- RFC 6455 §5.7 examples ----

TEST_CASE("§5.7: a single-frame unmasked text message", "[connection]") {
  expect_messages(hello_frame, {{Message::Kind::text, "Hello"}});
}

TEST_CASE("§5.7: a fragmented unmasked text message", "[connection]") {
  expect_messages(hex_bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}), {{Message::Kind::text, "Hello"}});
}

TEST_CASE("§5.7: an unmasked Ping is answered with a masked Pong", "[connection]") {
  for_each_split(hex_bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), [](const Chunks& chunks) {
    auto c = run(chunks);
    CHECK(take_events(c).empty());
    const auto out = take_output(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0].fin);
    CHECK(out[0].opcode == 0xA);
    CHECK(out[0].masked);
    CHECK(out[0].payload == "Hello");
    CHECK(out[0].app_bytes == 0);
  });
}

TEST_CASE("§5.7: 256 bytes and 64 KiB binary messages", "[connection]") {
  std::string p256(256, '\0');
  for (std::size_t i = 0; i < p256.size(); ++i) p256[i] = static_cast<char>(i);
  expect_messages(hex_bytes({0x82, 0x7E, 0x01, 0x00}) + p256, {{Message::Kind::binary, p256}});

  const std::string p64k(65536, '\x5a');
  const std::string frame = hex_bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}) + p64k;
  // Every split of 64 KiB would be slow in a debug build; cut at the header
  // boundaries and a few payload points, plus byte by byte.
  for (std::size_t cut : {0u, 1u, 2u, 9u, 10u, 11u, 4096u, 65545u, 65546u}) {
    auto c = run({std::string_view(frame).substr(0, cut), std::string_view(frame).substr(cut)});
    const auto events = take_events(c);
    REQUIRE(events.size() == 1);
    CHECK(std::get<event::MessageReceived>(events[0]).message.payload == p64k);
  }
  Connection c({}, counting_source());
  for (char ch : frame) c.receive(bytes_of(std::string_view(&ch, 1)));
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);
  CHECK(std::get<event::MessageReceived>(events[0]).message.kind == Message::Kind::binary);
  CHECK(std::get<event::MessageReceived>(events[0]).message.payload == p64k);
}

TEST_CASE("§5.7: the masked example fails: a client must not accept masked frames", "[connection]") {
  expect_failure(hex_bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}), error::masked_frame,
                 1002);
}

TEST_CASE("§5.7: send(\"Hello\") with key 37 fa 21 3d is the masked example", "[connection]") {
  Connection c({}, repeating_source("\x37\xfa\x21\x3d"));
  c.send(Message{Message::Kind::text, "Hello"});
  REQUIRE(c.output().size() == 1);
  const auto& f = c.output().front();
  const std::string header(reinterpret_cast<const char*>(f.header_bytes().data()), f.header_bytes().size());
  CHECK(header + f.payload == hex_bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  CHECK(f.app_bytes == 5);
}

// ---- sending ----

TEST_CASE("send uses minimal lengths and a fresh key per frame", "[connection]") {
  ConnectionConfig config;
  config.max_fragment_size = 1u << 20;  // all five in one batch, none fragmented
  Connection c(config, counting_source());
  for (std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) c.send(Message{Message::Kind::binary, std::string(n, 'b')});
  const std::vector<std::size_t> header_sizes = {6, 6, 8, 8, 14};
  std::set<std::string> keys;
  std::size_t i = 0;
  for (const auto& f : c.output()) {
    CHECK(f.header_size == header_sizes[i]);
    keys.insert(std::string(reinterpret_cast<const char*>(f.header.data()) + f.header_size - 4, 4));
    ++i;
  }
  CHECK(keys.size() == 5);
  const auto out = take_output(c);
  REQUIRE(out.size() == 5);
  CHECK(out[4].payload == std::string(65536, 'b'));
  CHECK(out[4].opcode == 0x2);
  CHECK(out[4].app_bytes == 65536);
}

TEST_CASE("send masks the moved-in payload in place", "[connection]") {
  Connection c({}, counting_source());
  std::string payload(1000, 'x');
  const char* data = payload.data();
  c.send(Message{Message::Kind::text, std::move(payload)});
  CHECK(c.output().front().payload.data() == data);
}

TEST_CASE("ping queues a masked Ping, oversized ping payload is refused", "[connection]") {
  Connection c({}, counting_source());
  c.ping("are you there");
  const auto out = take_output(c);
  REQUIRE(out.size() == 1);
  CHECK(out[0].opcode == 0x9);
  CHECK(out[0].payload == "are you there");
  CHECK_THROWS_AS(c.ping(std::string(126, 'p')), std::invalid_argument);
}

// ---- protocol errors ----

TEST_CASE("framing errors fail with 1002", "[connection]") {
  SECTION("RSV1, RSV2, RSV3") {
    expect_failure(hex_bytes({0xC1, 0x00}), error::reserved_bits, 1002);
    expect_failure(hex_bytes({0xA1, 0x00}), error::reserved_bits, 1002);
    expect_failure(hex_bytes({0x91, 0x00}), error::reserved_bits, 1002);
    expect_failure(hex_bytes({0xC9, 0x00}), error::reserved_bits, 1002);
  }
  SECTION("reserved opcodes") {
    for (int op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
      INFO("opcode " << op);
      expect_failure(hex_bytes({0x80 | op, 0x00}), error::reserved_opcode, 1002);
    }
  }
  SECTION("fragmented control frame") {
    expect_failure(hex_bytes({0x09, 0x00}), error::fragmented_control, 1002);
    expect_failure(hex_bytes({0x08, 0x00}), error::fragmented_control, 1002);
  }
  SECTION("control frame longer than 125") {
    expect_failure(hex_bytes({0x89, 0x7E, 0x00, 0x7E}) + std::string(126, 'p'), error::control_too_long, 1002);
    expect_failure(hex_bytes({0x8A, 0x7E, 0x00, 0x7E}) + std::string(126, 'p'), error::control_too_long, 1002);
  }
  SECTION("continuation without a started message") {
    expect_failure(hex_bytes({0x80, 0x01, 0x41}), error::unexpected_continuation, 1002);
    // After a finished message, too.
    expect_failure(hello_frame + hex_bytes({0x80, 0x00}), error::unexpected_continuation, 1002);
  }
  SECTION("new data frame inside a fragmented message") {
    expect_failure(hex_bytes({0x01, 0x01, 0x41, 0x81, 0x01, 0x42}), error::expected_continuation, 1002);
    expect_failure(hex_bytes({0x02, 0x01, 0x41, 0x02, 0x01, 0x42}), error::expected_continuation, 1002);
  }
  SECTION("64-bit length with the MSB set") {
    expect_failure(hex_bytes({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1}), error::length_msb_set, 1002);
  }
  SECTION("close body of one byte") { expect_failure(hex_bytes({0x88, 0x01, 0x03}), error::bad_close_payload, 1002); }
  SECTION("close codes not allowed on the wire") {
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
      INFO("code " << code);
      expect_failure(hex_bytes({0x88, 0x02, code >> 8, code & 0xFF}), error::bad_close_code, 1002);
    }
  }
}

TEST_CASE("non-minimal length encodings are accepted", "[connection]") {
  expect_messages(hex_bytes({0x81, 0x7E, 0x00, 0x02}) + "hi", {{Message::Kind::text, "hi"}});
  expect_messages(hex_bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x02}) + "hi", {{Message::Kind::binary, "hi"}});
}

TEST_CASE("invalid UTF-8 fails with 1007", "[connection]") {
  expect_failure(hex_bytes({0x81, 0x02, 0xC0, 0x80}), error::invalid_utf8, 1007);
  expect_failure(hex_bytes({0x81, 0x01, 0xE2}), error::invalid_utf8, 1007);  // truncated at message end
  // Ends inside a code point after fragments; breaks one across fragments.
  expect_failure(hex_bytes({0x01, 0x01, 0xE2, 0x80, 0x03, 0x82, 0xAC, 0xED}), error::invalid_utf8, 1007);
  expect_failure(hex_bytes({0x01, 0x01, 0xE2, 0x80, 0x01, 0x28}), error::invalid_utf8, 1007);
  expect_failure(hex_bytes({0x88, 0x03, 0x03, 0xE8, 0xFF}), error::invalid_close_reason, 1007);
}

TEST_CASE("UTF-8 split across fragments is fine", "[connection]") {
  // "€" (E2 82 AC) split over three frames, with a Ping in between.
  expect_messages(hex_bytes({0x01, 0x01, 0xE2, 0x89, 0x00, 0x00, 0x01, 0x82, 0x80, 0x01, 0xAC}),
                  {{Message::Kind::text, "\xE2\x82\xAC"}}, {}, /*expect_output=*/true);  // the Pong
}

TEST_CASE("invalid UTF-8 fails fast, before the frame ends", "[connection]") {
  Connection c({}, counting_source());
  c.receive(bytes_of(hex_bytes({0x81, 0x7E, 0x10, 0x00, 'a', 0xF5})));  // 4096-byte frame, 6th byte impossible
  CHECK(c.state() == Connection::State::failed);
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);
  CHECK(std::get<event::Failed>(events[0]).error == error::invalid_utf8);
}

TEST_CASE("messages over the limit fail with 1009 before their payload arrives", "[connection]") {
  ConnectionConfig small;
  small.max_message_size = 10;
  expect_failure(hex_bytes({0x82, 0x0B}), error::message_too_big, 1009, small);
  expect_failure(hex_bytes({0x02, 0x06}) + "123456" + hex_bytes({0x80, 0x05}), error::message_too_big, 1009, small);
  expect_failure(hex_bytes({0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), error::message_too_big, 1009);
  expect_messages(hex_bytes({0x82, 0x0A}) + "0123456789", {{Message::Kind::binary, "0123456789"}});
}

TEST_CASE("after a failure further input is ignored and nothing more is sent", "[connection]") {
  auto c = run({hex_bytes({0x83, 0x00}) + hello_frame + hex_bytes({0x89, 0x00})});
  CHECK(c.state() == Connection::State::failed);
  CHECK(take_events(c).size() == 1);
  CHECK(take_output(c).size() == 1);
  c.send(Message{Message::Kind::text, "late"});
  c.close(1000, "");
  CHECK(c.output().empty());
  c.receive_eof();
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);
  CHECK_FALSE(std::get<event::Closed>(events[0]).was_clean);
  CHECK(std::get<event::Closed>(events[0]).code == 1006);
}

// ---- control frames ----

TEST_CASE("Pong arrives as an event, an empty message too", "[connection]") {
  for_each_split(hex_bytes({0x8A, 0x02, 'h', 'i', 0x82, 0x00}), [](const Chunks& chunks) {
    auto c = run(chunks);
    const auto events = take_events(c);
    REQUIRE(events.size() == 2);
    CHECK(std::get<event::PongReceived>(events[0]).payload == "hi");
    CHECK(std::get<event::MessageReceived>(events[1]).message.payload.empty());
    CHECK(std::get<event::MessageReceived>(events[1]).message.kind == Message::Kind::binary);
  });
}

// ---- closing handshake ----

TEST_CASE("the server closes first: we echo its code, then EOF is clean", "[connection]") {
  for_each_split(hex_bytes({0x88, 0x05, 0x03, 0xE9, 'b', 'y', 'e'}), [](const Chunks& chunks) {
    auto c = run(chunks);
    CHECK(c.state() == Connection::State::closed);
    auto events = take_events(c);
    REQUIRE(events.size() == 1);
    const auto& closing = std::get<event::PeerStartedClosing>(events[0]);
    CHECK(closing.code == 1001);
    CHECK(closing.reason == "bye");
    const auto out = take_output(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0].opcode == 0x8);
    CHECK(close_code_of(out[0]) == 1001);
    c.send(Message{Message::Kind::text, "too late"});
    CHECK(c.output().empty());
    c.receive_eof();
    events = take_events(c);
    REQUIRE(events.size() == 1);
    const auto& closed = std::get<event::Closed>(events[0]);
    CHECK(closed.was_clean);
    CHECK(closed.code == 1001);
    CHECK(closed.reason == "bye");
    CHECK(c.state() == Connection::State::ended);
  });
}

TEST_CASE("the server closes first with an empty body: echo empty, code 1005", "[connection]") {
  auto c = run({hex_bytes({0x88, 0x00})});
  const auto out = take_output(c);
  REQUIRE(out.size() == 1);
  CHECK(out[0].opcode == 0x8);
  CHECK(out[0].payload.empty());
  auto events = take_events(c);
  CHECK(std::get<event::PeerStartedClosing>(events.at(0)).code == 1005);
  c.receive_eof();
  events = take_events(c);
  CHECK(std::get<event::Closed>(events.at(0)).was_clean);
  CHECK(std::get<event::Closed>(events.at(0)).code == 1005);
}

TEST_CASE("we close first: Close queued, server's Close completes it", "[connection]") {
  for_each_split(hex_bytes({0x81, 0x01, 'x', 0x89, 0x00, 0x88, 0x02, 0x03, 0xE8}), [](const Chunks& chunks) {
    Connection c({}, counting_source());
    c.close(4000, "done");
    CHECK(c.state() == Connection::State::closing_sent);
    auto out = take_output(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0].opcode == 0x8);
    CHECK(close_code_of(out[0]) == 4000);
    CHECK(out[0].payload.substr(2) == "done");
    for (auto chunk : chunks) c.receive(bytes_of(chunk));
    CHECK(c.state() == Connection::State::closed);
    // The data message is dropped, the Ping not answered, no second Close.
    CHECK(take_events(c).empty());
    CHECK(c.output().empty());
    c.receive_eof();
    const auto events = take_events(c);
    REQUIRE(events.size() == 1);
    CHECK(std::get<event::Closed>(events[0]).was_clean);
    CHECK(std::get<event::Closed>(events[0]).code == 1000);
  });
}

TEST_CASE("close without a code sends an empty body", "[connection]") {
  Connection c({}, counting_source());
  c.close(std::nullopt, "");
  const auto out = take_output(c);
  REQUIRE(out.size() == 1);
  CHECK(out[0].payload.empty());
  c.close(1000, "twice");
  CHECK(c.output().empty());
  CHECK_THROWS_AS(c.close(1000, std::string(124, 'r')), std::invalid_argument);
}

TEST_CASE("EOF without a closing handshake is unclean, 1006", "[connection]") {
  SECTION("while open") {
    Connection c({}, counting_source());
    c.receive(bytes_of(hex_bytes({0x81, 0x05, 'H'})));  // mid-frame
    c.receive_eof();
    const auto events = take_events(c);
    REQUIRE(events.size() == 1);
    CHECK_FALSE(std::get<event::Closed>(events[0]).was_clean);
    CHECK(std::get<event::Closed>(events[0]).code == 1006);
    CHECK(c.state() == Connection::State::ended);
    c.receive_eof();
    c.receive(bytes_of(hello_frame));
    CHECK(take_events(c).empty());
  }
  SECTION("after we sent Close") {
    Connection c({}, counting_source());
    c.close(1000, "");
    c.receive_eof();
    const auto events = take_events(c);
    REQUIRE(events.size() == 1);
    CHECK_FALSE(std::get<event::Closed>(events[0]).was_clean);
    CHECK(std::get<event::Closed>(events[0]).code == 1006);
  }
}

TEST_CASE("a protocol error after we sent Close does not send a second Close", "[connection]") {
  Connection c({}, counting_source());
  c.close(1000, "");
  take_output(c);
  c.receive(bytes_of(hex_bytes({0x83, 0x00})));
  CHECK(c.state() == Connection::State::failed);
  CHECK(c.output().empty());
  const auto events = take_events(c);
  REQUIRE(events.size() == 1);
  CHECK(std::get<event::Failed>(events[0]).error == error::reserved_opcode);
}

TEST_CASE("events keep their order across frames in one read", "[connection]") {
  auto c = run({hello_frame + hex_bytes({0x8A, 0x00}) + hex_bytes({0x82, 0x01, 0x07}) + hex_bytes({0x88, 0x00})});
  const auto events = take_events(c);
  REQUIRE(events.size() == 4);
  CHECK(std::holds_alternative<event::MessageReceived>(events[0]));
  CHECK(std::holds_alternative<event::PongReceived>(events[1]));
  CHECK(std::holds_alternative<event::MessageReceived>(events[2]));
  CHECK(std::holds_alternative<event::PeerStartedClosing>(events[3]));
}
