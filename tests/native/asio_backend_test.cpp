// The native backend on an io_context the application owns.

#include "duplex/native/asio_backend.hpp"

#include <catch2/catch.hpp>

#include <duplex/duplex.hpp>
#include <memory>

#include "native/hostile_support.hpp"
#include "support/peers.hpp"

namespace duplex::test {

TEST_CASE("sockets run on an application-owned io_context", "[native][asio]") {
  auto peer = start_ws_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  WebSocket first(backend, peer.url("/"));
  WebSocket second(backend, peer.url("/"));
  std::vector<std::string> received;
  for (auto* ws : {&first, &second}) {
    ws->onopen([ws](const Event&) { ws->send("from " + ws->url()); });
    ws->onmessage([ws, &received](const MessageEvent& e) {
      received.push_back(e.text());
      ws->close();
    });
  }
  io.run_for(std::chrono::seconds(20));
  CHECK(io.stopped());  // returned because no work was left, not on the deadline
  CHECK(received.size() == 2);
  CHECK(first.ready_state() == ReadyState::CLOSED);
  CHECK(second.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("destroying an open WebSocket closes it in the background", "[native][asio]") {
  // The hostile server's "silent" scenario reports the client's Close frame
  // and answers it, as a server does.
  auto& peer = hostile::hostile_peer();
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  auto ws = std::make_unique<WebSocket>(backend, peer.url("/silent?id=destroyed-while-open"));
  bool opened = false;
  int events_after_destruction = 0;
  ws->onopen([&](const Event&) {
    opened = true;
    ws.reset();  // inside its own handler
  });
  ws->onclose([&](const CloseEvent&) { ++events_after_destruction; });
  io.run_for(std::chrono::seconds(20));
  CHECK(opened);
  CHECK(io.stopped());  // the closing handshake finished and nothing was left on the loop
  CHECK(events_after_destruction == 0);
  const auto server = hostile::read_server_log(peer.process, "destroyed-while-open");
  INFO("server: " << hostile::joined(server.lines));
  // RFC 6455 §7.4.1: "1001 indicates that an endpoint is \"going away\"".
  CHECK(server.client_close_code() == "1001");
  CHECK((server.has("SERVER-CLOSED") || server.has("CLIENT-EOF")));  // the TCP connection ended
}

TEST_CASE("destroying a connecting WebSocket aborts it", "[native][asio]") {
  boost::asio::io_context io;
  native::AsioBackend backend(io);
  {
    WebSocket ws(backend, "ws://127.0.0.1:1/");
    ws.onerror([](const ErrorEvent&) { FAIL("no event after destruction"); });
  }
  io.run_for(std::chrono::seconds(20));
  CHECK(io.stopped());
}

}  // namespace duplex::test
