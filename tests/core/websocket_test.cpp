#include "duplex/websocket.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::ArrayBuffer;
using duplex::BinaryType;
using duplex::Blob;
using duplex::CloseEvent;
using duplex::ErrorEvent;
using duplex::Event;
using duplex::MessageEvent;
using duplex::ReadyState;
using duplex::WebSocket;
using duplex::test::FakeBackend;

using duplex::test::open_socket;
using duplex::test::Recorder;
using duplex::test::Strings;
using duplex::test::thrown;

TEST_CASE("constructor validates before connecting", "[websocket]") {
  FakeBackend backend;
  CHECK(thrown([&] { WebSocket(backend, "ftp://h/"); }) == "SyntaxError");
  CHECK(thrown([&] { WebSocket(backend, "ws://h/#x"); }) == "SyntaxError");
  CHECK(thrown([&] { WebSocket(backend, "ws://h/", {"a b"}); }) == "SyntaxError");
  CHECK(thrown([&] { WebSocket(backend, "ws://h/", {"chat", "Chat"}); }) == "SyntaxError");
  duplex::Options bad_header;
  bad_header.headers = {{"Sec-WebSocket-Key", "x"}};
  CHECK(thrown([&] { WebSocket(backend, "ws://h/", {}, bad_header); }) == "SyntaxError");
  bad_header.headers = {{"X-A", "1\r\nX-B: 2"}};
  CHECK(thrown([&] { WebSocket(backend, "ws://h/", {}, bad_header); }) == "SyntaxError");
  duplex::Options bad_origin;
  bad_origin.origin = "https://a\r\nX: y";
  CHECK(thrown([&] { WebSocket(backend, "ws://h/", {}, bad_origin); }) == "SyntaxError");
  backend.refuse_ca_file = true;
  duplex::Options unsupported;
  unsupported.ca_file = "ca.pem";
  CHECK(thrown([&] { WebSocket(backend, "ws://h/", {}, unsupported); }) == "NotSupportedError");
  CHECK(backend.requests.empty());
  CHECK(backend.pending() == 0);
}

TEST_CASE("constructor hands the validated request to the backend", "[websocket]") {
  FakeBackend backend;
  duplex::Options options;
  options.origin = "https://example.com";
  options.headers = {{"Authorization", "Bearer t"}};
  WebSocket ws(backend, "HTTPS://Example.com:443/chat?room=1", {"chat", "superchat"}, options);
  REQUIRE(backend.requests.size() == 1);
  const auto& request = backend.requests.front();
  CHECK(request.url.serialized == "wss://example.com/chat?room=1");
  CHECK(request.url.resource == "/chat?room=1");
  CHECK(request.protocols == Strings{"chat", "superchat"});
  CHECK(request.options.origin == "https://example.com");
  CHECK(request.options.headers == options.headers);
  CHECK(ws.url() == "wss://example.com/chat?room=1");
  CHECK(ws.ready_state() == ReadyState::CONNECTING);
  CHECK(ws.protocol().empty());
  CHECK(ws.extensions().empty());
  CHECK(ws.buffered_amount() == 0);
  CHECK(ws.binary_type() == BinaryType::blob);
}

TEST_CASE("facts reported inside the constructor fire only from the loop", "[websocket]") {
  FakeBackend backend;
  backend.on_connect = [](duplex::test::FakeTransport& t) {
    t.open("chat", "permessage-deflate");
    t.text("hi");
    t.failed("boom");
  };
  Recorder rec;
  WebSocket ws(backend, "ws://h/", {"chat"});
  rec.attach(ws);
  CHECK(ws.ready_state() == ReadyState::CONNECTING);
  CHECK(ws.protocol().empty());
  CHECK(rec.events.empty());
  backend.run_all();
  CHECK(rec.events == Strings{"open", "message:hi", "error:boom", "close:1006:unclean:"});
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("readyState follows the queued facts", "[websocket]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws(backend, "ws://h/");
  rec.attach(ws);
  auto* transport = backend.transport();
  transport->open("chat", "permessage-deflate; client_max_window_bits=15");
  CHECK(ws.ready_state() == ReadyState::CONNECTING);
  CHECK(ws.protocol().empty());
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::OPEN);
  CHECK(ws.protocol() == "chat");
  CHECK(ws.extensions() == "permessage-deflate; client_max_window_bits=15");
  ws.close(1000, "done");
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  CHECK(rec.events == Strings{"open"});
  transport->closed(true, 1000, "done");
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::CLOSED);
  CHECK(rec.events == Strings{"open", "close:1000:clean:done"});
  CHECK(backend.log->destroyed == 1);  // released once CLOSED
}

