// Backpressure: bufferedAmountLowThreshold / bufferedamountlow (after W3C
// WebRTC § RTCDataChannel) and Options::max_buffered_amount.

#include "duplex/websocket.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::Event;
using duplex::ReadyState;
using duplex::WebSocket;
using duplex::test::FakeBackend;
using duplex::test::open_socket;
using duplex::test::thrown;

TEST_CASE("bufferedamountlow fires when bufferedAmount falls to the threshold", "[websocket][backpressure]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  CHECK(ws.buffered_amount_low_threshold() == 0);
  ws.buffered_amount_low_threshold(10);
  CHECK(ws.buffered_amount_low_threshold() == 10);
  std::vector<std::uint64_t> fired_at;
  ws.onbufferedamountlow([&](const Event& e) {
    CHECK(e.type() == "bufferedamountlow");
    fired_at.push_back(ws.buffered_amount());
  });
  ws.send(std::string(8, 'a'));
  ws.send(std::string(8, 'b'));  // 16: above the threshold
  backend.transport()->flushed(4);
  backend.run_all();
  CHECK(fired_at.empty());  // 12: still above
  backend.transport()->flushed(2);
  backend.run_all();
  CHECK(fired_at == std::vector<std::uint64_t>{10});  // "to equal or below it"
  backend.transport()->flushed(2);
  backend.run_all();
  CHECK(fired_at.size() == 1);   // 8: it was not above the threshold before
  ws.send(std::string(5, 'c'));  // 13
  backend.transport()->flushed(13);
  backend.run_all();
  CHECK(fired_at == std::vector<std::uint64_t>{10, 0});
}

TEST_CASE("bufferedamountlow with the default threshold fires when the buffer empties", "[websocket][backpressure]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  int fired = 0;
  ws.add_event_listener("bufferedamountlow", [&](const Event&) { ++fired; });
  ws.send("abc");
  ws.send("de");
  backend.transport()->flushed(3);
  backend.run_all();
  CHECK(fired == 0);
  backend.transport()->flushed(2);
  backend.run_all();
  CHECK(fired == 1);
  ws.buffered_amount_low_threshold(0);  // setting it fires nothing
  backend.run_all();
  CHECK(fired == 1);
}

TEST_CASE("bufferedamountlow is never fired inside send()", "[websocket][backpressure]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  backend.transport()->flush_on_send = true;
  int fired = 0;
  ws.onbufferedamountlow([&](const Event&) { ++fired; });
  ws.send("x");
  CHECK(fired == 0);
  backend.run_all();
  CHECK(fired == 1);
}

TEST_CASE("bufferedamountlow does not fire for bytes that can never be sent", "[websocket][backpressure]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  int fired = 0;
  ws.onbufferedamountlow([&](const Event&) { ++fired; });
  ws.send("abcd");
  ws.close(1000);
  ws.send("ef");  // counted, never falls (WHATWG § send())
  backend.transport()->flushed(4);
  backend.run_all();
  CHECK(ws.buffered_amount() == 2);
  CHECK(fired == 0);  // 2 is still above 0
}

TEST_CASE("max_buffered_amount: a send past the limit throws OperationError and queues nothing",
          "[websocket][backpressure]") {
  FakeBackend backend;
  duplex::Options options;
  options.max_buffered_amount = 10;
  WebSocket ws(backend, "ws://h/", {}, options);
  backend.transport()->open();
  backend.run_all();
  ws.send(std::string(6, 'a'));
  ws.send(std::string(4, 'b'));  // exactly at the limit: allowed
  CHECK(thrown([&] { ws.send("c"); }) == "OperationError");
  CHECK(thrown([&] { ws.send(duplex::ArrayBuffer(std::string(1, 'd'))); }) == "OperationError");
  CHECK(ws.buffered_amount() == 10);
  CHECK(backend.log->sent.size() == 2);
  CHECK(ws.ready_state() == ReadyState::OPEN);  // the connection stays up
  backend.transport()->flushed(6);
  backend.run_all();
  ws.send(std::string(6, 'e'));
  CHECK(ws.buffered_amount() == 10);
  CHECK(thrown([&] { ws.send(std::string(11, 'f')); }) == "OperationError");  // can never fit
  backend.transport()->flushed(10);
  backend.run_all();
  CHECK(thrown([&] { ws.send(std::string(11, 'f')); }) == "OperationError");
  ws.close();
  CHECK(thrown([&] { ws.send(std::string(11, 'f')); }) == "no error");  // nothing is queued once CLOSING
}

TEST_CASE("max_buffered_amount 0 means no limit", "[websocket][backpressure]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  for (int i = 0; i < 100; ++i) ws.send(std::string(1000, 'x'));
  CHECK(ws.buffered_amount() == 100000);
}
