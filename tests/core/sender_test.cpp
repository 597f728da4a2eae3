// duplex::Sender on the in-memory FakeBackend: order, CONNECTING, errors on
// the loop, and what happens once the socket is gone. (Sending from real
// threads: tests/native/threads_test.cpp.)

#include "duplex/sender.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "duplex/reconnecting_websocket.hpp"
#include "duplex/websocket.hpp"
#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::Error;
using duplex::Message;
using duplex::ReadyState;
using duplex::ReconnectingWebSocket;
using duplex::Sender;
using duplex::WebSocket;
using duplex::test::FakeBackend;
using duplex::test::open_socket;
using duplex::test::Strings;
using duplex::test::thrown;

namespace {

Strings payloads(const FakeBackend& backend) {
  Strings out;
  for (const Message& m : backend.log->sent) out.push_back(m.payload);
  return out;
}

}  // namespace

TEST_CASE("Sender calls run on the loop, in the order they were made", "[sender]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Sender sender = ws.sender();
  Sender copy = sender;
  CHECK(sender.send("a"));
  CHECK(copy.send(std::string("b")));
  const std::byte bytes[] = {std::byte{1}, std::byte{2}};
  CHECK(sender.send(std::span<const std::byte>(bytes)));
  CHECK(copy.send(std::string_view("c")));
  // Never inside the call: nothing reached the transport yet.
  CHECK(backend.log->sent.empty());
  CHECK(ws.buffered_amount() == 0);
  backend.run_all();
  REQUIRE(backend.log->sent.size() == 4);
  CHECK(payloads(backend) == Strings{"a", "b", std::string("\x01\x02", 2), "c"});
  CHECK(backend.log->sent[0].kind == Message::Kind::text);
  CHECK(backend.log->sent[2].kind == Message::Kind::binary);
  CHECK(ws.buffered_amount() == 5);  // as WebSocket::send: counted until flushed
}

TEST_CASE("Sender::close runs after the sends made before it", "[sender]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Sender sender = ws.sender();
  sender.send("last words");
  CHECK(sender.close(4000, "bye"));
  CHECK(ws.ready_state() == ReadyState::OPEN);
  backend.run_all();
  CHECK(payloads(backend) == Strings{"last words"});
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == 4000);
  CHECK(backend.log->closes[0].second == "bye");
  CHECK(ws.ready_state() == ReadyState::CLOSING);
  // CLOSING: as WebSocket::send, nothing is sent (bufferedAmount still grows).
  sender.send("late");
  backend.run_all();
  CHECK(payloads(backend) == Strings{"last words"});
  CHECK(ws.buffered_amount() == 10 + 4);
}

TEST_CASE("Sender argument errors throw in the calling thread and queue nothing", "[sender]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Sender sender = ws.sender();
  CHECK(thrown([&] { sender.send(std::string("\xff")); }) == "SyntaxError");
  CHECK(thrown([&] { sender.close(1001); }) == "InvalidAccessError");
  CHECK(thrown([&] { sender.close(66536); }) == "InvalidAccessError");  // clamped to 65535, not 1000
  CHECK(thrown([&] { sender.close(1000, std::string(124, 'r')); }) == "SyntaxError");
  CHECK(thrown([&] { sender.close(1000, "\xc3"); }) == "SyntaxError");
  CHECK(backend.pending() == 0);
  backend.run_all();
  CHECK(backend.log->sent.empty());
  CHECK(backend.log->closes.empty());
}

TEST_CASE("Sender calls made while CONNECTING wait for open and run after its listeners", "[sender]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  Sender sender = ws.sender();
  // The open handler sends a login first; the handed-over messages follow.
  ws.onopen([&](const duplex::Event&) { ws.send("login"); });
  CHECK(sender.send("1"));
  CHECK(sender.send("2"));
  backend.run_all();  // they reached the loop: CONNECTING, so they wait
  CHECK(backend.log->sent.empty());
  CHECK(ws.ready_state() == ReadyState::CONNECTING);
  backend.transport()->open();
  sender.send("3");  // queued after open was reported, before it was delivered
  backend.run_all();
  CHECK(payloads(backend) == Strings{"login", "1", "2", "3"});
}

TEST_CASE("Sender calls that waited for an open that never came are dropped", "[sender]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  Sender sender = ws.sender();
  sender.send("never");
  sender.close(1000);
  backend.run_all();
  backend.transport()->failed("refused");
  backend.run_all();
  CHECK(ws.ready_state() == ReadyState::CLOSED);
  CHECK(backend.log->sent.empty());
  CHECK(backend.log->closes.empty());
  CHECK(ws.buffered_amount() == 0);
  CHECK_FALSE(sender.expired());  // the socket object still exists
  CHECK(sender.send("after"));    // CLOSED: counted, not sent, as WebSocket::send
  backend.run_all();
  CHECK(backend.log->sent.empty());
}