TEST_CASE("the open event sees OPEN, protocol and extensions already set", "[websocket]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/", {"a", "b"});
  std::string seen;
  ws.onopen([&](const Event& e) {
    seen = e.type() + "|" + std::to_string(static_cast<int>(ws.ready_state())) + "|" + ws.protocol() + "|" +
           ws.extensions();
  });
  backend.transport()->open("b", "x-ext");
  backend.run_all();
  CHECK(seen == "open|1|b|x-ext");
}

TEST_CASE("the peer starting the closing handshake makes readyState CLOSING", "[websocket]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws = open_socket(backend);
  rec.attach(ws);
  backend.transport()->closing();
  CHECK(ws.ready_state() == ReadyState::OPEN);
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  CHECK(rec.events.empty());
  ws.close();  // already CLOSING: nothing
  CHECK(backend.log->closes.empty());
  backend.transport()->closed(true, 4000, "bye");
  backend.run_all();
  CHECK(rec.events == Strings{"close:4000:clean:bye"});
}

TEST_CASE("send: bufferedAmount counts UTF-8 bytes", "[websocket][buffered_amount]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  ws.send("\xC2\xA5\xC2\xA5\xC2\xA5\xC2\xA5\xC2\xA5\xC2\xA5");  // "¥¥¥¥¥¥"
  CHECK(ws.buffered_amount() == 12);

  FakeBackend backend2;
  WebSocket ws2 = open_socket(backend2);
  const char* pieces[] = {"x", "\xC3\xA5", "\xE5\x8C\xB6", "\xF0\x90\x91\xBE"};  // x å 匶 U+1047E
  const std::uint64_t totals[] = {1, 3, 6, 10};
  for (int i = 0; i < 4; ++i) {
    ws2.send(pieces[i]);
    CHECK(ws2.buffered_amount() == totals[i]);
  }
  REQUIRE(backend2.log->sent.size() == 4);
  CHECK(backend2.log->sent[3].payload == "\xF0\x90\x91\xBE");
  CHECK(backend2.log->sent[3].kind == duplex::Message::Kind::text);
}

TEST_CASE("send: binary overloads count bytes and reach the transport", "[websocket][buffered_amount]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  const std::uint8_t raw[] = {0, 1, 2};
  ws.send(std::span<const std::uint8_t>(raw));
  ws.send(ArrayBuffer(std::string("abcd")));
  ws.send(Blob(std::string("hello"), "text/plain"));
  const std::byte bytes[] = {std::byte{0xFF}};
  ws.send(std::span<const std::byte>(bytes));
  CHECK(ws.buffered_amount() == 3 + 4 + 5 + 1);
  REQUIRE(backend.log->sent.size() == 4);
  for (const auto& m : backend.log->sent) CHECK(m.kind == duplex::Message::Kind::binary);
  CHECK(backend.log->sent[0].payload == std::string("\0\1\2", 3));
  CHECK(backend.log->sent[1].payload == "abcd");
  CHECK(backend.log->sent[2].payload == "hello");
  CHECK(backend.log->sent[3].payload == "\xFF");
}

TEST_CASE("bufferedAmount falls only in the loop, after the flushed fact", "[websocket][buffered_amount]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  backend.transport()->flush_on_send = true;
  ws.send("hello");
  CHECK(ws.buffered_amount() == 5);  // the synchronous flush is queued, not applied
  ws.send("abc");
  CHECK(ws.buffered_amount() == 8);
  backend.run_all();
  CHECK(ws.buffered_amount() == 0);

  backend.transport()->flush_on_send = false;
  ws.send("0123456789");
  backend.transport()->flushed(4);
  CHECK(ws.buffered_amount() == 10);
  backend.run_all();
  CHECK(ws.buffered_amount() == 6);
  backend.transport()->flushed(6);
  backend.run_all();
  CHECK(ws.buffered_amount() == 0);
}

TEST_CASE("send after close() counts but sends nothing", "[websocket][buffered_amount]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  ws.send("ab");
  ws.close();
  CHECK_NOTHROW(ws.send("cde"));
  CHECK_NOTHROW(ws.send(ArrayBuffer(std::string("fghi"))));
  CHECK(backend.log->sent.size() == 1);
  CHECK(ws.buffered_amount() == 2 + 3 + 4);
  backend.transport()->flushed(2);
  backend.transport()->closed(true, 1005);
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::CLOSED);
  CHECK(ws.buffered_amount() == 7);  // the unsent part never falls
  ws.send("j");
  CHECK(ws.buffered_amount() == 8);
  CHECK(backend.log->sent.size() == 1);
}

