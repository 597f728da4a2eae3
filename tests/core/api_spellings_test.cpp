// The C++ spellings of the API that must not be traps: close codes of any
// integer type clamped as the IDL's [Clamp] unsigned short (never another code
// modulo 2^16), invalid binaryType values ignored, text() of a binary message
// a duplex::Error, and one set of send()/close() spellings on WebSocket and
// ReconnectingWebSocket alike.

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "duplex/reconnecting_websocket.hpp"
#include "duplex/websocket.hpp"
#include "fake_backend.hpp"
#include "websocket_test_support.hpp"

using duplex::ArrayBuffer;
using duplex::BinaryType;
using duplex::Blob;
using duplex::MessageEvent;
using duplex::ReconnectingWebSocket;
using duplex::WebSocket;
using duplex::test::FakeBackend;
using duplex::test::open_socket;
using duplex::test::thrown;

namespace {

// Every spelling of send() and close() an application may write: what
// compiles for one socket class compiles for the other.
template <class Socket>
concept SocketSpelling = requires(Socket& ws, const std::string& s, std::string_view v, const char* c,
                                  std::span<const std::uint8_t> u8, std::span<const std::byte> bytes) {
  ws.send(std::string("x"));
  ws.send(s);
  ws.send(v);
  ws.send(c);
  ws.send("literal");
  ws.send(u8);
  ws.send(bytes);
  ws.send(std::vector<std::uint8_t>{1, 2});
  ws.send(ArrayBuffer(std::string("x")));
  ws.send(Blob(std::string("x")));
  ws.close();
  ws.close(1000);
  ws.close(4000, "bye");
  ws.close(std::uint16_t{3000}, v);
  ws.close(std::nullopt);
  ws.binary_type(BinaryType::arraybuffer);
};
static_assert(SocketSpelling<WebSocket>);
static_assert(SocketSpelling<ReconnectingWebSocket>);

// A floating-point close code does not compile: it would be converted silently.
template <class Socket>
concept ClosesWithDouble = requires(Socket& ws) { ws.close(1000.0); };
static_assert(!ClosesWithDouble<WebSocket>);
static_assert(!ClosesWithDouble<ReconnectingWebSocket>);

static_assert(duplex::detail::clamp_to_unsigned_short(66536) == 65535);
static_assert(duplex::detail::clamp_to_unsigned_short(-1) == 0);
static_assert(duplex::detail::clamp_to_unsigned_short(std::uint64_t{1} << 40) == 65535);
static_assert(duplex::detail::clamp_to_unsigned_short(std::uint16_t{1000}) == 1000);

}  // namespace

TEST_CASE("close codes out of range are clamped as [Clamp] unsigned short, then refused", "[websocket][spellings]") {
  FakeBackend backend;
  WebSocket ws = open_socket(backend);
  // 66536 would be 1000 after a plain conversion to 16 bits; clamped it is
  // 65535, not 1000 nor 3000-4999.
  CHECK(thrown([&] { ws.close(66536); }) == "InvalidAccessError");
  CHECK(thrown([&] { ws.close(-1); }) == "InvalidAccessError");
  CHECK(thrown([&] { ws.close(std::int64_t{1} << 32 | 1000); }) == "InvalidAccessError");
  CHECK(ws.ready_state() == duplex::ReadyState::OPEN);  // nothing was sent
  CHECK(backend.log->closes.empty());
  ws.close(4000L, "bye");
  REQUIRE(backend.log->closes.size() == 1);
  CHECK(backend.log->closes[0].first == 4000);
}

TEST_CASE("ReconnectingWebSocket clamps close codes the same way", "[reconnect][spellings]") {
  FakeBackend backend;
  ReconnectingWebSocket ws(backend, "ws://h/");
  CHECK(thrown([&] { ws.close(66536); }) == "InvalidAccessError");
  CHECK(thrown([&] { ws.close(999u); }) == "InvalidAccessError");
}

TEST_CASE("a binaryType value outside the enumeration is ignored", "[websocket][spellings]") {
  FakeBackend backend;
  WebSocket ws(backend, "ws://h/");
  ws.binary_type(BinaryType::arraybuffer);
  ws.binary_type(static_cast<BinaryType>(42));
  CHECK(ws.binary_type() == BinaryType::arraybuffer);
  ReconnectingWebSocket rws(backend, "ws://h/");
  rws.binary_type(static_cast<BinaryType>(42));
  CHECK(rws.binary_type() == BinaryType::blob);
}

TEST_CASE("text() of a binary message throws InvalidStateError; bytes() reads both kinds", "[event][spellings]") {
  const MessageEvent binary(ArrayBuffer(std::string("\x01\x02", 2)));
  CHECK(thrown([&] { (void)binary.text(); }) == "InvalidStateError");
  CHECK(binary.bytes().size() == 2);
  const MessageEvent text(std::string("hi"));
  CHECK(text.text() == "hi");
  CHECK(text.bytes().size() == 2);
}