TEST_CASE("an Error on the loop goes to the sender's error handler, and later calls still run", "[sender]") {
  FakeBackend backend;
  duplex::Options options;
  options.max_buffered_amount = 4;
  WebSocket ws(backend, "ws://h/", {}, options);
  backend.transport()->open();
  backend.run_all();
  std::vector<std::string> errors;
  Sender sender = ws.sender([&](const Error& e) { errors.push_back(e.name()); });
  sender.send("abc");
  sender.send("defgh");  // 3 + 5 > 4: OperationError, not sent
  sender.send("i");
  backend.run_all();
  CHECK(errors == std::vector<std::string>{"OperationError"});
  CHECK(payloads(backend) == Strings{"abc", "i"});

  // Without a handler the Error leaves the loop; the calls after it keep
  // their place and run on the next turn.
  backend.transport()->flushed(4);
  backend.run_all();
  Sender bare = ws.sender();
  bare.send("jklmn");
  bare.send("o");
  CHECK(thrown([&] { backend.run_all(); }) == "OperationError");
  backend.run_all();
  CHECK(payloads(backend) == Strings{"abc", "i", "o"});
}

TEST_CASE("once the socket is gone a Sender does nothing and says so", "[sender]") {
  FakeBackend backend;
  Sender sender;
  CHECK(sender.expired());  // default-constructed: belongs to no socket
  CHECK_FALSE(sender.send("x"));
  CHECK_FALSE(sender.close());
  {
    WebSocket ws = open_socket(backend);
    sender = ws.sender();
    CHECK_FALSE(sender.expired());
    CHECK(sender.send("queued, then dropped"));
    // ws is destroyed before the loop runs the call.
  }
  CHECK(sender.expired());
  CHECK_FALSE(sender.send("after"));
  CHECK_FALSE(sender.close(1000));
  backend.run_all();
  CHECK(backend.log->sent.empty());
  CHECK(backend.log->destroyed == 1);
}

TEST_CASE("a moved WebSocket keeps its Senders and the moved-from one throws on sender()", "[sender]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  Sender sender = ws.sender();
  WebSocket moved = std::move(ws);
  CHECK(thrown([&] { (void)ws.sender(); }) == "InvalidStateError");
  CHECK(sender.send("still here"));
  backend.run_all();
  CHECK(payloads(backend) == Strings{"still here"});
}

TEST_CASE("a ReconnectingWebSocket's Sender sends on the current connection and waits out retries",
          "[sender][reconnect]") {
  FakeBackend backend;
  duplex::ReconnectOptions reconnect;
  reconnect.jitter = [](std::chrono::milliseconds ceiling) { return ceiling; };
  ReconnectingWebSocket ws(backend, "ws://h/", {}, {}, reconnect);
  Sender sender = ws.sender();
  ws.onopen([&](const duplex::ReconnectEvent& e) { ws.send(e.reopened() ? "hello again" : "hello"); });
  backend.transport()->open();
  backend.run_all();
  sender.send("a");
  backend.run_all();
  CHECK(payloads(backend) == Strings{"hello", "a"});
  backend.transport()->closed(false, 1006);
  backend.run_all();
  REQUIRE(ws.ready_state() == ReadyState::CONNECTING);  // waiting to retry
  sender.send("b");
  backend.run_all();
  CHECK(payloads(backend) == Strings{"hello", "a"});
  backend.advance(std::chrono::milliseconds(500));  // the retry connects
  REQUIRE(backend.requests.size() == 2);
  backend.transport()->open();
  backend.run_all();
  CHECK(payloads(backend) == Strings{"hello", "a", "hello again", "b"});
  // close() through the Sender stops the retries.
  sender.close(1000);
  backend.run_all();
  REQUIRE(backend.log->closes.size() == 1);
  backend.transport()->closed(true, 1000);
  backend.run_all();
  backend.advance(std::chrono::minutes(1));
  CHECK(backend.requests.size() == 2);
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("a ReconnectingWebSocket's Sender expires with the socket", "[sender][reconnect]") {
  FakeBackend backend;
  Sender sender;
  {
    ReconnectingWebSocket ws(backend, "ws://h/");
    sender = ws.sender();
    CHECK(sender.send("waits for open"));
    backend.run_all();
  }
  CHECK(sender.expired());
  CHECK_FALSE(sender.send("x"));
  backend.run_all();
  CHECK(backend.log->sent.empty());
}