TEST_CASE("send while CONNECTING throws InvalidStateError", "[websocket]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  const std::byte b[] = {std::byte{1}};
  CHECK(thrown([&] { ws.send("x"); }) == "InvalidStateError");
  CHECK(thrown([&] { ws.send(std::span<const std::byte>(b)); }) == "InvalidStateError");
  CHECK(thrown([&] { ws.send(ArrayBuffer(std::string("x"))); }) == "InvalidStateError");
  CHECK(thrown([&] { ws.send(Blob(std::string("x"))); }) == "InvalidStateError");
  CHECK(thrown([&] { ws.send(std::string("\xFF")); }) == "InvalidStateError");  // state checked first
  CHECK(backend.log->sent.empty());
  CHECK(ws.buffered_amount() == 0);
}

TEST_CASE("send of text that is not UTF-8 throws SyntaxError", "[websocket]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  for (const char* bad : {"\xFF", "\xC0\xAF", "\xED\xA0\x80", "a\xE2\x82"}) {
    INFO(bad);
    CHECK(thrown([&] { ws.send(std::string(bad)); }) == "SyntaxError");
  }
  CHECK(backend.log->sent.empty());
  CHECK(ws.buffered_amount() == 0);
}

TEST_CASE("close() argument errors", "[websocket][close]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  for (std::uint16_t code : {0, 999, 1001, 1005, 1006, 2999, 5000, 65535}) {
    INFO(code);
    CHECK(thrown([&] { ws.close(code); }) == "InvalidAccessError");
  }
  CHECK(thrown([&] { ws.close(1000, std::string(124, 'a')); }) == "SyntaxError");
  CHECK(thrown([&] { ws.close(1000, std::string(122, 'a') + "\xC3\xA9"); }) == "SyntaxError");  // 124 bytes
  CHECK(thrown([&] { ws.close(1000, "\xFF"); }) == "SyntaxError");
  CHECK(thrown([&] { ws.close(999, std::string(200, 'a')); }) == "InvalidAccessError");  // code first
  CHECK(ws.ready_state() == ReadyState::OPEN);
  CHECK(backend.log->closes.empty());

  CHECK(thrown([&] { ws.close(4999, std::string(121, 'a') + "\xC3\xA9"); }) == "no error");  // 123 bytes
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == std::optional<std::uint16_t>(4999));
  CHECK(backend.log->closes[0].second.size() == 123);
  // Arguments are still checked once CLOSING.
  CHECK(thrown([&] { ws.close(1001); }) == "InvalidAccessError");
}

TEST_CASE("close() with 3000 and 123 ASCII bytes is accepted", "[websocket][close]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  ws.close(3000, std::string(123, 'r'));
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == std::optional<std::uint16_t>(3000));
}

TEST_CASE("close() while CONNECTING fails the connection", "[websocket][close]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws(backend, "ws://h/");
  rec.attach(ws);
  auto* transport = backend.transport();
  ws.close();
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  CHECK(backend.log->aborts == 1);
  CHECK(backend.log->closes.empty());
  CHECK(rec.events.empty());
  transport->open();  // too late: ignored
  transport->text("late");
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::CLOSED);
  REQUIRE(rec.events.size() == 2);
  CHECK(rec.events[0].rfind("error:", 0) == 0);
  CHECK(rec.events[0].size() > 6);
  CHECK(rec.events[1] == "close:1006:unclean:");
  ws.close(1000);
  CHECK(backend.log->aborts == 1);
}

TEST_CASE("close() while CONNECTING discards an open fact already queued", "[websocket][close]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws(backend, "ws://h/");
  rec.attach(ws);
  backend.transport()->open("p", "e");
  ws.close(1000, "never mind");
  backend.run_all();
  REQUIRE(rec.events.size() == 2);
  CHECK(rec.events[0].rfind("error:", 0) == 0);
  CHECK(rec.events[1] == "close:1006:unclean:");
  CHECK(ws.protocol().empty());
}

TEST_CASE("repeated close() reaches the transport once", "[websocket][close]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  ws.close(1000, "a");
  ws.close(3000, "b");
  ws.close();
  CHECK(backend.log->closes.size() == 1);
  CHECK(backend.log->aborts == 0);
}

TEST_CASE("close() without code sends no status, the 1005 from the transport is delivered", "[websocket][close]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws = open_socket(backend);
  rec.attach(ws);
  ws.close();
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == std::nullopt);
  CHECK(backend.log->closes[0].second.empty());
  backend.transport()->closed(true, 1005, "");
  backend.run_all();
  CHECK(rec.events == Strings{"close:1005:clean:"});
}

