// The WebAssembly backend against the host's WebSocket (node + npm ws here):
// what only it has to get right — copies across the wasm boundary, options a
// browser cannot honour, no leak of host sockets, run() under ASYNCIFY.

#include "duplex/wasm/browser_backend.hpp"

#include <catch2/catch.hpp>

#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <duplex/duplex.hpp>
#include <memory>
#include <stdexcept>
#include <vector>

#include "integration/recorder.hpp"
#include "support/peers.hpp"

namespace duplex::test {
namespace {

/// Waits (ASYNCIFY) until `done()` or about `ms` milliseconds have passed.
template <typename Predicate>
bool wait_until(Predicate done, int ms = 10000) {
  for (int waited = 0; !done(); waited += 5) {
    if (waited >= ms) return false;
    emscripten_sleep(5);
  }
  return true;
}

std::size_t heap_in_use() { return mallinfo().uordblks; }

}  // namespace

TEST_CASE("text with U+0000 crosses the host both ways intact", "[wasm][copy]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  Recorder recorder(ws);
  const std::string text("\0lead, in\0side, trail\0", 22);
  ws.onopen([&](const Event&) { ws.send(text); });
  ws.onmessage([&](const MessageEvent&) { ws.close(); });
  run();
  REQUIRE(recorder.messages.size() == 1);
  CHECK(std::get<std::string>(recorder.messages[0]) == text);
}

TEST_CASE("text crosses the host both ways intact at every size the library treats apart", "[wasm][copy]") {
  // Short ASCII goes through JavaScript loops, longer text through
  // TextDecoder / encodeInto; non-ASCII at the end falls back after a partial write.
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  Recorder recorder(ws);
  std::vector<std::string> texts;
  for (std::size_t size : {1, 16, 31, 32, 33, 127, 128, 129, 1000}) {
    texts.push_back(std::string(size, 'x'));
    texts.push_back(std::string(size, 'y') + "\u00e9");
    texts.push_back(std::string(size, 'z') + "\u20ac\U0001F600");
  }
  ws.onopen([&](const Event&) {
    for (const auto& t : texts) ws.send(t);
  });
  ws.onmessage([&](const MessageEvent&) {
    if (recorder.messages.size() == texts.size()) ws.close();
  });
  run();
  REQUIRE(recorder.messages.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO("message " << i);
    CHECK(std::get<std::string>(recorder.messages[i]) == texts[i]);
  }
}

TEST_CASE("send copies: overwriting the source at once does not change what is sent", "[wasm][copy]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  ws.binary_type(BinaryType::arraybuffer);
  Recorder recorder(ws);
  constexpr int count = 8;
  std::vector<std::string> originals;
  ws.onopen([&](const Event&) {
    std::vector<std::uint8_t> source(256 * 1024);
    for (int m = 0; m < count; ++m) {
      for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<std::uint8_t>(i * 31 + m);
      originals.emplace_back(reinterpret_cast<const char*>(source.data()), source.size());
      ws.send(std::span<const std::uint8_t>(source));
      std::fill(source.begin(), source.end(), 0xEE);  // the heap bytes just sent are reused or overwritten
      ws.send(std::string(source.size(), static_cast<char>('a' + m)));
    }
  });
  ws.onmessage([&](const MessageEvent&) {
    if (recorder.messages.size() == 2 * count) ws.close();
  });
  run();
  REQUIRE(recorder.messages.size() == 2 * count);
  for (int m = 0; m < count; ++m) {
    INFO("message " << m);
    CHECK(payload_of(recorder.messages[2 * m]) == originals[m]);
    CHECK(payload_of(recorder.messages[2 * m + 1]) == std::string(256 * 1024, static_cast<char>('a' + m)));
  }
}

TEST_CASE("options a browser cannot honour throw NotSupportedError naming them", "[wasm][options]") {
  const std::string url = "ws://127.0.0.1:9/";
  auto refused = [&](Options options, const std::string& named) {
    try {
      WebSocket ws(url, {}, std::move(options));
      FAIL("no exception for " << named);
    } catch (const Error& e) {
      CHECK(e.name() == "NotSupportedError");
      CHECK(std::string(e.what()).find(named) != std::string::npos);
    }
  };
  Options headers;
  headers.headers = {{"Authorization", "Bearer x"}};
  refused(headers, "headers");
  Options origin;
  origin.origin = "https://app.example";
  refused(origin, "origin");
  Options ca;
  ca.ca_file = "/tmp/ca.pem";
  refused(ca, "ca_file");
  Options cert;
  cert.client_certificate_file = "/tmp/c.pem";
  cert.client_key_file = "/tmp/c.key";
  refused(cert, "client_certificate_file");
  Options no_deflate;
  no_deflate.permessage_deflate = false;
  refused(no_deflate, "permessage_deflate");
  Options no_takeover;
  no_takeover.deflate_no_context_takeover = true;
  refused(no_takeover, "deflate_no_context_takeover");
  Options proxy;
  proxy.proxy = "http://127.0.0.1:3128";
  refused(proxy, "proxy");
  Options connect_timeout;
  connect_timeout.connect_timeout = std::chrono::seconds(1);
  refused(connect_timeout, "connect_timeout");
  Options ping;
  ping.ping_interval = std::chrono::seconds(5);
  refused(ping, "ping_interval");
  Options pong;
  pong.pong_timeout = std::chrono::seconds(5);
  refused(pong, "pong_timeout");
  Options idle;
  idle.idle_timeout = std::chrono::seconds(60);
  refused(idle, "idle_timeout");
  Options ca_pem;
  ca_pem.ca_pem = "-----BEGIN CERTIFICATE-----";
  refused(ca_pem, "ca_pem");
  Options cert_pem;
  cert_pem.client_certificate_pem = "-----BEGIN CERTIFICATE-----";
  cert_pem.client_key_pem = "-----BEGIN PRIVATE KEY-----";
  refused(cert_pem, "client_certificate_pem");
  Options tls13;
  tls13.min_tls_version = Options::TlsVersion::tls1_3;
  refused(tls13, "min_tls_version");
  Options insecure;
  insecure.insecure_skip_certificate_verification = true;
  refused(insecure, "insecure_skip_certificate_verification");
  Options no_resumption;
  no_resumption.tls_session_resumption = false;  // the default, true, is what browsers do
  refused(no_resumption, "tls_session_resumption");
  CHECK(wasm::host_socket_count() == 0);  // nothing reached the host
}

TEST_CASE("capabilities() says what the web backend honours", "[wasm][options]") {
  const Capabilities c = capabilities();
  CHECK_FALSE(c.extra_headers);
  CHECK_FALSE(c.origin);
  CHECK_FALSE(c.client_certificates);
  CHECK_FALSE(c.ca_file);
  CHECK_FALSE(c.permessage_deflate_options);
  CHECK_FALSE(c.proxies);
  CHECK_FALSE(c.ping);
  CHECK_FALSE(c.heartbeat);
  CHECK_FALSE(c.connect_timeout);
  CHECK_FALSE(c.tls_settings);
  CHECK(c.open_timeout);
  CHECK(c.close_timeout);
  CHECK(c.max_message_size);
}

TEST_CASE("a message over max_message_size fails the connection and never arrives", "[wasm][options]") {
  auto peer = start_ws_peer();
  Options options;
  options.max_message_size = 1000;
  WebSocket ws(peer.url("/"), {}, options);
  Recorder recorder(ws);
  ws.onopen([&](const Event&) {
    ws.send(std::string(1000, 'k'));  // at the limit: delivered
    ws.send(std::string(1001, 'x'));  // over it: refused
  });
  run();
  CHECK(recorder.events == std::vector<std::string>{"open", "message", "error", "close"});
  CHECK(recorder.error_message.find("max_message_size") != std::string::npos);
  REQUIRE(recorder.close);
  CHECK(recorder.close->code() == 1006);
  CHECK_FALSE(recorder.close->was_clean());
}

TEST_CASE("10,000 sockets created and destroyed leave no host socket and no heap behind", "[wasm][leak]") {
  auto peer = start_ws_peer();
  const std::string url = peer.url("/");
  auto round = [&](int sockets, bool wait_for_open) {
    std::vector<std::unique_ptr<WebSocket>> batch;
    int opened = 0;
    for (int i = 0; i < sockets; ++i) {
      batch.push_back(std::make_unique<WebSocket>(url));
      batch.back()->onopen([&](const Event&) { ++opened; });
    }
    if (wait_for_open) REQUIRE(wait_until([&] { return opened == sockets; }));
    batch.clear();  // open ones close in the background (1001 with npm ws), connecting ones abort
    CHECK(wasm::host_socket_count() == 0);
    emscripten_sleep(0);
  };
  round(100, true);  // warm up: allocator pools, hash tables, the host's own caches
  const std::size_t heap_before = emscripten_get_heap_size();
  const std::size_t in_use_before = heap_in_use();
  for (int r = 0; r < 100; ++r) round(100, r % 2 == 1);  // half aborted while connecting, half open
  CHECK(wasm::host_socket_count() == 0);
  CHECK(wasm::transport_count() == 0);
  run();  // nothing left to wait for: returns at once
  const std::size_t in_use_after = heap_in_use();
  INFO("heap in use before " << in_use_before << ", after " << in_use_after);
  CHECK(in_use_after <= in_use_before + 64 * 1024);
  CHECK(emscripten_get_heap_size() <= heap_before + 16 * 1024 * 1024);
}

TEST_CASE("an exception thrown by a listener comes out of run()", "[wasm][run]") {
  auto peer = start_ws_peer();
  WebSocket ws(peer.url("/"));
  ws.onopen([&](const Event&) { throw std::runtime_error("from onopen"); });
  CHECK_THROWS_WITH(run(), "from onopen");
  ws.close();
  run();  // the loop carries on: the close completes
  CHECK(ws.ready_state() == ReadyState::CLOSED);
}

TEST_CASE("run() returns only once every socket has closed and its events ran", "[wasm][run]") {
  auto peer = start_ws_peer();
  std::vector<std::string> log;
  WebSocket first(peer.url("/close/4001/one"));
  WebSocket second(peer.url("/"));
  first.onclose([&](const CloseEvent& e) { log.push_back("first " + std::to_string(e.code())); });
  second.onopen([&](const Event&) { second.send("x"); });
  second.onmessage([&](const MessageEvent&) { second.close(4002); });
  second.onclose([&](const CloseEvent& e) { log.push_back("second " + std::to_string(e.code())); });
  run();
  CHECK(log.size() == 2);
  CHECK(first.ready_state() == ReadyState::CLOSED);
  CHECK(second.ready_state() == ReadyState::CLOSED);
}

}  // namespace duplex::test