TEST_CASE("close() with a reason but no code sends 1000", "[websocket][close]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  ws.close(std::nullopt, "bye");
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == std::optional<std::uint16_t>(1000));
  CHECK(backend.log->closes[0].second == "bye");
}

TEST_CASE("a close reported from inside close() is still queued", "[websocket][close]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws = open_socket(backend);
  rec.attach(ws);
  backend.transport()->report_closed_on_close = true;
  ws.close(1000);
  CHECK(rec.events.empty());
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  backend.run_all();
  CHECK(rec.events == Strings{"close:1000:clean:"});
}

TEST_CASE("a failed connection fires error then close 1006", "[websocket]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws = open_socket(backend);
  rec.attach(ws);
  backend.transport()->failed("invalid UTF-8");
  backend.transport()->closed(true, 1000);  // after failed: ignored
  backend.run_all();
  CHECK(rec.events == Strings{"error:invalid UTF-8", "close:1006:unclean:"});
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("a failure while CONNECTING fires error then close 1006", "[websocket]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws(backend, "ws://h/");
  rec.attach(ws);
  backend.transport()->failed("connection refused");
  backend.run_all();
  CHECK(rec.events == Strings{"error:connection refused", "close:1006:unclean:"});
}

TEST_CASE("a closed connection fires close without error", "[websocket]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws = open_socket(backend);
  rec.attach(ws);
  backend.transport()->closed(false, 1006, "");
  backend.run_all();
  CHECK(rec.events == Strings{"close:1006:unclean:"});
}

TEST_CASE("messages: text, and binary per binaryType at delivery", "[websocket][message]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend, "ws://Example.com:8080/x?y");
  std::vector<MessageEvent> got;
  ws.onmessage([&](const MessageEvent& e) { got.push_back(e); });
  backend.transport()->text("caf\xC3\xA9");
  backend.transport()->binary(std::string("\0\1", 2));
  backend.run_all();
  backend.transport()->binary("abc");
  ws.binary_type(BinaryType::arraybuffer);  // after arrival, before delivery
  backend.run_all();
  REQUIRE(got.size() == 3);
  CHECK(got[0].type() == "message");
  CHECK(got[0].text() == "caf\xC3\xA9");
  CHECK(got[0].origin() == "ws://example.com:8080");
  REQUIRE(std::holds_alternative<Blob>(got[1].data()));
  CHECK(std::get<Blob>(got[1].data()).str() == std::string("\0\1", 2));
  CHECK(std::get<Blob>(got[1].data()).type().empty());
  REQUIRE(std::holds_alternative<ArrayBuffer>(got[2].data()));
  CHECK(std::get<ArrayBuffer>(got[2].data()).str() == "abc");
}

TEST_CASE("message origin drops the default port", "[websocket][message]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend, "wss://h:443/p");
  std::string origin;
  ws.onmessage([&](const MessageEvent& e) { origin = e.origin(); });
  backend.transport()->text("x");
  backend.run_all();
  CHECK(origin == "wss://h");
}

TEST_CASE("messages are not delivered unless OPEN", "[websocket][message]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws(backend, "ws://h/");
  rec.attach(ws);
  backend.transport()->text("before open");
  backend.transport()->open();
  backend.transport()->text("one");
  backend.run_all();
  ws.close(1000);
  backend.transport()->text("while closing");
  backend.transport()->closed(true, 1000);
  backend.run_all();
  CHECK(rec.events == Strings{"open", "message:one", "close:1000:clean:"});
}

TEST_CASE("messages queued before close() are dropped once CLOSING", "[websocket][message]") {
  FakeBackend backend;
  Recorder rec;
  WebSocket ws = open_socket(backend);
  rec.attach(ws);
  backend.transport()->text("queued");
  ws.close();
  backend.run_all();
  CHECK(rec.events.empty());
}

TEST_CASE("close() from inside onopen starts the closing handshake", "[websocket][close]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  ws.onopen([&](const Event&) { ws.close(4001, "no thanks"); });
  backend.transport()->open();
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == std::optional<std::uint16_t>(4001));
}

TEST_CASE("Error carries the DOMException name and a message", "[websocket]") {
  FakeBackend backend;
  try {
    WebSocket ws(backend, "ws://h/#f");
    FAIL("no exception");
  } catch (const duplex::Error& e) {
    CHECK(e.name() == "SyntaxError");
    CHECK(std::string(e.what()).rfind("SyntaxError: ", 0) == 0);
  }
}
